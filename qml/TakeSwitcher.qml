import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// "◀ 2/3 ▶" over a bin thumbnail: step through an asset's takes (the chosen one becomes active).
Rectangle {
    id: switcher
    property var takes: []
    property int takeIndex: 1          // 1-based, as the bin model gives it
    signal chosen(string takeId)

    width: row.implicitWidth + 4
    height: 18
    radius: 3
    color: "#c0000000"

    function pick(delta) {
        const n = takes.length
        if (n < 2) return
        const next = ((takeIndex - 1 + delta) % n + n) % n
        chosen(takes[next].takeId)
    }

    Row {
        id: row
        anchors.centerIn: parent
        spacing: 2
        Label {
            text: "◀"; color: prevTap.pressed ? Theme.accent : Theme.text; font.pixelSize: 9
            anchors.verticalCenter: parent.verticalCenter
            TapHandler { id: prevTap; onTapped: switcher.pick(-1) }
        }
        Label {
            objectName: "takeLabel"
            text: switcher.takeIndex + "/" + switcher.takes.length
            color: Theme.text
            font.pixelSize: Theme.fontSmall - 1
        }
        Label {
            text: "▶"; color: nextTap.pressed ? Theme.accent : Theme.text; font.pixelSize: 9
            anchors.verticalCenter: parent.verticalCenter
            TapHandler { id: nextTap; onTapped: switcher.pick(1) }
        }
    }
    ToolTip.visible: tipHover.hovered
    ToolTip.text: qsTr("Take %1 of %2 — seed %3").arg(takeIndex).arg(takes.length)
                  .arg(takes.length >= takeIndex && takeIndex > 0 ? takes[takeIndex - 1].seed : "?")
    HoverHandler { id: tipHover }
}
