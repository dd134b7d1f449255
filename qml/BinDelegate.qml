import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// One asset in the bin: thumbnail, duration, backend/model badge, take switcher. The inner card is
// what drags: Drag.keys ["ltx-asset", "ltx-asset-id:<assetId>"] for the timeline's DropAreas.
Item {
    id: root
    required property string assetId
    required property string name
    required property string kind
    required property string thumbnail
    required property string durationText
    required property string badge
    required property string backend
    required property int takeCount
    required property int takeIndex
    required property var takes
    required property bool offline
    required property bool hasAudio
    required property int frameCount
    required property bool hasRecipe
    property bool selected: false
    property Item dragParent: null

    signal clicked(int modifiers)  // Ctrl: add to / take from the selection; Shift: select up to here
    signal doubleClicked()
    signal menuRequested(real x, real y)
    signal takeChosen(string takeId)

    Rectangle {
        id: card
        objectName: "binCard"
        property string assetId: root.assetId
        property string kind: root.kind
        width: root.width - 8
        height: root.height - 8
        x: 4; y: 4
        radius: Theme.radius + 2
        color: hover.hovered || root.selected ? Theme.raised : Theme.panelAlt
        border.color: root.selected ? Theme.accent : Theme.divider
        border.width: root.selected ? 2 : 1
        opacity: dragHandler.active ? 0.85 : 1

        Drag.keys: ["ltx-asset", "ltx-asset-id:" + root.assetId]  // drop targets read the id from the keys
        Drag.source: card

        states: State {
            when: dragHandler.active && root.dragParent !== null
            ParentChange { target: card; parent: root.dragParent }
            PropertyChanges { card.z: 1000 }
        }

        ColumnLayout {
            anchors.fill: parent
            anchors.margins: 5
            spacing: 3

            Rectangle {  // the picture, 16:9
                id: frame
                Layout.fillWidth: true
                Layout.preferredHeight: width * 9 / 16
                radius: Theme.radius
                color: Theme.window
                clip: true

                Image {
                    id: thumb
                    objectName: "binThumbnail"
                    anchors.fill: parent
                    source: root.thumbnail
                    asynchronous: true
                    cache: true
                    fillMode: Image.PreserveAspectCrop
                    sourceSize.width: 224
                }
                Label {  // audio, offline, or still loading
                    anchors.centerIn: parent
                    visible: thumb.status !== Image.Ready
                    text: root.offline ? qsTr("offline") : (root.kind === "audio" ? "♪" : "…")
                    color: root.offline ? Theme.error : Theme.textFaint
                    font.pixelSize: root.kind === "audio" ? 28 : Theme.fontNormal
                }
                Rectangle {  // duration
                    anchors.right: parent.right; anchors.bottom: parent.bottom; anchors.margins: 3
                    width: durationLabel.implicitWidth + 8; height: durationLabel.implicitHeight + 2
                    radius: 3; color: "#c0000000"
                    Label {
                        id: durationLabel
                        anchors.centerIn: parent
                        text: root.durationText + (root.hasAudio ? " ♪" : "")
                        font.pixelSize: Theme.fontSmall - 1
                        font.family: Theme.monoFamily
                        color: Theme.text
                    }
                }
                TakeSwitcher {
                    anchors.left: parent.left; anchors.top: parent.top; anchors.margins: 3
                    visible: root.takeCount > 1
                    takes: root.takes
                    takeIndex: root.takeIndex
                    onChosen: function (takeId) { root.takeChosen(takeId) }
                }
            }
            Label {
                Layout.fillWidth: true
                text: root.name
                elide: Text.ElideRight
                color: Theme.text
                font.pixelSize: Theme.fontSmall + 1
            }
            RowLayout {
                Layout.fillWidth: true
                spacing: 4
                Rectangle {
                    width: 7; height: 7; radius: 3.5
                    color: Theme.backendColor(root.backend)
                    visible: root.backend !== ""
                }
                Label {
                    Layout.fillWidth: true
                    text: root.badge
                    elide: Text.ElideRight
                    color: Theme.textDim
                    font.pixelSize: Theme.fontSmall - 1
                }
            }
        }

        HoverHandler { id: hover }
        TapHandler {
            id: leftTap
            acceptedButtons: Qt.LeftButton
            onTapped: root.clicked(leftTap.point.modifiers)
            onDoubleTapped: root.doubleClicked()
        }
        TapHandler {
            acceptedButtons: Qt.RightButton
            onTapped: function (point) { root.menuRequested(point.position.x, point.position.y) }
        }
        DragHandler {
            id: dragHandler
            target: card
            onActiveChanged: {
                if (active) {
                    if (!root.selected)
                        root.clicked(Qt.NoModifier)
                    card.Drag.hotSpot = dragHandler.centroid.pressPosition  // drops land under the pointer
                    card.Drag.active = true
                } else {
                    card.Drag.drop()
                    card.Drag.active = false
                    card.x = 4  // back into the grid
                    card.y = 4
                }
            }
        }
    }
}
