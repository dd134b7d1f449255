import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Export progress with Cancel; closes itself when the export ends (the result comes as a notice/error).
Dialog {
    id: dialog
    required property ExportController exporter

    title: qsTr("Exporting")
    modal: true
    closePolicy: Popup.NoAutoClose
    anchors.centerIn: Overlay.overlay
    width: 480

    Connections {
        target: dialog.exporter
        function onFinished(path) { dialog.close() }
        function onFailed(message, hint) { dialog.close() }
        function onCancelled() { dialog.close() }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        Label {
            Layout.fillWidth: true
            text: dialog.exporter.target.split("/").pop()
            elide: Text.ElideMiddle
            color: Theme.text
        }
        ProgressBar {
            objectName: "exportProgress"
            Layout.fillWidth: true
            from: 0; to: 1
            value: dialog.exporter.progress
        }
        Label {
            text: Math.round(dialog.exporter.progress * 100) + " %"
            color: Theme.textDim
        }
    }
    footer: DialogButtonBox {
        Button {
            objectName: "cancelExportButton"
            text: qsTr("Cancel export")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        onRejected: dialog.exporter.cancel()
    }
}
