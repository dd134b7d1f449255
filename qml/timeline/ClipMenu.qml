import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// A clip's context menu: edits, and (when the span controller / frame actions are there) extension and frame grabs.
Menu {
    id: menu
    objectName: "clipMenu"
    property var view
    property string clipId
    property int clipStart: 0
    property int clipEnd: 0
    readonly property var ctl: view.controller
    readonly property int playhead: view.playheadFrame
    readonly property bool playheadInside: playhead >= clipStart && playhead < clipEnd
    readonly property bool canExtend: view.spans !== null
    readonly property bool canGrab: view.frames !== null

    MenuItem { text: qsTr("Split at playhead  (S)"); enabled: menu.playhead > menu.clipStart && menu.playhead < menu.clipEnd; onTriggered: menu.ctl.splitAtPlayhead() }
    MenuItem { text: qsTr("Delete  (Del)"); onTriggered: menu.ctl.deleteSelected(false) }
    MenuItem { text: qsTr("Ripple delete  (Shift+Del)"); onTriggered: menu.ctl.deleteSelected(true) }
    MenuSeparator { visible: menu.canExtend || menu.canGrab }
    MenuItem {
        objectName: "extendItem"
        text: qsTr("Extend…")
        visible: menu.canExtend
        height: visible ? implicitHeight : 0
        onTriggered: menu.view.openExtend(menu.clipId)
    }
    MenuItem {
        objectName: "frameToKeyframeItem"
        text: qsTr("Use frame at playhead as keyframe")
        visible: menu.canGrab
        height: visible ? implicitHeight : 0
        enabled: menu.playheadInside
        onTriggered: menu.view.frames.frameToKeyframe(menu.clipId, menu.playhead)
    }
    MenuItem {
        objectName: "frameToImageInputItem"
        text: qsTr("Use frame at playhead as image-to-video input")
        visible: menu.canGrab
        height: visible ? implicitHeight : 0
        enabled: menu.playheadInside
        onTriggered: menu.view.frames.frameToImageInput(menu.clipId, menu.playhead)
    }
}
