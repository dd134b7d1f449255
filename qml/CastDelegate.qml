pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// One cast entry: its @name, kind, description, reference images and voice sample. Every change goes
// through `cast` (one undo step each); nothing is edited here.
Rectangle {
    id: entry
    required property int index
    required property string entryId
    required property string name
    required property string kind
    required property string description
    required property var images
    required property int imageCount
    required property string voice
    required property CastController cast

    signal chooseImage(string entryId)
    signal chooseVoice(string entryId)

    objectName: "cast_" + name
    implicitHeight: body.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius + 2
    color: Theme.panelAlt
    border.color: Theme.divider

    ColumnLayout {
        id: body
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacingSmall

        RowLayout {
            Layout.fillWidth: true
            Label { text: "@"; color: Theme.accent; font.pixelSize: Theme.fontLarge }
            TextField {
                objectName: "nameField"
                Layout.fillWidth: true
                text: entry.name
                onEditingFinished: if (text !== entry.name && !entry.cast.renameEntry(entry.entryId, text)) text = entry.name
            }
            ComboBox {
                objectName: "kindBox"
                model: ["character", "object", "place"]
                currentIndex: Math.max(0, model.indexOf(entry.kind))
                onActivated: entry.cast.setKind(entry.entryId, currentText)
            }
            Button {
                objectName: "removeEntryButton"
                text: qsTr("Remove")
                onClicked: entry.cast.removeEntry(entry.entryId)
            }
        }
        TextField {
            objectName: "descriptionField"
            Layout.fillWidth: true
            text: entry.description
            placeholderText: qsTr("What @%1 looks like: this replaces @%1 in prompts").arg(entry.name)
            onEditingFinished: if (text !== entry.description) entry.cast.setDescription(entry.entryId, text)
        }
        Flow {
            Layout.fillWidth: true
            spacing: Theme.spacingSmall
            Repeater {
                model: entry.images
                delegate: Rectangle {
                    id: thumb
                    required property int index
                    required property string modelData
                    objectName: "castImage_" + index
                    width: 56; height: 56
                    color: Theme.raised
                    border.color: Theme.border
                    Image {
                        objectName: "castPicture"
                        anchors.fill: parent
                        anchors.margins: 1
                        source: thumb.modelData
                        fillMode: Image.PreserveAspectCrop
                        asynchronous: true
                        sourceSize.width: 112
                    }
                    Label {
                        visible: thumb.modelData === ""
                        anchors.centerIn: parent
                        text: qsTr("missing")
                        color: Theme.error
                        font.pixelSize: Theme.fontSmall
                    }
                    ToolButton {
                        objectName: "removeImageButton"
                        anchors.top: parent.top
                        anchors.right: parent.right
                        width: 18; height: 18
                        text: "×"
                        onClicked: entry.cast.removeImage(entry.entryId, thumb.index)
                    }
                }
            }
            Button {
                objectName: "addImageButton"
                text: qsTr("Add image…")
                onClicked: entry.chooseImage(entry.entryId)
            }
            Button {
                objectName: "voiceButton"
                text: entry.voice === "" ? qsTr("Voice sample…") : qsTr("Voice: %1").arg(entry.voice)
                onClicked: entry.chooseVoice(entry.entryId)
                ToolTip.visible: hovered
                ToolTip.text: entry.cast ? entry.cast.voiceNote : ""
            }
            ToolButton {
                objectName: "clearVoiceButton"
                visible: entry.voice !== ""
                text: "×"
                onClicked: entry.cast.setVoice(entry.entryId, "")
            }
        }
    }
}
