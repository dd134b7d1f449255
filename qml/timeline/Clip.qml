import QtQuick
import LtxEditor 1.0

// A clip on a track: thumbnail, name and take badge. Click selects (Ctrl toggles, Shift extends); drag
// moves (preview only, one edit on release); the edge handles trim; right-click opens the clip menu.
Rectangle {
    id: clip
    property var view
    property bool trackLocked: false
    required property string clipId
    required property string trackId
    required property string name
    required property int start
    required property int end
    required property int duration
    required property int takeIndex
    required property int takeCount
    required property string assetKind
    required property string thumbnail
    required property bool offline

    readonly property bool selected: view.selectedClipIds.indexOf(clipId) >= 0
    readonly property bool moving: view.dragActive && view.dragIds.indexOf(clipId) >= 0
    property int trimEdge: 0  // -1: dragging the in edge, +1: the out edge
    property int trimFrame: 0
    readonly property real ppf: view.ppf

    objectName: "clip_" + clipId
    x: (trimEdge < 0 ? trimFrame : start + (moving ? view.dragDeltaFrames : 0)) * ppf
    width: Math.max(2, (trimEdge < 0 ? end - trimFrame : trimEdge > 0 ? trimFrame - start : duration) * ppf)
    transform: Translate { y: clip.moving && !clip.view.dragWrongKind ? clip.view.dragRowDelta * clip.view.rowHeight : 0 }
    z: moving ? 5 : selected ? 1 : 0
    radius: 3
    opacity: moving ? 0.85 : 1
    color: {
        const base = assetKind === "audio" ? Theme.audioClip : assetKind === "generated" ? Theme.generatedClip
                                                                                         : Theme.videoClip
        return selected ? Qt.lighter(base, 1.35) : base
    }
    border.width: selected ? 2 : 1
    border.color: moving && view.dragWrongKind ? Theme.error : selected ? Theme.text : Qt.darker(color, 1.4)
    clip: true

    readonly property bool roomy: width > 36  // narrow clips draw only their box: cheap when zoomed out

    Image {
        id: thumb
        visible: clip.roomy && clip.thumbnail !== "" && status === Image.Ready
        x: 2; y: 2
        height: parent.height - 4
        width: Math.min(height * 16 / 9, parent.width - 4)
        source: clip.roomy ? clip.thumbnail : ""
        sourceSize.width: 160
        asynchronous: true
        cache: true
        fillMode: Image.PreserveAspectCrop
    }
    Rectangle {  // legibility strip under the name
        visible: clip.roomy
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 1 }
        height: 16
        color: "#80000000"
    }
    Text {
        visible: clip.roomy
        anchors { left: parent.left; right: badge.left; bottom: parent.bottom; leftMargin: 5; bottomMargin: 2 }
        text: clip.offline ? clip.name + qsTr(" (offline)") : clip.name
        color: clip.offline ? Theme.error : Theme.text
        font.pixelSize: Theme.fontSmall
        elide: Text.ElideRight
    }
    Rectangle {
        id: badge
        visible: clip.roomy && clip.takeCount > 1
        anchors { right: parent.right; top: parent.top; margins: 3 }
        width: badgeText.implicitWidth + 8
        height: 14
        radius: 3
        color: "#a0000000"
        Text {
            id: badgeText
            anchors.centerIn: parent
            text: "T" + clip.takeIndex + "/" + clip.takeCount
            color: Theme.text
            font.pixelSize: 9
        }
    }

    // -- select, move, context menu --
    MouseArea {
        id: body
        objectName: "clipBody"
        anchors.fill: parent
        acceptedButtons: Qt.LeftButton | Qt.RightButton
        property real pressX: 0
        property real pressY: 0
        property bool dragging: false
        property bool wasSelected: false

        function lanePoint(mouse) { return mapToItem(null, mouse.x, mouse.y) }

        onPressed: (mouse) => {
            clip.view.forceActiveFocus()
            if (mouse.button === Qt.RightButton) {
                clip.view.openClipMenu(clip.clipId, clip.start, clip.end, body, mouse.x, mouse.y)
                return
            }
            wasSelected = clip.selected
            if (mouse.modifiers & Qt.ControlModifier)
                clip.view.controller.selectClip(clip.clipId, "toggle")
            else if (mouse.modifiers & Qt.ShiftModifier)
                clip.view.controller.selectClip(clip.clipId, "extend")
            else if (!clip.selected)
                clip.view.controller.selectClip(clip.clipId, "replace")
            const p = lanePoint(mouse)
            pressX = p.x
            pressY = p.y
            dragging = false
        }
        onPositionChanged: (mouse) => {
            if (!(mouse.buttons & Qt.LeftButton) || !clip.selected)
                return
            const p = lanePoint(mouse)
            if (!dragging && Math.abs(p.x - pressX) < 4 && Math.abs(p.y - pressY) < 4)
                return  // a click, not a drag yet
            if (!dragging) {
                dragging = true
                clip.view.beginClipDrag(clip.clipId, clip.trackId)
            }
            const t = mapToItem(clip.view.tracksArea(), mouse.x, mouse.y)
            clip.view.updateClipDrag(p.x - pressX, t.y)
        }
        onReleased: (mouse) => {
            if (dragging) {
                dragging = false
                clip.view.endClipDrag(true)
            } else if (mouse.button === Qt.LeftButton && wasSelected && !(mouse.modifiers & (Qt.ControlModifier | Qt.ShiftModifier))) {
                clip.view.controller.selectClip(clip.clipId, "replace")
            }
        }
        onCanceled: if (dragging) { dragging = false; clip.view.endClipDrag(false) }
        onDoubleClicked: (mouse) => { if (mouse.button === Qt.LeftButton) clip.view.clipActivated(clip.clipId) }
    }

    // -- trim handles --
    component TrimHandle: MouseArea {
        id: handle
        property int edge: -1
        property real pressX: 0
        property var limits: [0, 0]
        width: Math.min(8, clip.width / 3)
        height: parent.height
        cursorShape: Qt.SizeHorCursor
        hoverEnabled: true
        Rectangle {
            anchors.fill: parent
            visible: handle.containsMouse || handle.pressed
            color: Theme.accent
            opacity: 0.7
        }
        onPressed: (mouse) => {
            clip.view.forceActiveFocus()
            limits = clip.view.controller.trimLimits(clip.clipId, edge < 0 ? "in" : "out")
            clip.view.controller.beginDrag([clip.clipId])
            pressX = mapToItem(null, mouse.x, mouse.y).x
            clip.trimFrame = edge < 0 ? clip.start : clip.end
            clip.trimEdge = edge
        }
        onPositionChanged: (mouse) => {
            if (!pressed)
                return
            const from = edge < 0 ? clip.start : clip.end
            let f = clip.view.controller.snapFrame(from + Math.round((mapToItem(null, mouse.x, mouse.y).x - pressX) / clip.ppf))
            clip.trimFrame = Math.max(limits[0], Math.min(limits[1], f))
        }
        onReleased: {
            const from = edge < 0 ? clip.start : clip.end
            const to = clip.trimFrame
            clip.trimEdge = 0
            if (to !== from)
                clip.view.controller.trimClip(clip.clipId, edge < 0 ? "in" : "out", to)
        }
        onCanceled: clip.trimEdge = 0
    }
    TrimHandle { objectName: "trimIn"; edge: -1; anchors.left: parent.left }
    TrimHandle { objectName: "trimOut"; edge: 1; anchors.right: parent.right }
}
