pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtMultimedia
import LtxEditor 1.0

// One take in the compare strip: its player starts, stops and seeks with the strip's one clock and takes the
// clock's corrections (a slightly faster/slower rate, a seek when far off); "Pick" makes it the clip's take.
Rectangle {
    id: tile
    required property int index
    required property var modelData  // {takeId, url, label, shown}
    required property TakesController takes
    readonly property TakesClock clock: takes ? takes.clock : null  // null while torn down
    readonly property int position: player.position
    readonly property bool loaded: player.mediaStatus === MediaPlayer.LoadedMedia
                                   || player.mediaStatus === MediaPlayer.BufferedMedia
                                   || player.mediaStatus === MediaPlayer.BufferingMedia

    objectName: "takeTile_" + index
    color: Theme.panel
    border.color: modelData.shown ? Theme.accent : Theme.divider
    border.width: modelData.shown ? 2 : 1
    radius: Theme.radius

    MediaPlayer {
        id: player
        source: tile.modelData.url
        videoOutput: video
        loops: MediaPlayer.Infinite
        audioOutput: AudioOutput { muted: true }  // four soundtracks at once help no one
        onMediaStatusChanged: if (mediaStatus === MediaPlayer.LoadedMedia) tile.follow(true)
    }
    property real fixedAt: 0  // when this player was last moved to the clock (it settles before the next fix)
    // Start, stop or move with the clock (play, pause, seek, loop).
    function follow(hard: bool) {
        if (!clock) return
        if (hard || !clock.playing) {
            player.position = clock.position
            player.playbackRate = 1.0
        }
        if (clock.playing && player.playbackState !== MediaPlayer.PlayingState) player.play()
        else if (!clock.playing && player.playbackState === MediaPlayer.PlayingState) player.pause()
    }
    // The clock's correction for this player while playing: a rate, or -1: go to the clock now.
    function correct(rate: real) {
        if (!clock || !clock.playing || Date.now() - fixedAt < 600) return
        if (rate < 0) {
            player.position = clock.position
            player.playbackRate = 1.0
            fixedAt = Date.now()
        } else if (Math.abs(player.playbackRate - rate) > 0.005) {
            player.playbackRate = rate
        }
    }
    Connections {
        target: tile.clock
        function onSeeked(ms: int) { tile.follow(true) }
        function onPlayingChanged() { tile.follow(true) }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 4
        spacing: 4
        VideoOutput {
            id: video
            Layout.fillWidth: true
            Layout.fillHeight: true
            fillMode: VideoOutput.PreserveAspectFit
        }
        RowLayout {
            Layout.fillWidth: true
            Label {
                Layout.fillWidth: true
                text: tile.modelData.label + (tile.modelData.shown ? qsTr(" · on the timeline") : "")
                color: tile.modelData.url === "" ? Theme.error : Theme.text
                elide: Text.ElideRight
                font.pixelSize: Theme.fontSmall
            }
            Button {
                objectName: "pickButton"
                text: qsTr("Pick")
                enabled: !tile.modelData.shown
                onClicked: tile.takes.pick(tile.modelData.takeId)
            }
        }
    }
}
