import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Offered when a project's autosave is newer than its file (the editor stopped before a save).
Dialog {
    id: dialog
    property string path: ""
    signal chosen(string path, bool recover)

    function offer(projectPath) { path = projectPath; open() }

    title: qsTr("Recover unsaved work?")
    modal: true
    closePolicy: Popup.NoAutoClose
    anchors.centerIn: Overlay.overlay
    width: 520

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        Label {
            Layout.fillWidth: true
            text: qsTr("“%1” has an autosave that is newer than the file. The editor may have stopped before "
                       + "you saved.").arg(dialog.path.split("/").pop())
            wrapMode: Text.Wrap
            color: Theme.text
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("Recover opens the autosaved version (save it to keep it). Open saved file discards the autosave.")
            wrapMode: Text.Wrap
            color: Theme.textDim
        }
    }
    footer: DialogButtonBox {
        Button {
            objectName: "recoverButton"
            text: qsTr("Recover")
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            objectName: "openSavedButton"
            text: qsTr("Open saved file")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        onAccepted: { dialog.close(); dialog.chosen(dialog.path, true) }
        onRejected: { dialog.close(); dialog.chosen(dialog.path, false) }
    }
}
