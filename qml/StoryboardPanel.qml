pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import LtxEditor 1.0

// The storyboard: a list of shots (add, reorder, duplicate, delete, enhance, generate), and "Generate all",
// which shows the summed cost estimate first and queues every shot only once confirmed.
Rectangle {
    id: panel
    required property ProjectDocument document
    required property StoryboardController storyboard
    property TakesController takes: null  // "N takes" of a shot (absent: the button does nothing)

    color: Theme.panel
    implicitWidth: 520
    implicitHeight: 400

    function askGenerateAll() {
        const estimate = storyboard.estimateAll()
        if (estimate === "")
            return  // refused: the controller said why through its error signal
        confirmDialog.estimate = estimate
        confirmDialog.open()
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            Label {
                text: qsTr("Storyboard")
                color: Theme.text
                font.pixelSize: Theme.fontTitle
            }
            Label {
                text: qsTr("%n shot(s)", "", shotList.count)
                color: Theme.textDim
                font.pixelSize: Theme.fontSmall
            }
            Item { Layout.fillWidth: true }
            Button {
                objectName: "addShotButton"
                text: qsTr("Add shot")
                onClicked: panel.storyboard.addShot("", 5.0)
            }
            Button {
                objectName: "generateAllButton"
                text: qsTr("Generate all…")
                highlighted: true
                enabled: shotList.count > 0
                onClicked: panel.askGenerateAll()
            }
        }

        ListView {
            id: shotList
            objectName: "shotList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: Theme.spacingSmall
            model: panel.storyboard.shots
            delegate: ShotDelegate {
                width: ListView.view.width
                storyboard: panel.storyboard
                shotCount: shotList.count
                onChooseTakes: shotId => { if (panel.takes) takesDialog.ask(shotId) }
                onChooseImage: (shotId, which) => {
                    imageDialog.shotId = shotId
                    imageDialog.which = which
                    imageDialog.open()
                }
            }
            ScrollBar.vertical: ScrollBar {}

            Label {
                anchors.centerIn: parent
                visible: shotList.count === 0
                text: qsTr("No shots yet. Add one, write what happens, and generate them all.")
                color: Theme.textFaint
            }
        }
    }

    Dialog {
        id: confirmDialog
        objectName: "generateAllDialog"
        property string estimate: ""
        title: qsTr("Generate every shot?")
        modal: true
        width: 420  // fixed: a wrapping label inside would otherwise loop on the implicit width
        anchors.centerIn: Overlay.overlay
        contentItem: ColumnLayout {
            spacing: Theme.spacing
            Label {
                objectName: "estimateLabel"
                Layout.fillWidth: true
                text: qsTr("%1 shot(s) will be queued in storyboard order.\n%2")
                      .arg(shotList.count).arg(confirmDialog.estimate)
                color: Theme.text
                wrapMode: Text.Wrap
            }
            RowLayout {  // on the storyboard's own track either way: the edit is never covered
                Layout.fillWidth: true
                Label { text: qsTr("Place the results"); color: Theme.textDim }
                ComboBox {
                    objectName: "storyboardPlacement"
                    Layout.fillWidth: true
                    textRole: "text"
                    valueRole: "value"
                    model: [{ text: qsTr("After the existing edit"), value: "end" },
                            { text: qsTr("At the playhead"), value: "playhead" }]
                    currentIndex: panel.storyboard.placement === "playhead" ? 1 : 0
                    onActivated: panel.storyboard.placement = currentValue
                }
            }
        }
        footer: DialogButtonBox {
            Button {
                objectName: "confirmGenerateButton"
                text: qsTr("Generate")
                DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
            }
            Button {
                objectName: "cancelGenerateButton"
                text: qsTr("Cancel")
                DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
            }
        }
        onAccepted: panel.storyboard.generateAll()
    }

    TakesBatchDialog { id: takesDialog; objectName: "takesBatchDialog"; takes: panel.takes }

    FileDialog {
        id: imageDialog
        property string shotId: ""
        property string which: "start"
        title: which === "start" ? qsTr("Start keyframe image") : qsTr("End keyframe image")
        nameFilters: [qsTr("Images (*.png *.jpg *.jpeg *.webp)"), qsTr("All files (*)")]
        onAccepted: {
            const change = {}
            change[which + "Image"] = selectedFile.toString()
            panel.storyboard.updateShot(shotId, change)
        }
    }
}
