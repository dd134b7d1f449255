import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Retake a range of a clip, fill a gap between two clips, or generate the picture for a sound's range:
// what is generated and its cost first, then a prompt.
Popup {
    id: popup
    objectName: "retakePopup"
    property RetakeController retakes: null
    property string mode: "retake"  // "retake" | "gap" | "a2v"
    readonly property AudioToVideoController sound: retakes ? retakes.audioToVideo : null
    property string clipId
    property string trackId
    property int startFrame: 0
    property int endFrame: 0  // exclusive
    property var preview: ({ ok: false, problem: "", hint: "" })

    modal: true
    padding: Theme.spacing * 1.5
    width: 340
    background: Rectangle { color: Theme.raised; border.color: Theme.border; radius: Theme.radius }

    function openRetake(clip, start, end) {
        mode = "retake"; clipId = clip; startFrame = start; endFrame = end
        takes.value = 1
        refresh()
        open()
    }
    function openAudioToVideo(clip, start, end) {  // start/end < 0: the whole sound clip
        mode = "a2v"; clipId = clip; startFrame = start; endFrame = end
        preview = sound ? sound.preview(clip, start, end) : preview
        open()
    }
    function openGap(track, frame) {
        mode = "gap"; trackId = track; startFrame = frame
        preview = retakes ? retakes.gapPreview(track, frame) : preview
        open()
    }
    function refresh() {  // the batch's total cost, before anything is queued
        if (retakes && mode === "retake")
            preview = retakes.retakeTakesPreview(clipId, startFrame, endFrame, takes.value)
    }
    function submit() {
        if (!retakes || !preview.ok)
            return
        if (mode === "retake")
            retakes.retakeTakes(clipId, startFrame, endFrame, prompt.text, takes.value)
        else if (mode === "a2v")
            sound.generate(clipId, startFrame, endFrame, prompt.text)
        else
            retakes.fillGap(trackId, startFrame, prompt.text)
        close()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacingSmall

        Label { text: popup.mode === "retake" ? qsTr("Retake range") : popup.mode === "a2v" ? qsTr("Video from sound") : qsTr("Fill gap"); color: Theme.text; font.bold: true; font.pixelSize: Theme.fontLarge }
        Label {
            objectName: "retakeSummary"
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: popup.preview.ok ? Theme.textDim : Theme.error
            text: !popup.preview.ok ? popup.preview.problem + (popup.preview.hint ? "\n" + popup.preview.hint : "")
                  : popup.mode === "retake"
                    ? qsTr("%1 frames regenerated %5 (%2 generated with the frames around them), %3 take(s). Cost: %4").arg(popup.preview.frames).arg(popup.preview.generated).arg(popup.preview.takes).arg(popup.preview.estimate).arg(popup.preview.where)
                  : popup.mode === "a2v"
                    ? qsTr("Frames %1–%2: a %3-frame clip following the sound (%4 generated), on %5. Cost: %6").arg(popup.preview.start).arg(popup.preview.end - 1).arg(popup.preview.frames).arg(popup.preview.generated).arg(popup.preview.track || qsTr("a new video track")).arg(popup.preview.estimate)
                    : qsTr("Frames %1–%2 (%3 generated with the neighbours' frames). Cost: %4").arg(popup.preview.start).arg(popup.preview.end - 1).arg(popup.preview.generated).arg(popup.preview.estimate)
        }
        RowLayout {
            visible: popup.mode === "retake"
            Label { text: qsTr("Takes (different seeds)"); color: Theme.textDim }
            SpinBox { id: takes; objectName: "retakeTakes"; from: 1; to: 16; value: 1; onValueModified: popup.refresh() }
        }
        TextField {
            id: prompt
            objectName: "retakePrompt"
            Layout.fillWidth: true
            placeholderText: qsTr("Prompt (empty: the generate panel's)")
        }
        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            Button { text: qsTr("Cancel"); onClicked: popup.close() }
            Button { objectName: "retakeSubmit"; text: popup.mode === "retake" ? qsTr("Retake") : popup.mode === "a2v" ? qsTr("Generate") : qsTr("Fill"); highlighted: true; enabled: popup.preview.ok; onClicked: popup.submit() }
        }
    }
}
