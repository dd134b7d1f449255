import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// "N takes": how many, and seeds (base, base + 1, ...) or a sweep over one setting with one value per take.
// Shared by the shot/span takes dialog and the retake popup; `edited` asks the owner to show the new total cost.
ColumnLayout {
    id: fields
    property string namePrefix: "takes"  // objectNames: <prefix>Count, <prefix>Setting, <prefix>Values
    property int minimum: 2
    property int initial: 4
    readonly property int count: countBox.value
    readonly property string setting: settingBox.currentValue === undefined ? "seed" : settingBox.currentValue
    // The sweep's values as the controllers take them ("" for seeds).
    readonly property string values: setting === "seed" ? "" : valuesField.text
    signal edited()

    function reset() {
        countBox.value = initial
        settingBox.currentIndex = 0
        valuesField.text = ""
    }

    spacing: Theme.spacingSmall

    RowLayout {
        Label { text: qsTr("Takes"); color: Theme.textDim }
        SpinBox {
            id: countBox
            objectName: fields.namePrefix + "Count"
            from: fields.minimum; to: 16; value: fields.initial
            onValueModified: fields.edited()
        }
    }
    RowLayout {
        Label { text: qsTr("Vary"); color: Theme.textDim }
        ComboBox {
            id: settingBox
            objectName: fields.namePrefix + "Setting"
            Layout.fillWidth: true
            textRole: "text"
            valueRole: "value"
            model: [{ text: qsTr("Seed (base, base + 1, …)"), value: "seed" },
                    { text: qsTr("Guidance"), value: "guidance_scale" },
                    { text: qsTr("Steps"), value: "steps" }]
            onActivated: fields.edited()
        }
    }
    TextField {
        id: valuesField
        objectName: fields.namePrefix + "Values"
        Layout.fillWidth: true
        visible: fields.setting !== "seed"
        placeholderText: qsTr("One value per take, e.g. 2, 3.5, 5, 7")
        onTextEdited: fields.edited()
    }
}
