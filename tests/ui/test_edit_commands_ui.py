"""The everyday edit commands in the real window, by mouse and keyboard: File > Import for several files and a
multi-selection in the bin (add to the timeline, delete: one undo step each); an imported video's sound as a
linked clip with its waveform, moving, trimming, splitting and unlinking with it; Cut / Copy / Paste / Select
All from the Edit menu's keys; and the layout: disabled menu items look disabled, long labels fit, the track
headers stay on their lanes after a resize."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, QPoint, QPointF, Qt, QUrl
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest

from ltx_editor.core import timeline as tl
from ltx_editor.ui.timeline_controller import TimelineController
from tests.fakes.media_factory import sample_video
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import center_of, click, drag, items_named, key, visible_items

CTRL, SHIFT, NO = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.NoModifier


def import_videos(w, tmp_path, qtbot, names=("beach", "forest", "city")) -> list[str]:
    urls = [QUrl.fromLocalFile(str(sample_video(tmp_path / "media" / f"{n}.mp4", frames=48))).toString()
            for n in names]
    assert w.app.binActions.importFiles(urls) == len(names)
    qtbot.waitUntil(lambda: len(visible_items(w.window, "binCard")) == len(names))
    return [a.id for a in w.app.document.project.assets]


def card_of(w, asset_id):
    return next(c for c in visible_items(w.window, "binCard") if c.property("assetId") == asset_id)


def clips(w) -> list[tuple[str, str, int, int, str | None]]:
    """(track name, asset id, start, end, linked track name) of every clip."""
    p = w.app.document.project
    return sorted(((t.name, c.asset_id, c.start, c.end, p.find_clip(c.link)[0].name if c.link else None)
                   for t in p.tracks for c in t.clips), key=lambda c: (c[0], c[2]))


def clip_item(w, qtbot, clip_id) -> QQuickItem:
    qtbot.waitUntil(lambda: any(i.width() > 0 for i in items_named(w.window, f"clip_{clip_id}")))
    return next(i for i in items_named(w.window, f"clip_{clip_id}") if i.width() > 0)


def new_steps(w, since: int) -> list[str]:
    stack = w.app.document.undo_stack
    return [stack.text(i) for i in range(since, stack.count())]


def picked(bin_view) -> list[str]:
    return list(bin_view.property("selectedAssetIds").toVariant())


def timeline_controller(w):
    found = items_named(w.window, "timeline")[0].findChild(TimelineController)
    assert found is not None
    return found


def test_file_import_takes_several_files_and_the_bin_acts_on_a_multi_selection(main_window, qtbot, tmp_path):
    w = main_window
    dialog = w.find("importDialog", QObject)
    key(w.window, Qt.Key.Key_I, CTRL)  # File > Import media…
    qtbot.waitUntil(lambda: dialog.property("visible"))
    dialog.setProperty("visible", False)
    first, second, third = import_videos(w, tmp_path, qtbot)
    assert w.app.document.undoText == "Import 3 file(s)"
    QTest.mouseClick(w.window, Qt.MouseButton.LeftButton, NO, center_of(card_of(w, first)))
    QTest.mouseClick(w.window, Qt.MouseButton.LeftButton, CTRL, center_of(card_of(w, third)))
    bin_view = w.find("clipBin", QQuickItem)
    qtbot.waitUntil(lambda: sorted(picked(bin_view)) == sorted([first, third]))
    QTest.mouseClick(w.window, Qt.MouseButton.LeftButton, SHIFT, center_of(card_of(w, second)))
    qtbot.waitUntil(lambda: len(picked(bin_view)) == 2)  # the range from `third` to `second`
    QTest.mouseClick(w.window, Qt.MouseButton.LeftButton, CTRL, center_of(card_of(w, first)))
    qtbot.waitUntil(lambda: len(picked(bin_view)) == 3)
    steps = w.app.document.undo_stack.count()
    QTest.mouseClick(w.window, Qt.MouseButton.RightButton, NO, center_of(card_of(w, second)))
    add = w.find("menuAddToTimeline", QQuickItem)
    qtbot.waitUntil(lambda: add.isVisible() and w.find("binMenu", QObject).property("opened"))
    assert add.property("text") == "Add 3 to timeline"
    click(w.window, add)
    qtbot.waitUntil(lambda: len(clips(w)) == 6)
    clip_steps = [t for t in new_steps(w, steps) if not t.startswith("Match project")]  # (project settings' own step)
    assert clip_steps == ["Add to timeline"]
    video = [c for c in clips(w) if c[0] == "V1"]
    assert [c[1:4] for c in video] == [(first, 0, 48), (second, 48, 96), (third, 96, 144)]  # in the bin's order
    assert all(c[4] == "A1" for c in video)
    while w.app.document.undoText != "Add to timeline":
        w.app.document.undo()
    w.app.document.undo()
    qtbot.waitUntil(lambda: clips(w) == [])
    QTest.mouseClick(w.window, Qt.MouseButton.RightButton, NO, center_of(card_of(w, second)))
    delete = w.find("menuDelete", QQuickItem)
    qtbot.waitUntil(lambda: delete.isVisible() and w.find("binMenu", QObject).property("opened"))
    assert delete.property("text") == "Delete 3"
    click(w.window, delete)
    qtbot.waitUntil(lambda: w.app.binModel.rowCount() == 0)
    assert w.app.document.undoText == "Delete 3 assets"
    w.app.document.undo()
    qtbot.waitUntil(lambda: w.app.binModel.rowCount() == 3)


def test_an_imported_videos_sound_is_a_linked_clip_with_a_waveform(main_window, qtbot, tmp_path):
    w = main_window
    (asset,) = import_videos(w, tmp_path, qtbot, names=("beach",))
    QTest.mouseDClick(w.window, Qt.MouseButton.LeftButton, NO, center_of(card_of(w, asset)))  # add to timeline
    qtbot.waitUntil(lambda: len(clips(w)) == 2)
    p = w.app.document.project
    (video,) = p.tracks_of_kind("video")[0].clips
    (sound,) = p.tracks_of_kind("audio")[0].clips
    assert video.link == sound.id and sound.link == video.id
    # the waveform: peaks decoded once off the GUI thread, drawn by the sound clip's Canvas
    sound_item = clip_item(w, qtbot, sound.id)
    wave = next(i for i in items_named(w.window, "waveform") if i.parentItem().parentItem() is sound_item)
    qtbot.waitUntil(lambda: len(wave.property("peaks")) > 0, timeout=20000)
    peaks = wave.property("peaks")
    assert max(peaks) > 0.05 and all(0 <= v <= 1 for v in peaks)  # a sine tone, not silence
    from ltx_editor.ui.waveforms import waveforms

    decoded = waveforms().cache.decoded
    timeline = timeline_controller(w)
    timeline.setProperty("snapping", False)
    # drag the picture: its sound moves with it, one undo step
    steps = w.app.document.undo_stack.count()
    item = clip_item(w, qtbot, video.id)
    ppf = timeline.property("pixelsPerFrame")
    drag(w.window, center_of(item), center_of(item) + QPoint(round(10 * ppf), 0))
    qtbot.waitUntil(lambda: p.find_clip(video.id)[1].start == 10)
    assert p.find_clip(sound.id)[1].start == 10 and w.app.document.undo_stack.count() == steps + 1
    # trim the picture's out edge: the sound's follows
    trim = next(i for i in items_named(w.window, "trimOut") if i.parentItem() is clip_item(w, qtbot, video.id))
    at = trim.mapToScene(QPointF(trim.width() / 2, trim.height() / 2)).toPoint()
    drag(w.window, at, at - QPoint(round(8 * ppf), 0))
    qtbot.waitUntil(lambda: p.find_clip(video.id)[1].end == 50)
    assert p.find_clip(sound.id)[1].end == 50 and w.app.document.undo_stack.count() == steps + 2
    assert waveforms().cache.decoded == decoded  # the edits sliced the known peaks, never decoded again
    # split at the playhead with S: both cut, the right halves linked to each other
    w.app.document.playheadFrame = 30
    timeline_view = w.find("timeline", QQuickItem)
    timeline_view.forceActiveFocus()
    key(w.window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: len(clips(w)) == 4)
    assert sorted(c[2:] for c in clips(w)) == [(10, 30, "A1"), (10, 30, "V1"), (30, 50, "A1"), (30, 50, "V1")]
    w.app.document.undo()
    qtbot.waitUntil(lambda: len(clips(w)) == 2)
    # Unlink from the clip's menu: then the picture moves alone
    QTest.mouseClick(w.window, Qt.MouseButton.RightButton, NO, center_of(clip_item(w, qtbot, video.id)))
    unlink = w.find("unlinkItem", QQuickItem)
    qtbot.waitUntil(lambda: unlink.isVisible() and unlink.property("enabled"))
    click(w.window, unlink)
    qtbot.waitUntil(lambda: p.find_clip(video.id)[1].link is None)
    assert p.find_clip(sound.id)[1].link is None and w.app.document.undoText == "Unlink clips"
    timeline.selectClip(video.id, "replace")  # unlinked: a click picks the picture alone
    assert timeline.property("selectedClipIds") == [video.id]
    w.app.document.undo()
    qtbot.waitUntil(lambda: p.find_clip(video.id)[1].link == sound.id)


def test_cut_copy_paste_and_select_all_from_the_edit_menus_keys(main_window, qtbot, tmp_path):
    w = main_window
    first, second = import_videos(w, tmp_path, qtbot, names=("beach", "forest"))
    w.app.binActions.addAssetsToTimeline([first, second])
    qtbot.waitUntil(lambda: len(clips(w)) == 4)
    timeline = timeline_controller(w)
    w.find("timeline", QQuickItem).forceActiveFocus()
    key(w.window, Qt.Key.Key_A, CTRL)  # Select all
    qtbot.waitUntil(lambda: len(timeline.property("selectedClipIds")) == 4)
    key(w.window, Qt.Key.Key_C, CTRL)  # Copy
    qtbot.waitUntil(lambda: timeline.property("canPaste"))
    p = w.app.document.project
    v1 = p.tracks_of_kind("video")[0]
    click(w.window, items_named(w.window, f"trackHeader_{v1.id}")[0])  # the track Paste goes to
    assert timeline.property("selectedTrackId") == v1.id
    w.app.document.playheadFrame = 200
    steps = w.app.document.undo_stack.count()
    key(w.window, Qt.Key.Key_V, CTRL)  # Paste at the playhead: same distances, links kept
    qtbot.waitUntil(lambda: len(clips(w)) == 8)
    assert w.app.document.undo_stack.count() == steps + 1
    pasted = [c for c in clips(w) if c[2] >= 200]
    assert [c[:4] for c in pasted] == [("A1", first, 200, 248), ("A1", second, 248, 296),
                                       ("V1", first, 200, 248), ("V1", second, 248, 296)]
    assert all(c[4] == ("V1" if c[0] == "A1" else "A1") for c in pasted)
    assert len(timeline.property("selectedClipIds")) == 4  # the pasted clips are the selection
    key(w.window, Qt.Key.Key_X, CTRL)  # Cut them again: one step
    qtbot.waitUntil(lambda: len(clips(w)) == 4)
    assert w.app.document.undoText.startswith("Cut 4")
    w.app.document.undo()
    qtbot.waitUntil(lambda: len(clips(w)) == 8)
    # the shortcut list (Help > Keyboard shortcuts) names the new commands
    dialog = w.find("shortcutsDialog")
    key(w.window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: dialog.property("visible"))
    rows = {(r["keys"], r["action"]) for r in dialog.property("rows")}
    for expected in (("Ctrl+X", "Cut"), ("Ctrl+C", "Copy"), ("Ctrl+V", "Paste at the playhead"),
                     ("Ctrl+A", "Select all clips"), ("Ctrl+I", "Import media…")):
        assert expected in rows, expected


def _menu(w, title):
    return next(o for o in w.window.findChildren(QObject) if o.property("title") == title)


def _lightest(image, item) -> int:
    """The lightest pixel of an item's label (its text), left of the shortcut column."""
    top = item.mapToScene(QPointF(0, 0))
    return max(image.pixelColor(x, y).lightness() for x in range(int(top.x()) + 4, int(top.x() + item.width()) - 100)
               for y in range(int(top.y()) + 3, int(top.y() + item.height()) - 3))


def test_disabled_menu_items_look_disabled_and_long_labels_fit(main_window, qtbot, tmp_path):
    w = main_window
    (asset,) = import_videos(w, tmp_path, qtbot, names=("a clip with a rather long name for the undo label",))
    w.app.binActions.addToTimeline(asset)
    menu = _menu(w, "&Edit")
    menu.setProperty("visible", True)
    qtbot.waitUntil(lambda: menu.property("opened"))
    items = {o.property("text"): o for o in menu.findChildren(QObject) if o.metaObject().className().startswith("MenuItem")}
    image = w.window.grabWindow()
    cut, undo, select_all = items["Cu&t"], next(v for k, v in items.items() if k.startswith("&Undo")), items["Select &all clips"]
    assert not cut.property("enabled") and select_all.property("enabled")
    assert _lightest(image, cut) < _lightest(image, select_all) - 60  # dimmed, not the enabled items' white
    # the long "Undo Add a clip with…" label is shown whole, with room for its shortcut
    assert undo.width() >= undo.implicitWidth() + 80
    menu.setProperty("visible", False)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_track_headers_stay_on_their_lanes_after_a_resize(main_window, qtbot, tmp_path, size):
    w = main_window
    doc = w.app.document
    for _ in range(8):  # more tracks than fit: the lanes scroll
        doc.apply_edit(tl.add_track(doc.project, "audio"))
    lanes = w.find("tracksView", QQuickItem)
    qtbot.waitUntil(lambda: lanes.property("contentHeight") > lanes.height())
    lanes.setProperty("contentY", lanes.property("contentHeight") - lanes.height())  # scrolled to the bottom
    for resize in ((1024, 640), size):  # smaller first, then the size checked: the content shrinks and grows
        w.window.resize(*resize)
        qtbot.waitUntil(lambda r=resize: w.window.width() == r[0] and w.window.height() == r[1])
        QTest.qWait(50)
    offsets = []
    for track in doc.project.tracks:
        header = items_named(w.window, f"trackHeader_{track.id}")
        row = items_named(w.window, f"trackRow_{track.id}")
        if header and row:
            offsets.append(header[0].mapToScene(QPointF(0, 0)).y() - row[0].mapToScene(QPointF(0, 0)).y())
    assert len(offsets) >= 3 and all(abs(o) < 0.5 for o in offsets), offsets


def test_a_video_with_sound_dropped_on_a_track_brings_its_sound_and_both_drag_as_one(load_qml, tmp_path, qtbot):
    from tests.ui.test_timeline_qml import drop_asset
    from tests.ui.timeline_helpers import sample_document

    doc = sample_document(tmp_path)  # "vid" is an imported video with sound; A1 holds clips up to frame 228
    view = load_qml("timeline/Timeline.qml", document=doc)
    qtbot.waitUntil(lambda: view.find("clip_c0") is not None)
    row = view.find("clip_c0").parentItem().parentItem()  # V1's row
    drop_asset(view, "vid", row, 4 * 250)
    p = doc.project
    video = next(c for c in p.track("v1").clips if c.asset_id == "vid")
    sound = next(c for c in p.track("a1").clips if c.asset_id == "vid")
    assert (video.start, video.link, sound.start, sound.link) == (250, sound.id, 250, video.id)
    ctl = view.root.findChild(TimelineController)
    assert sorted(ctl.property("selectedClipIds")) == sorted([video.id, sound.id])  # picked as one
    ctl.setProperty("snapping", False)
    item = view.find(f"clip_{video.id}")
    qtbot.waitUntil(lambda: item.width() > 0)
    steps = doc.undo_stack.count()
    drag_from = item.mapToScene(QPointF(20, item.height() / 2)).toPoint()  # (it is 2,400 frames long)
    QTest.mousePress(view.window, Qt.MouseButton.LeftButton, NO, drag_from)
    for i in range(1, 9):
        QTest.mouseMove(view.window, drag_from + QPoint(5 * i, 0))
    sound_item = view.find(f"clip_{sound.id}")
    assert sound_item.property("x") == pytest.approx(item.property("x"))  # the preview moves the sound too
    QTest.mouseRelease(view.window, Qt.MouseButton.LeftButton, NO, drag_from + QPoint(40, 0))
    qtbot.waitUntil(lambda: p.find_clip(video.id)[1].start == 260)
    assert p.find_clip(sound.id)[1].start == 260 and doc.undo_stack.count() == steps + 1
    doc.undo()
    assert p.find_clip(sound.id)[1].start == 250
