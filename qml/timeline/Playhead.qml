import QtQuick
import LtxEditor 1.0

// The playhead: a line through every lane with a handle on the ruler (the ruler takes the mouse).
Item {
    id: head
    objectName: "playhead"
    required property Timeline view
    readonly property real lineX: view.xOfFrame(view.playheadFrame)
    x: lineX - width / 2
    width: 11
    visible: lineX >= -width && lineX <= view.lanesWidth + width

    Rectangle {
        x: Math.floor(head.width / 2)
        width: 1
        height: parent.height
        color: Theme.playhead
    }
    Canvas {  // the handle: a downward triangle at the top
        width: head.width; height: 9
        onPaint: {
            const ctx = getContext("2d")
            ctx.fillStyle = Theme.playhead
            ctx.beginPath()
            ctx.moveTo(0, 0); ctx.lineTo(width, 0); ctx.lineTo(width / 2, height)
            ctx.closePath()
            ctx.fill()
        }
    }
}
