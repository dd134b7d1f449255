import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// "N takes" of a storyboard shot: how many, seeds (base, base + 1, ...) or a sweep over one setting, and the
// batch's total cost, shown before anything is queued.
Dialog {
    id: dialog
    property TakesController takes: null
    property string shotId: ""
    property var preview: ({ ok: false, problem: "", estimate: "" })

    title: qsTr("Takes of this shot")
    modal: true
    width: 420
    anchors.centerIn: Overlay.overlay

    function ask(id: string) {
        shotId = id
        refresh()
        open()
    }
    function sweepValues(): string { return setting.currentValue === "seed" ? "" : values.text }
    function refresh() {
        if (takes && shotId !== "")
            preview = takes.shotTakesPreview(shotId, count.value, setting.currentValue, sweepValues())
    }

    contentItem: ColumnLayout {
        spacing: Theme.spacing
        RowLayout {
            Label { text: qsTr("Takes"); color: Theme.textDim }
            SpinBox { id: count; objectName: "takesCount"; from: 2; to: 16; value: 4; onValueModified: dialog.refresh() }
        }
        RowLayout {
            Label { text: qsTr("Vary"); color: Theme.textDim }
            ComboBox {
                id: setting
                objectName: "takesSetting"
                Layout.fillWidth: true
                textRole: "text"
                valueRole: "value"
                model: [{ text: qsTr("Seed (base, base + 1, …)"), value: "seed" },
                        { text: qsTr("Guidance"), value: "guidance_scale" },
                        { text: qsTr("Steps"), value: "steps" }]
                onActivated: dialog.refresh()
            }
        }
        TextField {
            id: values
            objectName: "takesValues"
            Layout.fillWidth: true
            visible: setting.currentValue !== "seed"
            placeholderText: qsTr("One value per take, e.g. 2, 3.5, 5, 7")
            onTextEdited: dialog.refresh()
        }
        Label {
            objectName: "takesEstimate"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: dialog.preview.ok ? qsTr("%1 takes: %2").arg(dialog.preview.takes).arg(dialog.preview.estimate)
                                    : dialog.preview.problem
            color: dialog.preview.ok ? Theme.text : Theme.warning
        }
    }
    footer: DialogButtonBox {
        Button {
            objectName: "takesGenerateButton"
            text: qsTr("Generate")
            enabled: dialog.preview.ok
            DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
        }
        Button { text: qsTr("Cancel"); DialogButtonBox.buttonRole: DialogButtonBox.RejectRole }
    }
    onAccepted: takes.generateShotTakes(shotId, count.value, setting.currentValue, sweepValues())
}
