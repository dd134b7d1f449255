pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// One storyboard shot: number, prompt, duration, start/end keyframe images, status, takes, and its actions.
// Every change goes through `storyboard` (one undo step each); nothing is edited here.
Rectangle {
    id: shot
    required property int index
    required property string shotId
    required property int number
    required property string prompt
    required property string enhancedPrompt
    required property real durationS
    required property string startImageUrl
    required property string endImageUrl
    required property string status
    required property int takeCount
    required property var takes
    required property string activeTakeId
    required property StoryboardController storyboard
    property int shotCount: 0

    signal chooseImage(string shotId, string which)  // which: "start" | "end"
    signal chooseTakes(string shotId)  // "N takes" (the panel asks how many, cost first)

    objectName: "shot_" + number
    implicitHeight: body.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius + 2
    color: Theme.panelAlt
    border.color: Theme.divider

    function statusColor(s) {
        switch (s) {
        case "done": return Theme.ok
        case "failed": return Theme.error
        case "generating": return Theme.accent
        case "queued": return Theme.info
        default: return Theme.textFaint
        }
    }

    RowLayout {
        id: body
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        Label {
            text: shot.number
            color: Theme.textDim
            font.pixelSize: Theme.fontLarge
            Layout.alignment: Qt.AlignTop
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.preferredWidth: 0  // takes what the number and the buttons leave: they are never pushed off
            spacing: Theme.spacingSmall

            TextField {
                objectName: "promptField"
                Layout.fillWidth: true
                text: shot.prompt
                placeholderText: qsTr("Describe the shot…")
                onTextChanged: if (!activeFocus) cursorPosition = 0  // a long prompt shows its start, not its end
                onEditingFinished: if (text !== shot.prompt) shot.storyboard.updateShot(shot.shotId, {"prompt": text})
            }
            Label {
                objectName: "enhancedLabel"
                visible: shot.enhancedPrompt !== ""
                Layout.fillWidth: true
                text: qsTr("Enhanced: ") + shot.enhancedPrompt
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
                wrapMode: Text.Wrap
                maximumLineCount: 3
                elide: Text.ElideRight
            }
            Flow {  // duration, images, status, takes: wrap onto a second line in a narrow panel
                Layout.fillWidth: true
                spacing: Theme.spacing
                TenthsSpin {
                    objectName: "durationSpin"
                    from: 1
                    to: 600
                    suffix: " s"
                    realValue: shot.durationS
                    onRealModified: (v) => shot.storyboard.updateShot(shot.shotId, {"durationS": v})
                }
                Repeater {
                    model: [{"which": "start", "url": shot.startImageUrl, "name": qsTr("Start")},
                            {"which": "end", "url": shot.endImageUrl, "name": qsTr("End")}]
                    delegate: Rectangle {
                        id: slot
                        required property var modelData
                        objectName: slot.modelData.which + "ImageSlot"
                        width: 64; height: 36
                        radius: Theme.radius
                        color: Theme.raised
                        border.color: Theme.border
                        Image {
                            anchors.fill: parent
                            anchors.margins: 1
                            source: slot.modelData.url
                            asynchronous: true
                            fillMode: Image.PreserveAspectCrop
                            visible: slot.modelData.url !== ""
                        }
                        Label {
                            anchors.centerIn: parent
                            visible: slot.modelData.url === ""
                            text: slot.modelData.name + "…"
                            color: Theme.textFaint
                            font.pixelSize: Theme.fontSmall
                        }
                        TapHandler {
                            acceptedButtons: Qt.LeftButton | Qt.RightButton
                            onTapped: (point, button) => {
                                if (button === Qt.RightButton) {  // right-click clears the image
                                    const change = {}
                                    change[slot.modelData.which + "Image"] = ""
                                    shot.storyboard.updateShot(shot.shotId, change)
                                } else {
                                    shot.chooseImage(shot.shotId, slot.modelData.which)
                                }
                            }
                        }
                        ToolTip.visible: imageHover.hovered
                        ToolTip.text: qsTr("%1 keyframe image: click to choose, right-click to clear").arg(slot.modelData.name)
                        HoverHandler { id: imageHover }
                    }
                }
                Label {
                    objectName: "statusLabel"
                    height: 36
                    verticalAlignment: Text.AlignVCenter
                    text: shot.status
                    color: shot.statusColor(shot.status)
                    font.pixelSize: Theme.fontSmall
                }
                ComboBox {
                    objectName: "takeCombo"
                    visible: shot.takeCount > 0
                    implicitWidth: 150
                    model: shot.takes
                    textRole: "label"
                    valueRole: "takeId"
                    currentIndex: shot.takes.findIndex(t => t.takeId === shot.activeTakeId)
                    onActivated: (i) => shot.storyboard.setShotTake(shot.shotId, shot.takes[i].takeId)
                }
            }
        }

        GridLayout {
            columns: 3
            rowSpacing: 2
            columnSpacing: 2
            Layout.alignment: Qt.AlignTop
            ToolButton {
                objectName: "upButton"; text: "▲"; enabled: shot.index > 0
                onClicked: shot.storyboard.moveShot(shot.shotId, shot.index - 1)
                ToolTip.text: qsTr("Move up"); ToolTip.visible: hovered
            }
            ToolButton {
                objectName: "duplicateButton"; text: "⊞"  // ⧉ is in no font here: it drew as a box
                onClicked: shot.storyboard.duplicateShot(shot.shotId)
                ToolTip.text: qsTr("Duplicate"); ToolTip.visible: hovered
            }
            ToolButton {
                objectName: "enhanceButton"; text: "✎"; enabled: shot.prompt !== ""
                onClicked: shot.storyboard.enhanceShotPrompt(shot.shotId)
                ToolTip.text: qsTr("Enhance the prompt"); ToolTip.visible: hovered
            }
            ToolButton {
                objectName: "downButton"; text: "▼"; enabled: shot.index < shot.shotCount - 1
                onClicked: shot.storyboard.moveShot(shot.shotId, shot.index + 1)
                ToolTip.text: qsTr("Move down"); ToolTip.visible: hovered
            }
            ToolButton {
                objectName: "regenerateButton"; text: shot.takeCount > 0 ? "↻" : "▶"
                onClicked: shot.storyboard.generateShot(shot.shotId)
                ToolTip.text: shot.takeCount > 0 ? qsTr("Regenerate (adds a take)") : qsTr("Generate this shot")
                ToolTip.visible: hovered
            }
            ToolButton {
                objectName: "takesButton"; text: "N×"
                onClicked: shot.chooseTakes(shot.shotId)
                ToolTip.text: qsTr("N takes of this shot (cost first)"); ToolTip.visible: hovered
            }
            ToolButton {
                objectName: "deleteButton"; text: "✕"
                onClicked: shot.storyboard.removeShot(shot.shotId)
                ToolTip.text: qsTr("Delete (its clips stay in the bin)"); ToolTip.visible: hovered
            }
        }
    }
}
