import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtMultimedia
import LtxEditor 1.0

// The viewer: plays what the PreviewController chooses (a bin asset, or the timeline at the playhead),
// with the transport below. Keys (Space, J/K/L, ←/→, Home/End) are window shortcuts in Main.qml.
Rectangle {
    id: view
    required property PreviewController preview
    property ProjectDocument document: null
    readonly property alias player: mediaPlayer

    color: Theme.window

    MediaPlayer {
        id: mediaPlayer
        objectName: "mediaPlayer"
        videoOutput: videoOut
        // the clip's own level and fades (up to 4x: the output tops out at 1)
        audioOutput: AudioOutput { id: audio; volume: view.preview ? Math.min(1, volumeSlider.value * view.preview.clipVolume) : 0; muted: muteButton.checked }
        onPositionChanged: function (position) { view.preview.playerPosition(position) }
        onPlaybackStateChanged: view.preview.setPlaying(playbackState === MediaPlayer.PlayingState)
        onErrorOccurred: function (error, errorString) { errorLabel.text = errorString }
        onMediaStatusChanged: {
            if (mediaStatus === MediaPlayer.EndOfMedia) view.preview.playerReachedEnd()
            else if (view.ready()) view.applyPending()
        }
        onSourceChanged: { errorLabel.text = ""; view.pendingMs = -1 }
    }
    // The controller's one `changed` signal covers every property: follow the source only when it differs,
    // so a position report never re-sets (and reloads) the media.
    readonly property string wantedSource: preview ? preview.source : ""  // null while the window closes
    onWantedSourceChanged: if (mediaPlayer.source.toString() !== wantedSource) mediaPlayer.source = wantedSource
    Component.onCompleted: { mediaPlayer.source = wantedSource; preview.reshow() }
    // A stopped player draws nothing; paused at the asked position it shows that frame (scrubbing). The
    // controller asks for the middle of a frame, so the frame shown is the one under the playhead.
    function showFrame(ms) {
        if (mediaPlayer.source.toString() === "") return
        pendingMs = ms
        if (mediaPlayer.playbackState === MediaPlayer.StoppedState) mediaPlayer.pause()
        if (ready()) applyPending()
    }
    // A position set while a new source is still loading is dropped by the player (it showed the file's
    // first frame): keep it, and set it once the media is loaded.
    property int pendingMs: -1
    function ready() {
        const s = mediaPlayer.mediaStatus
        return s === MediaPlayer.LoadedMedia || s === MediaPlayer.BufferedMedia || s === MediaPlayer.BufferingMedia
               || s === MediaPlayer.EndOfMedia
    }
    function applyPending() {
        if (pendingMs < 0) return
        mediaPlayer.position = pendingMs
        pendingMs = -1
    }

    // The picture under a see-through clip, or the clip a crossfade dissolves from (no sound of its own):
    // paused on the frame the controller names, as the top player is.
    MediaPlayer {
        id: underPlayer
        objectName: "underPlayer"
        videoOutput: underOut
        source: view.preview.underSource
        onMediaStatusChanged: if (view.underPendingMs >= 0 && (mediaStatus === MediaPlayer.LoadedMedia
                                                                || mediaStatus === MediaPlayer.BufferedMedia)) {
            position = view.underPendingMs
            view.underPendingMs = -1
        }
    }
    property int underPendingMs: -1
    function showUnderFrame(ms) {
        if (underPlayer.source.toString() === "") return
        // a stopped preview rests both pictures on the frame (the under player may still be playing: the top
        // player's pause reaches the controller, which asks for this frame, before the under player pauses)
        if (underPlayer.playbackState === MediaPlayer.StoppedState
                || (!view.preview.playing && underPlayer.playbackState === MediaPlayer.PlayingState))
            underPlayer.pause()
        const s = underPlayer.mediaStatus
        if (s === MediaPlayer.LoadedMedia || s === MediaPlayer.BufferedMedia) underPlayer.position = ms
        else underPendingMs = ms
    }

    Connections {
        target: view.preview
        function onUnderSeekRequested(ms) { view.showUnderFrame(ms) }
        function onSeekRequested(ms) { view.showFrame(ms) }
        function onPlayRequested(rate) {
            mediaPlayer.playbackRate = rate
            mediaPlayer.play()
            if (underPlayer.source.toString() !== "") {  // the picture under it plays along
                underPlayer.playbackRate = view.preview.underRate
                underPlayer.play()
            }
        }
        function onPauseRequested() { if (underPlayer.playing) underPlayer.pause(); mediaPlayer.pause() }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        Rectangle {  // title strip
            Layout.fillWidth: true
            Layout.preferredHeight: 28
            color: Theme.panel
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Theme.spacing
                anchors.rightMargin: Theme.spacing
                Rectangle {
                    width: modeLabel.implicitWidth + 10; height: 18; radius: 3
                    color: view.preview.mode === "asset" ? Theme.generatedClip : Theme.videoClip
                    Label { id: modeLabel; anchors.centerIn: parent; font.pixelSize: Theme.fontSmall - 1
                            text: view.preview.mode === "asset" ? qsTr("CLIP") : qsTr("TIMELINE"); color: "white" }
                }
                Label {
                    objectName: "previewTitle"
                    Layout.fillWidth: true
                    text: view.preview.title
                    elide: Text.ElideRight
                    color: Theme.text
                }
                ToolButton {
                    text: qsTr("Timeline")
                    visible: view.preview.mode === "asset"
                    onClicked: view.preview.showTimeline()
                }
            }
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Rectangle {  // what a see-through clip shows over nothing
                anchors.fill: parent
                anchors.margins: Theme.spacing
                color: "black"
                visible: view.preview.opacity < 1
            }
            VideoOutput {
                id: underOut
                objectName: "underOutput"
                anchors.fill: parent
                anchors.margins: Theme.spacing
                fillMode: VideoOutput.PreserveAspectFit
                visible: view.preview.underSource !== "" && view.preview.opacity < 1
            }
            Rectangle {  // the fade of the clip under it
                anchors.fill: underOut
                color: "black"
                opacity: view.preview.underShade
                visible: underOut.visible && opacity > 0
            }
            Item {  // the clip on top, at its opacity (or a crossfade's progress) over what is under it
                objectName: "topLayer"
                anchors.fill: parent
                opacity: view.preview.opacity
                layer.enabled: opacity < 1  // the picture and its fade shade as one
                VideoOutput {
                    id: videoOut
                    objectName: "videoOutput"
                    anchors.fill: parent
                    anchors.margins: Theme.spacing
                    fillMode: VideoOutput.PreserveAspectFit
                }
                Rectangle {  // the clip's fade, as the export draws it (black over the picture)
                    objectName: "fadeShade"
                    anchors.fill: videoOut
                    color: "black"
                    opacity: view.preview.shade
                    visible: opacity > 0
                }
            }
            Label {
                anchors.centerIn: parent
                visible: view.preview.source === ""
                text: view.preview.mode === "timeline" ? qsTr("No clip under the playhead") : ""
                color: Theme.textFaint
            }
            Label {
                id: errorLabel
                anchors.bottom: parent.bottom
                anchors.horizontalCenter: parent.horizontalCenter
                anchors.bottomMargin: Theme.spacing
                visible: text !== ""
                color: Theme.error
            }
            TapHandler { onTapped: view.preview.togglePlay() }
        }

        Rectangle {  // transport
            Layout.fillWidth: true
            Layout.preferredHeight: 40
            color: Theme.panel
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Theme.spacing
                anchors.rightMargin: Theme.spacing
                spacing: 2
                TransportButton { objectName: "startButton"; shape: "start"; tip: qsTr("Start (Home)"); onClicked: view.preview.goStart() }
                TransportButton { objectName: "rewindButton"; shape: "rewind"; tip: qsTr("Play backwards, faster each press (J)"); onClicked: view.preview.shuttle(-1) }
                TransportButton { objectName: "stepBackButton"; shape: "stepBack"; tip: qsTr("Previous frame (←)"); onClicked: view.preview.step(-1) }
                TransportButton {
                    objectName: "playButton"
                    shape: view.preview.playing ? "pause" : "play"
                    tip: view.preview.playing ? qsTr("Pause (Space, K)") : qsTr("Play (Space)")
                    highlighted: true
                    onClicked: view.preview.togglePlay()
                }
                TransportButton { objectName: "stepForwardButton"; shape: "stepForward"; tip: qsTr("Next frame (→)"); onClicked: view.preview.step(1) }
                TransportButton { objectName: "forwardButton"; shape: "forward"; tip: qsTr("Play forwards, faster each press (L)"); onClicked: view.preview.shuttle(1) }
                TransportButton { objectName: "endButton"; shape: "end"; tip: qsTr("End (End)"); onClicked: view.preview.goEnd() }
                Label {
                    visible: view.preview.rate !== 1 || view.preview.reversing
                    text: (view.preview.reversing ? "−" : "") + view.preview.rate + "×"
                    color: Theme.warning
                    font.pixelSize: Theme.fontSmall
                }
                Item { Layout.fillWidth: true }
                Label {
                    objectName: "timecode"
                    text: view.preview.timecodeText
                    font.family: Theme.monoFamily
                    font.pixelSize: Theme.fontLarge
                    color: Theme.text
                }
                Item { Layout.preferredWidth: Theme.spacing }
                ToolButton {
                    id: muteButton
                    checkable: true
                    text: checked ? qsTr("Muted") : "♪"
                    font.pixelSize: Theme.fontNormal
                }
                Slider { id: volumeSlider; from: 0; to: 1; value: 0.8; Layout.preferredWidth: 70 }
            }
        }
    }
}
