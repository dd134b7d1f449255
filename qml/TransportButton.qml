import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// A flat square transport button with a text glyph and a tooltip.
ToolButton {
    id: button
    property string glyph: ""
    property string tip: ""
    text: glyph
    font.pixelSize: Theme.fontNormal
    implicitWidth: 32
    implicitHeight: 30
    focusPolicy: Qt.NoFocus   // Space must stay the window's play/pause, not "press the focused button"
    ToolTip.visible: hovered && tip !== ""
    ToolTip.delay: 600
    ToolTip.text: tip
}
