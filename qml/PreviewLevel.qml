import QtQuick
import LtxEditor 1.0

// One level of the preview's stack under the top one (preview_layers.Level): its clip's picture at `mix`
// over the clip it dissolves from (a crossfade), the two drawn as one at the level's opacity.
Item {
    id: level
    required property PreviewController preview
    required property int depth  // 1: just under the top level
    readonly property var info: preview && depth < preview.levels.length ? preview.levels[depth] : null
    readonly property alias from: fromPicture
    readonly property alias own: ownPicture

    visible: info !== null
    opacity: info ? info.opacity : 1
    layer.enabled: opacity < 1  // its pictures and fades blend as one

    PreviewPicture {
        id: fromPicture
        objectName: "picture" + (2 * level.depth + 1)
        anchors.fill: parent
        preview: level.preview
        slot: 2 * level.depth + 1
    }
    PreviewPicture {
        id: ownPicture
        objectName: "picture" + 2 * level.depth
        anchors.fill: parent
        preview: level.preview
        slot: 2 * level.depth
        opacity: level.info ? level.info.mix : 1
        layer.enabled: opacity < 1
    }
}
