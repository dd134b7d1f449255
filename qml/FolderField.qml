import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import LtxEditor 1.0

// A folder path: type it, or Browse…; `edited(path)` fires when it is committed.
RowLayout {
    id: field
    property string path: ""
    property string placeholder: ""
    signal edited(string path)
    spacing: Theme.spacingSmall

    TextField {
        id: input
        Layout.fillWidth: true
        text: field.path
        placeholderText: field.placeholder
        selectByMouse: true
        onEditingFinished: if (text !== field.path) field.edited(text)
    }
    Button {
        text: qsTr("Browse…")
        onClicked: folderDialog.open()
    }
    FolderDialog {
        id: folderDialog
        onAccepted: {
            const url = selectedFolder.toString()
            field.edited(decodeURIComponent(url.replace(/^file:\/\//, "")))
        }
    }
}
