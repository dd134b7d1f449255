import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import LtxEditor 1.0
import "MenuBar"
import "timeline"

// The editor inside the main window: bin | preview | generate/jobs/storyboard on top, the timeline below,
// the menus, the status bar and the dialogs. Main.qml (the window) loads this once the AppController
// exists; everything reaches the Python side through the one `app` property.
Item {
    id: root
    required property AppController app
    required property Main window
    property var pendingAction: null      // runs after the unsaved-changes prompt is answered
    property var afterSave: null          // runs after a save that was refused and redone with Save As
    property string notice: ""
    property bool jobsAnswered: false     // Quit asked about running jobs and was answered

    // What the window shows of the editor: its title, and the menu bar and status bar in the window's slots.
    readonly property string title: (app.document.dirty ? "• " : "") + app.document.name
                                    + (app.document.readOnly ? qsTr(" (read-only)") : "") + " — LTX Editor"
    Binding { target: root.window; property: "title"; value: root.title }
    Component.onCompleted: { root.window.menuBar = appMenu; root.window.footer = statusStrip }

    // -- actions the menu, shortcuts and dialogs share (the window forwards its own to these) ----------
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
            afterSave = action            // kept for Save As when the file turns out read-only
            const saved = app.save()
            if (saved) afterSave = null
            if (saved && action) action()
        } else {
            saveAsDialog.after = action
            saveAsDialog.open()
        }
    }
    function newProject() { guarded(function () { app.newProject() }) }
    function openProject() { guarded(function () { openDialog.open() }) }
    function openRecent(path) { guarded(function () { app.openProject(path) }) }
    function exportVideo() {  // the timeline's in/out range (I / O), when one is set, becomes the export's range
        const view = timelineLoader.item as Timeline  // a Loader's item is untyped
        const ctl = view ? view.controller : null
        exportDialog.openSettings(ctl && ctl.hasRange ? [ctl.rangeStart, ctl.rangeEnd + 1] : null)
    }
    function saveAsFromMenu() { saveAsDialog.after = null; saveAsDialog.open() }
    function openPreferences() { preferencesDialog.open() }
    function openModelManager() { modelManagerDialog.open() }
    function generateFromMenu() { sidePanel.currentIndex = 0; app.generate.generate() }
    function showTab(index) { sidePanel.currentIndex = index }
    function showError(message, hint) { errorDialog.show(message, hint) }

    Connections {
        target: root.window
        function onClosing(close) {
            const jobs = root.app.activeJobCount()
            if (jobs > 0 && !root.jobsAnswered && !root.window.closeConfirmed) {  // ask before anything else
                close.accepted = false
                quitJobsDialog.ask(jobs)
                return
            }
            if (root.app.document.dirty && !root.window.closeConfirmed) {
                close.accepted = false
                root.guarded(function () { root.window.closeConfirmed = true; root.window.close() })
            }
        }
    }
    Connections {
        target: root.app
        function onErrorOccurred(message, hint) { root.showError(message, hint) }
        function onNoticeOccurred(text) { root.notice = text; noticeTimer.restart() }
        function onRecoveryOffered(path) { recoveryDialog.offer(path) }
        function onProjectLocked(path, holder) { lockDialog.offer(path, holder) }
        function onSaveAsOffered(message, hint) { saveAsOfferDialog.offer(message, hint) }
    }
    Connections {
        target: root.app.binActions
        function onRecipeReady(title, text) { recipeDialog.show(title, text) }
    }
    Timer { id: noticeTimer; interval: 4000; onTriggered: root.notice = "" }

    // The window shows these two in its menu bar and footer slots (it reparents them there).
    AppMenu {
        id: appMenu
        app: root.app
        window: root.window
        timeline: timelineLoader.item ? (timelineLoader.item as Timeline).controller : null
        onImportRequested: clipBin.openImport()
        onNewProjectRequested: root.newProject()
        onOpenRequested: root.openProject()
        onOpenRecentRequested: (path) => root.openRecent(path)
        onSaveRequested: root.saveThen(null)
        onSaveAsRequested: root.saveAsFromMenu()
        onExportRequested: root.exportVideo()
        onExportTimelineRequested: exportTimelineDialog.open()
        onImportTimelineRequested: importTimelineDialog.open()
        onProjectSettingsRequested: projectSettingsDialog.open()
        onShortcutsRequested: shortcutsDialog.open()
        onPreferencesRequested: root.openPreferences()
        onModelManagerRequested: root.openModelManager()
        onGenerateRequested: root.generateFromMenu()
        onShowTabRequested: (index) => root.showTab(index)
    }
    StatusBar { id: statusStrip; app: root.app; notice: root.notice }

    // -- transport shortcuts (text fields keep their own keys: they accept the shortcut override) -------
    Shortcut { property string help: qsTr("Play / pause"); sequence: "Space"; onActivated: root.app.preview.togglePlay() }
    Shortcut { property string help: qsTr("Play backwards (again: faster)"); sequence: "J"; onActivated: root.app.preview.shuttle(-1) }
    Shortcut { property string help: qsTr("Stop"); sequence: "K"; onActivated: root.app.preview.shuttle(0) }
    Shortcut { property string help: qsTr("Play forwards (again: faster)"); sequence: "L"; onActivated: root.app.preview.shuttle(1) }
    Shortcut { property string help: qsTr("Previous frame"); sequence: "Left"; onActivated: root.app.preview.step(-1) }
    Shortcut { property string help: qsTr("Next frame"); sequence: "Right"; onActivated: root.app.preview.step(1) }
    Shortcut { property string help: qsTr("Go to the start"); sequence: "Home"; onActivated: root.app.preview.goStart() }
    Shortcut { property string help: qsTr("Go to the end"); sequence: "End"; onActivated: root.app.preview.goEnd() }
    Shortcut {
        property string help: qsTr("Compare the selected clip's takes")
        sequence: "Alt+T"
        onActivated: {
            const view = timelineLoader.item as Timeline
            const ids = view ? view.selectedClipIds : []
            if (ids.length > 0) root.app.takes.compareClip(ids[0])
            else root.showError(qsTr("Select a clip on the timeline first."), qsTr("Then press Alt+T to compare its takes."))
        }
    }

    // -- layout --------------------------------------------------------------------------------------
    SplitView {
        id: mainSplit
        anchors.fill: parent
        orientation: Qt.Vertical
        handle: PaneHandle {}

        SplitView {
            id: topSplit
            SplitView.preferredHeight: root.height * 0.56
            SplitView.minimumHeight: 280
            orientation: Qt.Horizontal
            handle: PaneHandle {}

            ClipBin {
                id: clipBin
                objectName: "clipBin"
                SplitView.preferredWidth: 330
                SplitView.minimumWidth: 220
                model: root.app.binModel
                actions: root.app.binActions
                frames: root.app.frames
                spans: root.app.spans
                document: root.app.document
                onAssetActivated: function (assetId) { root.app.preview.showAsset(assetId, false) }
            }

            Preview {
                id: preview
                objectName: "preview"
                SplitView.fillWidth: true
                SplitView.minimumWidth: 320
                preview: root.app.preview
                document: root.app.document
            }

            SidePanel {
                id: sidePanel
                objectName: "sidePanel"
                SplitView.preferredWidth: 390
                SplitView.minimumWidth: 320
                app: root.app
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
                "document": root.app.document,
                "spans": root.app.spans,
                "frames": root.app.frames,
                "retakes": root.app.retakes,
                "takes": root.app.takes
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

    // -- dialogs ---------------------------------------------------------------------------------------
    ErrorDialog { id: errorDialog; objectName: "errorDialog" }
    RecipeDialog { id: recipeDialog; objectName: "recipeDialog" }
    RecoveryDialog {
        id: recoveryDialog
        objectName: "recoveryDialog"
        onChosen: function (path, recover) { root.app.openProjectFile(path, recover) }
    }
    LockDialog {
        id: lockDialog
        objectName: "lockDialog"
        onChosen: function (path, access) { root.app.openProjectWith(path, access) }
    }
    SaveAsOfferDialog {
        id: saveAsOfferDialog
        objectName: "saveAsOfferDialog"
        onSaveAsChosen: { saveAsDialog.after = root.afterSave; root.afterSave = null; saveAsDialog.open() }
        onRejected: root.afterSave = null
    }
    UnsavedDialog {
        id: unsavedDialog
        objectName: "unsavedDialog"
        documentName: root.app.document.name
        onSaveChosen: { const a = root.pendingAction; root.pendingAction = null; root.saveThen(a) }
        onDiscardChosen: { const a = root.pendingAction; root.pendingAction = null; if (a) a() }
        onCancelChosen: root.pendingAction = null
    }
    QuitJobsDialog {
        id: quitJobsDialog
        objectName: "quitJobsDialog"
        onCancelJobsChosen: { root.app.cancelAllJobs(); root.jobsAnswered = true; root.window.close() }
        onKeepJobsChosen: { root.jobsAnswered = true; root.window.close() }
    }
    ExportDialog {
        id: exportDialog
        objectName: "exportDialog"
        exporter: root.app.exporter
        onBrowseRequested: function (current) {
            exportFileDialog.selectedFile = "file://" + current
            exportFileDialog.open()
        }
    }
    ShortcutsDialog { id: shortcutsDialog; objectName: "shortcutsDialog"; source: root.window }
    Dialog {  // a clip's takes side by side, playing in step (TakesController.compareClip opens it)
        id: takesDialog
        objectName: "takesDialog"
        title: qsTr("Compare takes")
        modal: true
        anchors.centerIn: Overlay.overlay
        width: Math.min(1100, Overlay.overlay ? Overlay.overlay.width - 60 : 1100)
        height: Math.min(460, Overlay.overlay ? Overlay.overlay.height - 60 : 460)
        standardButtons: Dialog.Close
        onClosed: root.app.takes.clock.pause()
        TakesCompare { anchors.fill: parent; takes: root.app.takes }
        Connections {
            target: root.app.takes
            function onCompareRequested() { takesDialog.open() }
        }
    }
    ProjectSettingsDialog {
        id: projectSettingsDialog
        objectName: "projectSettingsDialog"
        document: root.app.document
        matchAssetId: clipBin.selectedAssetId
    }
    ExportConfirmDialog {
        objectName: "exportConfirmDialog"
        exporter: root.app.exporter
        onExportStarted: exportDialog.open()
    }
    PreferencesDialog { id: preferencesDialog; objectName: "preferencesDialog"; preferences: root.app.preferences; machine: root.app.modelManager }
    Dialog {  // Generate → Model manager…: models on disk, downloads, this machine, LoRAs
        id: modelManagerDialog
        objectName: "modelManagerDialog"
        title: qsTr("Model manager")
        modal: true
        anchors.centerIn: Overlay.overlay
        width: Math.min(900, Overlay.overlay ? Overlay.overlay.width - 60 : 900)
        height: Math.min(720, Overlay.overlay ? Overlay.overlay.height - 60 : 720)
        standardButtons: Dialog.Close
        onOpened: root.app.modelManager.rescan()
        ModelManager { anchors.fill: parent; machine: root.app.modelManager }
    }
    // Cloud fallback (issue 4 item 6): a local job that could not run is offered in the cloud, cost first.
    FallbackDialog {
        id: fallbackDialog
        objectName: "fallbackDialog"
        onRunInCloud: function (jobId) { root.app.acceptCloudFallback(jobId) }
        onKeepLocal: function (jobId) { root.app.declineCloudFallback(jobId) }
        Connections {
            target: root.app
            function onCloudFallbackOffered(jobId, text) { fallbackDialog.offer(jobId, text) }
        }
    }

    FileDialog {
        id: openDialog
        objectName: "openDialog"
        title: "Open project"
        nameFilters: ["LTX Editor projects (*.ltxproj)", "All files (*)"]
        onAccepted: root.app.openProject(selectedFile.toString())
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
            if (root.app.saveAs(selectedFile.toString()) && a) a()
        }
        onRejected: after = null
    }
    FileDialog {
        id: exportFileDialog
        objectName: "exportFileDialog"
        title: "Export video"
        fileMode: FileDialog.SaveFile
        defaultSuffix: "mp4"
        nameFilters: ["Video (*.mp4 *.mov *.webm)", "All files (*)"]
        onAccepted: exportDialog.setTarget(selectedFile.toString())
    }
    FileDialog {  // the edit for another editor: the suffix picks the format (.otio, FCP XML, EDL)
        id: exportTimelineDialog
        objectName: "exportTimelineDialog"
        title: qsTr("Export timeline as")
        fileMode: FileDialog.SaveFile
        defaultSuffix: "otio"
        nameFilters: root.app.exporter.timelineFormats().map(f => f.name + " (*" + f.suffix + ")")
        onAccepted: root.app.exporter.exportTimeline(selectedFile.toString())
    }
    FileDialog {  // another editor's timeline, added to this project as new tracks (one undo step)
        id: importTimelineDialog
        objectName: "importTimelineDialog"
        title: qsTr("Import timeline")
        fileMode: FileDialog.OpenFile
        nameFilters: {
            const known = root.app.exporter.timelineFormats()
            return [qsTr("Timelines") + " (" + known.map(f => "*" + f.suffix).join(" ") + ")"]
                .concat(known.map(f => f.name + " (*" + f.suffix + ")"))
        }
        onAccepted: root.app.exporter.importTimeline(selectedFile.toString())
    }
}
