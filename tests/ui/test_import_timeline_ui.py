"""File → Import timeline…: the real menu action and file dialog add another editor's timeline (.otio; FCP XML
and EDL are offered) to the open project as new tracks, its media in the bin, as one undo step; a timeline
whose media are missing is refused with every missing file listed, and nothing changes."""
from __future__ import annotations

import shutil

from PySide6.QtCore import QUrl

from ltx_editor.core import timeline as tl
from ltx_editor.core.media import import_media
from ltx_editor.core.otio_io import export_otio
from ltx_editor.core.project import Project, ProjectSettings, Track
from tests.fakes.media_factory import sample_video
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)

WAIT_MS = 20000


def _edit_file(tmp_path, names: list[str]):
    """An .otio timeline of these clips one after another on V1 (their sound linked on A1), with a marker."""
    path = tmp_path / "other.ltxproj"
    project = Project(settings=ProjectSettings(fps=24, width=96, height=64),
                      tracks=[Track(id="ov1", kind="video", name="V1"), Track(id="oa1", kind="audio", name="A1")])
    for k, name in enumerate(names):
        asset = import_media(project, path, sample_video(tmp_path / f"{name}.mp4", frames=24, size=(96, 64)))
        project.assets.append(asset)
        tl.place_asset(project, asset.id, "ov1", 30 * k)
    tl.add_marker(project, 6, name="beat")
    return export_otio(project, path, tmp_path / "edit.otio")


def _import_through_the_menu(w, qtbot, source) -> None:
    dialog = w.open_file_dialog(qtbot, "importTimelineDialog", "importTimelineAction", source, timeout_ms=WAIT_MS)
    filters = " ".join(dialog.property("nameFilters"))
    assert "*.otio" in filters and "*.xml" in filters and "*.edl" in filters
    dialog.metaObject().invokeMethod(dialog, "accept")


def test_import_timeline_adds_its_tracks_as_one_undo_step(main_window, qtbot, tmp_path):
    w = main_window
    doc = w.app.document
    clip = sample_video(tmp_path / "mine.mp4", frames=24, size=(96, 64))
    assert w.app.binActions.importFiles([QUrl.fromLocalFile(str(clip)).toString()]) == 1
    assert w.app.binActions.addToTimeline(w.app.binModel.get(0)["assetId"])
    source = _edit_file(tmp_path, ["walk", "run"])
    before = doc.project.model_dump()
    notices: list[str] = []
    w.app.noticeOccurred.connect(notices.append)
    w.app.errorOccurred.connect(lambda message, hint: notices.append(f"error: {message} {hint}"))
    _import_through_the_menu(w, qtbot, source)
    qtbot.waitUntil(lambda: any(n.startswith(("Imported", "error")) for n in notices), timeout=WAIT_MS)
    assert "Imported edit.otio: 4 clip(s) on 2 new track(s)" in notices
    top = doc.project.tracks[0]
    assert top.kind == "video" and [(c.start, c.out_frame) for c in top.clips] == [(0, 24), (30, 24)]
    assert w.app.binModel.rowCount() == 3 and [m.name for m in doc.project.markers] == ["beat"]
    assert doc.property("undoText") == "Import timeline edit.otio"
    undo = w.find("undoAction")
    undo.metaObject().invokeMethod(undo, "trigger")
    qtbot.waitUntil(lambda: doc.project.model_dump() == before, timeout=WAIT_MS)
    assert w.app.binModel.rowCount() == 1


def test_missing_media_are_listed_and_nothing_changes(main_window, qtbot, tmp_path):
    w = main_window
    doc = w.app.document
    source = _edit_file(tmp_path, ["walk", "run"])
    gone = tmp_path / "gone"
    gone.mkdir()
    for name in ("walk", "run"):
        shutil.move(tmp_path / f"{name}.mp4", gone / f"{name}.mp4")
    before = doc.project.model_dump()
    errors: list[str] = []
    w.app.errorOccurred.connect(lambda message, _hint: errors.append(message))
    _import_through_the_menu(w, qtbot, source)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert "edit.otio uses 2 media files that are missing" in errors[-1]
    assert str(tmp_path / "walk.mp4") in errors[-1] and str(tmp_path / "run.mp4") in errors[-1]
    assert doc.project.model_dump() == before and not doc.property("canUndo")
