pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs
import LtxEditor 1.0

// The clip bin: search, kind filter, import (button or dropped files), a grid of asset cards.
// Cards drag onto the timeline (Drag.keys ["ltx-asset"]); right-click opens the asset's menu.
Rectangle {
    id: bin
    required property BinModel model
    required property BinController actions
    required property FrameActions frames
    required property SpanController spans
    property ProjectDocument document: null
    property string selectedAssetId: ""  // the card clicked last
    property var selectedAssetIds: []  // every selected card (Ctrl/Shift-click)
    signal assetActivated(string assetId)

    color: Theme.panel

    function openImport() { importDialog.open() }
    function isSelected(assetId) { return assetId === selectedAssetId || selectedAssetIds.indexOf(assetId) >= 0 }
    function select(assetId, modifiers) {
        if (modifiers & Qt.ControlModifier) {
            const rest = selectedAssetIds.filter(a => a !== assetId)
            selectedAssetIds = rest.length < selectedAssetIds.length ? rest : selectedAssetIds.concat([assetId])
        } else if ((modifiers & Qt.ShiftModifier) && selectedAssetId !== "") {
            const a = model.indexOf(selectedAssetId), b = model.indexOf(assetId)
            const ids = []
            for (let i = Math.min(a, b); i <= Math.max(a, b); ++i) ids.push(model.get(i).assetId)
            selectedAssetIds = ids
        } else {
            selectedAssetIds = [assetId]
        }
        selectedAssetId = selectedAssetIds.indexOf(assetId) >= 0 ? assetId : (selectedAssetIds[0] ?? "")
    }
    // What a card's menu acts on: the whole selection (in the bin's order) when the card is in it, else the card.
    function targets(assetId) {
        if (selectedAssetIds.indexOf(assetId) < 0)
            return [assetId]
        return selectedAssetIds.slice().sort((a, b) => model.indexOf(a) - model.indexOf(b))
    }
    function importUrls(urls) {
        const list = []
        for (let i = 0; i < urls.length; ++i) list.push(urls[i].toString())
        return actions.importFiles(list)
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacing
        spacing: Theme.spacing

        RowLayout {
            Layout.fillWidth: true
            Label { text: qsTr("Media"); font.pixelSize: Theme.fontTitle; font.bold: true; color: Theme.text }
            Label {
                text: bin.model.count
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
            }
            Item { Layout.fillWidth: true }
            Button {
                objectName: "importButton"
                text: qsTr("Import…")
                onClicked: importDialog.open()
            }
        }
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingSmall
            TextField {
                objectName: "binSearch"
                Layout.fillWidth: true
                placeholderText: qsTr("Search name, model, backend…")
                selectByMouse: true
                onTextChanged: bin.model.filterText = text
            }
            ComboBox {
                objectName: "binKindFilter"
                Layout.preferredWidth: 110
                model: bin.model.kinds
                displayText: currentText.charAt(0).toUpperCase() + currentText.slice(1)
                onActivated: bin.model.kindFilter = currentText
            }
        }

        GridView {
            id: grid
            objectName: "binGrid"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            interactive: false              // cards drag out; the wheel and the scroll bar scroll
            cellWidth: Math.max(140, Math.floor(width / Math.max(1, Math.floor(width / 150))))
            cellHeight: 150
            model: bin.model
            ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }
            WheelHandler {
                onWheel: function (event) {
                    grid.contentY = Math.max(0, Math.min(grid.contentHeight - grid.height,
                                                         grid.contentY - event.angleDelta.y))
                }
            }
            delegate: BinDelegate {
                id: card
                width: grid.cellWidth
                height: grid.cellHeight
                selected: bin.isSelected(card.assetId)
                dragParent: bin.Window.contentItem
                onClicked: function (modifiers) { bin.select(card.assetId, modifiers); bin.assetActivated(card.assetId) }
                onDoubleClicked: bin.actions.addToTimeline(card.assetId)
                onMenuRequested: function (x, y) {
                    if (!bin.isSelected(card.assetId))
                        bin.select(card.assetId, Qt.NoModifier)
                    assetMenu.show(card.assetId, card.frameCount, card.hasRecipe, card.takeCount,
                                   bin.targets(card.assetId))
                }
                onTakeChosen: function (takeId) { bin.actions.setActiveTake(card.assetId, takeId) }
            }

            Label {
                anchors.centerIn: parent
                width: parent.width - 2 * Theme.spacing
                visible: grid.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                color: Theme.textFaint
                text: bin.model.filterText !== "" || bin.model.kindFilter !== "all"
                      ? qsTr("Nothing matches the search.")
                      : qsTr("Generated clips appear here.\nDrop video, image or audio files to import them.")
            }
        }
    }

    DropArea {
        id: fileDrop
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: function (drop) {
            // file managers send URLs; some senders only a text/uri-list payload (one URL per line)
            let urls = drop.hasUrls ? drop.urls : []
            if (urls.length === 0 && drop.formats.indexOf("text/uri-list") >= 0)
                urls = drop.getDataAsString("text/uri-list").split(/\r?\n/).filter(u => u !== "" && u[0] !== "#")
            if (urls.length > 0) {
                drop.accept(Qt.CopyAction)
                bin.importUrls(urls)
            }
        }
        Rectangle {
            anchors.fill: parent
            visible: fileDrop.containsDrag
            color: "transparent"
            border.color: Theme.accent
            border.width: 2
            radius: Theme.radius
        }
    }

    BinMenu {
        id: assetMenu
        objectName: "binMenu"
        actions: bin.actions
        frames: bin.frames
        spans: bin.spans
        document: bin.document
    }

    FileDialog {
        id: importDialog
        objectName: "importDialog"
        title: qsTr("Import media")
        fileMode: FileDialog.OpenFiles
        nameFilters: [qsTr("Media (*.mp4 *.mov *.mkv *.webm *.png *.jpg *.jpeg *.webp *.wav *.mp3 *.flac *.m4a)"),
                      qsTr("All files (*)")]
        onAccepted: bin.importUrls(selectedFiles)
    }
}
