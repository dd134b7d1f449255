import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import LtxEditor 1.0
import "MenuBar"

// The main window: bin | preview | generate/jobs/storyboard on top, the timeline below.
// Everything reaches the Python side through the one `app` property (an AppController).
ApplicationWindow {
    id: window
    objectName: "mainWindow"
    required property AppController app
    property var pendingAction: null      // runs after the unsaved-changes prompt is answered
    property bool closeConfirmed: false
    property string notice: ""

    width: 1440
    height: 900
    minimumWidth: 960
    minimumHeight: 600
    visible: true
    color: Theme.window
    title: (app.document.dirty ? "• " : "") + app.document.name + " — LTX Editor"
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontNormal

    palette {
        window: Theme.panel; windowText: Theme.text; base: Theme.panelAlt; alternateBase: Theme.raised
        text: Theme.text; button: Theme.raised; buttonText: Theme.text; highlight: Theme.accent
        highlightedText: Theme.textOnAccent; brightText: Theme.text; mid: Theme.border; dark: Theme.window
        light: Theme.hover; midlight: Theme.hover; shadow: "#000000"; placeholderText: Theme.textFaint
        toolTipBase: Theme.raised; toolTipText: Theme.text; link: Theme.accentHover
    }

    menuBar: AppMenu { app: window.app; window: window }

    // -- actions the menu, shortcuts and dialogs share -------------------------------------------------
    function guarded(action) {      // ask about unsaved changes first, then run `action`
        if (app.document.dirty) {
            pendingAction = action
            unsavedDialog.open()
        } else {
            action()
        }
    }
    function saveThen(action) {     // save (asking for a file when there is none), then run `action`
        if (app.document.path !== "") {
            if (app.save() && action) action()
        } else {
            saveAsDialog.after = action
            saveAsDialog.open()
        }
    }
    function newProject() { guarded(function () { app.newProject() }) }
    function openProject() { guarded(function () { openDialog.open() }) }
    function openRecent(path) { guarded(function () { app.openProject(path) }) }
    function exportVideo() {
        exportFileDialog.selectedFile = "file://" + app.suggestedExportPath("")
        exportFileDialog.open()
    }
    function saveAsFromMenu() { saveAsDialog.after = null; saveAsDialog.open() }
    function openPreferences() { preferencesDialog.open() }
    function generateFromMenu() { sidePanel.currentIndex = 0; app.generate.generate() }
    function showTab(index) { sidePanel.currentIndex = index }
    function showError(message, hint) { errorDialog.show(message, hint) }

    onClosing: function (close) {
        if (app.document.dirty && !closeConfirmed) {
            close.accepted = false
            guarded(function () { window.closeConfirmed = true; window.close() })
        }
    }

    Connections {
        target: window.app
        function onErrorOccurred(message, hint) { window.showError(message, hint) }
        function onNoticeOccurred(text) { window.notice = text; noticeTimer.restart() }
        function onRecoveryOffered(path) { recoveryDialog.offer(path) }
    }
    Connections {
        target: window.app.binActions
        function onRecipeReady(title, text) { recipeDialog.show(title, text) }
    }
    Timer { id: noticeTimer; interval: 4000; onTriggered: window.notice = "" }

    // -- transport shortcuts (text fields keep their own keys: they accept the shortcut override) -------
    Shortcut { sequence: "Space"; onActivated: app.preview.togglePlay() }
    Shortcut { sequence: "J"; onActivated: app.preview.shuttle(-1) }
    Shortcut { sequence: "K"; onActivated: app.preview.shuttle(0) }
    Shortcut { sequence: "L"; onActivated: app.preview.shuttle(1) }
    Shortcut { sequence: "Left"; onActivated: app.preview.step(-1) }
    Shortcut { sequence: "Right"; onActivated: app.preview.step(1) }
    Shortcut { sequence: "Home"; onActivated: app.preview.goStart() }
    Shortcut { sequence: "End"; onActivated: app.preview.goEnd() }

    // -- layout --------------------------------------------------------------------------------------
    SplitView {
        id: mainSplit
        anchors.fill: parent
        orientation: Qt.Vertical
        handle: PaneHandle {}

        SplitView {
            id: topSplit
            SplitView.preferredHeight: window.height * 0.56
            SplitView.minimumHeight: 280
            orientation: Qt.Horizontal
            handle: PaneHandle {}

            ClipBin {
                id: clipBin
                objectName: "clipBin"
                SplitView.preferredWidth: 330
                SplitView.minimumWidth: 220
                model: window.app.binModel
                actions: window.app.binActions
                workflows: window.app.workflows !== undefined ? window.app.workflows : null
                document: window.app.document
                onAssetActivated: function (assetId) { window.app.preview.showAsset(assetId, false) }
            }

            Preview {
                id: preview
                objectName: "preview"
                SplitView.fillWidth: true
                SplitView.minimumWidth: 320
                preview: window.app.preview
                document: window.app.document
            }

            SidePanel {
                id: sidePanel
                objectName: "sidePanel"
                SplitView.preferredWidth: 390
                SplitView.minimumWidth: 320
                app: window.app
            }
        }

        // The timeline (qml/timeline/Timeline.qml, owned by the timeline half); a Loader so the window
        // still opens while that file is missing or broken.
        Loader {
            id: timelineLoader
            objectName: "timelineLoader"
            SplitView.fillHeight: true
            SplitView.minimumHeight: 160
            Component.onCompleted: setSource(Qt.resolvedUrl("timeline/Timeline.qml"), {
                "document": window.app.document,
                "actions": window.app.workflows !== undefined ? window.app.workflows : null
            })
            Rectangle {
                anchors.fill: parent
                visible: timelineLoader.status !== Loader.Ready
                color: Theme.trackBackground
                Label {
                    anchors.centerIn: parent
                    text: "The timeline is not available in this build."
                    color: Theme.textFaint
                }
            }
        }
    }

    footer: StatusBar { app: window.app; notice: window.notice }

    // -- dialogs ---------------------------------------------------------------------------------------
    ErrorDialog { id: errorDialog; objectName: "errorDialog" }
    RecipeDialog { id: recipeDialog; objectName: "recipeDialog" }
    RecoveryDialog {
        id: recoveryDialog
        objectName: "recoveryDialog"
        onChosen: function (path, recover) { window.app.openProjectFile(path, recover) }
    }
    UnsavedDialog {
        id: unsavedDialog
        objectName: "unsavedDialog"
        documentName: window.app.document.name
        onSaveChosen: { const a = window.pendingAction; window.pendingAction = null; window.saveThen(a) }
        onDiscardChosen: { const a = window.pendingAction; window.pendingAction = null; if (a) a() }
        onCancelChosen: window.pendingAction = null
    }
    ExportDialog { id: exportDialog; objectName: "exportDialog"; exporter: window.app.exporter }
    PreferencesDialog { id: preferencesDialog; objectName: "preferencesDialog"; preferences: window.app.preferences }
    // Cloud fallback (issue 4 item 6): a local job that could not run is offered in the cloud, cost first.
    FallbackDialog {
        id: fallbackDialog
        objectName: "fallbackDialog"
        onRunInCloud: function (jobId) { window.app.acceptCloudFallback(jobId) }
        onKeepLocal: function (jobId) { window.app.declineCloudFallback(jobId) }
        Connections {
            target: window.app
            function onCloudFallbackOffered(jobId, text) { fallbackDialog.offer(jobId, text) }
        }
    }

    FileDialog {
        id: openDialog
        objectName: "openDialog"
        title: "Open project"
        nameFilters: ["LTX Editor projects (*.ltxproj)", "All files (*)"]
        onAccepted: window.app.openProject(selectedFile.toString())
    }
    FileDialog {
        id: saveAsDialog
        objectName: "saveAsDialog"
        property var after: null
        title: "Save project as"
        fileMode: FileDialog.SaveFile
        defaultSuffix: "ltxproj"
        nameFilters: ["LTX Editor projects (*.ltxproj)"]
        onAccepted: {
            const a = after
            after = null
            if (window.app.saveAs(selectedFile.toString()) && a) a()
        }
        onRejected: after = null
    }
    FileDialog {
        id: exportFileDialog
        objectName: "exportFileDialog"
        title: "Export video"
        fileMode: FileDialog.SaveFile
        defaultSuffix: "mp4"
        nameFilters: ["MP4 video (*.mp4)", "QuickTime (*.mov)", "Matroska (*.mkv)"]
        onAccepted: if (window.app.exporter.start(selectedFile.toString())) exportDialog.open()
    }
}
