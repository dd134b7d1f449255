pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import LtxEditor 1.0

// Help > Keyboard shortcuts: the window's menu actions and key shortcuts, read from the window when opened.
Dialog {
    id: dialog
    required property QtObject source  // the window whose actions and shortcuts are listed
    property var rows: []

    title: qsTr("Keyboard shortcuts")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(560, Overlay.overlay ? Overlay.overlay.width - 40 : 560)
    height: Math.min(620, Overlay.overlay ? Overlay.overlay.height - 40 : 620)
    standardButtons: Dialog.Close

    KeyboardShortcuts { id: collector }
    onAboutToShow: rows = collector.collect(source)

    ListView {
        objectName: "shortcutList"
        anchors.fill: parent
        clip: true
        model: dialog.rows
        ScrollBar.vertical: ScrollBar {}
        delegate: RowLayout {
            id: row
            required property var modelData
            width: ListView.view.width - 12
            spacing: Theme.spacing
            Label {
                Layout.preferredWidth: 170
                text: row.modelData.keys
                font.family: Theme.monoFamily
                color: Theme.text
                elide: Text.ElideRight
            }
            Label { Layout.fillWidth: true; text: row.modelData.action; color: Theme.textDim; wrapMode: Text.Wrap }
        }
    }
}
