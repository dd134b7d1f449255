import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// A local job could not run here (no GPU, out of memory after every fallback): offer the same job in the
// cloud. `offerText` leads with the cost, so the person reads the price before agreeing. Offers that
// arrive while one is showing queue up.
Dialog {
    id: dialog
    property string jobId: ""
    property string offerText: ""
    property var waiting: []
    property int shownCount: 0   // how many offers this dialog has shown (tests read it)

    signal runInCloud(string jobId)
    signal keepLocal(string jobId)

    function offer(id, text) {
        if (visible) {
            waiting = waiting.concat([[id, text]])
            return
        }
        jobId = id
        offerText = text
        shownCount += 1
        open()
    }

    title: qsTr("Run it in the cloud?")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(560, Overlay.overlay ? Overlay.overlay.width - 80 : 560)
    closePolicy: Popup.CloseOnEscape   // Escape answers "Keep local" (rejected)

    onAccepted: runInCloud(jobId)
    onRejected: keepLocal(jobId)
    onClosed: {
        if (waiting.length > 0) {
            const next = waiting[0]
            waiting = waiting.slice(1)
            Qt.callLater(offer, next[0], next[1])
        }
    }

    footer: DialogButtonBox {
        Button {
            objectName: "runInCloudButton"
            text: qsTr("Run in the cloud")
            highlighted: true
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button {
            objectName: "keepLocalButton"
            text: qsTr("Keep local")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: Theme.spacing * 1.5
        Rectangle {
            Layout.alignment: Qt.AlignTop
            width: 28; height: 28; radius: 14
            color: Theme.accent
            Label { anchors.centerIn: parent; text: "☁"; font.pixelSize: 15; color: Theme.textOnAccent }
        }
        Label {
            objectName: "fallbackText"
            Layout.fillWidth: true
            text: dialog.offerText
            wrapMode: Text.Wrap
            textFormat: Text.PlainText
            font.pixelSize: Theme.fontLarge
            color: Theme.text
        }
    }
}
