import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// One service's API key: whether one is stored, a masked field to store a new one, and Remove.
RowLayout {
    id: row
    required property Preferences preferences
    required property string service
    required property string serviceName
    required property string envName
    property bool stored: preferences.hasApiKey(service)
    property string problem: ""
    spacing: Theme.spacing

    function refresh() { stored = preferences.hasApiKey(service) }
    Connections { target: row.preferences; function onKeysChanged() { row.refresh() } }

    Label { text: row.serviceName; color: Theme.text; Layout.preferredWidth: 80 }
    TextField {
        id: keyField
        Layout.fillWidth: true
        echoMode: TextInput.Password
        placeholderText: row.stored ? qsTr("a key is set — type to replace it") : qsTr("paste your %1 key (or set %2)").arg(row.serviceName).arg(row.envName)
        onAccepted: storeButton.clicked()
    }
    Button {
        id: storeButton
        text: qsTr("Store")
        enabled: keyField.text.length > 0
        onClicked: { row.problem = row.preferences.setApiKey(row.service, keyField.text); if (row.problem === "") keyField.clear(); row.refresh() }
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
}
