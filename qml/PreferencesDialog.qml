pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Preferences: API keys (keychain, this session, or a private file), a remote worker, folders, default backend, local memory options, prompt
// enhancement, autosave. Fields apply as they are edited; closing the dialog writes the file.
Dialog {
    id: dialog
    required property Preferences preferences
    property ModelsController machine: null  // for "This machine" (GPU, VRAM, torch build, RAM, disk)

    title: qsTr("Preferences")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(640, Overlay.overlay ? Overlay.overlay.width - 60 : 640)
    height: Math.min(680, Overlay.overlay ? Overlay.overlay.height - 60 : 680)
    standardButtons: Dialog.Close
    onClosed: preferences.save()

    component SectionTitle: Label {
        Layout.columnSpan: 2
        Layout.topMargin: Theme.spacing
        font.pixelSize: Theme.fontLarge
        font.bold: true
        color: Theme.text
    }
    component FieldLabel: Label { color: Theme.textDim; Layout.alignment: Qt.AlignRight | Qt.AlignVCenter }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        GridLayout {
            width: scroll.availableWidth - Theme.spacing
            columns: 2
            columnSpacing: Theme.spacing * 1.5
            rowSpacing: Theme.spacing

            SectionTitle { text: qsTr("This machine"); visible: dialog.machine !== null }
            Repeater {
                model: dialog.machine ? dialog.machine.hardwareDetails : []
                delegate: Label {
                    required property string modelData
                    required property int index
                    objectName: "prefsHardwareLine" + index
                    Layout.columnSpan: 2
                    Layout.fillWidth: true
                    text: modelData
                    color: Theme.textDim
                    wrapMode: Text.Wrap
                    font.pixelSize: Theme.fontSmall
                }
            }
            Button {  // the probe is cached: a driver installed or disk freed since shows after this
                objectName: "prefsRefreshHardware"
                Layout.columnSpan: 2
                visible: dialog.machine !== null
                text: qsTr("Check again")
                onClicked: dialog.machine.refreshHardware()
            }
            CheckBox {
                objectName: "allowCpuBox"
                Layout.columnSpan: 2
                text: qsTr("Run local models on the CPU when there is no GPU (very slow)")
                checked: dialog.preferences.allowCpu
                onToggled: dialog.preferences.allowCpu = checked
            }

            SectionTitle { text: qsTr("Cloud API keys") }
            Label {
                objectName: "keychainNote"
                Layout.columnSpan: 2
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: dialog.preferences.keychainAvailable ? Theme.textDim : Theme.warning
                text: dialog.preferences.keychainAvailable
                      ? qsTr("Keys are stored in the system keychain (%1), never in project files.").arg(dialog.preferences.keychainStatus)
                      : dialog.preferences.keychainStatus
            }
            Repeater {
                model: [{ "service": "fal", "name": "fal.ai", "env": "FAL_KEY" },
                        { "service": "replicate", "name": "Replicate", "env": "REPLICATE_API_TOKEN" }]
                delegate: ApiKeyRow {
                    required property var modelData
                    Layout.columnSpan: 2
                    Layout.fillWidth: true
                    preferences: dialog.preferences
                    service: modelData.service
                    serviceName: modelData.name
                    envName: modelData.env
                }
            }

            SectionTitle { text: qsTr("Remote worker") }
            RemoteWorkerSection {
                objectName: "remoteWorkerSection"
                Layout.columnSpan: 2
                Layout.fillWidth: true
                preferences: dialog.preferences
            }

            SectionTitle { text: qsTr("Folders") }
            FieldLabel { text: qsTr("Model cache") }
            FolderField {
                Layout.fillWidth: true
                path: dialog.preferences.modelCacheDir
                placeholder: qsTr("Hugging Face default")
                onEdited: function (p) { dialog.preferences.modelCacheDir = p }
            }
            FieldLabel { text: qsTr("LoRA folder") }
            FolderField {
                Layout.fillWidth: true
                path: dialog.preferences.loraDir
                placeholder: qsTr("a folder of .safetensors files")
                onEdited: function (p) { dialog.preferences.loraDir = p }
            }
            FieldLabel { text: qsTr("Local model") }
            FolderField {
                Layout.fillWidth: true
                path: dialog.preferences.localModelPath
                placeholder: qsTr("the catalog's Hugging Face model")
                onEdited: function (p) { dialog.preferences.localModelPath = p }
            }

            SectionTitle { text: qsTr("Generation") }
            FieldLabel { text: qsTr("Default backend") }
            ComboBox {
                objectName: "defaultBackendBox"
                Layout.fillWidth: true
                textRole: "text"
                valueRole: "value"
                model: [{ "value": "local", "text": "Local" }, { "value": "fal", "text": "fal.ai" },
                        { "value": "replicate", "text": "Replicate" }]
                Component.onCompleted: currentIndex = indexOfValue(dialog.preferences.defaultBackend)
                onActivated: dialog.preferences.defaultBackend = currentValue
            }
            FieldLabel { text: qsTr("If local can't run") }
            ComboBox {
                objectName: "cloudFallbackBox"
                Layout.fillWidth: true
                textRole: "text"
                valueRole: "value"
                model: [{ "value": "fal", "text": qsTr("Offer fal.ai (cost shown first)") },
                        { "value": "replicate", "text": qsTr("Offer Replicate (cost shown first)") },
                        { "value": "off", "text": qsTr("Show the error only") }]
                Component.onCompleted: currentIndex = indexOfValue(dialog.preferences.cloudFallback)
                onActivated: dialog.preferences.cloudFallback = currentValue
            }
            FieldLabel { text: qsTr("Local memory") }
            ColumnLayout {
                CheckBox {
                    text: qsTr("FP8 weights (less VRAM, slightly lower quality)")
                    checked: dialog.preferences.fp8
                    onToggled: dialog.preferences.fp8 = checked
                }
                CheckBox {
                    text: qsTr("VAE tiling (decode big frames in tiles)")
                    checked: dialog.preferences.vaeTiling
                    onToggled: dialog.preferences.vaeTiling = checked
                }
                RowLayout {
                    Label { text: qsTr("CPU offload"); color: Theme.textDim }
                    ComboBox {
                        model: ["none", "model", "sequential", "group"]
                        Component.onCompleted: currentIndex = Math.max(0, find(dialog.preferences.cpuOffload))
                        onActivated: dialog.preferences.cpuOffload = currentText
                    }
                }
            }
            FieldLabel { text: qsTr("Enhance endpoint") }
            TextField {
                Layout.fillWidth: true
                text: dialog.preferences.enhanceEndpoint
                placeholderText: qsTr("OpenAI-compatible URL (empty = off)")
                onEditingFinished: dialog.preferences.enhanceEndpoint = text
            }
            FieldLabel { text: qsTr("Enhance model") }
            TextField {
                Layout.fillWidth: true
                text: dialog.preferences.enhanceModel
                placeholderText: qsTr("e.g. llama3.1:8b")
                onEditingFinished: dialog.preferences.enhanceModel = text
            }

            SectionTitle { text: qsTr("Project") }
            FieldLabel { text: qsTr("Autosave every") }
            RowLayout {
                SpinBox {
                    objectName: "autosaveSpin"
                    from: 0; to: 120
                    value: dialog.preferences.autosaveMinutes
                    onValueModified: dialog.preferences.autosaveMinutes = value
                }
                Label { text: qsTr("minutes (0 = off)"); color: Theme.textDim }
            }
        }
    }
}
