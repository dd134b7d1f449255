import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Edit one keyframe: how strongly it pins the frame, and the prompt for what follows it.
Popup {
    id: popup
    objectName: "keyframePopup"
    property string keyframeId
    property real strength: 1.0
    property string prompt: ""
    signal applied(real strength, string prompt)
    signal removed()

    padding: Theme.spacing
    width: 280
    background: Rectangle { color: Theme.raised; border.color: Theme.border; radius: Theme.radius }
    onOpened: { slider.value = strength; promptField.text = prompt }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacingSmall
        Label { text: qsTr("Strength %1").arg(slider.value.toFixed(2)); color: Theme.textDim }
        Slider { id: slider; objectName: "strengthSlider"; Layout.fillWidth: true; from: 0; to: 1; stepSize: 0.05 }
        Label { text: qsTr("Prompt from here on"); color: Theme.textDim }
        TextField { id: promptField; objectName: "promptField"; Layout.fillWidth: true; placeholderText: qsTr("optional") }
        RowLayout {
            Layout.fillWidth: true
            Button { text: qsTr("Remove"); onClicked: { popup.removed(); popup.close() } }
            Item { Layout.fillWidth: true }
            Button { text: qsTr("Cancel"); onClicked: popup.close() }
            Button {
                objectName: "applyKeyframe"
                text: qsTr("Apply"); highlighted: true
                onClicked: { popup.applied(slider.value, promptField.text); popup.close() }
            }
        }
    }
}
