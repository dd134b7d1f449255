import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Track, edit, zoom and generation buttons above the timeline, and the last refused edit's message.
Rectangle {
    id: bar
    required property Timeline view
    readonly property TimelineController ctl: view.controller
    readonly property bool live: !!ctl  // false while the window is being torn down

    implicitHeight: Theme.toolbarHeight
    color: Theme.panelAlt

    component BarButton: ToolButton {
        id: button
        property string tip: ""
        implicitHeight: Theme.controlHeight
        leftPadding: 8; rightPadding: 8
        font.pixelSize: Theme.fontNormal
        focusPolicy: Qt.NoFocus
        opacity: enabled ? 1 : 0.4
        contentItem: Text {
            text: button.text
            font: button.font
            color: button.checked ? Theme.textOnAccent : Theme.text
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            radius: Theme.radius
            color: button.checked ? Theme.selection : button.down ? Theme.accentPressed
                   : button.hovered ? Theme.hover : "transparent"
        }
        ToolTip.visible: hovered && tip !== ""
        ToolTip.text: tip
        ToolTip.delay: 500
    }

    component Separator: Rectangle {
        Layout.preferredWidth: 1
        Layout.preferredHeight: Theme.controlHeight - 8
        Layout.leftMargin: 4; Layout.rightMargin: 4
        color: Theme.border
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.spacing
        anchors.rightMargin: Theme.spacing
        spacing: 2

        BarButton { objectName: "addVideoTrack"; text: qsTr("+ Video"); tip: qsTr("Add a video track"); onClicked: bar.ctl.addTrack("video") }
        BarButton { objectName: "addAudioTrack"; text: qsTr("+ Audio"); tip: qsTr("Add an audio track"); onClicked: bar.ctl.addTrack("audio") }
        Separator {}
        BarButton { text: qsTr("Split"); tip: qsTr("Split at the playhead (S)"); onClicked: bar.ctl.splitAtPlayhead() }
        BarButton {
            text: qsTr("Delete"); tip: qsTr("Delete the selection (Del); Shift+Del closes the gap")
            enabled: bar.live && bar.ctl.selectedClipIds.length > 0 || bar.view.selectedKeyframeId !== ""
            onClicked: bar.view.deleteSelection(false)
        }
        BarButton { text: qsTr("Marker"); tip: qsTr("Add a marker at the playhead (M)"); onClicked: bar.ctl.addMarkerAtPlayhead() }
        BarButton {
            objectName: "snapButton"
            text: qsTr("Snap"); tip: qsTr("Snap to clip edges, keyframes, markers and the playhead")
            checkable: true; checked: bar.live && bar.ctl.snapping
            onToggled: bar.ctl.snapping = checked
        }
        Separator {}
        BarButton { objectName: "zoomOut"; text: "\u2212"; tip: qsTr("Zoom out (-, Ctrl+wheel)"); onClicked: bar.view.zoomBy(0.8, bar.view.lanesWidth / 2) }
        BarButton { objectName: "zoomIn"; text: "+"; tip: qsTr("Zoom in (+, Ctrl+wheel)"); onClicked: bar.view.zoomBy(1.25, bar.view.lanesWidth / 2) }
        BarButton { objectName: "zoomFit"; text: qsTr("Fit"); tip: qsTr("Zoom to fit (Shift+Z)"); onClicked: bar.view.zoomToFit() }
        Separator { visible: bar.view.spans !== null }
        BarButton {
            objectName: "generateSpan"
            visible: bar.view.spans !== null
            enabled: bar.live && bar.ctl.canGenerateSpan
            text: qsTr("Generate span")
            tip: !bar.live ? "" : bar.ctl.hasRange
                 ? qsTr("Animate the %1 keyframes in %2 – %3").arg(bar.ctl.keyframesInRange)
                       .arg(bar.ctl.timecode(bar.ctl.rangeStart)).arg(bar.ctl.timecode(bar.ctl.rangeEnd))
                 : qsTr("Shift-drag on the keyframe lane or ruler (or I / O) to choose a span with 2+ keyframes")
            onClicked: bar.view.generateSpan()
        }
        BarButton {
            objectName: "spanTakes"
            visible: bar.view.spans !== null && bar.view.takes !== null
            enabled: bar.live && bar.ctl.canGenerateSpan
            text: qsTr("N takes…")
            tip: qsTr("Several takes of the span (seeds or a sweep), the total cost first; compare them and pick one")
            onClicked: bar.view.openSpanTakes()
        }

        Text {
            id: message
            objectName: "timelineMessage"
            Layout.fillWidth: true
            Layout.leftMargin: Theme.spacing
            horizontalAlignment: Text.AlignRight
            elide: Text.ElideLeft
            text: bar.live ? bar.ctl.message : ""
            color: Theme.warning
            font.pixelSize: Theme.fontNormal
        }
        Timer {
            interval: 6000
            running: bar.live && bar.ctl.message !== ""
            onTriggered: bar.ctl.clearMessage()
        }
    }
}
