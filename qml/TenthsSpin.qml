import QtQuick
import QtQuick.Controls

// A SpinBox for a real number with one decimal (the integer value counts tenths).
SpinBox {
    id: spin
    property real realValue: 0
    property string suffix: ""
    signal realModified(real value)

    editable: true
    value: Math.round(realValue * 10)
    textFromValue: function (v, locale) { return (v / 10).toFixed(1) + suffix }
    valueFromText: function (text, locale) { return Math.round(parseFloat(text) * 10) }
    validator: RegularExpressionValidator { regularExpression: /\s*\d+([.,]\d*)?\s*[a-z]*\s*/ }
    onValueModified: realModified(value / 10)
}
