import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Preferences > Remote worker: local jobs run on another machine's `ltx-editor worker --listen HOST:PORT`.
// The address and the TLS file are preferences; the token is a secret (same rules as the cloud keys: this
// session, the keychain, or LTX_WORKER_TOKEN). "Test connection" answers ok / refused / unreachable.
GridLayout {
    id: section
    required property Preferences preferences
    property string testState: ""  // "", "testing", "ok", "refused", "unreachable"
    property string testMessage: ""
    columns: 2
    columnSpacing: Theme.spacing * 1.5
    rowSpacing: Theme.spacing

    Connections {
        target: section.preferences
        function onRemoteWorkerTested(state: string, message: string) {
            section.testState = state
            section.testMessage = message
        }
    }

    Label {
        Layout.columnSpan: 2
        Layout.fillWidth: true
        wrapMode: Text.Wrap
        color: Theme.textDim
        font.pixelSize: Theme.fontSmall
        text: qsTr("Run local jobs on a GPU machine that runs “ltx-editor worker --listen HOST:PORT”. "
                   + "Media are sent to it and results come back; nothing needs a shared disk.")
    }
    Label { text: qsTr("Address"); color: Theme.textDim; Layout.alignment: Qt.AlignRight | Qt.AlignVCenter }
    TextField {
        id: addressField
        objectName: "workerAddressField"
        Layout.fillWidth: true
        text: section.preferences.remoteWorker
        placeholderText: qsTr("HOST:PORT (empty = generate on this machine)")
        selectByMouse: true
        onEditingFinished: section.preferences.remoteWorker = text.trim()
    }
    ApiKeyRow {
        Layout.columnSpan: 2
        Layout.fillWidth: true
        preferences: section.preferences
        service: "worker"
        serviceName: qsTr("Token")
        envName: "LTX_WORKER_TOKEN"
    }
    Label { text: qsTr("TLS certificate"); color: Theme.textDim; Layout.alignment: Qt.AlignRight | Qt.AlignVCenter }
    TextField {
        id: caField
        objectName: "workerCaField"
        Layout.fillWidth: true
        text: section.preferences.remoteWorkerCa
        placeholderText: qsTr("CA or certificate file for https:// (empty = the system's)")
        selectByMouse: true
        onEditingFinished: section.preferences.remoteWorkerCa = text.trim()
    }
    Item { Layout.preferredWidth: 1 }
    RowLayout {
        Layout.fillWidth: true
        Button {
            objectName: "testWorkerButton"
            text: qsTr("Test connection")
            enabled: addressField.text.trim() !== "" && section.testState !== "testing"
            onClicked: {
                section.preferences.remoteWorker = addressField.text.trim()  // what is typed, committed or not
                section.preferences.remoteWorkerCa = caField.text.trim()
                section.testState = "testing"
                section.testMessage = qsTr("Connecting…")
                section.preferences.testRemoteWorker()
            }
        }
        Label {
            objectName: "workerTestResult"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: section.testState === "" ? "" : (section.testState === "testing" ? "" : section.testState + " — ")
                  + section.testMessage
            color: section.testState === "ok" ? Theme.ok : (section.testState === "testing" ? Theme.textDim : Theme.warning)
        }
    }
}
