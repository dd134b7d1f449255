import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// The bin card's context menu: the bin's own actions, frame grabs (FrameActions) and extension (SpanController).
Menu {
    id: binMenu
    required property BinController actions
    required property FrameActions frames
    required property SpanController spans
    property ProjectDocument document: null
    property string assetId: ""
    property int frameCount: 0
    property bool hasRecipe: false
    property int takeCount: 1
    property var assetIds: []  // the selection the card belongs to: Add to timeline and Delete act on all

    function show(id, frames, recipe, takes, ids) {
        assetId = id; frameCount = frames; hasRecipe = recipe; takeCount = takes
        assetIds = ids && ids.length > 0 ? ids : [id]
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

    MenuItem {
        objectName: "menuAddToTimeline"
        text: binMenu.assetIds.length > 1 ? qsTr("Add %1 to timeline").arg(binMenu.assetIds.length) : qsTr("Add to timeline")
        onTriggered: binMenu.actions.addAssetsToTimeline(binMenu.assetIds)
    }
    MenuSeparator {}
    MenuItem { text: qsTr("Use first frame as keyframe"); onTriggered: binMenu.toKeyframe(0) }
    MenuItem { text: qsTr("Use last frame as keyframe"); onTriggered: binMenu.toKeyframe(binMenu.lastFrame()) }
    MenuItem { text: qsTr("Use first frame as image-to-video input"); onTriggered: binMenu.toImageInput(0) }
    MenuItem { text: qsTr("Use last frame as image-to-video input"); onTriggered: binMenu.toImageInput(binMenu.lastFrame()) }
    MenuSeparator {}
    MenuItem {
        text: qsTr("Extend…")
        enabled: binMenu.frameCount > 1
        onTriggered: binMenu.spans.extendAsset(binMenu.assetId)
    }
    MenuItem {
        text: qsTr("Regenerate as a new take")
        enabled: binMenu.hasRecipe
        onTriggered: binMenu.actions.regenerate(binMenu.assetId)
    }
    MenuItem { text: qsTr("Show recipe"); enabled: binMenu.hasRecipe; onTriggered: binMenu.actions.showRecipe(binMenu.assetId) }
    MenuItem { text: qsTr("Reveal in file manager"); onTriggered: binMenu.actions.reveal(binMenu.assetId) }
    MenuSeparator {}
    MenuItem {
        objectName: "menuDelete"
        text: binMenu.assetIds.length > 1 ? qsTr("Delete %1").arg(binMenu.assetIds.length) : qsTr("Delete")
        onTriggered: binMenu.actions.deleteAssets(binMenu.assetIds)
    }
}
