pragma ComponentBehavior: Bound
import QtQuick
import LtxEditor 1.0

// Timecode ruler. Click or drag moves the playhead; Shift-drag selects the span to generate.
Rectangle {
    id: ruler
    objectName: "ruler"
    required property Timeline view
    color: Theme.ruler

    // A major tick at least 80 px apart: frames first, then whole seconds and minutes.
    readonly property int step: {
        const f = Math.max(1, Math.round(view.fps))
        const steps = [1, 2, 5, 10, f, 2 * f, 5 * f, 10 * f, 15 * f, 30 * f, 60 * f, 120 * f, 300 * f, 600 * f,
                       1800 * f, 3600 * f]
        for (let i = 0; i < steps.length; ++i)
            if (steps[i] * view.ppf >= 80)
                return steps[i]
        return steps[steps.length - 1]
    }
    readonly property int firstTick: Math.floor(view.scrollX / view.ppf / step)

    Repeater {
        model: Math.ceil(ruler.width / (ruler.step * ruler.view.ppf)) + 2
        delegate: Item {
            id: major
            required property int index
            readonly property int frame: (ruler.firstTick + index) * ruler.step
            x: ruler.view.xOfFrame(frame)
            width: ruler.step * ruler.view.ppf
            height: ruler.height
            Rectangle { width: 1; height: parent.height; color: Theme.border }
            Repeater {  // minor ticks
                model: 4
                Rectangle {
                    required property int index
                    x: (index + 1) * major.width / 5
                    y: major.height - 6
                    width: 1; height: 6
                    color: Theme.divider
                }
            }
            Text {
                x: 4; y: 3
                text: ruler.view.controller ? ruler.view.controller.timecode(major.frame) : ""
                color: Theme.textDim
                font.family: Theme.monoFamily
                font.pixelSize: 10
            }
        }
    }

    RangeShade { view: ruler.view; height: parent.height }

    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width; height: 1
        color: Theme.border
    }

    MouseArea {
        anchors.fill: parent
        property int rangeFrom: -1
        onPressed: (mouse) => {
            ruler.view.forceActiveFocus()
            const f = ruler.view.frameAtX(mouse.x)
            if (mouse.modifiers & Qt.ShiftModifier) {
                rangeFrom = f
                ruler.view.controller.setRange(f, f)
            } else {
                rangeFrom = -1
                ruler.view.setPlayhead(f)
            }
        }
        onPositionChanged: (mouse) => {
            const f = ruler.view.frameAtX(Math.max(0, Math.min(width, mouse.x)))
            if (rangeFrom >= 0)
                ruler.view.controller.setRange(rangeFrom, f)
            else
                ruler.view.setPlayhead(f)
        }
    }
}
