pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// File / Edit / Help menus. Their actions carry the standard shortcuts (Ctrl+S, Ctrl+Z, Ctrl+Shift+Z...).
// What needs the editor's dialogs (unsaved-changes prompt, file dialogs) goes out as a request signal.
MenuBar {
    id: bar
    required property AppController app
    required property ApplicationWindow window
    property TimelineController timeline: null  // the timeline's edits (Cut/Copy/Paste...); off while null
    readonly property bool hasSelection: timeline !== null && timeline.selectedClipIds.length > 0
    signal newProjectRequested()
    signal openRequested()
    signal openRecentRequested(string path)
    signal importRequested()
    signal saveRequested()
    signal saveAsRequested()
    signal exportRequested()
    signal exportTimelineRequested()
    signal importTimelineRequested()
    signal projectSettingsRequested()
    signal shortcutsRequested()
    signal preferencesRequested()
    signal generateRequested()
    signal showTabRequested(int index)
    signal modelManagerRequested()

    // A menu as wide as its widest item: Qt's Menu keeps its background's 200 px and elides longer labels
    // ("Undo Match project to the fir…"). Reading each item's implicitWidth keeps it right as labels change.
    component FitMenu: Menu {
        width: {
            let widest = 200
            for (let i = 0; i < count; ++i) {
                const item = itemAt(i) as MenuItem
                if (item)  // room for the shortcut, which the label's width leaves out
                    widest = Math.max(widest, item.implicitWidth + (item.action && item.action.shortcut ? 90 : 0))
            }
            return Math.min(widest + leftPadding + rightPadding, 720)
        }
    }

    FitMenu {
        title: qsTr("&File")
        Action { objectName: "newAction"; text: qsTr("&New project"); shortcut: StandardKey.New; onTriggered: bar.newProjectRequested() }
        Action { objectName: "openAction"; text: qsTr("&Open…"); shortcut: StandardKey.Open; onTriggered: bar.openRequested() }
        FitMenu {
            id: recentMenu
            title: qsTr("Open &recent")
            enabled: bar.app.recentFiles.length > 0
            Instantiator {
                model: bar.app.recentFiles
                delegate: MenuItem {
                    id: recentItem
                    required property string modelData
                    text: recentItem.modelData.split("/").pop() + "   —   " + recentItem.modelData
                    onTriggered: bar.openRecentRequested(recentItem.modelData)
                }
                onObjectAdded: function (index, object) { recentMenu.insertItem(index, object) }
                onObjectRemoved: function (index, object) { recentMenu.removeItem(object) }
            }
        }
        Action { objectName: "importAction"; text: qsTr("&Import media…"); shortcut: "Ctrl+I"; onTriggered: bar.importRequested() }
        Action { objectName: "importTimelineAction"; text: qsTr("Import time&line…"); onTriggered: bar.importTimelineRequested() }
        MenuSeparator {}
        Action { objectName: "saveAction"; text: qsTr("&Save"); shortcut: StandardKey.Save; onTriggered: bar.saveRequested() }
        Action {
            objectName: "saveAsAction"; text: qsTr("Save &as…"); shortcut: "Ctrl+Shift+S"
            onTriggered: bar.saveAsRequested()
        }
        MenuSeparator {}
        Action { objectName: "exportAction"; text: qsTr("&Export video…"); shortcut: "Ctrl+E"; onTriggered: bar.exportRequested() }
        Action { objectName: "exportTimelineAction"; text: qsTr("Export &timeline as…"); onTriggered: bar.exportTimelineRequested() }
        Action { objectName: "projectSettingsAction"; text: qsTr("Project se&ttings…"); onTriggered: bar.projectSettingsRequested() }
        MenuSeparator {}
        Action { objectName: "quitAction"; text: qsTr("&Quit"); shortcut: StandardKey.Quit; onTriggered: bar.window.close() }
    }
    FitMenu {
        title: qsTr("&Edit")
        Action {
            objectName: "undoAction"
            text: bar.app.document.canUndo ? qsTr("&Undo %1").arg(bar.app.document.undoText) : qsTr("&Undo")
            shortcut: "Ctrl+Z"
            enabled: bar.app.document.canUndo
            onTriggered: bar.app.document.undo()
        }
        Action {
            objectName: "redoAction"
            text: bar.app.document.canRedo ? qsTr("&Redo %1").arg(bar.app.document.redoText) : qsTr("&Redo")
            shortcut: "Ctrl+Shift+Z"
            enabled: bar.app.document.canRedo
            onTriggered: bar.app.document.redo()
        }
        MenuSeparator {}
        Action {
            objectName: "cutAction"; text: qsTr("Cu&t"); shortcut: "Ctrl+X"
            enabled: bar.hasSelection
            onTriggered: bar.timeline.cutSelection()
        }
        Action {
            objectName: "copyAction"; text: qsTr("&Copy"); shortcut: "Ctrl+C"
            enabled: bar.hasSelection
            onTriggered: bar.timeline.copySelection()
        }
        Action {
            objectName: "pasteAction"; text: qsTr("&Paste at the playhead"); shortcut: "Ctrl+V"
            enabled: bar.timeline !== null && bar.timeline.canPaste
            onTriggered: bar.timeline.paste()
        }
        Action {
            objectName: "selectAllAction"; text: qsTr("Select &all clips"); shortcut: "Ctrl+A"
            enabled: bar.timeline !== null
            onTriggered: bar.timeline.selectAll()
        }
        Action {
            objectName: "unlinkAction"; text: qsTr("&Unlink picture and sound")
            enabled: bar.hasSelection
            onTriggered: bar.timeline.unlinkSelected()
        }
        MenuSeparator {}
        Action { objectName: "preferencesAction"; text: qsTr("&Preferences…"); shortcut: "Ctrl+,"; onTriggered: bar.preferencesRequested() }
    }
    FitMenu {
        title: qsTr("&Generate")
        Action { text: qsTr("&Generate clip"); shortcut: "Ctrl+Return"; onTriggered: bar.generateRequested() }
        Action { text: qsTr("Show &job queue"); onTriggered: bar.showTabRequested(1) }
        MenuSeparator {}
        Action { objectName: "modelManagerAction"; text: qsTr("&Model manager…"); onTriggered: bar.modelManagerRequested() }
    }
    FitMenu {
        title: qsTr("&Help")
        Action { objectName: "shortcutsAction"; text: qsTr("&Keyboard shortcuts"); shortcut: "F1"; onTriggered: bar.shortcutsRequested() }
    }
}
