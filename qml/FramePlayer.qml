import QtQuick
import QtMultimedia

// A player that rests exactly on the frame asked for while paused (rest(ms)): a position asked for while the
// media loads is set once it has loaded; one asked for before the last seek has drawn its frame waits for
// that frame (Qt's FFmpeg player drew the frame after the one asked for when a seek landed while another was
// still decoding); asking again for the frame it rests on is skipped.
MediaPlayer {
    id: player
    required property VideoOutput output
    property int pendingMs: -1  // the position to set once the media is ready and the last seek has drawn
    property int restingMs: -1  // the position last set while paused, until it plays on
    property bool seeking: false  // a position set while paused whose frame has not been drawn yet

    videoOutput: output
    onSourceChanged: { pendingMs = -1; restingMs = -1; seeking = false }
    onPlaybackStateChanged: {
        if (playbackState === MediaPlayer.PausedState) return
        restingMs = -1
        seeking = false
        if (ready()) applyPending()
    }
    onMediaStatusChanged: if (ready()) applyPending()

    readonly property Connections drawn: Connections {
        target: player.output.videoSink
        function onVideoFrameChanged() { player.seekDone() }
    }
    readonly property Timer drawTimeout: Timer {  // a seek that draws nothing new must not hold the next one
        interval: 1500
        onTriggered: player.seekDone()
    }

    function ready() {
        const s = mediaStatus
        return s === MediaPlayer.LoadedMedia || s === MediaPlayer.BufferedMedia || s === MediaPlayer.BufferingMedia
               || s === MediaPlayer.EndOfMedia
    }
    // Show the frame at `ms` (a stopped player draws nothing: paused, it shows the frame at its position).
    function rest(ms) {
        if (source.toString() === "") return
        if (ms === restingMs && pendingMs < 0 && playbackState === MediaPlayer.PausedState) return
        if (playbackState === MediaPlayer.StoppedState) pause()
        pendingMs = ms
        if (ready()) applyPending()
    }
    function applyPending() {
        if (pendingMs < 0 || (seeking && playbackState === MediaPlayer.PausedState)) return
        const ms = pendingMs
        pendingMs = -1
        if (playbackState === MediaPlayer.PausedState) {  // before the seek: its frame may come at once
            restingMs = ms
            seeking = true
            drawTimeout.restart()
        }
        position = ms
    }
    function seekDone() {
        if (!seeking) return
        seeking = false
        drawTimeout.stop()
        if (ready()) applyPending()
    }
}
