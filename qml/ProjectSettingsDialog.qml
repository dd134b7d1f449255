pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Project settings: frame size (aspect shown), frame rate, audio rate; a preset or "match a clip" fills them.
// Apply is one undo step. A new project also takes its first clip's size and rate by itself (controller).
Dialog {
    id: dialog
    required property ProjectDocument document
    property string matchAssetId: ""  // the bin's selection, for "Match selected clip"

    title: qsTr("Project settings")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(520, Overlay.overlay ? Overlay.overlay.width - 40 : 520)

    ProjectSettingsController { id: settings; objectName: "projectSettingsController"; document: dialog.document }

    function load() {
        const v = settings.values
        widthBox.value = v.width
        heightBox.value = v.height
        fpsBox.editText = String(v.fps)
        rateBox.currentIndex = Math.max(0, settings.sampleRates.indexOf(v.sampleRate))
    }
    onAboutToShow: load()
    Connections { target: settings; function onChanged() { if (dialog.visible) dialog.load() } }

    component Caption: Label { color: Theme.textDim; Layout.alignment: Qt.AlignRight | Qt.AlignVCenter }

    contentItem: GridLayout {
        columns: 2
        columnSpacing: Theme.spacing * 1.5
        rowSpacing: Theme.spacing
        Caption { text: qsTr("Preset") }
        ComboBox {
            objectName: "projectPreset"
            Layout.fillWidth: true
            model: settings.presets()
            textRole: "label"
            displayText: qsTr("Choose…")
            onActivated: function (index) {
                const p = model[index]
                widthBox.value = p.width; heightBox.value = p.height; fpsBox.editText = String(p.fps)
            }
        }
        Caption { text: qsTr("Frame size") }
        RowLayout {
            SpinBox { id: widthBox; objectName: "projectWidth"; from: 16; to: 16384; stepSize: 2; editable: true }
            Label { text: "×"; color: Theme.textDim }
            SpinBox { id: heightBox; objectName: "projectHeight"; from: 16; to: 16384; stepSize: 2; editable: true }
            Label { objectName: "projectAspect"; color: Theme.textDim
                    text: settings.values.width === widthBox.value && settings.values.height === heightBox.value
                          ? settings.values.aspect : "" }
        }
        Caption { text: qsTr("Frame rate") }
        ComboBox {
            id: fpsBox
            objectName: "projectFps"
            editable: true
            model: ["23.976", "24", "25", "29.97", "30", "50", "59.94", "60"]
            validator: DoubleValidator { bottom: 1; top: 240 }
        }
        Caption { text: qsTr("Audio rate") }
        ComboBox { id: rateBox; objectName: "projectSampleRate"; model: settings.sampleRates }
        Item { width: 1; height: 1 }
        Button {
            objectName: "matchClipButton"
            text: qsTr("Match selected clip")
            enabled: dialog.matchAssetId !== ""
            onClicked: settings.matchAsset(dialog.matchAssetId)
        }
    }
    footer: DialogButtonBox {
        Button {
            objectName: "applyProjectSettings"
            text: qsTr("Apply")
            highlighted: true
            onClicked: if (settings.apply(widthBox.value, heightBox.value, Number(fpsBox.editText),
                                          settings.sampleRates[rateBox.currentIndex])) dialog.close()
        }
        Button { text: qsTr("Cancel"); onClicked: dialog.close() }
    }
}
