import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// A clip's context menu: edits, and (when the span controller / frame actions are there) extension and frame grabs.
Menu {
    id: clipMenu
    objectName: "clipMenu"
    required property Timeline view
    property string clipId
    property int clipStart: 0
    property int clipEnd: 0
    readonly property TimelineController ctl: view.controller
    readonly property int playhead: view.playheadFrame
    readonly property bool playheadInside: playhead >= clipStart && playhead < clipEnd
    readonly property bool canExtend: view.spans !== null
    readonly property bool canGrab: view.frames !== null
    readonly property bool canRetake: view.retakes !== null
    // a clip on an audio track can drive a generated picture (the in/out range inside it, else all of it)
    readonly property bool isSound: canRetake && clipId !== "" && view.retakes.audioToVideo.isSound(clipId)
    // the timeline's in/out range (rangeEnd inclusive) inside this clip: what "Retake range" regenerates
    readonly property bool rangeInside: ctl !== null && ctl.hasRange && ctl.rangeStart >= clipStart && ctl.rangeEnd < clipEnd

    MenuItem { text: qsTr("Split at playhead  (S)"); enabled: clipMenu.playhead > clipMenu.clipStart && clipMenu.playhead < clipMenu.clipEnd; onTriggered: clipMenu.ctl.splitAtPlayhead() }
    MenuItem { text: qsTr("Delete  (Del)"); onTriggered: clipMenu.ctl.deleteSelected(false) }
    MenuItem { text: qsTr("Ripple delete  (Shift+Del)"); onTriggered: clipMenu.ctl.deleteSelected(true) }
    MenuItem { objectName: "unlinkItem"; text: qsTr("Unlink picture and sound"); enabled: clipMenu.ctl !== null && clipMenu.ctl.isLinked(clipMenu.clipId); onTriggered: clipMenu.ctl.unlinkSelected() }
    MenuItem { objectName: "clipPropertiesItem"; text: qsTr("Properties…  (volume, fades, opacity, speed)"); onTriggered: clipMenu.view.openClipProperties(clipMenu.clipId) }
    // a crossfade from the clip before: added at half a second (longer or shorter in Properties…), removed
    ClipPropertiesController { id: props; document: clipMenu.view.document }
    property int crossfadeNow: 0
    property int crossfadeMax: 0
    onAboutToShow: { const v = props.values(clipId); crossfadeNow = v.crossfade || 0; crossfadeMax = v.crossfadeMax || 0 }
    MenuItem { objectName: "addCrossfadeItem"; text: qsTr("Crossfade from the clip before"); visible: clipMenu.crossfadeNow === 0
               height: visible ? implicitHeight : 0; enabled: clipMenu.crossfadeMax > 0; onTriggered: props.addCrossfade(clipMenu.clipId) }
    MenuItem { objectName: "removeCrossfadeItem"; text: qsTr("Remove crossfade"); visible: clipMenu.crossfadeNow > 0
               height: visible ? implicitHeight : 0; onTriggered: props.apply(clipMenu.clipId, {crossfade: 0}) }
    MenuSeparator { visible: clipMenu.canExtend || clipMenu.canGrab || clipMenu.canRetake }
    MenuItem {
        objectName: "retakeItem"
        text: clipMenu.rangeInside ? qsTr("Retake range…") : qsTr("Retake range…  (set in/out inside the clip)")
        visible: clipMenu.canRetake
        height: visible ? implicitHeight : 0
        enabled: clipMenu.rangeInside
        onTriggered: clipMenu.view.openRetake(clipMenu.clipId, clipMenu.ctl.rangeStart, clipMenu.ctl.rangeEnd + 1)
    }
    MenuItem {
        objectName: "audioToVideoItem"
        text: clipMenu.rangeInside ? qsTr("Generate video from this sound (in/out range)…") : qsTr("Generate video from this sound…")
        visible: clipMenu.isSound
        height: visible ? implicitHeight : 0
        onTriggered: clipMenu.view.openAudioToVideo(clipMenu.clipId, clipMenu.rangeInside ? clipMenu.ctl.rangeStart : -1, clipMenu.rangeInside ? clipMenu.ctl.rangeEnd + 1 : -1)
    }
    MenuItem {
        objectName: "inContextItem"
        text: clipMenu.rangeInside ? qsTr("Control a new clip with this range (IC-LoRA)…") : qsTr("Control a new clip with this one (IC-LoRA)…")
        visible: clipMenu.canRetake && !clipMenu.isSound
        height: visible ? implicitHeight : 0
        onTriggered: clipMenu.view.openInContext(clipMenu.clipId, clipMenu.rangeInside ? clipMenu.ctl.rangeStart : -1, clipMenu.rangeInside ? clipMenu.ctl.rangeEnd + 1 : -1)
    }
    MenuItem {
        objectName: "extendItem"
        text: qsTr("Extend…")
        visible: clipMenu.canExtend
        height: visible ? implicitHeight : 0
        onTriggered: clipMenu.view.openExtend(clipMenu.clipId)
    }
    MenuItem {
        objectName: "frameToKeyframeItem"
        text: qsTr("Use frame at playhead as keyframe")
        visible: clipMenu.canGrab
        height: visible ? implicitHeight : 0
        enabled: clipMenu.playheadInside
        onTriggered: clipMenu.view.frames.frameToKeyframe(clipMenu.clipId, clipMenu.playhead)
    }
    MenuItem {
        objectName: "frameToImageInputItem"
        text: qsTr("Use frame at playhead as image-to-video input")
        visible: clipMenu.canGrab
        height: visible ? implicitHeight : 0
        enabled: clipMenu.playheadInside
        onTriggered: clipMenu.view.frames.frameToImageInput(clipMenu.clipId, clipMenu.playhead)
    }
}
