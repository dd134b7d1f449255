pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import LtxEditor 1.0

// The model manager: this machine (GPU, VRAM, torch build, RAM, free disk), every local model with its state,
// size on disk, whether it fits this GPU and at which precision, its download (bytes, speed, ETA; pause,
// resume, cancel) and Delete; the folders scanned in place (ComfyUI trees, loose files); the LoRA library.
// All logic is in ModelsController; this file lays it out.
Item {
    id: view
    required property ModelsController machine
    property string notice: ""

    implicitWidth: 860
    implicitHeight: 640

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: scroll.availableWidth - Theme.spacing
            spacing: Theme.spacing

            RowLayout {  // this machine
                Layout.fillWidth: true
                Label { text: qsTr("This machine"); font.pixelSize: Theme.fontLarge; font.bold: true; color: Theme.text }
                Item { Layout.fillWidth: true }
                Button {
                    objectName: "refreshHardware"
                    text: qsTr("Check again")
                    onClicked: view.machine.refreshHardware()
                }
            }
            Repeater {
                model: view.machine.hardwareDetails
                delegate: Label {
                    required property string modelData
                    required property int index
                    objectName: "hardwareLine" + index
                    Layout.fillWidth: true
                    text: modelData
                    color: Theme.textDim
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontSmall
                }
            }

            RowLayout {  // the [local] extra missing (or a CPU torch on an NVIDIA GPU): install it from here
                objectName: "installLocalRow"
                Layout.fillWidth: true
                visible: !view.machine.localInstalled || view.machine.installing || view.machine.installText !== ""
                Button {
                    objectName: "installLocal"
                    visible: !view.machine.installing && !view.machine.localInstalled
                    text: qsTr("Install local generation")
                    onClicked: view.machine.installLocal()
                }
                Button { visible: view.machine.installing; text: qsTr("Cancel"); onClicked: view.machine.cancelInstall() }
                Label {
                    objectName: "installText"
                    Layout.fillWidth: true
                    text: view.machine.installText !== "" ? view.machine.installText
                          : qsTr("torch, diffusers and transformers are not installed: local models cannot run yet.")
                    color: Theme.textDim
                    elide: Text.ElideRight
                    font.pixelSize: Theme.fontSmall
                }
            }

            Label { text: qsTr("Models"); font.pixelSize: Theme.fontLarge; font.bold: true; color: Theme.text }
            Label {
                objectName: "modelsFolder"
                Layout.fillWidth: true
                text: qsTr("Downloads go to %1 (Preferences → Model cache). Models found in the folders below are used where they are.").arg(view.machine.modelsFolder)
                color: Theme.textDim
                wrapMode: Text.Wrap
                font.pixelSize: Theme.fontSmall
            }
            Label {
                objectName: "managerNotice"
                Layout.fillWidth: true
                visible: view.notice !== ""
                text: view.notice
                color: Theme.warning
                wrapMode: Text.Wrap
            }
            Repeater {
                objectName: "modelRows"
                model: view.machine.models
                delegate: Rectangle {
                    id: row
                    required property string modelId
                    required property string name
                    required property string modelState  // not `state`: Item has one
                    required property string stateText
                    required property string sizeText
                    required property string downloadText
                    required property string vramText
                    required property bool fits
                    required property string verdict
                    required property string precision
                    required property bool downloading
                    required property bool paused
                    required property real fraction
                    required property string progressText
                    required property string problem
                    objectName: "modelRow_" + modelId
                    Layout.fillWidth: true
                    implicitHeight: rowColumn.implicitHeight + 2 * Theme.spacingSmall
                    radius: Theme.radius
                    color: Theme.panelAlt

                    ColumnLayout {
                        id: rowColumn
                        anchors.fill: parent
                        anchors.margins: Theme.spacingSmall
                        spacing: 2
                        RowLayout {
                            Layout.fillWidth: true
                            Label { text: row.name; color: Theme.text; font.bold: true }
                            Label {
                                objectName: "state_" + row.modelId
                                text: row.stateText
                                color: row.modelState === "downloaded" || row.modelState === "in_use" ? Theme.ok
                                       : row.modelState === "partial" ? Theme.warning : Theme.textFaint
                                font.pixelSize: Theme.fontSmall
                            }
                            Item { Layout.fillWidth: true }
                            Label {
                                text: row.modelState === "absent" ? qsTr("download %1").arg(row.downloadText)
                                                             : qsTr("%1 on disk").arg(row.sizeText)
                                color: Theme.textDim
                                font.pixelSize: Theme.fontSmall
                            }
                        }
                        Label {
                            objectName: "verdict_" + row.modelId
                            Layout.fillWidth: true
                            text: row.vramText + " · " + row.verdict + (row.precision !== "" ? qsTr(" · recommended: %1").arg(row.precision) : "")
                            color: row.fits ? Theme.textDim : Theme.warning
                            wrapMode: Text.Wrap
                            font.pixelSize: Theme.fontSmall
                        }
                        ProgressBar {
                            objectName: "progress_" + row.modelId
                            Layout.fillWidth: true
                            visible: row.downloading || row.paused || row.modelState === "partial"
                            from: 0; to: 1
                            value: row.fraction
                            indeterminate: row.downloading && row.fraction <= 0
                        }
                        Label {
                            objectName: "progressText_" + row.modelId
                            Layout.fillWidth: true
                            visible: text !== ""
                            text: row.problem !== "" ? row.problem : row.progressText
                            color: row.problem !== "" ? Theme.error : Theme.textDim
                            wrapMode: Text.Wrap
                            font.pixelSize: Theme.fontSmall
                        }
                        RowLayout {
                            Layout.fillWidth: true
                            Item { Layout.fillWidth: true }
                            Button {
                                objectName: "download_" + row.modelId
                                visible: !row.downloading && row.modelState !== "downloaded" && row.modelState !== "in_use"
                                text: row.paused || row.modelState === "partial" ? qsTr("Resume") : qsTr("Download")
                                onClicked: view.machine.download(row.modelId)
                            }
                            Button {
                                objectName: "pause_" + row.modelId
                                visible: row.downloading
                                text: qsTr("Pause")
                                onClicked: view.machine.pause(row.modelId)
                            }
                            Button {
                                objectName: "cancel_" + row.modelId
                                visible: row.downloading || row.paused || row.modelState === "partial"
                                text: qsTr("Cancel")
                                onClicked: view.machine.cancel(row.modelId)
                            }
                            Button {
                                objectName: "delete_" + row.modelId
                                visible: (row.modelState === "downloaded" || row.modelState === "partial") && !row.downloading
                                text: qsTr("Delete")
                                onClicked: view.notice = view.machine.remove(row.modelId)
                            }
                        }
                    }
                }
            }

            Label { text: qsTr("Other folders, used in place"); font.pixelSize: Theme.fontLarge; font.bold: true; color: Theme.text }
            Repeater {
                model: view.machine.modelFolders
                delegate: RowLayout {
                    id: folderRow
                    required property string modelData
                    Layout.fillWidth: true
                    Label { Layout.fillWidth: true; text: folderRow.modelData; color: Theme.textDim; elide: Text.ElideMiddle }
                    Button { text: qsTr("Remove"); onClicked: view.machine.removeModelFolder(folderRow.modelData) }
                }
            }
            Button {
                objectName: "addModelFolder"
                text: qsTr("Add a folder (a ComfyUI install, or loose .safetensors)…")
                onClicked: folderDialog.open()
            }

            Label { text: qsTr("LoRA library"); font.pixelSize: Theme.fontLarge; font.bold: true; color: Theme.text }
            Label {
                visible: loraList.count === 0
                text: qsTr("No LoRAs found: choose a LoRA folder in Preferences, or add a ComfyUI folder above.")
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
            }
            Repeater {
                id: loraList
                model: view.machine.loras
                delegate: Label {
                    required property int index
                    required property string name
                    required property string family
                    required property string triggers
                    required property string sizeText
                    required property string problem
                    objectName: "loraRow" + index
                    Layout.fillWidth: true
                    text: name + "  ·  " + family + "  ·  " + sizeText
                          + (triggers !== "" ? qsTr("  ·  trigger: %1").arg(triggers) : "")
                          + (problem !== "" ? "  ·  " + problem : "")
                    color: problem !== "" ? Theme.warning : Theme.textDim
                    elide: Text.ElideRight
                    font.pixelSize: Theme.fontSmall
                }
            }
        }
    }
    FolderDialog {
        id: folderDialog
        onAccepted: view.machine.addModelFolder(selectedFolder.toString())
    }
}
