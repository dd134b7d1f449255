"""Clip properties from the timeline: the clip menu's Properties… opens them, OK applies volume / mute /
fades / opacity / speed / the crossfade from the clip before as one undo step, the clip shows its crossfade
and its speed and opacity; what does not fit is refused in words and changes nothing."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtQuick import QQuickItem

from tests.ui.timeline_helpers import center, click, sample_document


def _open(tl, clip_id: str):
    item = tl.find(f"clip_{clip_id}")
    click(tl.window, center(item), button=Qt.MouseButton.RightButton)
    assert tl.find("clipMenu").property("visible")
    click(tl.window, center(tl.find("clipPropertiesItem")))
    popup = tl.find("clipPropertiesPopup")
    assert popup.property("visible")
    return popup


def test_clip_menu_properties_apply_as_one_undo_step(load_qml, tmp_path, qtbot):
    doc = sample_document(tmp_path)
    tl = load_qml("timeline/Timeline.qml", document=doc)
    qtbot.waitUntil(lambda: tl.find("clip_c3") is not None and tl.find("clip_c3").width() > 0)
    popup = _open(tl, "c3")
    assert tl.find("clipFadeIn").property("to") == doc.project.find_clip("c3")[1].duration
    tl.find("clipVolume").setProperty("value", 0.5)
    tl.find("clipFadeIn").setProperty("value", 6)
    tl.find("clipFadeOut").setProperty("value", 4)
    click(tl.window, center(tl.find("applyClipProperties")))
    qtbot.waitUntil(lambda: not popup.property("visible"))
    clip = doc.project.find_clip("c3")[1]
    assert (clip.volume, clip.fade_in, clip.fade_out) == (0.5, 6, 4)
    assert doc.property("undoText") == "Clip properties"
    doc.undo()
    clip = doc.project.find_clip("c3")[1]
    assert (clip.volume, clip.fade_in, clip.fade_out) == (1.0, 0, 0)

    popup = _open(tl, "c3")
    tl.find("clipMute").setProperty("checked", True)
    tl.find("clipFadeIn").setProperty("value", 40)
    tl.find("clipFadeOut").setProperty("value", 40)  # 80 frames of fades on a 48-frame clip
    click(tl.window, center(tl.find("applyClipProperties")))
    assert popup.property("visible") and "do not fit" in popup.property("problem")
    assert doc.project.find_clip("c3")[1].fade_in == 0
    tl.find("clipFadeOut").setProperty("value", 0)
    click(tl.window, center(tl.find("applyClipProperties")))
    qtbot.waitUntil(lambda: not popup.property("visible"))
    clip = doc.project.find_clip("c3")[1]
    assert (clip.volume, clip.fade_in) == (0.0, 40)  # muted


def test_opacity_speed_and_crossfade_apply_as_one_step_and_show_on_the_clip(load_qml, tmp_path, qtbot):
    from ltx_editor.core.timeline import move_clip

    doc = sample_document(tmp_path)
    doc.apply_edit(move_clip(doc.project, "c3", None, 48))  # against c0 (frames 0-47): a crossfade can join them
    tl = load_qml("timeline/Timeline.qml", document=doc)
    qtbot.waitUntil(lambda: tl.find("clip_c3") is not None and tl.find("clip_c3").width() > 0)
    popup = _open(tl, "c3")
    assert tl.find("clipCrossfade").property("to") == 48 and tl.find("clipCrossfade").property("enabled")
    tl.find("clipOpacity").setProperty("value", 40)
    tl.find("clipSpeed").setProperty("value", 2.0)
    tl.find("clipCrossfade").setProperty("value", 12)
    click(tl.window, center(tl.find("applyClipProperties")))
    qtbot.waitUntil(lambda: not popup.property("visible"))
    clip = doc.project.find_clip("c3")[1]
    assert (clip.opacity, clip.speed, clip.crossfade, clip.duration) == (0.4, 2.0, 12, 24)
    assert (clip.in_frame, clip.out_frame) == (4, 52)  # the trims stay in source frames
    assert doc.property("undoText") == "Clip properties"
    item = tl.find("clip_c3")
    mark = item.findChild(QQuickItem, "crossfadeMark")
    qtbot.waitUntil(lambda: mark.property("visible"))
    assert item.findChild(QQuickItem, "clipLabel").property("text").endswith("2× · 40 %")  # speed, opacity
    assert abs(mark.width() - 12 * item.width() / 24) < 1.5  # 12 of the clip's 24 frames
    doc.undo()
    clip = doc.project.find_clip("c3")[1]
    assert (clip.opacity, clip.speed, clip.crossfade, clip.duration) == (1.0, 1.0, 0, 48)

    popup = _open(tl, "c0")  # nothing ends where c0 starts: no crossfade to add
    assert not tl.find("clipCrossfade").property("enabled")
    tl.find("clipSpeed").setProperty("value", 0.25)  # 192 frames: runs into c3
    click(tl.window, center(tl.find("applyClipProperties")))
    assert popup.property("visible") and "would overlap" in popup.property("problem")
    assert doc.project.find_clip("c0")[1].speed == 1.0


def test_clip_menu_adds_and_removes_a_crossfade(load_qml, tmp_path, qtbot):
    from ltx_editor.core.timeline import move_clip

    doc = sample_document(tmp_path)
    doc.apply_edit(move_clip(doc.project, "c3", None, 48))
    tl = load_qml("timeline/Timeline.qml", document=doc)
    qtbot.waitUntil(lambda: tl.find("clip_c0") is not None and tl.find("clip_c3").width() > 0)
    click(tl.window, center(tl.find("clip_c0")), button=Qt.MouseButton.RightButton)
    assert not tl.find("addCrossfadeItem").property("enabled")  # nothing ends where c0 starts
    tl.find("clipMenu").close()
    click(tl.window, center(tl.find("clip_c3")), button=Qt.MouseButton.RightButton)
    item = tl.find("addCrossfadeItem")
    assert item.property("enabled") and not tl.find("removeCrossfadeItem").property("visible")
    click(tl.window, center(item))
    assert doc.project.find_clip("c3")[1].crossfade == 12  # half a second at 24 fps
    assert doc.property("undoText") == "Clip properties"
    click(tl.window, center(tl.find("clip_c3")), button=Qt.MouseButton.RightButton)
    remove = tl.find("removeCrossfadeItem")
    assert remove.property("visible")
    click(tl.window, center(remove))
    assert doc.project.find_clip("c3")[1].crossfade == 0
    doc.undo()
    assert doc.project.find_clip("c3")[1].crossfade == 12
