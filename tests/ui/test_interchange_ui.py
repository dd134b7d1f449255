"""File → Export timeline as…: the real menu action and file dialog write FCP XML / EDL / .otio by the suffix;
a target that is one of the project's files is refused in words."""
from __future__ import annotations

from PySide6.QtCore import QUrl

from ltx_editor.core.otio_io import import_otio
from tests.fakes.media_factory import sample_video
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)


def _export_through_the_menu(w, qtbot, target) -> None:
    dialog = w.open_file_dialog(qtbot, "exportTimelineDialog", "exportTimelineAction", target)
    filters = dialog.property("nameFilters")
    assert any("*.xml" in f for f in filters) and any("*.edl" in f for f in filters)
    dialog.metaObject().invokeMethod(dialog, "accept")


def test_export_timeline_as_fcp_xml_and_edl_from_the_file_menu(main_window, qtbot, tmp_path):
    w = main_window
    clip = sample_video(tmp_path / "walk.mp4", frames=24, size=(96, 64))
    assert w.app.binActions.importFiles([QUrl.fromLocalFile(str(clip)).toString()]) == 1
    assert w.app.binActions.addToTimeline(w.app.binModel.get(0)["assetId"])
    notices: list[str] = []
    w.app.noticeOccurred.connect(notices.append)
    w.app.errorOccurred.connect(lambda message, hint: notices.append(f"error: {message} {hint}"))
    for name in ("edit.xml", "edit.edl"):
        target = tmp_path / name
        _export_through_the_menu(w, qtbot, target)
        qtbot.waitUntil(lambda t=target: t.is_file() or any(n.startswith("error") for n in notices))
        assert notices[-1] == f"Exported the timeline to {name}"
        back = import_otio(target, tmp_path / "back.ltxproj", fps=w.app.document.project.settings.fps)
        [video] = [t for t in back.tracks if t.kind == "video"]
        assert [(c.start, c.in_frame, c.out_frame) for c in video.clips] == [(0, 0, 24)]


def test_a_timeline_export_over_the_media_is_refused(main_window, qtbot, tmp_path):
    w = main_window
    clip = sample_video(tmp_path / "walk.mp4", frames=12, size=(96, 64))
    assert w.app.binActions.importFiles([QUrl.fromLocalFile(str(clip)).toString()]) == 1
    link = tmp_path / "edit.otio"
    link.symlink_to(clip)  # the chosen name leads to the clip's own file
    size = clip.stat().st_size
    errors: list[str] = []
    w.app.errorOccurred.connect(lambda message, _hint: errors.append(message))
    _export_through_the_menu(w, qtbot, link)
    qtbot.waitUntil(lambda: bool(errors))
    assert "one of the project's files" in errors[-1]
    assert clip.stat().st_size == size


def test_a_timeline_export_without_a_name_is_refused(main_window, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    errors: list[str] = []
    main_window.app.errorOccurred.connect(lambda message, _hint: errors.append(message))
    assert not main_window.app.exporter.exportTimeline(".otio")
    assert errors == ["Choose a file name for the timeline."] and not list(tmp_path.iterdir())
