pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// The keyframe lane: images pinned at frames, each with a tick where the model will actually land it (the
// 8-frame grid). Drop an image (file or bin asset) to add one; drag to move; double-click to edit strength
// and prompt; Delete / right-click to remove. Shift-drag on empty lane selects the span to generate; right-click
// inside it: generate it, or N takes of it.
Rectangle {
    id: lane
    objectName: "keyframeLane"
    required property Timeline view
    readonly property TimelineController ctl: view.controller
    color: Theme.panelAlt

    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.divider }

    RangeShade { view: lane.view; height: parent.height }

    MouseArea {  // empty lane: click clears, Shift-drag selects a span, right-click in the span: its menu
        anchors.fill: parent
        acceptedButtons: Qt.LeftButton | Qt.RightButton
        property int rangeFrom: -1
        onPressed: (mouse) => {
            if (mouse.button === Qt.RightButton) {
                const at = lane.view.frameAtX(mouse.x)
                if (lane.ctl.hasRange && at >= lane.ctl.rangeStart && at <= lane.ctl.rangeEnd && lane.view.spans)
                    spanMenu.popup()
                return
            }
            lane.view.forceActiveFocus()
            lane.view.selectedKeyframeId = ""
            const f = lane.view.frameAtX(mouse.x)
            if (mouse.modifiers & Qt.ShiftModifier) {
                lane.ctl.beginDrag([])
                rangeFrom = lane.ctl.snapFrame(f)
                lane.ctl.setRange(rangeFrom, rangeFrom)
            } else {
                rangeFrom = -1
                lane.ctl.clearRange()
            }
        }
        onPositionChanged: (mouse) => {
            if (rangeFrom >= 0)
                lane.ctl.setRange(rangeFrom, lane.ctl.snapFrame(lane.view.frameAtX(Math.max(0, mouse.x))))
        }
    }

    DropArea {
        id: drop
        objectName: "keyframeDrop"
        anchors.fill: parent
        keys: ["ltx-asset", "text/uri-list"]
        onDropped: (event) => {
            const frame = lane.view.frameAtX(event.x)
            if (event.hasUrls) {
                for (let i = 0; i < event.urls.length; ++i)
                    lane.ctl.addKeyframe(frame + i, event.urls[i].toString())
            } else if (lane.ctl.draggedAssetId(event.keys) !== "") {
                lane.dropAsset(lane.ctl.draggedAssetId(event.keys), frame)
            }
            event.accept()
        }
    }
    Rectangle {
        visible: drop.containsDrag
        x: drop.drag.x
        width: 2; height: parent.height
        color: Theme.keyframe
    }

    // An image asset becomes a keyframe; a video asset's first frame goes through FrameActions' frame grab.
    function dropAsset(assetId, frame) {
        const kind = ctl.assetKind(assetId)
        if (kind === "image")
            ctl.addKeyframeFromAsset(assetId, frame)
        else if (kind !== "" && kind !== "audio" && view.frames)
            view.frames.assetFrameToKeyframe(assetId, 0, frame)
    }

    Repeater {
        model: lane.ctl ? lane.ctl.keyframesModel : null
        delegate: Item {
            id: kf
            required property string keyframeId
            required property int frame
            required property int landedFrame
            required property string imageUrl
            required property real strength
            required property string prompt
            required property string landingProblem
            property int previewFrame: -1
            readonly property int shownFrame: previewFrame >= 0 ? previewFrame : frame
            readonly property bool selected: lane.view.selectedKeyframeId === keyframeId
            objectName: "keyframe_" + keyframeId
            x: lane.view.xOfFrame(shownFrame) - width / 2
            width: 40
            height: lane.height
            z: selected ? 2 : 1

            // where the model lands it, when that differs from where it was put
            Rectangle {
                visible: kf.landedFrame !== kf.frame && kf.previewFrame < 0
                x: Math.min(kf.width / 2, kf.width / 2 + (kf.landedFrame - kf.frame) * lane.view.ppf)
                y: lane.height - 5
                width: Math.abs(kf.landedFrame - kf.frame) * lane.view.ppf
                height: 1
                color: Theme.info
            }
            Rectangle {
                objectName: "landing"
                visible: kf.previewFrame < 0
                x: kf.width / 2 + (kf.landedFrame - kf.frame) * lane.view.ppf - 1
                y: lane.height - 9
                width: 3; height: 8
                color: kf.landingProblem !== "" ? Theme.error : Theme.info
            }

            Rectangle {  // thumbnail
                x: 2; y: 2
                width: kf.width - 4; height: 26
                color: Theme.raised
                border.width: kf.selected ? 2 : 1
                border.color: kf.selected ? Theme.text : Theme.keyframe
                Image {
                    anchors.fill: parent
                    anchors.margins: 1
                    source: kf.imageUrl
                    sourceSize.width: 80
                    asynchronous: true
                    fillMode: Image.PreserveAspectCrop
                }
            }
            Rectangle {  // the diamond at the keyframe's own frame
                x: kf.width / 2 - 5; y: 31
                width: 10; height: 10
                rotation: 45
                color: kf.selected ? Theme.text : Theme.keyframe
                opacity: 0.4 + 0.6 * kf.strength
            }

            ToolTip.visible: mouse.containsMouse && !mouse.pressed
            ToolTip.delay: 600
            ToolTip.text: !lane.ctl ? "" : lane.ctl.timecode(kf.frame) + (kf.landedFrame !== kf.frame
                ? qsTr(" → lands at ") + lane.ctl.timecode(kf.landedFrame) : "")
                + qsTr("  strength ") + kf.strength.toFixed(2) + (kf.prompt ? "\n" + kf.prompt : "")
                + (kf.landingProblem ? "\n" + kf.landingProblem : "")

            MouseArea {
                id: mouse
                anchors.fill: parent
                hoverEnabled: true
                acceptedButtons: Qt.LeftButton | Qt.RightButton
                property real pressX: 0
                onPressed: (m) => {
                    lane.view.forceActiveFocus()
                    lane.view.selectedKeyframeId = kf.keyframeId
                    lane.view.controller.clearSelection()
                    if (m.button === Qt.RightButton) {
                        keyframeMenu.keyframeId = kf.keyframeId
                        keyframeMenu.popup()
                        return
                    }
                    pressX = mapToItem(lane, m.x, m.y).x
                    lane.ctl.beginDrag([kf.keyframeId])
                }
                onPositionChanged: (m) => {
                    if (!(m.buttons & Qt.LeftButton))
                        return
                    const dx = mapToItem(lane, m.x, m.y).x - pressX
                    if (kf.previewFrame < 0 && Math.abs(dx) < 4)
                        return
                    kf.previewFrame = Math.max(0, lane.ctl.snapFrame(kf.frame + Math.round(dx / lane.view.ppf)))
                }
                onReleased: {
                    const to = kf.previewFrame
                    kf.previewFrame = -1
                    if (to >= 0 && to !== kf.frame)
                        lane.ctl.moveKeyframe(kf.keyframeId, to)
                }
                onCanceled: kf.previewFrame = -1
                onDoubleClicked: lane.edit(kf.keyframeId, kf.strength, kf.prompt)
            }
        }
    }

    function edit(keyframeId, strength, prompt) {
        popup.keyframeId = keyframeId
        popup.strength = strength
        popup.prompt = prompt
        const k = ctl.keyframesModel.get(ctl.keyframesModel.indexOf(keyframeId))
        popup.x = Math.max(0, Math.min(width - popup.width, view.xOfFrame(k.frame || 0) - popup.width / 2))
        popup.open()
    }

    Menu {
        id: keyframeMenu
        property string keyframeId
        MenuItem {
            text: qsTr("Edit strength and prompt…")
            onTriggered: {
                const row = lane.ctl.keyframesModel.indexOf(keyframeMenu.keyframeId)
                const k = lane.ctl.keyframesModel.get(row)
                lane.edit(keyframeMenu.keyframeId, k.strength, k.prompt)
            }
        }
        MenuItem { text: qsTr("Remove keyframe"); onTriggered: lane.ctl.removeKeyframe(keyframeMenu.keyframeId) }
    }

    Menu {  // right-click inside the selected span
        id: spanMenu
        objectName: "spanMenu"
        MenuItem {
            objectName: "generateSpanItem"
            text: qsTr("Generate span")
            enabled: lane.ctl && lane.ctl.canGenerateSpan
            onTriggered: lane.view.generateSpan()
        }
        MenuItem {
            objectName: "spanTakesItem"
            text: qsTr("N takes of this span…")
            visible: lane.view.takes !== null
            height: visible ? implicitHeight : 0
            enabled: lane.ctl && lane.ctl.canGenerateSpan
            onTriggered: lane.view.openSpanTakes()
        }
    }

    KeyframePopup {
        id: popup
        y: lane.height
        onApplied: (strength, prompt) => lane.ctl.updateKeyframe(keyframeId, strength, prompt)
        onRemoved: lane.ctl.removeKeyframe(keyframeId)
    }
}
