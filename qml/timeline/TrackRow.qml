pragma ComponentBehavior: Bound
import QtQuick
import LtxEditor 1.0

// One track's lane: its background, drops from the clip bin, and the clips inside the visible range.
Rectangle {
    id: row
    objectName: "trackRow_" + trackId
    required property Timeline view
    required property int index
    required property string trackId
    required property string kind
    required property bool locked
    required property bool hidden
    required property TrackClipsModel clips

    // the row holding the dragged clip draws above the others so the clip is not hidden under them
    z: view.dragActive && view.dragSourceRow === index ? 2 : 0
    color: index % 2 ? Theme.trackBackgroundAlt : Theme.trackBackground
    opacity: hidden ? 0.55 : 1

    Rectangle {  // bottom divider
        anchors.bottom: parent.bottom
        width: parent.width; height: 1
        color: Theme.divider
    }

    MouseArea {  // clicking empty track space clears the selection; right-click on a video track offers "Fill gap"
        anchors.fill: parent
        acceptedButtons: Qt.LeftButton | Qt.RightButton
        onPressed: (mouse) => {
            row.view.controller.clearSelection(); row.view.selectedKeyframeId = ""; row.view.forceActiveFocus()
            row.view.controller.selectTrack(row.trackId)  // where Paste goes
            if (mouse.button === Qt.RightButton && row.kind === "video" && row.view.retakes !== null)
                row.view.openGapMenu(row.trackId, row.view.frameAtX(mouse.x), row, mouse.x, mouse.y)
        }
    }

    DropArea {
        id: drop
        anchors.fill: parent
        keys: ["ltx-asset"]
        onDropped: (event) => {
            const assetId = row.view.controller.draggedAssetId(event.keys)
            if (assetId !== "") {
                row.view.controller.insertAsset(assetId, row.trackId, row.view.frameAtX(event.x))
                event.accept()
            }
        }
    }
    Rectangle {  // where a dropped asset would start
        visible: drop.containsDrag
        x: drop.drag.x
        width: 2; height: parent.height
        color: Theme.accent
    }

    Item {
        id: content
        x: -row.view.scrollX
        width: row.view.contentWidth
        height: parent.height
        Repeater {
            model: row.clips
            delegate: Clip {
                view: row.view
                trackLocked: row.locked
                onAudioTrack: row.kind === "audio"
                height: row.height - 4
                y: 2
            }
        }
    }

    Rectangle {  // a locked track is veiled; its clips refuse edits
        anchors.fill: parent
        visible: row.locked
        color: "#30000000"
        border.color: "#40ffffff"
        Text {
            anchors { right: parent.right; top: parent.top; margins: 4 }
            text: qsTr("locked")
            color: Theme.textFaint
            font.pixelSize: Theme.fontSmall
        }
    }
}
