import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// One service's API key: whether one is in use and where it comes from, a masked field to use a new one,
// and Remove. Without a keychain a typed key works until the editor closes; "Save in a private file" keeps it
// (after the warning below it) in a 0600 file, as gh and the AWS CLI do.
GridLayout {
    id: row
    required property Preferences preferences
    required property string service
    required property string serviceName
    required property string envName
    property bool stored: preferences.hasApiKey(service)
    property string source: preferences.apiKeySource(service)
    property string problem: ""
    columns: 5
    columnSpacing: Theme.spacing

    function refresh() { stored = preferences.hasApiKey(service); source = preferences.apiKeySource(service) }
    function store() {
        row.problem = saveToFile.checked ? row.preferences.saveApiKeyToFile(row.service, keyField.text)
                                         : row.preferences.setApiKey(row.service, keyField.text)
        if (row.problem === "") { keyField.clear(); saveToFile.checked = false }
        row.refresh()
    }
    Connections { target: row.preferences; function onKeysChanged() { row.refresh() } }

    Label { text: row.serviceName; color: Theme.text; Layout.preferredWidth: 80 }
    TextField {
        id: keyField
        objectName: "keyField_" + row.service
        Layout.fillWidth: true
        echoMode: TextInput.Password
        placeholderText: row.stored ? qsTr("a key is set — type to replace it") : qsTr("paste your %1 key (or set %2)").arg(row.serviceName).arg(row.envName)
        onAccepted: storeButton.clicked()
    }
    Button {
        id: storeButton
        objectName: "storeKey_" + row.service
        text: row.preferences.keychainAvailable || saveToFile.checked ? qsTr("Store") : qsTr("Use")
        enabled: keyField.text.length > 0
        onClicked: row.store()
    }
    Button {
        text: qsTr("Remove")
        enabled: row.stored
        onClicked: { row.problem = row.preferences.setApiKey(row.service, ""); row.refresh() }
    }
    Label {
        text: row.problem !== "" ? "⚠" : (row.stored ? "✓" : "")
        color: row.problem !== "" ? Theme.warning : Theme.ok
        ToolTip.visible: row.problem !== "" && hover.hovered
        ToolTip.text: row.problem
        HoverHandler { id: hover }
    }
    Item { Layout.preferredWidth: 80 }
    Label {
        objectName: "keySource_" + row.service
        Layout.columnSpan: 4
        Layout.fillWidth: true
        visible: text !== ""
        text: row.stored ? qsTr("Key in use: %1").arg(row.source) : ""
        color: Theme.textDim
        font.pixelSize: Theme.fontSmall
    }
    Item { Layout.preferredWidth: 80; visible: saveToFile.visible }
    ColumnLayout {
        Layout.columnSpan: 4
        Layout.fillWidth: true
        visible: !row.preferences.keychainAvailable
        CheckBox {
            id: saveToFile
            objectName: "saveKeyToFile_" + row.service
            text: qsTr("Save in a private file, so it is remembered next time")
        }
        Label {
            objectName: "keyFileWarning_" + row.service
            visible: saveToFile.checked
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: row.preferences.keyFileWarning
            color: Theme.warning
            font.pixelSize: Theme.fontSmall
        }
    }
}
