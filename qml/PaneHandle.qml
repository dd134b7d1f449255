import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// The thin, hover-highlighted divider between the window's panes.
Rectangle {
    implicitWidth: 4
    implicitHeight: 4
    color: SplitHandle.pressed ? Theme.accent : (SplitHandle.hovered ? Theme.hover : Theme.window)
}
