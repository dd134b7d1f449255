import QtQuick
import QtQuick.Controls

// The main window. It must show as fast as a bare Qt Quick window, so it needs nothing but QtQuick,
// QtQuick.Controls and Theme.qml: no `import LtxEditor`, no editor pane (those need the Python side,
// which loads after this window's first frame). The editor itself is MainContent.qml, loaded here once
// ltx_editor/app.py hands over the AppController in `app`; add panes and dialogs there, not here.
ApplicationWindow {
    id: window
    objectName: "mainWindow"
    property QtObject app: null               // the AppController; null while the editor loads
    property bool asynchronousContent: false  // the real entry: build the panes without freezing the window
    property bool closeConfirmed: false
    readonly property Item editor: content.status === Loader.Ready ? content.item as Item : null
    signal editorReady()                      // `editor` is up: the app may open a project now
    signal editorFailed()

    width: 1440
    height: 900
    minimumWidth: 960
    minimumHeight: 600
    visible: true
    color: Theme.window
    title: "LTX Editor"  // the editor binds its own (project name, unsaved mark) once it is up
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontNormal

    palette {
        window: Theme.panel; windowText: Theme.text; base: Theme.panelAlt; alternateBase: Theme.raised
        text: Theme.text; button: Theme.raised; buttonText: Theme.text; highlight: Theme.accent
        highlightedText: Theme.textOnAccent; brightText: Theme.text; mid: Theme.border; dark: Theme.window
        light: Theme.hover; midlight: Theme.hover; shadow: "#000000"; placeholderText: Theme.textFaint
        toolTipBase: Theme.raised; toolTipText: Theme.text; link: Theme.accentHover
    }
    // Each role above is set for every state, disabled included: disabled menu items and controls then looked
    // enabled. Their dimmer text is set once the roles are in (an assignment, so it comes after them).
    function dimDisabled() {
        palette.disabled.text = Theme.textFaint
        palette.disabled.windowText = Theme.textFaint
        palette.disabled.buttonText = Theme.textFaint
    }

    // Plain strips of the menu bar's and status bar's colors until the editor puts its own in these slots.
    menuBar: loadingMenu
    footer: loadingFooter

    function loadEditor() {
        if (app && content.source.toString() === "")
            content.setSource(Qt.resolvedUrl("MainContent.qml"), { "app": app, "window": window })
    }
    onAppChanged: loadEditor()
    onEditorChanged: if (editor) editorReady()
    Component.onCompleted: { dimDisabled(); loadEditor() }  // tests hand `app` over as an initial property

    Loader {
        id: content
        objectName: "editorLoader"
        anchors.fill: parent
        asynchronous: window.asynchronousContent
        onStatusChanged: if (status === Loader.Error) window.editorFailed()
    }

    // -- until the editor is up ------------------------------------------------------------------------
    Rectangle {
        id: loadingMenu
        visible: !window.editor
        implicitHeight: 26   // the menu bar's height, so the panes do not jump when it arrives
        color: Theme.panel
    }
    Rectangle {
        id: loadingFooter
        visible: !window.editor
        implicitHeight: 24
        color: Theme.ruler
        Label {
            objectName: "loadingLabel"
            anchors.verticalCenter: parent.verticalCenter
            x: Theme.spacing
            text: content.status === Loader.Error ? qsTr("The editor could not be loaded (see the log).")
                                                  : qsTr("Loading…")
            color: content.status === Loader.Error ? Theme.error : Theme.textFaint
            font.pixelSize: Theme.fontSmall
        }
    }
    BusyIndicator {
        objectName: "loadingIndicator"
        anchors.centerIn: parent
        running: !window.editor && content.status !== Loader.Error
        visible: running
    }
}
