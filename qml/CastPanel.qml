pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import LtxEditor 1.0

// The cast: named characters, objects and places. Writing @name in any prompt (generate panel, shot, span,
// retake, gap fill) puts the entry's description in the prompt and, where the model takes an image, its first
// reference image in as a condition; the clip's recipe records how.
Rectangle {
    id: panel
    required property CastController cast

    color: Theme.panel
    implicitWidth: 480
    implicitHeight: 400

    function addFromFields() {
        if (panel.cast.addEntry(nameField.text, kindBox.currentText, "") !== "")
            nameField.text = ""
    }
    // What the file dialogs call (tests call them too: a native dialog cannot be clicked offscreen).
    function imageChosen(entryId: string, url: string) { panel.cast.addImage(entryId, url) }
    function voiceChosen(entryId: string, url: string) { panel.cast.setVoice(entryId, url) }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            Label { text: qsTr("Cast"); color: Theme.text; font.pixelSize: Theme.fontTitle }
            Label {
                text: qsTr("%n entr(y/ies)", "", castList.count)
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
            }
        }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: nameField
                objectName: "newNameField"
                Layout.fillWidth: true
                placeholderText: qsTr("Name, e.g. Mara")
                onAccepted: panel.addFromFields()
            }
            ComboBox {
                id: kindBox
                objectName: "newKindBox"
                model: ["character", "object", "place"]
            }
            Button {
                objectName: "addEntryButton"
                text: qsTr("Add")
                enabled: nameField.text.trim() !== ""
                onClicked: panel.addFromFields()
            }
        }

        ListView {
            id: castList
            objectName: "castList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: Theme.spacingSmall
            model: panel.cast ? panel.cast.entries : null
            delegate: CastDelegate {
                width: ListView.view.width
                cast: panel.cast
                onChooseImage: entryId => { imageDialog.entryId = entryId; imageDialog.open() }
                onChooseVoice: entryId => { voiceDialog.entryId = entryId; voiceDialog.open() }
            }
            ScrollBar.vertical: ScrollBar {}

            Label {
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.spacing
                visible: castList.count === 0
                text: qsTr("No one yet. Add a character, object or place, give it reference images, and write "
                           + "@name in any prompt.")
                color: Theme.textFaint
                wrapMode: Text.Wrap
                horizontalAlignment: Text.AlignHCenter
            }
        }
        Label {
            objectName: "voiceNote"
            Layout.fillWidth: true
            text: panel.cast ? panel.cast.voiceNote : ""
            color: Theme.textFaint
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.Wrap
        }
    }

    FileDialog {
        id: imageDialog
        property string entryId: ""
        title: qsTr("Reference image")
        nameFilters: [qsTr("Images (*.png *.jpg *.jpeg *.webp)")]
        onAccepted: panel.imageChosen(entryId, selectedFile.toString())
    }
    FileDialog {
        id: voiceDialog
        property string entryId: ""
        title: qsTr("Voice-line sample")
        nameFilters: [qsTr("Sound (*.wav *.mp3 *.flac *.m4a *.ogg)")]
        onAccepted: panel.voiceChosen(entryId, selectedFile.toString())
    }
}
