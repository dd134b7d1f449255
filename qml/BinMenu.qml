import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// The bin card's context menu: the bin's own actions, frame grabs (FrameActions) and extension (SpanController).
Menu {
    id: menu
    required property BinController actions
    required property FrameActions frames
    required property SpanController spans
    property ProjectDocument document: null
    property string assetId: ""
    property int frameCount: 0
    property bool hasRecipe: false
    property int takeCount: 1

    function show(id, frames, recipe, takes) {
        assetId = id; frameCount = frames; hasRecipe = recipe; takeCount = takes
        popup()
    }
    function lastFrame() { return Math.max(0, frameCount - 1) }
    function toKeyframe(frame) {
        const at = document ? document.playheadFrame : 0
        frames.assetFrameToKeyframe(assetId, frame, at)
    }
    function toImageInput(frame) {
        frames.assetFrameToImageInput(assetId, frame)
    }

    MenuItem { objectName: "menuAddToTimeline"; text: qsTr("Add to timeline"); onTriggered: menu.actions.addToTimeline(menu.assetId) }
    MenuSeparator {}
    MenuItem { text: qsTr("Use first frame as keyframe"); onTriggered: menu.toKeyframe(0) }
    MenuItem { text: qsTr("Use last frame as keyframe"); onTriggered: menu.toKeyframe(menu.lastFrame()) }
    MenuItem { text: qsTr("Use first frame as image-to-video input"); onTriggered: menu.toImageInput(0) }
    MenuItem { text: qsTr("Use last frame as image-to-video input"); onTriggered: menu.toImageInput(menu.lastFrame()) }
    MenuSeparator {}
    MenuItem {
        text: qsTr("Extend…")
        enabled: menu.frameCount > 1
        onTriggered: menu.spans.extendAsset(menu.assetId)
    }
    MenuItem {
        text: qsTr("Regenerate as a new take")
        enabled: menu.hasRecipe
        onTriggered: menu.actions.regenerate(menu.assetId)
    }
    MenuItem { text: qsTr("Show recipe"); enabled: menu.hasRecipe; onTriggered: menu.actions.showRecipe(menu.assetId) }
    MenuItem { text: qsTr("Reveal in file manager"); onTriggered: menu.actions.reveal(menu.assetId) }
    MenuSeparator {}
    MenuItem { objectName: "menuDelete"; text: qsTr("Delete"); onTriggered: menu.actions.deleteAsset(menu.assetId) }
}
