import QtQuick
import QtQuick.Controls

// A ComboBox that shows `value` (kept in sync when it changes elsewhere) and reports `picked(value)`.
ComboBox {
    id: combo
    property var value
    signal picked(var value)

    function sync() {
        const i = indexOfValue(value)
        if (i !== currentIndex) currentIndex = i
    }
    onValueChanged: sync()
    onCountChanged: sync()
    Component.onCompleted: sync()
    onActivated: picked(currentValue)
}
