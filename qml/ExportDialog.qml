pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Export: preset (codec + container), size, frame rate, quality, whole timeline or a range, sound; then
// progress with Cancel, and "Open folder" when the file is written. The file name follows the preset's suffix.
Dialog {
    id: dialog
    required property ExportController exporter
    property var presetList: []
    property var project: ({ "width": 768, "height": 512, "fps": 24, "duration": 0, "target": "" })
    property bool done: false
    readonly property var preset: presetList.length ? presetList[presetBox.currentIndex] : null
    readonly property string page: exporter.running ? "progress" : done ? "done" : "settings"

    signal browseRequested(string current)

    title: page === "settings" ? qsTr("Export video") : page === "progress" ? qsTr("Exporting") : qsTr("Exported")
    modal: true
    closePolicy: page === "progress" ? Popup.NoAutoClose : Popup.CloseOnEscape
    anchors.centerIn: Overlay.overlay
    width: Math.min(560, Overlay.overlay ? Overlay.overlay.width - 40 : 560)

    // Open on the settings, filled from the project (its size, rate, length and a name beside it).
    function openSettings(range) {  // range: [first frame, end frame) of the timeline's in/out range, or null
        presetList = exporter.presets()
        project = exporter.defaults()
        done = false
        widthBox.value = project.width
        heightBox.value = project.height
        fpsBox.editText = String(project.fps)
        const ranged = !!range && range[1] > range[0] && range[1] <= project.duration
        rangeFrom.value = ranged ? range[0] : 0
        rangeTo.value = ranged ? range[1] : project.duration
        wholeButton.checked = !ranged
        rangeButton.checked = ranged
        setTarget(project.target)
        open()
    }
    function setTarget(path) {
        const p = String(path).replace(/^file:\/\//, "")
        targetField.text = dialog.preset ? p.replace(/\.[A-Za-z0-9]+$/, "") + dialog.preset.suffix : p
    }
    function options() {
        const o = { "preset": preset.name, "width": widthBox.value, "height": heightBox.value,
                    "fps": Number(fpsBox.editText), "audio": audioBox.checked }
        // the preset's own quality is left unsaid: then a timeline already in that format is stream-copied
        if (preset.hasQuality && qualitySlider.value !== preset.crf) o.crf = qualitySlider.value
        if (rangeButton.checked) { o.rangeStart = rangeFrom.value; o.rangeEnd = rangeTo.value }
        return o
    }
    function startExport() { exporter.startWith(targetField.text, options()) }

    Connections {
        target: dialog.exporter
        function onFinished(path) { dialog.done = true; if (!dialog.visible) dialog.open() }
        function onFailed(message, hint) { dialog.done = false }  // back to the settings (the error is shown apart)
        function onCancelled() { dialog.close() }
    }

    component Caption: Label { color: Theme.textDim; Layout.alignment: Qt.AlignRight | Qt.AlignVCenter }

    contentItem: StackLayout {
        currentIndex: dialog.page === "settings" ? 0 : dialog.page === "progress" ? 1 : 2

        GridLayout {  // settings
            columns: 2
            columnSpacing: Theme.spacing * 1.5
            rowSpacing: Theme.spacing
            Caption { text: qsTr("File") }
            RowLayout {
                Layout.fillWidth: true
                TextField { id: targetField; objectName: "exportTarget"; Layout.fillWidth: true; selectByMouse: true }
                Button { objectName: "exportBrowse"; text: qsTr("Browse…"); onClicked: dialog.browseRequested(targetField.text) }
            }
            Caption { text: qsTr("Format") }
            ComboBox {
                id: presetBox
                objectName: "exportPreset"
                Layout.fillWidth: true
                model: dialog.presetList
                textRole: "label"
                onActivated: {
                    dialog.setTarget(targetField.text)
                    if (dialog.preset.hasQuality) qualitySlider.value = dialog.preset.crf
                }
                onModelChanged: if (dialog.preset && dialog.preset.hasQuality) qualitySlider.value = dialog.preset.crf
            }
            Caption { text: qsTr("Size") }
            RowLayout {
                SpinBox { id: widthBox; objectName: "exportWidth"; from: 16; to: 8192; stepSize: 2; editable: true }
                Label { text: "×"; color: Theme.textDim }
                SpinBox { id: heightBox; objectName: "exportHeight"; from: 16; to: 8192; stepSize: 2; editable: true }
                ToolButton {
                    text: qsTr("Project")
                    onClicked: { widthBox.value = dialog.project.width; heightBox.value = dialog.project.height }
                }
            }
            Caption { text: qsTr("Frame rate") }
            ComboBox {
                id: fpsBox
                objectName: "exportFps"
                editable: true
                model: ["23.976", "24", "25", "29.97", "30", "50", "59.94", "60"]
                validator: DoubleValidator { bottom: 1; top: 240 }
            }
            Caption { text: qsTr("Quality") }
            RowLayout {
                enabled: !!dialog.preset && dialog.preset.hasQuality
                Slider {
                    id: qualitySlider
                    objectName: "exportQuality"
                    Layout.fillWidth: true
                    from: dialog.preset && dialog.preset.hasQuality ? dialog.preset.crfMin : 0
                    to: dialog.preset && dialog.preset.hasQuality ? dialog.preset.crfMax : 51
                    stepSize: 1
                    snapMode: Slider.SnapAlways
                }
                Label {
                    Layout.preferredWidth: 150
                    color: Theme.textDim
                    text: dialog.preset && !dialog.preset.hasQuality ? qsTr("fixed by the ProRes profile")
                          : qsTr("CRF %1 (lower is better)").arg(qualitySlider.value)
                }
            }
            Caption { text: qsTr("Range") }
            ColumnLayout {
                RadioButton { id: wholeButton; objectName: "exportWhole"; text: qsTr("Whole timeline"); checked: true }
                RowLayout {
                    RadioButton { id: rangeButton; objectName: "exportRange"; text: qsTr("Frames") }
                    SpinBox { id: rangeFrom; objectName: "exportRangeFrom"; enabled: rangeButton.checked; from: 0
                              to: Math.max(0, dialog.project.duration - 1); editable: true }
                    Label { text: qsTr("to"); color: Theme.textDim }
                    SpinBox { id: rangeTo; objectName: "exportRangeTo"; enabled: rangeButton.checked; from: 1
                              to: Math.max(1, dialog.project.duration); editable: true }
                }
            }
            Caption { text: qsTr("Sound") }
            CheckBox { id: audioBox; objectName: "exportAudio"; text: qsTr("Include sound"); checked: true }
        }

        ColumnLayout {  // progress
            spacing: Theme.spacing
            Label {
                Layout.fillWidth: true
                text: dialog.exporter.target.split("/").pop()
                elide: Text.ElideMiddle
                color: Theme.text
            }
            ProgressBar {
                objectName: "exportProgress"
                Layout.fillWidth: true
                from: 0; to: 1
                value: dialog.exporter.progress
            }
            Label { text: Math.round(dialog.exporter.progress * 100) + " %"; color: Theme.textDim }
        }

        ColumnLayout {  // done
            spacing: Theme.spacing
            Label {
                objectName: "exportDoneText"
                Layout.fillWidth: true
                text: qsTr("Wrote %1 (checked: frames, length, size and codecs).").arg(dialog.exporter.written.split("/").pop())
                wrapMode: Text.Wrap
                color: Theme.text
            }
        }
    }

    footer: DialogButtonBox {
        Button {
            objectName: "startExportButton"
            visible: dialog.page === "settings"
            text: qsTr("Export")
            highlighted: true
            enabled: targetField.text !== "" && !!dialog.preset
            onClicked: dialog.startExport()
        }
        Button {
            objectName: "cancelExportButton"
            visible: dialog.page === "progress"
            text: qsTr("Cancel export")
            onClicked: dialog.exporter.cancel()
        }
        Button {
            objectName: "openFolderButton"
            visible: dialog.page === "done"
            text: qsTr("Open folder")
            onClicked: Qt.openUrlExternally(dialog.exporter.folderUrl)
        }
        Button {
            objectName: "closeExportButton"
            visible: dialog.page !== "progress"
            text: qsTr("Close")
            onClicked: dialog.close()
        }
    }
}
