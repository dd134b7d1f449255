import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// A clip's sound level (mute) and fades; OK applies them as one undo step.
Dialog {
    id: popup
    objectName: "clipPropertiesPopup"
    required property ProjectDocument document
    property string clipId: ""
    property int frames: 1
    property string problem: ""

    title: qsTr("Clip properties")
    modal: true
    width: 380

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
            onClicked: if (props.apply(popup.clipId, muteBox.checked ? 0 : volumeSlider.value, fadeInBox.value,
                                       fadeOutBox.value)) popup.close()
        }
        Button { text: qsTr("Cancel"); onClicked: popup.close() }
    }
}
