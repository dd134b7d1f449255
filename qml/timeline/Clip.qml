pragma ComponentBehavior: Bound
import QtQuick
import LtxEditor 1.0

// A clip on a track: thumbnail (or waveform) and one label (name, take, speed, opacity). Click selects (Ctrl
// toggles, Shift extends); drag moves (preview only, one edit on release); the edge handles trim; right-click
// opens the clip menu. Few nodes: the software renderer's cost per frame grows faster than their number.
Rectangle {
    id: box
    required property Timeline view
    property bool trackLocked: false
    property bool onAudioTrack: false  // sound: a waveform instead of a picture
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
    required property int crossfade  // frames of a dissolve from the clip before
    required property real speed
    required property real clipOpacity
    required property string badges  // take, speed and opacity when they are not the usual (the model's text)

    readonly property bool selected: view.selectedClipIds.indexOf(clipId) >= 0
    readonly property bool moving: view.dragActive && view.dragIds.indexOf(clipId) >= 0
    property int trimEdge: 0  // -1: dragging the in edge, +1: the out edge
    property int trimFrame: 0
    readonly property real ppf: view.ppf

    objectName: "clip_" + clipId
    x: (trimEdge < 0 ? trimFrame : start + (moving ? view.dragDeltaFrames : 0)) * ppf
    width: Math.max(2, (trimEdge < 0 ? end - trimFrame : trimEdge > 0 ? trimFrame - start : duration) * ppf)
    // only clips of the dragged clip's kind change track (a linked sound stays on its audio track)
    transform: Translate { y: box.moving && !box.view.dragWrongKind && box.onAudioTrack === box.view.dragFromAudio
                              ? box.view.dragRowDelta * box.view.rowHeight : 0 }
    z: moving ? 5 : selected ? 1 : 0
    opacity: moving ? 0.85 : 1
    color: {
        const base = assetKind === "audio" ? Theme.audioClip : assetKind === "generated" ? Theme.generatedClip
                                                                                         : Theme.videoClip
        return selected ? Qt.lighter(base, 1.35) : base
    }
    border.width: selected ? 2 : 1
    border.color: moving && view.dragWrongKind ? Theme.error : selected ? Theme.text : Qt.darker(color, 1.4)
    // no `clip: true`: children stay inside by their own geometry (clipping is costly on the software backend)

    readonly property bool roomy: width > 36  // narrow clips draw only their box: cheap when zoomed out

    Image {
        id: thumb
        // fixed size, decoded at exactly that size: drawn without scaling (cheap on every backend)
        visible: box.roomy && !box.onAudioTrack && box.thumbnail !== "" && status === Image.Ready
        x: 2; y: 2
        height: parent.height - 4
        width: Math.min(Math.round(height * 16 / 9), parent.width - 4)
        source: box.roomy && !box.onAudioTrack ? box.thumbnail : ""
        sourceSize: Qt.size(Math.round(height * 16 / 9), height)
        asynchronous: true
        cache: true
        smooth: false
        fillMode: Image.PreserveAspectCrop
    }
    Loader {  // only clips on audio tracks make a waveform (the rest of the rows stay cheap to create)
        active: box.onAudioTrack
        x: 1; y: 2
        width: parent.width - 2
        height: parent.height - 20
        sourceComponent: Component {
            Canvas {  // the sound's peaks, sliced from the media's cached peaks (an edit never decodes again)
                id: wave
                objectName: "waveform"
                visible: box.roomy
                anchors.fill: parent
                property var peaks: []
                function reload() {
                    peaks = visible && width > 0 ? box.view.controller.waveformPeaks(box.clipId, Math.max(1, Math.round(width / 2))) : []
                    requestPaint()
                }
                // a recycled row changes clip, start, length and width at once: read the peaks once for all of them
                function schedule() { Qt.callLater(wave.reload) }
                onVisibleChanged: schedule()
                onWidthChanged: schedule()
                onHeightChanged: requestPaint()
                Component.onCompleted: schedule()
                Connections {
                    target: box
                    function onClipIdChanged() { wave.schedule() }
                    function onStartChanged() { wave.schedule() }
                    function onDurationChanged() { wave.schedule() }
                }
                Connections {
                    target: box.view.controller
                    function onWaveformsChanged() { wave.schedule() }
                }
                onPaint: {
                    const ctx = getContext("2d")
                    ctx.reset()
                    const n = peaks.length
                    if (n === 0)
                        return
                    ctx.fillStyle = Qt.lighter(box.color, 1.8)
                    const mid = height / 2, step = width / n
                    for (let i = 0; i < n; ++i) {
                        const h = Math.max(1, peaks[i] * height)
                        ctx.fillRect(i * step, mid - h / 2, Math.max(1, step - 0.5), h)
                    }
                }
            }
        }
    }
    Rectangle {  // legibility strip under the label (opaque: no blending to pay for)
        visible: box.roomy
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 1 }
        height: 16
        color: Qt.darker(box.color, 1.9)
    }
    Text {  // name, then take, speed and opacity when not the usual: one text (each node costs every frame)
        objectName: "clipLabel"
        visible: box.roomy
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; leftMargin: 5; rightMargin: 4; bottomMargin: 2 }
        text: (box.offline ? box.name + qsTr(" (offline)") : box.name) + (box.badges !== "" ? "  ·  " + box.badges : "")
        color: box.offline ? Theme.error : Theme.text
        font.pixelSize: Theme.fontSmall
        textFormat: Text.PlainText
        elide: Text.ElideRight
    }
    Rectangle {  // a crossfade from the clip before: its first frames darken from the cut
        objectName: "crossfadeMark"
        visible: box.crossfade > 0
        width: Math.min(box.width, box.crossfade * box.ppf)
        height: parent.height
        gradient: Gradient {
            orientation: Gradient.Horizontal
            GradientStop { position: 0; color: Qt.rgba(0, 0, 0, 0.6) }
            GradientStop { position: 1; color: Qt.rgba(0, 0, 0, 0) }
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
            box.view.forceActiveFocus()
            if (mouse.button === Qt.RightButton) {
                box.view.openClipMenu(box.clipId, box.start, box.end, body, mouse.x, mouse.y)
                return
            }
            wasSelected = box.selected
            if (mouse.modifiers & Qt.ControlModifier)
                box.view.controller.selectClip(box.clipId, "toggle")
            else if (mouse.modifiers & Qt.ShiftModifier)
                box.view.controller.selectClip(box.clipId, "extend")
            else if (!box.selected)
                box.view.controller.selectClip(box.clipId, "replace")
            const p = lanePoint(mouse)
            pressX = p.x
            pressY = p.y
            dragging = false
        }
        onPositionChanged: (mouse) => {
            if (!(mouse.buttons & Qt.LeftButton) || !box.selected)
                return
            const p = lanePoint(mouse)
            if (!dragging && Math.abs(p.x - pressX) < 4 && Math.abs(p.y - pressY) < 4)
                return  // a click, not a drag yet
            if (!dragging) {
                dragging = true
                box.view.beginClipDrag(box.clipId, box.trackId)
            }
            const t = mapToItem(box.view.tracksArea(), mouse.x, mouse.y)
            box.view.updateClipDrag(p.x - pressX, t.y)
        }
        onReleased: (mouse) => {
            if (dragging) {
                dragging = false
                box.view.endClipDrag(true)
            } else if (mouse.button === Qt.LeftButton && wasSelected && !(mouse.modifiers & (Qt.ControlModifier | Qt.ShiftModifier))) {
                box.view.controller.selectClip(box.clipId, "replace")
            }
        }
        onCanceled: if (dragging) { dragging = false; box.view.endClipDrag(false) }
        onDoubleClicked: (mouse) => { if (mouse.button === Qt.LeftButton) box.view.clipActivated(box.clipId) }
    }

    // -- trim handles --
    component TrimHandle: MouseArea {
        id: handle
        property int edge: -1
        property real pressX: 0
        property var limits: [0, 0]
        width: Math.min(8, box.width / 3)
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
            box.view.forceActiveFocus()
            limits = box.view.controller.trimLimits(box.clipId, edge < 0 ? "in" : "out")
            box.view.controller.beginDrag([box.clipId])
            pressX = mapToItem(null, mouse.x, mouse.y).x
            box.trimFrame = edge < 0 ? box.start : box.end
            box.trimEdge = edge
        }
        onPositionChanged: (mouse) => {
            if (!pressed)
                return
            const from = edge < 0 ? box.start : box.end
            let f = box.view.controller.snapFrame(from + Math.round((mapToItem(null, mouse.x, mouse.y).x - pressX) / box.ppf))
            box.trimFrame = Math.max(limits[0], Math.min(limits[1], f))
        }
        onReleased: {
            const from = edge < 0 ? box.start : box.end
            const to = box.trimFrame
            box.trimEdge = 0
            if (to !== from)
                box.view.controller.trimClip(box.clipId, edge < 0 ? "in" : "out", to)
        }
        onCanceled: box.trimEdge = 0
    }
    TrimHandle { objectName: "trimIn"; edge: -1; anchors.left: parent.left }
    TrimHandle { objectName: "trimOut"; edge: 1; anchors.right: parent.right }
}
