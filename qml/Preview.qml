pragma ComponentBehavior: Bound
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

    FramePlayer {
        id: mediaPlayer
        objectName: "mediaPlayer"
        output: videoOut
        // the clip's own level and fades (up to 4x: the output tops out at 1)
        audioOutput: AudioOutput { id: audio; volume: view.preview ? Math.min(1, volumeSlider.value * view.preview.clipVolume) : 0; muted: muteButton.checked }
        onPositionChanged: function (position) { if (view.preview) view.preview.playerPosition(position) }
        onPlaybackStateChanged: if (view.preview) view.preview.setPlaying(playbackState === MediaPlayer.PlayingState)
        onErrorOccurred: function (error, errorString) { errorLabel.text = errorString }
        onMediaStatusChanged: if (mediaStatus === MediaPlayer.EndOfMedia && view.preview) view.preview.playerReachedEnd()
        onSourceChanged: errorLabel.text = ""
    }
    // The controller's one `changed` signal covers every property: follow the source only when it differs,
    // so a position report never re-sets (and reloads) the media.
    readonly property string wantedSource: preview ? preview.source : ""  // null while the window closes
    onWantedSourceChanged: if (mediaPlayer.source.toString() !== wantedSource) mediaPlayer.source = wantedSource
    Component.onCompleted: { mediaPlayer.source = wantedSource; preview.reshow() }

    // The pictures under the top one (PreviewPicture: a see-through clip's tracks below, a crossfade's clip
    // before), in preview.pictures' slots: 1 is the clip the top one dissolves from, 2k and 2k + 1 level k's.
    function pictures() {
        const all = [topFrom]
        for (let i = 0; i < lowerLevels.count; ++i) {
            const level = lowerLevels.itemAt(i) as PreviewLevel
            if (level) all.push(level.from, level.own)
        }
        return all
    }
    readonly property var levels: preview ? preview.levels : []
    function levelInfo(depth) { return depth < levels.length ? levels[depth] : null }

    Connections {
        target: view.preview
        function onPictureSeekRequested(slot, ms) {
            const picture = view.pictures().find(p => p.slot === slot)
            if (picture) picture.show(ms)
        }
        // The controller asks for the middle of a frame, so the frame shown is the one under the playhead.
        function onSeekRequested(ms) { mediaPlayer.rest(ms) }
        function onPlayRequested(rate) {
            mediaPlayer.playbackRate = rate
            mediaPlayer.play()
            for (const picture of view.pictures()) picture.playAlong()  // at their own rates
        }
        // the pictures under it first: a stop inside a crossfade must not leave one a frame past the playhead
        function onPauseRequested() {
            for (const picture of view.pictures()) picture.pause()
            mediaPlayer.pause()
        }
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
                    color: view.preview?.mode === "asset" ? Theme.generatedClip : Theme.videoClip
                    Label { id: modeLabel; anchors.centerIn: parent; font.pixelSize: Theme.fontSmall - 1
                            text: view.preview?.mode === "asset" ? qsTr("CLIP") : qsTr("TIMELINE"); color: "white" }
                }
                Label {
                    objectName: "previewTitle"
                    Layout.fillWidth: true
                    text: view.preview?.title ?? ""
                    elide: Text.ElideRight
                    color: Theme.text
                }
                ToolButton {
                    text: qsTr("Timeline")
                    visible: view.preview?.mode === "asset"
                    onClicked: view.preview.showTimeline()
                }
            }
        }

        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true
            Rectangle {  // what see-through clips show over nothing
                anchors.fill: parent
                anchors.margins: Theme.spacing
                color: "black"
                visible: view.levels.length > 0 && view.levels[view.levels.length - 1].opacity < 1
            }
            Repeater {  // the levels under the top one (preview_layers.Level), the lowest drawn first
                id: lowerLevels
                model: view.preview ? view.preview.maxLevels - 1 : 0
                PreviewLevel {
                    required property int index
                    anchors.fill: parent
                    anchors.margins: Theme.spacing
                    preview: view.preview
                    depth: (view.preview ? view.preview.maxLevels - 1 : 0) - index
                }
            }
            Item {  // the top level: its clip at a crossfade's progress over the clip before, at its opacity
                objectName: "topLayer"
                anchors.fill: parent
                anchors.margins: Theme.spacing
                opacity: view.levelInfo(0) ? view.levelInfo(0).opacity : 1
                layer.enabled: opacity < 1  // its pictures and fades blend as one
                PreviewPicture {
                    id: topFrom
                    objectName: "picture1"
                    anchors.fill: parent
                    preview: view.preview
                    slot: 1
                }
                Item {
                    anchors.fill: parent
                    opacity: view.levelInfo(0) ? view.levelInfo(0).mix : 1
                    layer.enabled: opacity < 1
                    VideoOutput {
                        id: videoOut
                        objectName: "videoOutput"
                        anchors.fill: parent
                        fillMode: VideoOutput.PreserveAspectFit
                    }
                    Rectangle {  // the clip's fade, as the export draws it (black over the picture)
                        objectName: "fadeShade"
                        anchors.fill: videoOut
                        color: "black"
                        opacity: view.preview ? view.preview.shade : 0
                        visible: opacity > 0
                    }
                }
            }
            Label {
                anchors.centerIn: parent
                visible: view.preview?.source === ""
                text: view.preview?.mode === "timeline" ? qsTr("No clip under the playhead") : ""
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
                    shape: view.preview?.playing ? "pause" : "play"
                    tip: view.preview?.playing ? qsTr("Pause (Space, K)") : qsTr("Play (Space)")
                    highlighted: true
                    onClicked: view.preview.togglePlay()
                }
                TransportButton { objectName: "stepForwardButton"; shape: "stepForward"; tip: qsTr("Next frame (→)"); onClicked: view.preview.step(1) }
                TransportButton { objectName: "forwardButton"; shape: "forward"; tip: qsTr("Play forwards, faster each press (L)"); onClicked: view.preview.shuttle(1) }
                TransportButton { objectName: "endButton"; shape: "end"; tip: qsTr("End (End)"); onClicked: view.preview.goEnd() }
                Label {
                    visible: (view.preview?.rate ?? 1) !== 1 || (view.preview?.reversing ?? false)
                    text: (view.preview?.reversing ? "−" : "") + (view.preview?.rate ?? 1) + "×"
                    color: Theme.warning
                    font.pixelSize: Theme.fontSmall
                }
                Item { Layout.fillWidth: true }
                Label {
                    objectName: "timecode"
                    text: view.preview?.timecodeText ?? ""
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
