import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Extend a clip by generating more frames before and/or after it, conditioned on its edge frames. The prompt,
// model, size and rate start as the clip's own (its recipe, or its size and rate for imported footage) and can
// be changed here before it runs.
Popup {
    id: sheet
    objectName: "extendPopup"
    property SpanController spans: null
    property string clipId
    property var context: ({})  // spans.extendContext(clipId): where the values below came from

    parent: Overlay.overlay  // centred in the window, not in the timeline: it is taller than the timeline pane
    modal: true
    padding: Theme.spacing * 1.5
    width: 400
    background: Rectangle { color: Theme.raised; border.color: Theme.border; radius: Theme.radius }

    function load() {
        context = spans ? spans.extendContext(clipId) : ({})
        if (!context.ok)
            return
        prompt.text = context.prompt
        widthSpin.value = context.width
        heightSpin.value = context.height
        fps.value = Math.round(context.fps)
        modelBox.refresh()
    }
    function choices() {
        if (!context.ok)
            return {}
        return { "prompt": prompt.text, "modelId": modelBox.currentValue || context.modelId, "width": widthSpin.value,
                 "height": heightSpin.value, "fps": fps.value }
    }
    function submit() {
        if (spans)
            spans.extendClipWith(clipId, direction.currentValue, seconds.value, conditioning.value,
                                 strength.value, placement.currentValue, choices())
        close()
    }
    onAboutToShow: load()

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: Theme.spacing
        rowSpacing: Theme.spacingSmall

        Label { Layout.columnSpan: 2; text: qsTr("Extend clip"); color: Theme.text; font.bold: true; font.pixelSize: Theme.fontLarge }
        Label {
            objectName: "extendNote"
            Layout.columnSpan: 2
            Layout.fillWidth: true
            Layout.preferredWidth: 0  // wraps within the popup
            visible: text !== ""
            text: sheet.context.ok ? sheet.context.note : (sheet.context.problem || "")
            wrapMode: Text.Wrap
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
        }

        Label { text: qsTr("Direction"); color: Theme.textDim }
        ComboBox {
            id: direction
            objectName: "extendDirection"
            Layout.fillWidth: true
            textRole: "text"; valueRole: "value"
            model: [{ text: qsTr("Forward"), value: "forward" }, { text: qsTr("Backward"), value: "backward" },
                    { text: qsTr("Both ends"), value: "both" }]
            onActivated: modelBox.refresh()
        }
        Label { text: qsTr("Prompt"); color: Theme.textDim; Layout.alignment: Qt.AlignTop }
        TextArea {
            id: prompt
            objectName: "extendPrompt"
            Layout.fillWidth: true
            Layout.preferredWidth: 0
            wrapMode: TextEdit.Wrap
            placeholderText: qsTr("What happens next")
        }
        Label { text: qsTr("Model"); color: Theme.textDim }
        ComboBox {
            id: modelBox
            objectName: "extendModel"
            Layout.fillWidth: true
            Layout.preferredWidth: 0
            textRole: "name"; valueRole: "id"
            function refresh() {
                if (!sheet.spans || !sheet.context.ok)
                    return
                const wanted = currentValue || sheet.context.modelId
                model = sheet.spans.extendModels(sheet.context.backend, direction.currentValue)
                currentIndex = Math.max(0, indexOfValue(wanted))
            }
        }
        Label { text: qsTr("Size"); color: Theme.textDim }
        RowLayout {
            Layout.fillWidth: true
            SpinBox { id: widthSpin; objectName: "extendWidth"; Layout.fillWidth: true; from: 32; to: 4096; stepSize: 32; editable: true }
            Label { text: "×"; color: Theme.textDim }
            SpinBox { id: heightSpin; objectName: "extendHeight"; Layout.fillWidth: true; from: 32; to: 4096; stepSize: 32; editable: true }
        }
        Label { text: qsTr("Frame rate"); color: Theme.textDim }
        SpinBox { id: fps; objectName: "extendFps"; Layout.fillWidth: true; from: 1; to: 60; value: 24; editable: true }
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
            Button { text: qsTr("Cancel"); onClicked: sheet.close() }
            Button { objectName: "extendSubmit"; text: qsTr("Extend"); highlighted: true; enabled: sheet.spans !== null; onClicked: sheet.submit() }
        }
    }
}
