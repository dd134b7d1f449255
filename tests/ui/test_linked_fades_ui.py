"""Clip properties of a video whose sound is a linked clip: "Sound too" (on while the two fade alike) fades the
sound with the picture in the same undo step; off when the sound was faded on its own, so OK for another
change leaves the sound's fades alone; an unlinked clip shows no such box."""
from __future__ import annotations

from PySide6.QtCore import Qt

from ltx_editor.core import timeline as core_tl
from ltx_editor.core.clip_properties import set_clip_properties
from tests.ui.timeline_helpers import center, click, sample_document, scene_point


def _open(tl, qtbot, clip_id: str):
    qtbot.waitUntil(lambda: tl.find(f"clip_{clip_id}") is not None and tl.find(f"clip_{clip_id}").width() > 0,
                    timeout=15000)
    item = tl.find(f"clip_{clip_id}")  # near its start: a whole imported video runs past the window
    click(tl.window, scene_point(item, min(20, item.width() / 2), item.height() / 2), button=Qt.MouseButton.RightButton)
    qtbot.waitUntil(lambda: tl.find("clipMenu").property("visible"), timeout=15000)
    click(tl.window, center(tl.find("clipPropertiesItem")))
    popup = tl.find("clipPropertiesPopup")
    qtbot.waitUntil(lambda: popup.property("visible"), timeout=15000)
    return popup


def _fades(doc, clip_id):
    clip = doc.project.find_clip(clip_id)[1]
    return clip.fade_in, clip.fade_out


def test_sound_too_fades_the_linked_sound_in_one_undo_step(load_qml, tmp_path, qtbot):
    doc = sample_document(tmp_path)
    video, sound = core_tl.place_asset(doc.project, "vid", "v1", 240).created[:2]
    assert doc.project.find_clip(video)[1].link == sound
    tl = load_qml("timeline/Timeline.qml", document=doc)
    popup = _open(tl, qtbot, video)
    box = tl.find("clipLinkFades")
    assert box.property("visible") and box.property("checked") and box.property("text") == "Sound too"
    tl.find("clipFadeIn").setProperty("value", 10)
    tl.find("clipFadeOut").setProperty("value", 5)
    click(tl.window, center(tl.find("applyClipProperties")))
    qtbot.waitUntil(lambda: not popup.property("visible"), timeout=15000)
    assert _fades(doc, video) == _fades(doc, sound) == (10, 5)
    assert doc.property("undoText") == "Clip properties"
    doc.undo()
    assert _fades(doc, video) == _fades(doc, sound) == (0, 0)


def test_a_sound_faded_on_its_own_keeps_its_fades(load_qml, tmp_path, qtbot):
    doc = sample_document(tmp_path)
    video, sound = core_tl.place_asset(doc.project, "vid", "v1", 240).created[:2]
    doc.apply_edit(set_clip_properties(doc.project, sound, fade_in=20))
    tl = load_qml("timeline/Timeline.qml", document=doc)
    popup = _open(tl, qtbot, video)
    box = tl.find("clipLinkFades")
    assert box.property("visible") and not box.property("checked")
    assert "(its fades now: 20 in, 0 out)" in box.property("text")
    tl.find("clipOpacity").setProperty("value", 50)
    click(tl.window, center(tl.find("applyClipProperties")))
    qtbot.waitUntil(lambda: not popup.property("visible"), timeout=15000)
    assert doc.project.find_clip(video)[1].opacity == 0.5
    assert _fades(doc, sound) == (20, 0) and _fades(doc, video) == (0, 0)


def test_an_unlinked_clip_has_no_sound_too_box(load_qml, tmp_path, qtbot):
    doc = sample_document(tmp_path)
    tl = load_qml("timeline/Timeline.qml", document=doc)
    _open(tl, qtbot, "c3")
    assert not tl.find("clipLinkFades").property("visible")
