import QtQuick
import QtMultimedia
import LtxEditor 1.0

// One picture under the top clip's (a see-through clip's track below, a crossfade's clip before): a player
// without sound, with its fade. Paused, it rests on the frame the controller names (show); playing, it plays
// along at its own rate and is re-seeked when it drifts more than a frame from where the playhead says.
Item {
    id: picture
    required property PreviewController preview
    required property int slot  // in preview.pictures
    readonly property var info: preview && slot < preview.pictures.length ? preview.pictures[slot] : null
    readonly property string wantedSource: info ? info.source : ""
    readonly property int wantedMs: info ? info.ms : -1
    readonly property alias videoSink: screen.videoSink  // what it shows (tests read the frame)
    property int resyncedTo: -1  // the last re-seek's position, until the player plays on past it
    property int resyncs: 0  // drift corrections so far
    property bool joining: false  // its source changed while the preview plays: play along once loaded

    visible: wantedSource !== ""
    onWantedSourceChanged: if (decoder.source.toString() !== wantedSource) decoder.source = wantedSource
    onWantedMsChanged: keepUp()

    FramePlayer {
        id: decoder
        objectName: picture.objectName + "Player"
        output: screen
        playbackRate: picture.info ? picture.info.rate : 1
        onSourceChanged: {
            picture.resyncedTo = -1
            picture.joining = source.toString() !== "" && picture.preview !== null && picture.preview.playing
        }
        onMediaStatusChanged: if (picture.joining && mediaStatus === MediaPlayer.LoadedMedia) {
            picture.joining = false  // it starts mid-play: join in where the playhead is
            if (picture.preview && picture.preview.playing) {
                pendingMs = picture.wantedMs
                play()
            }
        }
        onPositionChanged: if (picture.resyncedTo >= 0 && position > picture.resyncedTo) picture.resyncedTo = -1
    }
    VideoOutput {
        id: screen
        anchors.fill: parent
        fillMode: VideoOutput.PreserveAspectFit
    }
    Rectangle {  // its fade, as the export draws it (black over the picture)
        anchors.fill: screen
        color: "black"
        opacity: picture.info ? picture.info.shade : 0
        visible: opacity > 0
    }

    // Rest on `ms`. A stopped preview pauses the player first: it may still be playing (the top player's
    // pause reaches the controller, which asks for this frame, before this one has paused).
    function show(ms) {
        if (!preview.playing && decoder.playbackState === MediaPlayer.PlayingState) decoder.pause()
        resyncedTo = -1
        decoder.rest(ms)
    }
    function playAlong() {
        if (decoder.source.toString() !== "") decoder.play()
    }
    function pause() {
        if (decoder.playing) decoder.pause()
    }
    // While playing: a player more than `slack` ms from the playhead's frame is re-seeked there, once, until
    // it plays on past that point (a re-seek each frame would keep a slow decoder from ever catching up).
    function keepUp() {
        if (!preview || !preview.playing || decoder.playbackState !== MediaPlayer.PlayingState || !decoder.ready()
                || wantedMs < 0 || resyncedTo >= 0 || Math.abs(decoder.position - wantedMs) <= info.slack)
            return
        resyncedTo = wantedMs
        resyncs += 1
        decoder.position = wantedMs
    }
}
