import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0
import ".." as Shared

// Retake a range of a clip, fill a gap between two clips, or generate the picture for a sound's range:
// what is generated and its cost first, then a prompt. A retake redoes the video, the audio or both (LTX-2.x)
// and can be N takes (seeds or a sweep over one setting: the batch's total cost first); a gap fill's prompt
// can be suggested by the prompt enhancer from the neighbours' recipes.
Popup {
    id: popup
    objectName: "retakePopup"
    property RetakeController retakes: null
    property string mode: "retake"  // "retake" | "gap" | "a2v"
    readonly property AudioToVideoController sound: retakes ? retakes.audioToVideo : null
    readonly property GapPromptSuggester suggester: retakes ? retakes.gapPrompt : null
    property string redo: "video"  // what a retake redoes: "video" | "audio" | "both"
    property bool soundable: false  // the model makes sound (LTX-2.x): video, audio or both is offered
    property string suggestNote: ""
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
        sweep.reset()
        redo = "video"
        soundBox.currentIndex = 0
        soundable = retakes ? retakes.soundRetakes() : false
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
        suggestNote = ""
        if (suggester)
            suggester.forget()
        preview = retakes ? retakes.gapPreview(track, frame) : preview
        open()
    }
    function refresh() {  // the batch's total cost, before anything is queued
        if (retakes && mode === "retake")
            preview = retakes.retakeBatchPreview(clipId, startFrame, endFrame, sweep.count, sweep.setting,
                                                 sweep.values, redo)
    }
    function suggest() {  // the answer (or why there is none) comes back through the suggester's signals
        suggestNote = ""
        if (suggester)
            suggester.suggest(trackId, startFrame, prompt.text)
    }
    function submit() {
        if (!retakes || !preview.ok)
            return
        if (mode === "retake")
            retakes.retakeBatch(clipId, startFrame, endFrame, prompt.text, sweep.count, sweep.setting, sweep.values,
                                redo)
        else if (mode === "a2v")
            sound.generate(clipId, startFrame, endFrame, prompt.text)
        else
            retakes.fillGap(trackId, startFrame, prompt.text)
        close()
    }

    onClosed: if (suggester) suggester.forget()

    Connections {  // inside the ComboBox, `popup` is its own list
        target: soundBox
        function onActivated() { popup.redo = soundBox.currentValue; popup.refresh() }
    }
    Connections {
        target: popup.suggester
        function onSuggested(text: string) { prompt.text = text }
        function onFailed(message: string) { popup.suggestNote = message }
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
                    ? qsTr("%1 frames regenerated %5 (%2 generated with the frames around them; %6), %3 take(s). Cost: %4").arg(popup.preview.frames).arg(popup.preview.generated).arg(popup.preview.takes).arg(popup.preview.estimate).arg(popup.preview.where).arg(popup.redo === "audio" ? qsTr("new sound, the picture kept") : popup.redo === "both" ? qsTr("new picture and sound") : qsTr("new picture, the sound kept"))
                  : popup.mode === "a2v"
                    ? qsTr("Frames %1–%2: a %3-frame clip following the sound (%4 generated), on %5. Cost: %6").arg(popup.preview.start).arg(popup.preview.end - 1).arg(popup.preview.frames).arg(popup.preview.generated).arg(popup.preview.track || qsTr("a new video track")).arg(popup.preview.estimate)
                    : qsTr("Frames %1–%2 (%3 generated with the neighbours' frames). Cost: %4").arg(popup.preview.start).arg(popup.preview.end - 1).arg(popup.preview.generated).arg(popup.preview.estimate)
        }
        RowLayout {
            visible: popup.mode === "retake" && popup.soundable
            Label { text: qsTr("Retake"); color: Theme.textDim }
            ComboBox {
                id: soundBox
                objectName: "retakeSound"
                Layout.fillWidth: true
                textRole: "text"
                valueRole: "value"
                model: [{ text: qsTr("Video (keep the sound)"), value: "video" },
                        { text: qsTr("Audio (keep the picture)"), value: "audio" },
                        { text: qsTr("Video and audio"), value: "both" }]
            }
        }
        Shared.TakesSweepFields {
            id: sweep
            visible: popup.mode === "retake"
            Layout.fillWidth: true
            namePrefix: "retake"
            minimum: 1
            initial: 1
            onEdited: popup.refresh()
        }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: prompt
                objectName: "retakePrompt"
                Layout.fillWidth: true
                placeholderText: qsTr("Prompt (empty: the generate panel's)")
            }
            Button {
                objectName: "gapSuggest"
                visible: popup.mode === "gap"
                enabled: popup.suggester !== null && !popup.suggester.busy
                text: popup.suggester && popup.suggester.busy ? qsTr("Suggesting…") : qsTr("Suggest")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("A prompt from the clips around the gap, by the prompt enhancer (editable)")
                onClicked: popup.suggest()
            }
        }
        Label {
            objectName: "gapSuggestNote"
            visible: popup.mode === "gap" && popup.suggestNote !== ""
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            color: Theme.warning
            text: popup.suggestNote
        }
        RowLayout {
            Layout.fillWidth: true
            Item { Layout.fillWidth: true }
            Button { text: qsTr("Cancel"); onClicked: popup.close() }
            Button { objectName: "retakeSubmit"; text: popup.mode === "retake" ? qsTr("Retake") : popup.mode === "a2v" ? qsTr("Generate") : qsTr("Fill"); highlighted: true; enabled: popup.preview.ok; onClicked: popup.submit() }
        }
    }
}
