"""The Export dialog: Ctrl+E opens it filled from the project; a preset, size, rate, quality, range and sound
choice produce exactly that file (probed); progress, Cancel, Open folder; bad choices are refused in words."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtQuick import QQuickItem

from ltx_editor.core.media import count_video_frames, probe
from tests.fakes.media_factory import sample_video
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import click, key

CTRL = Qt.KeyboardModifier.ControlModifier


def _timeline(w, tmp_path: Path, frames: int = 48) -> None:
    clip = sample_video(tmp_path / "walk.mp4", frames=frames, size=(96, 64))
    assert w.app.binActions.importFiles([QUrl.fromLocalFile(str(clip)).toString()]) == 1
    assert w.app.binActions.addToTimeline(w.app.binModel.get(0)["assetId"])
    assert w.app.document.project.duration() == frames


def _open(w, qtbot) -> QObject:
    w.window.requestActivate()
    key(w.window, Qt.Key.Key_E, CTRL)
    dialog = w.find("exportDialog")
    qtbot.waitUntil(lambda: dialog.property("visible"))
    qtbot.waitUntil(lambda: w.find("startExportButton", QQuickItem).isVisible())
    return dialog


def test_export_with_a_preset_size_rate_range_and_no_sound(main_window, qtbot, tmp_path):
    w = main_window
    _timeline(w, tmp_path)
    dialog = _open(w, qtbot)
    s = w.app.document.project.settings
    assert w.find("exportWidth", QQuickItem).property("value") == s.width
    assert w.find("exportTarget", QQuickItem).property("text").endswith(".mp4")
    presets = w.find("exportPreset", QQuickItem)
    webm = [p["name"] for p in dialog.property("presetList")].index("webm")
    presets.setProperty("currentIndex", webm)
    presets.activated.emit(webm)  # as a choice in the list does: the file name follows the container
    target = tmp_path / "out" / "film.webm"
    files = w.find("exportFileDialog")  # Browse…: the name accepted there takes the preset's suffix
    (tmp_path / "out").mkdir()
    w.find("exportTarget", QQuickItem).setProperty("text", str(tmp_path / "out" / "film.mp4"))
    click(w.window, w.find("exportBrowse", QQuickItem))
    qtbot.waitUntil(lambda: files.property("visible"))
    files.metaObject().invokeMethod(files, "accept")
    qtbot.waitUntil(lambda: w.find("exportTarget", QQuickItem).property("text") == str(target))
    w.find("exportWidth", QQuickItem).setProperty("value", 128)
    w.find("exportHeight", QQuickItem).setProperty("value", 72)
    w.find("exportFps", QQuickItem).setProperty("editText", "30")
    w.find("exportRange", QQuickItem).setProperty("checked", True)
    w.find("exportRangeFrom", QQuickItem).setProperty("value", 12)
    w.find("exportRangeTo", QQuickItem).setProperty("value", 36)
    w.find("exportAudio", QQuickItem).setProperty("checked", False)
    finished: list[str] = []
    w.app.exporter.finished.connect(finished.append)
    click(w.window, w.find("startExportButton", QQuickItem))
    qtbot.waitUntil(lambda: finished == [str(target)], timeout=120_000)
    qtbot.waitUntil(lambda: w.find("openFolderButton", QQuickItem).isVisible())
    info = probe(target)
    assert (info.video_codec, info.width, info.height, info.audio) == ("vp9", 128, 72, None)
    assert count_video_frames(target) == 30  # 24 frames at 24 fps = 1 s = 30 frames at 30 fps
    assert w.app.exporter.property("folderUrl") == QUrl.fromLocalFile(str(target.parent)).toString()
    click(w.window, w.find("closeExportButton", QQuickItem))
    qtbot.waitUntil(lambda: not dialog.property("visible"))


def test_cancel_leaves_nothing_and_a_bad_choice_is_refused_in_words(main_window, qtbot, tmp_path):
    w = main_window
    _timeline(w, tmp_path, frames=240)
    dialog = _open(w, qtbot)
    w.find("exportTarget", QQuickItem).setProperty("text", str(tmp_path / "odd.mp4"))
    w.find("exportWidth", QQuickItem).setProperty("value", 127)  # odd sizes cannot be encoded
    errors: list[str] = []
    w.app.exporter.failed.connect(lambda message, hint: errors.append(message))
    click(w.window, w.find("startExportButton", QQuickItem))
    qtbot.waitUntil(lambda: errors != [])
    assert "even" in errors[0] and not (tmp_path / "odd.mp4").exists()
    assert dialog.property("page") == "settings"
    error_dialog = w.find("errorDialog")  # the app says it in words; the Export dialog stays for a fix
    qtbot.waitUntil(lambda: error_dialog.property("visible"))
    assert "even" in error_dialog.property("message")
    error_dialog.metaObject().invokeMethod(error_dialog, "accept")
    qtbot.waitUntil(lambda: not error_dialog.property("visible"))
    assert dialog.property("visible")

    w.find("exportWidth", QQuickItem).setProperty("value", 1280)
    w.find("exportHeight", QQuickItem).setProperty("value", 720)
    cancelled: list[bool] = []
    w.app.exporter.cancelled.connect(lambda: cancelled.append(True))
    target = tmp_path / "long.mp4"
    w.find("exportTarget", QQuickItem).setProperty("text", str(target))
    click(w.window, w.find("startExportButton", QQuickItem))
    qtbot.waitUntil(lambda: w.find("cancelExportButton", QQuickItem).isVisible(), timeout=10_000)
    click(w.window, w.find("cancelExportButton", QQuickItem))
    qtbot.waitUntil(lambda: cancelled == [True], timeout=30_000)
    qtbot.waitUntil(lambda: not dialog.property("visible"))
    assert not target.exists() and not [p for p in tmp_path.iterdir() if ".part" in p.name]


def test_the_timelines_in_out_range_becomes_the_export_range(main_window, qtbot, tmp_path):
    from ltx_editor.ui.timeline_controller import TimelineController

    w = main_window
    _timeline(w, tmp_path)
    ctl = w.window.findChild(TimelineController)
    ctl.setRange(6, 17)  # I at 6, O at 17: frames 6-17
    _open(w, qtbot)
    assert w.find("exportRange", QQuickItem).property("checked")
    assert (w.find("exportRangeFrom", QQuickItem).property("value"),
            w.find("exportRangeTo", QQuickItem).property("value")) == (6, 18)
    target = tmp_path / "part.mp4"
    w.find("exportTarget", QQuickItem).setProperty("text", str(target))
    finished: list[str] = []
    w.app.exporter.finished.connect(finished.append)
    click(w.window, w.find("startExportButton", QQuickItem))
    qtbot.waitUntil(lambda: finished == [str(target)], timeout=120_000)
    assert count_video_frames(target) == 12
