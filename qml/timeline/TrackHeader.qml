import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// A track's header: kind, name (double-click to rename), lock / mute / hide switches, context menu.
Rectangle {
    id: header
    required property Timeline view
    required property int index
    required property string trackId
    required property string kind
    required property string name
    required property bool locked
    required property bool muted
    required property bool hidden
    required property int clipCount

    readonly property bool current: view.controller !== null && view.controller.selectedTrackId === trackId
    objectName: "trackHeader_" + trackId
    color: current ? Theme.raised : Theme.trackHeader  // the selected track: where Paste goes
    border.color: current ? Theme.accent : Theme.divider

    component Switch: ToolButton {
        id: sw
        property string tip
        width: 24; height: 20
        checkable: true
        focusPolicy: Qt.NoFocus
        font.pixelSize: Theme.fontSmall
        font.bold: true
        contentItem: Text {
            text: sw.text
            font: sw.font
            color: sw.checked ? Theme.window : Theme.textDim
            horizontalAlignment: Text.AlignHCenter
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            radius: 3
            color: sw.checked ? Theme.warning : sw.hovered ? Theme.hover : Theme.raised
        }
        ToolTip.visible: hovered
        ToolTip.text: tip
        ToolTip.delay: 500
    }

    Rectangle {  // kind stripe
        width: 3; height: parent.height
        color: header.kind === "video" ? Theme.videoClip : Theme.audioClip
    }

    Text {
        id: label
        x: 10; y: 6
        width: parent.width - 16
        text: header.name
        visible: !editor.visible
        color: header.hidden ? Theme.textFaint : Theme.text
        font.pixelSize: Theme.fontNormal
        font.bold: true
        elide: Text.ElideRight
    }
    TextField {
        id: editor
        objectName: "trackNameEditor"
        x: 6; y: 2
        width: parent.width - 12; height: 24
        visible: false
        font.pixelSize: Theme.fontNormal
        onAccepted: { header.view.controller.renameTrack(header.trackId, text); visible = false }
        onActiveFocusChanged: if (!activeFocus) visible = false
        Keys.onEscapePressed: visible = false
    }
    function startRename() {
        editor.text = header.name
        editor.visible = true
        editor.forceActiveFocus()
        editor.selectAll()
    }

    MouseArea {
        anchors.fill: parent
        acceptedButtons: Qt.LeftButton | Qt.RightButton
        onDoubleClicked: header.startRename()
        onClicked: (mouse) => {
            header.view.controller.selectTrack(header.trackId)
            if (mouse.button === Qt.RightButton) menu.popup()
        }
    }

    Row {
        x: 8
        anchors.bottom: parent.bottom
        anchors.bottomMargin: 4
        spacing: 2
        Switch {
            objectName: "lock_" + header.trackId
            text: "L"; tip: header.locked ? qsTr("Unlock the track") : qsTr("Lock the track")
            checked: header.locked
            onToggled: header.view.controller.setTrackFlag(header.trackId, "locked", checked)
        }
        Switch {
            objectName: "mute_" + header.trackId
            text: "M"; tip: header.muted ? qsTr("Unmute") : qsTr("Mute")
            checked: header.muted
            onToggled: header.view.controller.setTrackFlag(header.trackId, "muted", checked)
        }
        Switch {
            objectName: "hide_" + header.trackId
            visible: header.kind === "video"
            text: "H"; tip: header.hidden ? qsTr("Show the track") : qsTr("Hide the track")
            checked: header.hidden
            onToggled: header.view.controller.setTrackFlag(header.trackId, "hidden", checked)
        }
    }
    Text {
        anchors { right: parent.right; bottom: parent.bottom; margins: 6 }
        text: header.clipCount
        color: Theme.textFaint
        font.pixelSize: Theme.fontSmall
    }

    Menu {
        id: menu
        MenuItem { text: qsTr("Rename…"); onTriggered: header.startRename() }
        MenuItem { text: header.locked ? qsTr("Unlock") : qsTr("Lock"); onTriggered: header.view.controller.setTrackFlag(header.trackId, "locked", !header.locked) }
        MenuSeparator {}
        MenuItem { text: qsTr("Add video track"); onTriggered: header.view.controller.addTrack("video") }
        MenuItem { text: qsTr("Add audio track"); onTriggered: header.view.controller.addTrack("audio") }
        MenuSeparator {}
        MenuItem { text: qsTr("Remove track"); onTriggered: header.view.controller.removeTrack(header.trackId) }
    }
}
