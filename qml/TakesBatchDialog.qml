import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// "N takes" of a storyboard shot or of a keyframe span: how many, seeds (base, base + 1, ...) or a sweep over
// one setting (TakesSweepFields), and the batch's total cost, shown before anything is queued.
Dialog {
    id: dialog
    property TakesController takes: null
    property string shotId: ""  // a shot's takes (ask) ...
    property int spanStart: -1  // ... or a keyframe span's [spanStart, spanEnd) (askSpan)
    property int spanEnd: -1
    readonly property bool forSpan: spanStart >= 0
    property var preview: ({ ok: false, problem: "", estimate: "" })

    title: forSpan ? qsTr("Takes of this span") : qsTr("Takes of this shot")
    modal: true
    width: 420
    anchors.centerIn: Overlay.overlay

    function ask(id: string) {
        shotId = id
        spanStart = -1
        spanEnd = -1
        refresh()
        open()
    }
    // The keyframe span [start, end) (end exclusive, as everywhere on the timeline).
    function askSpan(start: int, end: int) {
        shotId = ""
        spanStart = start
        spanEnd = end
        refresh()
        open()
    }
    function refresh() {
        if (!takes)
            return
        if (forSpan)
            preview = takes.spanTakesPreview(spanStart, spanEnd, sweep.count, sweep.setting, sweep.values)
        else if (shotId !== "")
            preview = takes.shotTakesPreview(shotId, sweep.count, sweep.setting, sweep.values)
    }

    contentItem: ColumnLayout {
        spacing: Theme.spacing
        Label {
            objectName: "takesWhat"
            Layout.fillWidth: true
            visible: dialog.forSpan
            wrapMode: Text.Wrap
            text: qsTr("The first take lands on the timeline; the others become takes of that clip, which shows "
                       + "each as it lands (undo steps back through them).")
            color: Theme.textDim
            font.pixelSize: Theme.fontSmall
        }
        TakesSweepFields {
            id: sweep
            Layout.fillWidth: true
            onEdited: dialog.refresh()
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
    onAccepted: {
        if (forSpan)
            takes.generateSpanTakes(spanStart, spanEnd, sweep.count, sweep.setting, sweep.values)
        else
            takes.generateShotTakes(shotId, sweep.count, sweep.setting, sweep.values)
    }
}
