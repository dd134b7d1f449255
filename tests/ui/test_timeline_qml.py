"""The timeline QML driven with real mouse and key events, offscreen: drag, trim, split, delete, select,
zoom, playhead, locks, keyframes, markers, and the calls into the workflow actions."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtQml import QQmlComponent
from PySide6.QtTest import QTest

from ltx_editor.ui.timeline_controller import TimelineController

from .timeline_helpers import RecordingActions, center, click, drag, png, sample_document, scene_point

NO = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def tl(load_qml, tmp_path, qtbot):
    doc = sample_document(tmp_path)
    loaded = load_qml("timeline/Timeline.qml", document=doc)
    loaded.doc = doc
    loaded.ctl = loaded.root.findChild(TimelineController)
    clip_ids = [c.id for t in doc.project.tracks for c in t.clips]
    qtbot.waitUntil(lambda: all((i := loaded.find(f"clip_{c}")) is not None and i.width() > 0 for c in clip_ids))
    return loaded


def clip_item(tl, clip_id):
    item = tl.find(f"clip_{clip_id}")
    assert item is not None, f"no delegate for {clip_id}"
    return item


def start_of(tl, clip_id):
    return tl.doc.project.find_clip(clip_id)[1].start


def timeline_warnings(tl):
    return [w for w in tl.warnings if "/timeline/" in w and "QQuickImage" not in w]


def test_loads_alone_with_only_a_document(tl):
    assert not tl.find("generateSpan").property("visible")
    assert clip_item(tl, "c0").property("width") == pytest.approx(48 * 4.0)
    assert not timeline_warnings(tl)


def test_drag_clip_within_track_is_one_undo_step(tl):
    tl.ctl.setProperty("snapping", False)
    item = clip_item(tl, "c0")
    start = center(item)
    steps_before = tl.doc.undo_stack.count()
    QTest.mousePress(tl.window, Qt.MouseButton.LeftButton, NO, start)
    for i in range(1, 9):
        QTest.mouseMove(tl.window, start + QPoint(4 * i, 0))
        QTest.qWait(5)
        assert start_of(tl, "c0") == 0  # the preview moves the delegate, not the project
    assert item.property("x") == pytest.approx(32)
    QTest.mouseRelease(tl.window, Qt.MouseButton.LeftButton, NO, start + QPoint(32, 0))
    QTest.qWait(10)
    assert start_of(tl, "c0") == 8
    assert tl.doc.undo_stack.count() == steps_before + 1
    tl.doc.undo()
    assert start_of(tl, "c0") == 0
    assert not timeline_warnings(tl)


def test_drag_snaps_to_the_next_clip(tl):
    item = clip_item(tl, "c0")  # 0-48; c3 starts at 60
    drag(tl.window, center(item), center(item) + QPoint(4 * 11, 0))  # end 59: one frame short of 60
    assert start_of(tl, "c0") == 12


def test_drag_clip_across_tracks(tl):
    tl.ctl.setProperty("snapping", False)
    item = clip_item(tl, "c9")  # V1 180-228; V2 is free from 228
    v2 = clip_item(tl, "c10")
    to = QPoint(center(item).x() + 4 * 60, center(v2).y())
    drag(tl.window, center(item), to)
    track, clip = tl.doc.project.find_clip("c9")
    assert (track.id, clip.start) == ("v2", 240)
    tl.doc.undo()
    assert tl.doc.project.find_clip("c9")[0].id == "v1"


def test_drag_onto_wrong_kind_or_locked_track_is_refused(tl):
    tl.ctl.setProperty("snapping", False)
    before = tl.doc.project.model_dump()
    steps = tl.doc.undo_stack.count()
    item = clip_item(tl, "c9")
    audio = clip_item(tl, "c11")
    drag(tl.window, center(item), QPoint(center(item).x() + 240, center(audio).y()))
    assert "audio track" in tl.find("timelineMessage").property("text")
    click(tl.window, center(tl.find("lock_v1")))
    assert tl.doc.project.track("v1").locked
    steps += 1
    drag(tl.window, center(item), center(item) + QPoint(80, 0))
    assert "locked" in tl.find("timelineMessage").property("text")
    after = tl.doc.project.model_dump()
    after["tracks"][0]["locked"] = False
    assert after == before and tl.doc.undo_stack.count() == steps


def test_trim_both_edges(tl):
    tl.ctl.setProperty("snapping", False)
    item = clip_item(tl, "c3")  # V1 60-108, source 4-52
    out_handle = [c for c in item.childItems() if c.objectName() == "trimOut"][0]
    in_handle = [c for c in item.childItems() if c.objectName() == "trimIn"][0]
    drag(tl.window, center(out_handle), center(out_handle) - QPoint(40, 0))
    clip = tl.doc.project.find_clip("c3")[1]
    assert (clip.start, clip.end) == (60, 98)
    drag(tl.window, center(in_handle), center(in_handle) + QPoint(20, 0))
    clip = tl.doc.project.find_clip("c3")[1]
    assert (clip.start, clip.end, clip.in_frame) == (65, 98, 9)
    tl.doc.undo()
    tl.doc.undo()
    clip = tl.doc.project.find_clip("c3")[1]
    assert (clip.start, clip.end) == (60, 108)


def test_split_with_s(tl):
    tl.doc.playheadFrame = 20
    click(tl.window, center(clip_item(tl, "c0")))
    QTest.keyClick(tl.window, Qt.Key.Key_S)
    v1 = tl.doc.project.track("v1").clips
    assert [(c.start, c.end) for c in v1[:2]] == [(0, 20), (20, 48)]
    tl.doc.undo()
    assert tl.doc.project.track("v1").clips[0].end == 48


def test_delete_and_ripple_delete(tl):
    click(tl.window, center(clip_item(tl, "c3")))
    QTest.keyClick(tl.window, Qt.Key.Key_Delete)
    ids = [c.id for c in tl.doc.project.track("v1").clips]
    assert "c3" not in ids and start_of(tl, "c6") == 120
    tl.doc.undo()
    QTest.qWait(10)
    click(tl.window, center(clip_item(tl, "c3")))
    QTest.keyClick(tl.window, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert start_of(tl, "c6") == 72 and start_of(tl, "c9") == 132


def test_select_and_multi_select(tl):
    click(tl.window, center(clip_item(tl, "c0")))
    assert tl.root.property("selectedClipIds") == ["c0"]
    click(tl.window, center(clip_item(tl, "c6")), Qt.KeyboardModifier.ControlModifier)
    assert tl.root.property("selectedClipIds") == ["c0", "c6"]
    click(tl.window, center(clip_item(tl, "c4")), Qt.KeyboardModifier.ShiftModifier)
    # Shift extends from the last selected clip (c6: V1 120-168) to c4 (V2 60-108): frames 60-168 on V1-V2
    assert set(tl.root.property("selectedClipIds")) == {"c0", "c3", "c4", "c6", "c7"}
    assert clip_item(tl, "c3").property("selected")
    row = clip_item(tl, "c0").parentItem().parentItem()  # empty track space clears
    click(tl.window, scene_point(row, row.width() - 20, row.height() / 2))
    assert tl.root.property("selectedClipIds") == []


def test_selected_clips_move_together(tl):
    tl.ctl.setProperty("snapping", False)
    click(tl.window, center(clip_item(tl, "c9")))
    click(tl.window, center(clip_item(tl, "c10")), Qt.KeyboardModifier.ControlModifier)
    drag(tl.window, center(clip_item(tl, "c9")), center(clip_item(tl, "c9")) + QPoint(40, 0))
    assert (start_of(tl, "c9"), start_of(tl, "c10")) == (190, 190)
    assert tl.doc.undo_stack.count() == 1


def test_zoom_buttons_wheel_and_fit(tl):
    ppf = tl.ctl.property("pixelsPerFrame")
    click(tl.window, center(tl.find("zoomIn")))
    assert tl.ctl.property("pixelsPerFrame") == pytest.approx(ppf * 1.25)
    assert clip_item(tl, "c0").property("width") == pytest.approx(48 * ppf * 1.25)
    lanes = tl.find("lanes")
    at = scene_point(lanes, 300, 200)
    QTest.qWait(10)
    from PySide6.QtGui import QWheelEvent
    ev = QWheelEvent(QPointF(at), QPointF(at), QPoint(), QPoint(0, 120), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    from PySide6.QtCore import QCoreApplication
    QCoreApplication.sendEvent(tl.window, ev)
    assert tl.ctl.property("pixelsPerFrame") == pytest.approx(ppf * 1.25 * 1.25)
    click(tl.window, center(tl.find("zoomFit")))
    lanes_w = lanes.width()
    assert tl.doc.durationFrames * tl.ctl.property("pixelsPerFrame") <= lanes_w
    QTest.keyClick(tl.window, Qt.Key.Key_Minus)
    assert tl.ctl.property("pixelsPerFrame") < lanes_w / tl.doc.durationFrames


def test_playhead_follows_a_drag_on_the_ruler(tl):
    ruler = tl.find("ruler")
    drag(tl.window, scene_point(ruler, 40, 10), scene_point(ruler, 400, 10))
    assert tl.doc.playheadFrame == 100
    playhead = tl.find("playhead")
    assert playhead.property("lineX") == pytest.approx(400)


def test_shift_drag_on_ruler_selects_a_span_and_generate_span_calls_actions(load_qml, tmp_path):
    doc = sample_document(tmp_path)
    actions = RecordingActions()
    tl = load_qml("timeline/Timeline.qml", document=doc, spans=actions.spans, frames=actions.frames)
    ruler = tl.find("ruler")
    button = tl.find("generateSpan")
    assert button.property("visible") and not button.property("enabled")
    drag(tl.window, scene_point(ruler, 0, 10), scene_point(ruler, 400, 10),
         modifiers=Qt.KeyboardModifier.ShiftModifier)
    ctl = tl.root.findChild(TimelineController)
    assert (ctl.property("rangeStart"), ctl.property("rangeEnd")) == (0, 100)
    assert ctl.property("keyframesInRange") == 2 and button.property("enabled")
    click(tl.window, center(button))
    assert actions.calls == [("generateSpan", 0, 101)]


def test_clip_menu_extend_and_frame_grabs_call_actions(load_qml, tmp_path):
    doc = sample_document(tmp_path)
    actions = RecordingActions()
    tl = load_qml("timeline/Timeline.qml", document=doc, spans=actions.spans, frames=actions.frames)
    doc.playheadFrame = 70
    item = tl.find("clip_c3")
    click(tl.window, center(item), button=Qt.MouseButton.RightButton)
    menu = tl.find("clipMenu")
    assert menu.property("visible")
    click(tl.window, center(tl.find("frameToKeyframeItem")))
    assert actions.calls[-1] == ("frameToKeyframe", "c3", 70)
    click(tl.window, center(item), button=Qt.MouseButton.RightButton)
    click(tl.window, center(tl.find("frameToImageInputItem")))
    assert actions.calls[-1] == ("frameToImageInput", "c3", 70)
    click(tl.window, center(item), button=Qt.MouseButton.RightButton)
    click(tl.window, center(tl.find("extendItem")))
    popup = tl.find("extendPopup")
    assert popup.property("visible")
    tl.find("extendDirection").setProperty("currentIndex", 2)
    tl.find("extendSeconds").setProperty("value", 4)
    tl.find("extendPlacement").setProperty("currentIndex", 1)
    click(tl.window, center(tl.find("extendSubmit")))
    assert actions.calls[-1] == ("extendClip", "c3", "both", 4.0, 9, 1.0, "overwrite")


def test_keyframes_add_drag_edit_remove(tl, tmp_path, qtbot):
    image = png(tmp_path / "pics/new.png", "#20a040")
    assert tl.ctl.addKeyframe(200, str(image))
    kf_id = next(k.id for k in tl.doc.project.keyframes if k.frame == 200)
    qtbot.waitUntil(lambda: tl.find(f"keyframe_{kf_id}") is not None)  # its delegate is made asynchronously
    item = tl.find(f"keyframe_{kf_id}")
    steps = tl.doc.undo_stack.count()
    tl.ctl.setProperty("snapping", False)
    drag(tl.window, center(item), center(item) + QPoint(40, 0))
    assert tl.doc.project.keyframe(kf_id).frame == 210
    assert tl.doc.undo_stack.count() == steps + 1
    tl.doc.undo()
    assert tl.doc.project.keyframe(kf_id).frame == 200
    # double-click opens the strength/prompt popup
    QTest.mouseDClick(tl.window, Qt.MouseButton.LeftButton, NO, center(tl.find(f"keyframe_{kf_id}")))
    QTest.qWait(20)
    assert tl.find("keyframePopup").property("visible")
    tl.find("strengthSlider").setProperty("value", 0.5)
    tl.find("promptField").setProperty("text", "the fox jumps")
    click(tl.window, center(tl.find("applyKeyframe")))
    kf = tl.doc.project.keyframe(kf_id)
    assert (kf.strength, kf.prompt) == (0.5, "the fox jumps")
    # select it and Delete removes it
    click(tl.window, center(tl.find(f"keyframe_{kf_id}")))
    QTest.keyClick(tl.window, Qt.Key.Key_Delete)
    assert kf_id not in [k.id for k in tl.doc.project.keyframes]
    assert "c0" in [c.id for c in tl.doc.project.track("v1").clips]  # Delete hit the keyframe, not clips


def test_keyframe_lane_shows_where_a_keyframe_lands(tl, tmp_path):
    assert tl.ctl.addKeyframe(45, str(png(tmp_path / "pics/a.png")))
    QTest.qWait(20)
    kf_id = next(k.id for k in tl.doc.project.keyframes if k.frame == 45)
    item = tl.find(f"keyframe_{kf_id}")
    landing = [c for c in item.childItems() if c.objectName() == "landing"][0]
    lands_at = landing.mapToScene(QPointF(1, 0)).x() - tl.find("lanes").mapToScene(QPointF(0, 0)).x()
    assert lands_at == pytest.approx(48 * 4.0, abs=1.5)


DRAGGABLE = """
import QtQuick
Rectangle {
    property string assetId
    width: 8; height: 8
    Drag.keys: ["ltx-asset", "ltx-asset-id:" + assetId]
    Drag.hotSpot.x: 4; Drag.hotSpot.y: 4
    function start() { Drag.active = true }
    function finish() { return Drag.drop() }
}
"""


def drop_asset(tl, asset_id, target, x):
    """What the clip bin's delegates do: an item with Drag.keys ltx-asset and ltx-asset-id:<id>, dropped at x."""
    component = QQmlComponent(tl.engine)
    component.setData(DRAGGABLE.encode(), tl.window.contentItem().property("baseUrl") or "")
    item = component.create()
    assert item is not None, component.errorString()
    item.setParentItem(tl.window.contentItem())
    item.setProperty("assetId", asset_id)
    at = target.mapToScene(QPointF(x, target.height() / 2))
    item.setPosition(QPointF(at.x() - 40, at.y() - 4))
    item.start()  # a function of the QML item above
    item.setPosition(QPointF(at.x() - 4, at.y() - 4))
    QTest.qWait(10)
    item.finish()
    QTest.qWait(10)
    item.deleteLater()


def test_dropping_bin_assets(tl):
    lane = tl.find("keyframeLane")
    drop_asset(tl, "img", lane, 4 * 150)
    assert [k.frame for k in tl.doc.project.keyframes if k.image == "imports/still.png"] == [96, 150]
    rows = tl.find("tracksView")
    v2_row = clip_item(tl, "c10").parentItem().parentItem()
    drop_asset(tl, "vid", v2_row, 4 * 250)
    clip = next(c for c in tl.doc.project.track("v2").clips if c.asset_id == "vid")
    assert clip.start == 250 and rows is not None


def test_markers_add_drag_remove(tl):
    tl.doc.playheadFrame = 200
    QTest.keyClick(tl.window, Qt.Key.Key_M)
    marker = next(m for m in tl.doc.project.markers if m.frame == 200)
    QTest.qWait(20)
    item = tl.find(f"marker_{marker.id}")
    tl.ctl.setProperty("snapping", False)
    drag(tl.window, scene_point(item, 1, 8), scene_point(item, 41, 8))
    assert tl.doc.project.marker(marker.id).frame == 210
    assert tl.ctl.removeMarker(marker.id)
    assert marker.id not in [m.id for m in tl.doc.project.markers]


def test_tracks_add_rename_mute(tl):
    click(tl.window, center(tl.find("addVideoTrack")))
    kinds = [t.kind for t in tl.doc.project.tracks]
    assert kinds == ["video", "video", "video", "audio"]
    click(tl.window, center(tl.find("mute_a1")))
    assert tl.doc.project.track("a1").muted
    assert tl.ctl.renameTrack("a1", "Music")
    assert tl.doc.project.track("a1").name == "Music"
    assert not tl.ctl.renameTrack("a1", "  ")


def test_video_asset_on_the_lane_asks_the_workflow_for_its_frame(load_qml, tmp_path):
    doc = sample_document(tmp_path)
    actions = RecordingActions()
    tl = load_qml("timeline/Timeline.qml", document=doc, spans=actions.spans, frames=actions.frames)
    drop_asset(tl, "vid", tl.find("keyframeLane"), 4 * 50)
    assert actions.calls == [("assetFrameToKeyframe", "vid", 0, 50)]
    drop_asset(tl, "snd", tl.find("keyframeLane"), 4 * 60)  # audio has no frame: ignored
    assert len(actions.calls) == 1


def test_image_file_dropped_from_the_desktop_becomes_a_keyframe(tl, tmp_path):
    from PySide6.QtCore import QCoreApplication, QMimeData, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

    image = png(tmp_path / "desktop/photo.png", "#8040c0")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(image))])
    at = scene_point(tl.find("keyframeLane"), 4 * 75, 20)
    action, button = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    for event in (QDragEnterEvent(QPointF(at), action, mime, button, NO),
                  QDragMoveEvent(QPointF(at), action, mime, button, NO),
                  QDropEvent(QPointF(at), action, mime, button, NO)):
        QCoreApplication.sendEvent(tl.window, event)
    QTest.qWait(10)
    added = [k for k in tl.doc.project.keyframes if k.frame == 75]
    assert len(added) == 1 and added[0].image.endswith("desktop/photo.png")
    assert tl.doc.media_path(added[0].image) == image


def test_in_out_keys_set_the_span_and_double_click_activates_a_clip(tl):
    tl.doc.playheadFrame = 10
    QTest.keyClick(tl.window, Qt.Key.Key_I)
    tl.doc.playheadFrame = 100
    QTest.keyClick(tl.window, Qt.Key.Key_O)
    assert (tl.ctl.property("rangeStart"), tl.ctl.property("rangeEnd")) == (10, 100)
    QTest.keyClick(tl.window, Qt.Key.Key_Escape)
    assert not tl.ctl.property("hasRange")
    activated = []
    tl.root.clipActivated.connect(activated.append)
    QTest.mouseDClick(tl.window, Qt.MouseButton.LeftButton, NO, center(clip_item(tl, "c6")))
    assert activated == ["c6"]


def test_typing_in_a_text_field_does_not_trigger_timeline_keys(tl):
    component = QQmlComponent(tl.engine)
    component.setData(b"import QtQuick.Controls\nTextField { width: 200; height: 30 }", "")
    field = component.create()
    field.setParentItem(tl.window.contentItem())
    field.forceActiveFocus()
    click(tl.window, center(clip_item(tl, "c0")))
    field.forceActiveFocus()
    tl.doc.playheadFrame = 20
    before = tl.doc.project.model_dump()
    QTest.keyClick(tl.window, Qt.Key.Key_S)
    QTest.keyClick(tl.window, Qt.Key.Key_M)
    QTest.keyClick(tl.window, Qt.Key.Key_Delete)
    assert field.property("text") == "sm"
    assert tl.doc.project.model_dump() == before


def test_only_visible_clips_have_delegates(load_qml, tmp_path, qtbot):
    from ltx_editor.ui.document import ProjectDocument
    from tests.fakes.projects import make_project

    project, path = make_project(tmp_path, 1000, create_files=False)
    doc = ProjectDocument(project=project, path=path)
    tl = load_qml("timeline/Timeline.qml", document=doc)

    def delegates():
        found = []

        def walk(item):
            for child in item.childItems():
                if child.objectName().startswith("clip_"):
                    found.append(child.objectName()[5:])
                walk(child)
        walk(tl.window.contentItem())
        return found

    first = delegates()
    assert "c0" in first and len(first) < 40  # of 1,000
    lanes = tl.find("lanes")
    at = scene_point(lanes, 300, 200)
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QWheelEvent
    for _ in range(30):  # Shift+wheel scrolls sideways
        QCoreApplication.sendEvent(tl.window, QWheelEvent(
            QPointF(at), QPointF(at), QPoint(), QPoint(0, -120), Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.ShiftModifier, Qt.ScrollPhase.NoScrollPhase, False))
    assert tl.root.property("scrollX") == pytest.approx(30 * 120)
    qtbot.waitUntil(lambda: "c0" not in delegates())  # the view drops and makes delegates on its next polish
    later = delegates()
    assert len(later) < 40
    starts = [doc.project.find_clip(c)[1].start for c in later]
    assert all(3600 / 4 - 60 <= s <= (3600 + 1130) / 4 + 20 for s in starts)


def test_rename_a_track_in_its_header_and_remove_it(tl):
    header = tl.find("lock_v2").parentItem().parentItem()
    QTest.mouseDClick(tl.window, Qt.MouseButton.LeftButton, NO, scene_point(header, 60, 12))
    editor = [c for c in header.childItems() if c.objectName() == "trackNameEditor"][0]
    assert editor.property("visible")
    editor.setProperty("text", "B-roll")
    QTest.keyClick(tl.window, Qt.Key.Key_Return)
    assert tl.doc.project.track("v2").name == "B-roll"
    assert tl.ctl.removeTrack("v2")
    assert "v2" not in [t.id for t in tl.doc.project.tracks]
    tl.doc.undo()
    assert tl.doc.project.track("v2").name == "B-roll" and len(tl.doc.project.track("v2").clips) == 4
