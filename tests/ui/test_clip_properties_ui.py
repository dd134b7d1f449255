"""Clip properties from the timeline: the clip menu's Properties… opens them, OK applies volume / mute /
fades as one undo step, a fade that does not fit is refused in words and changes nothing."""
from __future__ import annotations

from PySide6.QtCore import Qt

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
