import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Control with a reference (IC-LoRA): a video clip, or its in/out range, guides a new clip through an IC-LoRA file
// with one control (edges, depth, motion tracks, or the clip itself for a detailer). What is made, where it lands and
// its cost first; the new clip lands above the range.
Popup {
    id: sheet
    objectName: "inContextPopup"
    property InContextController control: null
    property string clipId
    property int startFrame: -1  // -1: the whole clip
    property int endFrame: -1  // exclusive
    property var preview: ({ ok: false, problem: "", hint: "" })

    modal: true
    padding: Theme.spacing * 1.5
    width: 360
    background: Rectangle { color: Theme.raised; border.color: Theme.border; radius: Theme.radius }

    function openFor(clip, start, end) {  // start/end < 0: the whole clip
        clipId = clip; startFrame = start; endFrame = end
        refresh()
        open()
    }
    function refresh() {  // what would be made and its cost, before any map is computed
        if (control)
            preview = control.preview(clipId, startFrame, endFrame, controlBox.currentValue || "canny", loraPath.text)
    }
    function submit() {
        if (!control || !preview.ok)
            return
        control.generate(clipId, startFrame, endFrame, controlBox.currentValue, loraPath.text, prompt.text)
        close()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacingSmall

        Label { text: qsTr("Control with a reference"); color: Theme.text; font.bold: true; font.pixelSize: Theme.fontLarge }
        Label {
            objectName: "icSummary"
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: sheet.preview.ok ? Theme.textDim : Theme.error
            text: !sheet.preview.ok ? sheet.preview.problem + (sheet.preview.hint ? "\n" + sheet.preview.hint : "")
                  : qsTr("Frames %1–%2: a %3-frame clip following %4 (%5 generated), on %6. Cost: %7").arg(sheet.preview.start).arg(sheet.preview.end - 1).arg(sheet.preview.frames).arg(sheet.preview.reference).arg(sheet.preview.generated).arg(sheet.preview.track || qsTr("a new video track")).arg(sheet.preview.estimate)
        }
        ComboBox {
            id: controlBox
            objectName: "icControl"
            Layout.fillWidth: true
            model: sheet.control ? sheet.control.controls : []
            textRole: "label"
            valueRole: "id"
            onActivated: sheet.refresh()
        }
        TextField {
            id: loraPath
            objectName: "icLoraPath"
            Layout.fillWidth: true
            placeholderText: controlBox.currentIndex >= 0 && sheet.control
                             ? qsTr("IC-LoRA file (.safetensors), e.g. from %1").arg(sheet.control.controls[controlBox.currentIndex].lora)
                             : qsTr("IC-LoRA file (.safetensors)")
            onTextEdited: sheet.refresh()
        }
        TextField {
            id: prompt
            objectName: "icPrompt"
            Layout.fillWidth: true
            placeholderText: qsTr("Prompt (empty: the generate panel's)")
        }
        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            Button { text: qsTr("Cancel"); onClicked: sheet.close() }
            Button { objectName: "icSubmit"; text: qsTr("Generate"); highlighted: true; enabled: sheet.preview.ok; onClicked: sheet.submit() }
        }
    }
}
