import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// A clip's sound level (mute), fades, opacity, speed and the crossfade from the clip before; OK applies them
// as one undo step.
Dialog {
    id: popup
    objectName: "clipPropertiesPopup"
    required property ProjectDocument document
    property string clipId: ""
    property int frames: 1
    property int crossfadeMax: 0  // the longest crossfade from the clip before (0: no clip touches this one)
    property string linkedKind: ""  // the track kind of its linked clip ("audio": a video's own sound), or ""
    property int linkedFadeIn: 0
    property int linkedFadeOut: 0
    property string problem: ""

    title: qsTr("Clip properties")
    modal: true
    width: 460

    ClipPropertiesController { id: props; objectName: "clipPropertiesController"; document: popup.document
                               onFailed: function (message) { popup.problem = message } }

    function show(id) {
        const v = props.values(id)
        if (v.frames === undefined) return
        clipId = id
        frames = v.frames
        problem = ""
        volumeSlider.value = v.volume
        muteBox.checked = v.volume === 0
        fadeInBox.value = v.fadeIn
        fadeOutBox.value = v.fadeOut
        opacitySlider.value = v.opacity
        speedSlider.value = v.speed
        crossfadeMax = v.crossfadeMax
        crossfadeBox.value = v.crossfade
        linkedKind = v.linkedKind
        linkedFadeIn = v.linkedFadeIn
        linkedFadeOut = v.linkedFadeOut
        // On while the two fade alike (a fresh pair); off when the linked clip was faded on its own, so that
        // OK for another change does not overwrite its fades
        linkFadesBox.checked = linkedKind !== "" && v.linkedFadeIn === v.fadeIn && v.linkedFadeOut === v.fadeOut
        open()
    }

    contentItem: GridLayout {
        columns: 2
        columnSpacing: Theme.spacing * 1.5
        rowSpacing: Theme.spacing
        Label { text: qsTr("Volume"); color: Theme.textDim }
        RowLayout {
            Slider { id: volumeSlider; objectName: "clipVolume"; from: 0; to: 4; stepSize: 0.05; enabled: !muteBox.checked
                     Layout.fillWidth: true }
            Label { text: Math.round(volumeSlider.value * 100) + " %"; color: Theme.textDim; Layout.preferredWidth: 48 }
        }
        Item { width: 1; height: 1 }
        CheckBox { id: muteBox; objectName: "clipMute"; text: qsTr("Mute") }
        Label { text: qsTr("Fade in (frames)"); color: Theme.textDim }
        SpinBox { id: fadeInBox; objectName: "clipFadeIn"; from: 0; to: popup.frames; editable: true }
        Label { text: qsTr("Fade out (frames)"); color: Theme.textDim }
        SpinBox { id: fadeOutBox; objectName: "clipFadeOut"; from: 0; to: popup.frames; editable: true }
        Item { width: 1; height: 1; visible: popup.linkedKind !== "" }
        CheckBox {
            id: linkFadesBox
            objectName: "clipLinkFades"
            visible: popup.linkedKind !== ""
            Layout.fillWidth: true
            // a video's fades fade its picture; its sound (the linked clip) fades with it when this is on
            text: (popup.linkedKind === "audio" ? qsTr("Sound too") : qsTr("Picture too"))
                  + (checked || (popup.linkedFadeIn === fadeInBox.value && popup.linkedFadeOut === fadeOutBox.value)
                     ? "" : " " + qsTr("(its fades now: %1 in, %2 out)").arg(popup.linkedFadeIn).arg(popup.linkedFadeOut))
        }
        Label { text: qsTr("Opacity"); color: Theme.textDim }
        RowLayout {
            Slider { id: opacitySlider; objectName: "clipOpacity"; from: 0; to: 100; stepSize: 1; Layout.fillWidth: true }
            Label { text: Math.round(opacitySlider.value) + " %"; color: Theme.textDim; Layout.preferredWidth: 48 }
        }
        Label { text: qsTr("Speed"); color: Theme.textDim }
        RowLayout {
            Slider { id: speedSlider; objectName: "clipSpeed"; from: 0.25; to: 4; stepSize: 0.05; Layout.fillWidth: true }
            Label { text: speedSlider.value.toFixed(2) + "×"; color: Theme.textDim; Layout.preferredWidth: 48 }
        }
        Label { text: qsTr("Crossfade from the clip before (frames)"); color: Theme.textDim }
        SpinBox {
            id: crossfadeBox
            objectName: "clipCrossfade"
            from: 0
            to: Math.max(popup.crossfadeMax, value)
            editable: true
            enabled: popup.crossfadeMax > 0 || value > 0  // 0 removes it
            ToolTip.visible: hovered && !enabled
            ToolTip.text: qsTr("A crossfade joins this clip to one that ends where it starts.")
        }
        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            visible: popup.problem !== ""
            text: popup.problem
            color: Theme.error
            wrapMode: Text.Wrap
        }
    }
    footer: DialogButtonBox {
        Button {
            objectName: "applyClipProperties"
            text: qsTr("OK")
            highlighted: true
            onClicked: if (props.apply(popup.clipId, {volume: muteBox.checked ? 0 : volumeSlider.value,
                                                      fadeIn: fadeInBox.value, fadeOut: fadeOutBox.value,
                                                      opacity: opacitySlider.value, speed: speedSlider.value,
                                                      crossfade: crossfadeBox.value,
                                                      linkFades: linkFadesBox.visible && linkFadesBox.checked}))
                                popup.close()
        }
        Button { text: qsTr("Cancel"); onClicked: popup.close() }
    }
}
