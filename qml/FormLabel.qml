import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// A field's caption in the generate panel.
Label {
    color: Theme.textDim
    font.pixelSize: Theme.fontSmall
    Layout.topMargin: 2
}
