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
    signal newProjectRequested()
    signal openRequested()
    signal openRecentRequested(string path)
    signal saveRequested()
    signal saveAsRequested()
    signal exportRequested()
    signal projectSettingsRequested()
    signal shortcutsRequested()
    signal preferencesRequested()
    signal generateRequested()
    signal showTabRequested(int index)
    signal modelManagerRequested()

    Menu {
        title: qsTr("&File")
        Action { objectName: "newAction"; text: qsTr("&New project"); shortcut: StandardKey.New; onTriggered: bar.newProjectRequested() }
        Action { objectName: "openAction"; text: qsTr("&Open…"); shortcut: StandardKey.Open; onTriggered: bar.openRequested() }
        Menu {
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
        MenuSeparator {}
        Action { objectName: "saveAction"; text: qsTr("&Save"); shortcut: StandardKey.Save; onTriggered: bar.saveRequested() }
        Action {
            objectName: "saveAsAction"; text: qsTr("Save &as…"); shortcut: "Ctrl+Shift+S"
            onTriggered: bar.saveAsRequested()
        }
        MenuSeparator {}
        Action { objectName: "exportAction"; text: qsTr("&Export video…"); shortcut: "Ctrl+E"; onTriggered: bar.exportRequested() }
        Action { objectName: "projectSettingsAction"; text: qsTr("Project se&ttings…"); onTriggered: bar.projectSettingsRequested() }
        MenuSeparator {}
        Action { objectName: "quitAction"; text: qsTr("&Quit"); shortcut: StandardKey.Quit; onTriggered: bar.window.close() }
    }
    Menu {
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
        Action { objectName: "preferencesAction"; text: qsTr("&Preferences…"); shortcut: "Ctrl+,"; onTriggered: bar.preferencesRequested() }
    }
    Menu {
        title: qsTr("&Generate")
        Action { text: qsTr("&Generate clip"); shortcut: "Ctrl+Return"; onTriggered: bar.generateRequested() }
        Action { text: qsTr("Show &job queue"); onTriggered: bar.showTabRequested(1) }
        MenuSeparator {}
        Action { objectName: "modelManagerAction"; text: qsTr("&Model manager…"); onTriggered: bar.modelManagerRequested() }
    }
    Menu {
        title: qsTr("&Help")
        Action { objectName: "shortcutsAction"; text: qsTr("&Keyboard shortcuts"); shortcut: "F1"; onTriggered: bar.shortcutsRequested() }
    }
}
