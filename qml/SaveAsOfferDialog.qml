import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Shown when Save cannot replace the file (it is read-only, or the project was opened read-only):
// says why and offers Save As, so the work is kept in another file.
Dialog {
    id: dialog
    property string message: ""
    property string hint: ""
    signal saveAsChosen()

    function offer(text, why) { message = text; hint = why; open() }

    title: qsTr("Cannot save over this file")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: 480

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        Label {
            objectName: "saveAsOfferMessage"
            Layout.fillWidth: true
            text: dialog.message
            wrapMode: Text.Wrap
            color: Theme.text
        }
        Label {
            Layout.fillWidth: true
            visible: dialog.hint !== ""
            text: dialog.hint
            wrapMode: Text.Wrap
            color: Theme.textDim
        }
    }
    footer: DialogButtonBox {
        Button {
            objectName: "offeredSaveAsButton"
            text: qsTr("Save As…")
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            objectName: "cancelSaveAsButton"
            text: qsTr("Cancel")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        onAccepted: { dialog.close(); dialog.saveAsChosen() }
        onRejected: dialog.close()
    }
}
