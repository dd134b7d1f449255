import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import LtxEditor 1.0

// The image-to-video source: a preview of the chosen image and a button to choose another.
RowLayout {
    id: source
    required property GenerateController generate
    spacing: Theme.spacing

    Rectangle {
        Layout.preferredWidth: 96
        Layout.preferredHeight: 54
        radius: Theme.radius
        color: Theme.window
        border.color: Theme.border
        Image {
            objectName: "sourceImagePreview"
            anchors.fill: parent
            anchors.margins: 1
            source: source.generate.sourceImageUrl
            fillMode: Image.PreserveAspectFit
            asynchronous: true
        }
        Label {
            anchors.centerIn: parent
            visible: source.generate.sourceImage === ""
            text: qsTr("no image")
            color: Theme.textFaint
            font.pixelSize: Theme.fontSmall
        }
    }
    ColumnLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: source.generate.sourceImage !== "" ? source.generate.sourceImage.split("/").pop() : qsTr("Source image")
            elide: Text.ElideMiddle
            color: Theme.text
        }
        Button {
            text: qsTr("Choose image…")
            onClicked: imageDialog.open()
        }
    }
    FileDialog {
        id: imageDialog
        title: qsTr("Source image")
        nameFilters: [qsTr("Images (*.png *.jpg *.jpeg *.webp)")]
        onAccepted: source.generate.chooseSourceImage(selectedFile.toString())
    }
}
