pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0
import ".." as Shared

// The multi-track timeline: toolbar, ruler, markers, keyframe lane, track headers and tracks of clips.
// Everything it shows comes from its own TimelineController; edits go through it (one undo step each).
FocusScope {
    id: root
    objectName: "timeline"

    required property ProjectDocument document
    property SpanController spans: null  // generate span, extend; its items hide while null
    property FrameActions frames: null  // use a frame as keyframe/input; its items hide while null
    property RetakeController retakes: null  // retake a range, fill a gap; its items hide while null
    property TakesController takes: null  // N takes of a keyframe span; its items hide while null

    readonly property var selectedClipIds: timelineController ? timelineController.selectedClipIds : []
    signal clipActivated(string clipId)

    // -- view state shared by the lanes (child files reach it through their `view` property) --
    property alias controller: timelineController
    readonly property real ppf: timelineController ? timelineController.pixelsPerFrame : 4
    readonly property real fps: document && document.fps > 0 ? document.fps : 24
    readonly property int rowHeight: Theme.trackHeight
    readonly property int laneFooter: 24  // room under the last track (drops, the gap menu)
    property real scrollX: 0
    readonly property int playheadFrame: document ? document.playheadFrame : 0
    readonly property real lanesWidth: lanes.width
    readonly property real contentWidth: Math.max(lanes.width,
        (Math.max(document ? document.durationFrames : 0, fps * 10) + fps * 30) * ppf)
    property string selectedKeyframeId: ""

    // drag preview of clips: nothing changes in the project until release
    property bool dragActive: false
    property string dragAnchorId: ""
    property var dragIds: []
    property int dragDeltaFrames: 0
    property int dragRowDelta: 0
    property int dragSourceRow: -1
    property string dragTargetTrackId: ""
    property bool dragWrongKind: false
    property bool dragFromAudio: false  // the dragged clip is on an audio track

    function frameAtX(xInLanes) { return Math.max(0, Math.round((xInLanes + scrollX) / ppf)) }
    function xOfFrame(frame) { return frame * ppf - scrollX }
    function tracksArea() { return tracksView }
    function setPlayhead(frame) { document.playheadFrame = Math.max(0, Math.round(frame)) }
    function clampScroll(x) { return Math.max(0, Math.min(x, contentWidth - lanes.width)) }
    function syncViewport() { if (timelineController) timelineController.setViewport(scrollX / ppf, (scrollX + lanes.width) / ppf) }

    // Zoom keeping the frame under `atX` (lanes coordinates) where it is.
    function zoomBy(factor, atX) {
        const anchor = (scrollX + atX) / ppf
        timelineController.zoomBy(factor)
        scrollX = clampScroll(anchor * ppf - atX)
        syncViewport()
    }
    function zoomToFit() {
        timelineController.zoomToFit(lanes.width - 20)
        scrollX = 0
        syncViewport()
    }
    function ensurePlayheadVisible() {
        const x = xOfFrame(playheadFrame)
        if (x < 0 || x > lanes.width)
            scrollX = clampScroll(playheadFrame * ppf - lanes.width / 3)
    }

    // -- clip drags (called by Clip.qml) --
    function beginClipDrag(clipId, trackId) {
        dragAnchorId = clipId
        dragIds = timelineController.isSelected(clipId) ? timelineController.selectedClipIds : [clipId]
        timelineController.beginDrag(dragIds)
        dragSourceRow = timelineController.tracksModel.indexOf(trackId)
        dragFromAudio = timelineController.tracksModel.get(dragSourceRow).kind === "audio"
        dragTargetTrackId = trackId
        dragDeltaFrames = 0
        dragRowDelta = 0
        dragWrongKind = false
        dragActive = true
    }
    function updateClipDrag(dxPixels, yInTracks) {
        dragDeltaFrames = timelineController.dragDelta(dragAnchorId, Math.round(dxPixels / ppf))
        const row = tracksView.indexAt(10, yInTracks + tracksView.contentY)
        if (row >= 0) {
            dragTargetTrackId = timelineController.tracksModel.trackIdAt(row)
            dragRowDelta = row - dragSourceRow
            dragWrongKind = !timelineController.fitsTrack(dragAnchorId, dragTargetTrackId)
        }
    }
    function endClipDrag(commit) {
        const anchor = dragAnchorId, target = dragTargetTrackId, delta = dragDeltaFrames
        dragActive = false
        dragIds = []
        dragDeltaFrames = 0
        dragRowDelta = 0
        if (commit)
            timelineController.moveSelection(anchor, target, delta)
    }

    function openClipMenu(clipId, start, end, item, x, y) {
        if (!timelineController.isSelected(clipId))
            timelineController.selectClip(clipId, "replace")
        clipMenu.clipId = clipId
        clipMenu.clipStart = start
        clipMenu.clipEnd = end
        clipMenu.popup(item, x, y)
    }
    function openExtend(clipId) {
        extendPopup.clipId = clipId
        extendPopup.open()
    }
    function openClipProperties(clipId) { clipProperties.show(clipId) }
    function openRetake(clipId, start, end) { retakePopup.openRetake(clipId, start, end) }  // end exclusive
    function openAudioToVideo(clipId, start, end) { retakePopup.openAudioToVideo(clipId, start, end) }  // -1: all
    function openInContext(clipId, start, end) { inContextPopup.openFor(clipId, start, end) }  // -1: all
    function openGapMenu(trackId, frame, item, x, y) {
        gapMenu.trackId = trackId
        gapMenu.frame = frame
        gapMenu.popup(item, x, y)
    }
    function deleteSelection(ripple) {
        if (selectedKeyframeId !== "" && !ripple) {
            timelineController.removeKeyframe(selectedKeyframeId)
            selectedKeyframeId = ""
        } else {
            timelineController.deleteSelected(ripple)
        }
    }
    function generateSpan() {
        if (spans && timelineController.canGenerateSpan)
            spans.generateSpan(timelineController.rangeStart, timelineController.rangeEnd + 1)  // end exclusive
    }
    function openSpanTakes() {  // N takes of the span: how many and the total cost first (TakesBatchDialog)
        if (takes && timelineController.canGenerateSpan)
            spanTakesDialog.askSpan(timelineController.rangeStart, timelineController.rangeEnd + 1)  // end exclusive
    }

    onScrollXChanged: syncViewport()
    onPpfChanged: scrollX = clampScroll(scrollX)
    onContentWidthChanged: scrollX = clampScroll(scrollX)
    Component.onCompleted: syncViewport()

    Rectangle {
        anchors.fill: parent
        color: Theme.panel
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        TimelineToolbar {
            Layout.fillWidth: true
            view: root
        }

        Item {
            id: body
            Layout.fillWidth: true
            Layout.fillHeight: true
            readonly property int lanesTop: Theme.rulerHeight + markerLane.height + keyframeLane.height

            // -- left column: lane titles and track headers --
            Rectangle {
                id: corner
                width: Theme.trackHeaderWidth
                height: body.lanesTop
                color: Theme.trackHeader
                Column {
                    anchors.fill: parent
                    Text {
                        width: parent.width; height: Theme.rulerHeight
                        leftPadding: Theme.spacing
                        verticalAlignment: Text.AlignVCenter
                        text: timelineController ? timelineController.timecode(root.playheadFrame) : ""
                        color: Theme.text
                        font.family: Theme.monoFamily
                        font.pixelSize: Theme.fontNormal
                    }
                    Text {
                        width: parent.width; height: markerLane.height
                        leftPadding: Theme.spacing
                        verticalAlignment: Text.AlignVCenter
                        text: qsTr("Markers")
                        color: Theme.textFaint
                        font.pixelSize: Theme.fontSmall
                    }
                    Text {
                        width: parent.width; height: keyframeLane.height
                        leftPadding: Theme.spacing
                        verticalAlignment: Text.AlignVCenter
                        text: qsTr("Keyframes")
                        color: Theme.keyframe
                        font.pixelSize: Theme.fontSmall
                    }
                }
            }

            ListView {
                id: headersView
                objectName: "trackHeaders"
                anchors { top: corner.bottom; left: parent.left; bottom: hbar.top }
                width: Theme.trackHeaderWidth
                clip: true
                interactive: false
                model: timelineController ? timelineController.tracksModel : null
                contentY: tracksView.contentY
                delegate: TrackHeader {
                    view: root
                    width: headersView.width
                    height: root.rowHeight
                }
                // The same footer as the lanes: both views then clamp their scroll to the same range when a
                // resize shortens their content (without it the headers stopped 24 px short of the lanes).
                footer: Item { width: 1; height: root.laneFooter }
            }

            // -- right: the lanes; wheel scrolls (Shift: sideways) and zooms (Ctrl) --
            MouseArea {
                id: lanes
                objectName: "lanes"
                anchors { top: parent.top; left: corner.right; right: vbar.left; bottom: hbar.top }
                clip: true
                acceptedButtons: Qt.NoButton
                onWidthChanged: root.syncViewport()
                onWheel: (wheel) => {
                    const dy = wheel.angleDelta.y, dx = wheel.angleDelta.x
                    if (wheel.modifiers & Qt.ControlModifier) {
                        root.zoomBy(dy > 0 ? 1.25 : 0.8, wheel.x)
                    } else if ((wheel.modifiers & Qt.ShiftModifier) || Math.abs(dx) > Math.abs(dy)) {
                        root.scrollX = root.clampScroll(root.scrollX - (dx !== 0 ? dx : dy))
                    } else {
                        const maxY = Math.max(0, tracksView.contentHeight - tracksView.height)
                        tracksView.contentY = Math.max(0, Math.min(maxY, tracksView.contentY - dy / 2))
                    }
                    wheel.accepted = true
                }

                Ruler {
                    id: ruler
                    view: root
                    width: parent.width
                    height: Theme.rulerHeight
                }
                MarkerLane {
                    id: markerLane
                    view: root
                    y: ruler.height
                    width: parent.width
                    height: 18
                }
                KeyframeLane {
                    id: keyframeLane
                    view: root
                    y: markerLane.y + markerLane.height
                    width: parent.width
                    height: 48
                }

                ListView {
                    id: tracksView
                    objectName: "tracksView"
                    y: body.lanesTop
                    width: parent.width
                    height: parent.height - y
                    clip: true
                    interactive: false
                    boundsBehavior: Flickable.StopAtBounds
                    model: timelineController ? timelineController.tracksModel : null
                    delegate: TrackRow {
                        view: root
                        width: tracksView.width
                        height: root.rowHeight
                    }
                    footer: Item { width: 1; height: root.laneFooter }
                    onContentYChanged: if (headersView.contentY !== contentY) headersView.contentY = contentY
                }

                Playhead {
                    view: root
                    height: parent.height
                }
            }

            ScrollBar {
                id: vbar
                anchors { top: parent.top; topMargin: body.lanesTop; right: parent.right; bottom: hbar.top }
                orientation: Qt.Vertical
                policy: ScrollBar.AsNeeded
                size: tracksView.height / Math.max(tracksView.height, tracksView.contentHeight)
                position: tracksView.contentY / Math.max(1, tracksView.contentHeight)
                onPositionChanged: if (pressed || active) tracksView.contentY = position * tracksView.contentHeight
            }
            ScrollBar {
                id: hbar
                objectName: "hbar"
                anchors { left: corner.right; right: vbar.left; bottom: parent.bottom }
                orientation: Qt.Horizontal
                policy: ScrollBar.AlwaysOn
                size: lanes.width / root.contentWidth
                position: root.scrollX / root.contentWidth
                onPositionChanged: if (pressed || active) root.scrollX = root.clampScroll(position * root.contentWidth)
            }
        }
    }

    ClipMenu {
        id: clipMenu
        view: root
    }
    ClipPropertiesPopup {
        id: clipProperties
        document: root.document
        anchors.centerIn: parent
    }
    RetakePopup {
        id: retakePopup
        retakes: root.retakes
        anchors.centerIn: parent
    }
    InContextPopup {
        id: inContextPopup
        control: root.retakes ? root.retakes.inContext : null
        anchors.centerIn: parent
    }
    Menu {  // right-click on empty track space
        id: gapMenu
        objectName: "gapMenu"
        property string trackId
        property int frame: 0
        MenuItem { objectName: "fillGapItem"; text: qsTr("Fill gap…"); onTriggered: retakePopup.openGap(gapMenu.trackId, gapMenu.frame) }
    }
    Shared.TakesBatchDialog {
        id: spanTakesDialog
        objectName: "spanTakesDialog"
        takes: root.takes
    }
    ExtendPopup {
        id: extendPopup
        spans: root.spans
        anchors.centerIn: parent
    }

    // -- keys (window-wide; text fields keep their own keys) --
    Shortcut { property string help: qsTr("Split the clip at the playhead"); sequence: "S"; onActivated: timelineController.splitAtPlayhead() }
    Shortcut { property string help: qsTr("Delete the selection"); sequences: [StandardKey.Delete, "Backspace"]; onActivated: root.deleteSelection(false) }
    Shortcut { property string help: qsTr("Ripple delete the selection"); sequence: "Shift+Delete"; onActivated: root.deleteSelection(true) }
    Shortcut { property string help: qsTr("Add a marker at the playhead"); sequence: "M"; onActivated: timelineController.addMarkerAtPlayhead() }
    Shortcut {
        property string help: qsTr("Set the range's in point at the playhead")
        sequence: "I"
        onActivated: timelineController.setRange(root.playheadFrame,
                                         timelineController.hasRange ? timelineController.rangeEnd : root.playheadFrame)
    }
    Shortcut {
        property string help: qsTr("Set the range's out point at the playhead")
        sequence: "O"
        onActivated: timelineController.setRange(timelineController.hasRange ? timelineController.rangeStart : 0, root.playheadFrame)
    }
    Shortcut {
        property string help: qsTr("Clear the selection and the range")
        sequence: "Escape"
        onActivated: { timelineController.clearSelection(); timelineController.clearRange(); root.selectedKeyframeId = "" }
    }
    Shortcut { property string help: qsTr("Zoom in"); sequences: ["+", "="]; onActivated: root.zoomBy(1.25, lanes.width / 2) }
    Shortcut { property string help: qsTr("Zoom out"); sequence: "-"; onActivated: root.zoomBy(0.8, lanes.width / 2) }
    Shortcut { property string help: qsTr("Zoom to fit the timeline"); sequence: "Shift+Z"; onActivated: root.zoomToFit() }

    // Declared last so it is destroyed last: the views above read it until they are gone.
    TimelineController {
        id: timelineController
        document: root.document
    }
}
