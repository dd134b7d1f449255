"""The clip bin in the real window: import, thumbnails, search and kind filter, the context menu (add to the
timeline, delete — each one undo step), the take switcher, and dragging a card out with the ltx-asset key."""
from PySide6.QtCore import QObject, QPoint, Qt, QUrl
from PySide6.QtQml import QQmlComponent
from PySide6.QtQuick import QQuickItem

from ltx_editor.core.ids import new_id
from ltx_editor.core.project import Take
from tests.fakes.media_factory import sample_video
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import center_of, click, drag, type_text, visible_items


def import_clips(w, tmp_path, qtbot, names=("beach", "forest")):
    urls = [QUrl.fromLocalFile(str(sample_video(tmp_path / "media" / f"{n}.mp4", frames=48))) for n in names]
    assert w.app.binActions.importFiles([u.toString() for u in urls]) == len(names)
    qtbot.waitUntil(lambda: len(visible_items(w.window, "binCard")) == len(names))
    return visible_items(w.window, "binCard")


def card_of(w, asset_id):
    return next(c for c in visible_items(w.window, "binCard") if c.property("assetId") == asset_id)


def test_imported_clips_show_with_thumbnail_duration_and_one_undo_step(main_window, qtbot, tmp_path):
    w = main_window
    import_clips(w, tmp_path, qtbot)
    assert w.app.binModel.rowCount() == 2
    thumbs = visible_items(w.window, "binThumbnail")
    # made by the core's thumbnail cache off the GUI thread, then loaded by QML as plain files
    qtbot.waitUntil(lambda: all(t.property("progress") == 1.0 and t.implicitWidth() > 0 for t in thumbs),
                    timeout=20000)
    assert all(t.property("source").toString().startswith("file:///") for t in thumbs)
    assert all(t.property("source").toString().endswith(".jpg") for t in thumbs)
    row = w.app.binModel.get(0)
    assert row["durationText"] == "0:02.0" and row["kind"] == "video"
    assert w.app.document.undoText.startswith("Import 2")
    w.app.document.undo()
    qtbot.waitUntil(lambda: len(visible_items(w.window, "binCard")) == 0)


def test_search_and_kind_filter_narrow_the_grid(main_window, qtbot, tmp_path):
    w = main_window
    import_clips(w, tmp_path, qtbot)
    search = w.find("binSearch", QQuickItem)
    click(w.window, search)
    type_text(w.window, "fores")
    qtbot.waitUntil(lambda: len(visible_items(w.window, "binCard")) == 1)
    assert w.app.binModel.get(0)["name"].startswith("forest")
    w.app.binModel.filterText = ""
    w.app.binModel.kindFilter = "image"
    qtbot.waitUntil(lambda: len(visible_items(w.window, "binCard")) == 0)
    w.app.binModel.kindFilter = "all"
    qtbot.waitUntil(lambda: len(visible_items(w.window, "binCard")) == 2)


def open_menu_on(w, qtbot, card):
    click(w.window, card, Qt.MouseButton.RightButton)
    item = w.find("menuAddToTimeline", QQuickItem)
    menu = w.find("binMenu", QObject)
    qtbot.waitUntil(lambda: item.isVisible() and menu.property("opened"))  # past the opening transition
    return item


def test_context_menu_adds_to_timeline_and_deletes(main_window, qtbot, tmp_path):
    w = main_window
    cards = import_clips(w, tmp_path, qtbot)
    asset_id = cards[0].property("assetId")
    click(w.window, open_menu_on(w, qtbot, card_of(w, asset_id)))
    project = w.app.document.project
    qtbot.waitUntil(lambda: any(c.asset_id == asset_id for t in project.tracks for c in t.clips))
    # an asset on the timeline cannot be deleted: the refusal comes as an error dialog, nothing changes
    open_menu_on(w, qtbot, card_of(w, asset_id))
    click(w.window, w.find("menuDelete", QQuickItem))
    dialog = w.find("errorDialog", QObject)
    qtbot.waitUntil(lambda: dialog.property("visible"))
    assert "used by 2 clip" in dialog.property("message")  # its picture and its linked sound on A1
    assert w.app.binModel.rowCount() == 2
    dialog.close()
    qtbot.waitUntil(lambda: not dialog.property("visible"))
    other = next(c.property("assetId") for c in visible_items(w.window, "binCard") if c.property("assetId") != asset_id)
    open_menu_on(w, qtbot, card_of(w, other))
    click(w.window, w.find("menuDelete", QQuickItem))
    qtbot.waitUntil(lambda: w.app.binModel.rowCount() == 1)
    w.app.document.undo()
    qtbot.waitUntil(lambda: w.app.binModel.rowCount() == 2)


def test_take_switcher_changes_the_active_take(main_window, qtbot, tmp_path):
    w = main_window
    cards = import_clips(w, tmp_path, qtbot, names=("one",))
    asset = w.app.document.project.asset(cards[0].property("assetId"))
    first = asset.active_take
    second = Take(id=new_id("take"), path=first.path, frame_count=first.frame_count, fps=first.fps,
                  width=first.width, height=first.height, seed=99)
    asset.takes.append(second)
    w.app.document.mark_dirty("bin")
    label = w.find("takeLabel", QQuickItem)
    qtbot.waitUntil(lambda: label.isVisible() and label.property("text") == "1/2")
    arrow = label.parentItem().childItems()[2]  # ▶
    click(w.window, arrow)
    qtbot.waitUntil(lambda: w.app.document.project.asset(asset.id).active_take_id == second.id)
    qtbot.waitUntil(lambda: label.property("text") == "2/2")


DROP_TARGET = b"""
import QtQuick
DropArea {
    property string received: ""
    property var seenKeys: []
    width: 300; height: 120
    keys: ["ltx-asset"]
    onEntered: function (drag) { seenKeys = drag.keys }
    onDropped: function (drop) { received = drop.source.assetId; drop.accept() }
}
"""


def test_a_card_drags_out_with_the_ltx_asset_key(main_window, qtbot, tmp_path):
    w = main_window
    cards = import_clips(w, tmp_path, qtbot, names=("drag",))
    comp = QQmlComponent(w.engine)
    comp.setData(DROP_TARGET, w.engine.baseUrl())
    target = comp.create()
    assert target is not None, comp.errorString()
    target.setParentItem(w.window.contentItem())
    target.setPosition(QPoint(500, 200))  # over the preview
    target.setZ(100)
    start = center_of(cards[0])
    end = target.mapToScene(target.boundingRect().center()).toPoint()
    drag(w.window, start, end)
    qtbot.waitUntil(lambda: target.property("received") == cards[0].property("assetId"))
    assert "ltx-asset" in target.property("seenKeys")
    # the card went back into the grid
    qtbot.waitUntil(lambda: abs(center_of(visible_items(w.window, "binCard")[0]).x() - start.x()) < 2)




def test_dropping_files_on_the_bin_imports_them(main_window, qtbot, tmp_path):
    """What a file manager sends (drag enter, move, drop with file URLs) imports the files as one undo step."""
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication

    w = main_window
    clip = sample_video(tmp_path / "dropped.mp4", frames=24)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(clip))])
    grid = w.find("binGrid", QQuickItem)
    at = grid.mapToScene(grid.boundingRect().center())
    copy, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QGuiApplication.sendEvent(w.window, QDragEnterEvent(at.toPoint(), copy, mime, left, none))
    QGuiApplication.sendEvent(w.window, QDragMoveEvent(at.toPoint(), copy, mime, left, none))
    drop = QDropEvent(at, copy, mime, left, none)
    QGuiApplication.sendEvent(w.window, drop)
    qtbot.waitUntil(lambda: w.app.binModel.rowCount() == 1)
    assert drop.isAccepted()
    assert w.app.binModel.get(0)["name"].startswith("dropped")
    assert w.app.document.undoText.startswith("Import 1")
