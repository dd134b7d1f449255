import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// A generated clip's recipe: its sidecar JSON (secrets already redacted), readable and copyable.
Dialog {
    id: dialog
    property string text: ""

    function show(title, json) { dialog.title = title; text = json; open() }

    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(720, Overlay.overlay ? Overlay.overlay.width - 80 : 720)
    height: Math.min(620, Overlay.overlay ? Overlay.overlay.height - 80 : 620)
    standardButtons: Dialog.Close

    ScrollView {
        anchors.fill: parent
        TextArea {
            objectName: "recipeText"
            text: dialog.text
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.NoWrap
            font.family: Theme.monoFamily
            font.pixelSize: Theme.fontSmall
            color: Theme.text
            background: Rectangle { color: Theme.window; radius: Theme.radius }
        }
    }
    footer: DialogButtonBox {
        standardButtons: DialogButtonBox.Close
        Button {
            text: qsTr("Copy")
            DialogButtonBox.buttonRole: DialogButtonBox.ActionRole
            onClicked: { copyHelper.text = dialog.text; copyHelper.selectAll(); copyHelper.copy() }
        }
        onRejected: dialog.close()
    }
    TextEdit { id: copyHelper; visible: false }
}
