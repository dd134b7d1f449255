import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// The bin card's context menu. Frame actions go through the WorkflowController when it exists (it
// places keyframes and image inputs as workflows), else through the bin's own actions.
Menu {
    id: menu
    required property BinController actions
    property QtObject workflows: null
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
        if (workflows) workflows.assetFrameToKeyframe(assetId, frame, at)
        else actions.useFrameAsKeyframe(assetId, frame)
    }
    function toImageInput(frame) {
        if (workflows) workflows.assetFrameToImageInput(assetId, frame)
        else actions.useFrameAsImageInput(assetId, frame)
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
        onTriggered: menu.workflows ? menu.workflows.extendAsset(menu.assetId) : menu.actions.extend(menu.assetId)
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
