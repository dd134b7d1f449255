import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import LtxEditor 1.0

// The image-to-video source: a preview of the chosen image and a button to choose another.
RowLayout {
    id: sourceImage
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
            source: sourceImage.generate.sourceImageUrl
            fillMode: Image.PreserveAspectFit
            asynchronous: true
        }
        Label {
            anchors.centerIn: parent
            visible: sourceImage.generate.sourceImage === ""
            text: qsTr("no image")
            color: Theme.textFaint
            font.pixelSize: Theme.fontSmall
        }
    }
    ColumnLayout {
        Layout.fillWidth: true
        Label {
            Layout.fillWidth: true
            text: sourceImage.generate.sourceImage !== "" ? sourceImage.generate.sourceImage.split("/").pop() : qsTr("Source image")
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
        onAccepted: sourceImage.generate.chooseSourceImage(selectedFile.toString())
    }
}
