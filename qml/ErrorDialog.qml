import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Shows errors in words (message + what to do about it). Errors that arrive while one is showing queue up.
Dialog {
    id: dialog
    property string message: ""
    property string hint: ""
    property var waiting: []
    property int shownCount: 0   // how many errors this dialog has shown (tests read it)

    function show(msg, why) {
        if (visible) {
            waiting = waiting.concat([[msg, why]])
            return
        }
        message = msg
        hint = why || ""
        shownCount += 1
        open()
    }

    title: qsTr("Something went wrong")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(560, Overlay.overlay ? Overlay.overlay.width - 80 : 560)
    standardButtons: Dialog.Ok
    onClosed: {
        if (waiting.length > 0) {
            const next = waiting[0]
            waiting = waiting.slice(1)
            Qt.callLater(show, next[0], next[1])
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacing
        RowLayout {
            spacing: Theme.spacing * 1.5
            Rectangle {
                Layout.alignment: Qt.AlignTop
                width: 28; height: 28; radius: 14
                color: Theme.error
                Label { anchors.centerIn: parent; text: "!"; font.bold: true; font.pixelSize: 16; color: "white" }
            }
            Label {
                objectName: "errorMessage"
                Layout.fillWidth: true
                text: dialog.message
                wrapMode: Text.Wrap
                font.pixelSize: Theme.fontLarge
                color: Theme.text
            }
        }
        Label {
            objectName: "errorHint"
            Layout.fillWidth: true
            Layout.leftMargin: 28 + Theme.spacing * 1.5
            visible: dialog.hint !== ""
            text: dialog.hint
            wrapMode: Text.Wrap
            color: Theme.textDim
            textFormat: Text.PlainText
        }
    }
}
