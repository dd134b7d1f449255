import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Extend a clip by generating more frames before and/or after it, conditioned on its edge frames.
Popup {
    id: popup
    objectName: "extendPopup"
    property SpanController spans: null
    property string clipId

    modal: true
    padding: Theme.spacing * 1.5
    width: 320
    background: Rectangle { color: Theme.raised; border.color: Theme.border; radius: Theme.radius }

    function submit() {
        if (spans)
            spans.extendClip(clipId, direction.currentValue, seconds.value, conditioning.value,
                               strength.value, placement.currentValue)
        close()
    }

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: Theme.spacing
        rowSpacing: Theme.spacingSmall

        Label { Layout.columnSpan: 2; text: qsTr("Extend clip"); color: Theme.text; font.bold: true; font.pixelSize: Theme.fontLarge }

        Label { text: qsTr("Direction"); color: Theme.textDim }
        ComboBox {
            id: direction
            objectName: "extendDirection"
            Layout.fillWidth: true
            textRole: "text"; valueRole: "value"
            model: [{ text: qsTr("Forward"), value: "forward" }, { text: qsTr("Backward"), value: "backward" },
                    { text: qsTr("Both ends"), value: "both" }]
        }
        Label { text: qsTr("Seconds"); color: Theme.textDim }
        SpinBox { id: seconds; objectName: "extendSeconds"; Layout.fillWidth: true; from: 1; to: 20; value: 3; editable: true }
        Label { text: qsTr("Conditioning frames"); color: Theme.textDim }
        SpinBox {  // 8k+1 frames of the clip's edge condition the new ones
            id: conditioning
            objectName: "extendConditioning"
            Layout.fillWidth: true
            from: 1; to: 65; stepSize: 8; value: 9
        }
        Label { text: qsTr("Strength %1").arg(strength.value.toFixed(2)); color: Theme.textDim }
        Slider { id: strength; objectName: "extendStrength"; Layout.fillWidth: true; from: 0; to: 1; value: 1; stepSize: 0.05 }
        Label { text: qsTr("Placement"); color: Theme.textDim }
        ComboBox {
            id: placement
            objectName: "extendPlacement"
            Layout.fillWidth: true
            textRole: "text"; valueRole: "value"
            model: [{ text: qsTr("Ripple (push later clips)"), value: "ripple" },
                    { text: qsTr("Overwrite"), value: "overwrite" }]
        }
        RowLayout {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            Button { text: qsTr("Cancel"); onClicked: popup.close() }
            Button { objectName: "extendSubmit"; text: qsTr("Extend"); highlighted: true; enabled: popup.spans !== null; onClicked: popup.submit() }
        }
    }
}
