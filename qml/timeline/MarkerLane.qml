pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// Markers: flags under the ruler. Drag to move (one edit on release); double-click renames; right-click
// offers rename and remove.
Rectangle {
    id: lane
    objectName: "markerLane"
    required property Timeline view
    color: Theme.panel

    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.divider }

    Repeater {
        model: lane.view.controller ? lane.view.controller.markersModel : null
        delegate: Item {
            id: marker
            required property string markerId
            required property int frame
            required property string name
            required property color color
            property int previewFrame: -1
            objectName: "marker_" + markerId
            x: lane.view.xOfFrame(previewFrame >= 0 ? previewFrame : frame) - 1
            width: Math.max(12, label.implicitWidth + 10)
            height: lane.height

            Rectangle { width: 2; height: parent.height; color: marker.color }
            Rectangle {
                x: 2; y: 2
                width: parent.width - 2; height: parent.height - 5
                color: Qt.rgba(marker.color.r, marker.color.g, marker.color.b, 0.25)
                Text {
                    id: label
                    x: 3
                    anchors.verticalCenter: parent.verticalCenter
                    text: marker.name
                    color: Theme.text
                    font.pixelSize: 10
                }
            }
            MouseArea {
                anchors.fill: parent
                acceptedButtons: Qt.LeftButton | Qt.RightButton
                cursorShape: Qt.SizeHorCursor
                property real pressX: 0
                onPressed: (mouse) => {
                    lane.view.forceActiveFocus()
                    if (mouse.button === Qt.RightButton) {
                        markerMenu.markerId = marker.markerId
                        markerMenu.markerName = marker.name
                        markerMenu.popup()
                        return
                    }
                    pressX = mapToItem(lane, mouse.x, mouse.y).x
                    lane.view.controller.beginDrag([marker.markerId])
                }
                onPositionChanged: (mouse) => {
                    if (!(mouse.buttons & Qt.LeftButton))
                        return
                    const dx = mapToItem(lane, mouse.x, mouse.y).x - pressX
                    marker.previewFrame = Math.max(0, lane.view.controller.snapFrame(
                        marker.frame + Math.round(dx / lane.view.ppf)))
                }
                onReleased: {
                    const to = marker.previewFrame
                    marker.previewFrame = -1
                    if (to >= 0 && to !== marker.frame)
                        lane.view.controller.moveMarker(marker.markerId, to)
                }
                onDoubleClicked: lane.rename(marker.markerId, marker.name)
            }
        }
    }

    function rename(markerId, name) {
        renamePopup.markerId = markerId
        nameField.text = name
        renamePopup.open()
        nameField.forceActiveFocus()
        nameField.selectAll()
    }

    Menu {
        id: markerMenu
        property string markerId
        property string markerName
        MenuItem { text: qsTr("Rename…"); onTriggered: lane.rename(markerMenu.markerId, markerMenu.markerName) }
        MenuItem { text: qsTr("Remove marker"); onTriggered: lane.view.controller.removeMarker(markerMenu.markerId) }
    }

    Popup {
        id: renamePopup
        property string markerId
        y: lane.height
        padding: Theme.spacing
        TextField {
            id: nameField
            width: 180
            placeholderText: qsTr("Marker name")
            onAccepted: { lane.view.controller.renameMarker(renamePopup.markerId, text); renamePopup.close() }
        }
    }
}
