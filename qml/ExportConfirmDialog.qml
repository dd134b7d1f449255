import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// The export is past a sanity limit (e.g. a still held for days): the controller asks before starting.
// Accept starts it anyway; Escape or "Don't export" leaves everything as it was.
Dialog {
    id: dialog
    required property ExportController exporter
    property string question: ""
    property string target: ""

    signal exportStarted()

    title: qsTr("Export this much?")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(560, Overlay.overlay ? Overlay.overlay.width - 80 : 560)
    closePolicy: Popup.CloseOnEscape

    Connections {
        target: dialog.exporter
        function onConfirmationNeeded(question, target) {
            dialog.question = question
            dialog.target = target
            dialog.open()
        }
    }
    onAccepted: if (exporter.startConfirmed(target)) exportStarted()

    footer: DialogButtonBox {
        Button {
            objectName: "exportAnywayButton"
            text: qsTr("Export anyway")
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            objectName: "dontExportButton"
            text: qsTr("Don't export")
            highlighted: true
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    Label {
        objectName: "exportQuestion"
        anchors.fill: parent
        text: dialog.question
        wrapMode: Text.Wrap
        textFormat: Text.PlainText
        color: Theme.text
    }
}
