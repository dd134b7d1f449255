import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// A flat square transport button drawing its icon (fonts lack some media glyphs: "❚❚" came out as "…").
// shape: start | rewind | stepBack | play | pause | stepForward | forward | end (as in Shotcut's transport).
ToolButton {
    id: button
    property string shape: "play"
    property string tip: ""
    implicitWidth: 32
    implicitHeight: 30
    focusPolicy: Qt.NoFocus   // Space must stay the window's play/pause, not "press the focused button"
    Accessible.name: tip
    ToolTip.visible: hovered && tip !== ""
    ToolTip.delay: 600
    ToolTip.text: tip
    onShapeChanged: glyph.requestPaint()

    contentItem: Canvas {
        id: glyph
        objectName: "transportGlyph"
        implicitWidth: 16
        implicitHeight: 14
        property color ink: !button.enabled ? Theme.textFaint : button.highlighted ? Theme.accent : Theme.text
        onInkChanged: requestPaint()
        onPaint: {
            const ctx = getContext("2d")
            ctx.reset()
            ctx.fillStyle = ink
            const w = width, h = height, cy = h / 2
            function tri(x0, x1) {  // a triangle pointing from x0 towards x1, full height
                ctx.beginPath(); ctx.moveTo(x0, 0); ctx.lineTo(x1, cy); ctx.lineTo(x0, h); ctx.closePath(); ctx.fill()
            }
            function bar(x, bw) { ctx.fillRect(x, 0, bw, h) }
            const s = button.shape
            if (s === "play") tri(w * 0.2, w * 0.9)
            else if (s === "pause") { bar(w * 0.2, w * 0.22); bar(w * 0.58, w * 0.22) }
            else if (s === "forward") { tri(0, w / 2); tri(w / 2, w) }
            else if (s === "rewind") { tri(w / 2, 0); tri(w, w / 2) }
            else if (s === "stepForward") { tri(w * 0.15, w * 0.7); bar(w * 0.72, w * 0.14) }
            else if (s === "stepBack") { bar(w * 0.14, w * 0.14); tri(w * 0.85, w * 0.3) }
            else if (s === "end") { tri(0, w * 0.42); tri(w * 0.42, w * 0.84); bar(w * 0.84, w * 0.14) }
            else if (s === "start") { bar(w * 0.02, w * 0.14); tri(w * 0.58, w * 0.16); tri(w, w * 0.58) }
        }
    }
}
