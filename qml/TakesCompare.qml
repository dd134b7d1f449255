pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// 2–4 takes of a clip side by side, playing in step: one clock (takes.clock) drives every player
// (CompareTile follows it), and a seek moves them all. "Pick" makes a take the clip's take (one undo step).
Rectangle {
    id: strip
    required property TakesController takes
    readonly property TakesClock clock: takes ? takes.clock : null  // null while torn down
    property bool followClock: true  // every player follows the clock as it plays (off: the bench's baseline)

    color: Theme.window
    implicitWidth: 900
    implicitHeight: 360

    // Each player's position in ms and whether all have loaded (the sync test and bench read these).
    function playerPositions() {
        const out = []
        for (let i = 0; i < tiles.count; ++i) out.push((tiles.itemAt(i) as CompareTile)?.position ?? -1)
        return out
    }
    function allLoaded() {
        for (let i = 0; i < tiles.count; ++i)
            if (!((tiles.itemAt(i) as CompareTile)?.loaded ?? false)) return false
        return tiles.count > 0
    }

    // Every tick: the clock's correction for each player (off in the bench's baseline).
    Connections {
        target: strip.clock
        enabled: strip.followClock
        function onPositionChanged() {
            const rates = strip.clock.corrections(strip.playerPositions())
            for (let i = 0; i < tiles.count && i < rates.length; ++i)
                (tiles.itemAt(i) as CompareTile)?.correct(rates[i])
        }
    }

    function timeText(ms) {
        const s = Math.max(0, ms) / 1000
        return Math.floor(s / 60) + ":" + (s % 60).toFixed(2).padStart(5, "0")
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacing
            Repeater {
                id: tiles
                objectName: "compareTiles"
                model: strip.takes ? strip.takes.takes : []
                delegate: CompareTile {
                    takes: strip.takes
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    Layout.preferredWidth: 1
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Button {
                objectName: "comparePlayButton"
                text: strip.clock && strip.clock.playing ? qsTr("Pause") : qsTr("Play")
                onClicked: if (strip.clock) strip.clock.toggle()
            }
            Slider {
                objectName: "compareSeek"
                Layout.fillWidth: true
                from: 0
                to: strip.clock ? Math.max(1, strip.clock.duration) : 1
                value: strip.clock ? strip.clock.position : 0
                onMoved: if (strip.clock) strip.clock.seek(Math.round(value))
            }
            Label {
                objectName: "compareTime"
                text: strip.clock ? strip.timeText(strip.clock.position) + " / " + strip.timeText(strip.clock.duration) : ""
                color: Theme.textDim
                font.family: Theme.monoFamily
            }
        }
    }
}
