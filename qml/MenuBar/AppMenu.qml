import QtQuick
import QtQuick.Controls
import LtxEditor 1.0

// File / Edit / Help menus. Their actions carry the standard shortcuts (Ctrl+S, Ctrl+Z, Ctrl+Shift+Z...).
MenuBar {
    id: bar
    required property AppController app
    required property ApplicationWindow window

    Menu {
        title: qsTr("&File")
        Action { objectName: "newAction"; text: qsTr("&New project"); shortcut: StandardKey.New; onTriggered: bar.window.newProject() }
        Action { objectName: "openAction"; text: qsTr("&Open…"); shortcut: StandardKey.Open; onTriggered: bar.window.openProject() }
        Menu {
            id: recentMenu
            title: qsTr("Open &recent")
            enabled: bar.app.recentFiles.length > 0
            Instantiator {
                model: bar.app.recentFiles
                delegate: MenuItem {
                    required property string modelData
                    text: modelData.split("/").pop() + "   —   " + modelData
                    onTriggered: bar.window.openRecent(modelData)
                }
                onObjectAdded: function (index, object) { recentMenu.insertItem(index, object) }
                onObjectRemoved: function (index, object) { recentMenu.removeItem(object) }
            }
        }
        MenuSeparator {}
        Action { objectName: "saveAction"; text: qsTr("&Save"); shortcut: StandardKey.Save; onTriggered: bar.window.saveThen(null) }
        Action {
            objectName: "saveAsAction"; text: qsTr("Save &as…"); shortcut: "Ctrl+Shift+S"
            onTriggered: bar.window.saveAsFromMenu()
        }
        MenuSeparator {}
        Action { objectName: "exportAction"; text: qsTr("&Export video…"); shortcut: "Ctrl+E"; onTriggered: bar.window.exportVideo() }
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
        Action { objectName: "preferencesAction"; text: qsTr("&Preferences…"); shortcut: "Ctrl+,"; onTriggered: bar.window.openPreferences() }
    }
    Menu {
        title: qsTr("&Generate")
        Action { text: qsTr("&Generate clip"); shortcut: "Ctrl+Return"; onTriggered: bar.window.generateFromMenu() }
        Action { text: qsTr("Show &job queue"); onTriggered: bar.window.showTab(1) }
    }
}
