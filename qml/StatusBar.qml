import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// The strip under the window: the last notice, where the project lives, this machine's GPU, jobs at work.
Rectangle {
    id: bar
    required property AppController app
    property string notice: ""

    implicitHeight: 24
    color: Theme.ruler

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing
        anchors.rightMargin: Theme.spacing
        spacing: Theme.spacing * 2

        Label {
            objectName: "noticeLabel"
            text: bar.notice !== "" ? bar.notice
                  : (bar.app.document.path !== "" ? bar.app.document.path : "Not saved yet")
            color: bar.notice !== "" ? Theme.ok : Theme.textFaint
            font.pixelSize: Theme.fontSmall
            elide: Text.ElideMiddle
            Layout.fillWidth: true
        }
        Label {
            text: bar.app.document.fps.toFixed(bar.app.document.fps % 1 === 0 ? 0 : 2) + " fps · "
                  + (bar.app.document.durationFrames / Math.max(1, bar.app.document.fps)).toFixed(1) + " s"
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
        }
        Label {  // this machine at a glance (the model manager has the details); a click probes it again
            objectName: "hardwareLabel"
            text: bar.app.modelManager.hardwareSummary
            color: bar.app.modelManager.hasGpu ? Theme.textDim : Theme.textFaint
            font.pixelSize: Theme.fontSmall
            elide: Text.ElideRight
            Layout.maximumWidth: 360
            ToolTip.visible: hardwareHover.hovered
            ToolTip.text: qsTr("Click to check this machine again (GPU, VRAM, free disk)")
            HoverHandler { id: hardwareHover; cursorShape: Qt.PointingHandCursor }
            TapHandler { onTapped: bar.app.modelManager.refreshHardware() }
        }
        Label {
            text: bar.app.jobs.count === 0 ? "No jobs" : bar.app.jobs.count + (bar.app.jobs.count === 1 ? " job" : " jobs")
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
        }
    }
}
