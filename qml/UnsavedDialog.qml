import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// "Save changes to X?" before New, Open or Quit throws the open project away.
Dialog {
    id: dialog
    property string documentName: ""
    signal saveChosen()
    signal discardChosen()
    signal cancelChosen()

    title: qsTr("Unsaved changes")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: 460
    standardButtons: Dialog.Save | Dialog.Discard | Dialog.Cancel

    onAccepted: saveChosen()
    onDiscarded: { close(); discardChosen() }
    onRejected: cancelChosen()

    Label {
        width: parent.width
        text: qsTr("Save the changes to “%1” before closing it?\nUnsaved changes are lost if you don't.").arg(dialog.documentName)
        wrapMode: Text.Wrap
        color: Theme.text
    }
}
