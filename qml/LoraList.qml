pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// LoRAs found in the LoRA folder (Preferences), each with an on/off switch and a scale slider.
ColumnLayout {
    id: list
    required property LoraModel loras
    spacing: Theme.spacingSmall

    FormLabel { text: qsTr("LoRAs") }
    Label {
        Layout.fillWidth: true
        visible: list.loras.count === 0
        text: list.loras.folder === "" ? qsTr("Set a LoRA folder in Preferences to use LoRAs.")
                                       : qsTr("No .safetensors files in %1").arg(list.loras.folder)
        wrapMode: Text.Wrap
        color: Theme.textFaint
        font.pixelSize: Theme.fontSmall
    }
    Repeater {
        model: list.loras
        delegate: RowLayout {
            id: loraRow
            // model roles through `model.` (a role named "enabled" would shadow Item.enabled)
            required property var model
            required property int index
            Layout.fillWidth: true
            CheckBox {
                objectName: "loraSwitch"
                checked: loraRow.model.enabled
                onToggled: list.loras.setEnabled(loraRow.index, checked)
            }
            Label {
                Layout.preferredWidth: 110
                text: loraRow.model.name
                elide: Text.ElideRight
                color: loraRow.model.enabled ? Theme.text : Theme.textDim
            }
            Slider {
                Layout.fillWidth: true
                from: 0; to: 2; stepSize: 0.05
                value: loraRow.model.scale
                enabled: loraRow.model.enabled
                onMoved: list.loras.setScale(loraRow.index, value)
            }
            Label {
                text: loraRow.model.scale.toFixed(2)
                color: Theme.textDim
                font.family: Theme.monoFamily
                font.pixelSize: Theme.fontSmall
            }
        }
    }
}
