"""FCP XML and CMX 3600 EDL through OpenTimelineIO's adapter packages: `ltx-editor export-otio P -o X.xml|X.edl`
and back with `import-otio`, keeping clips, ranges, tracks and markers (what each format can hold); outputs never
replace the project or its media."""
from __future__ import annotations

from pathlib import Path

import pytest

from ltx_editor.cli import main
from ltx_editor.core import timeline as tl
from ltx_editor.core.errors import MediaError
from ltx_editor.core.media import import_media
from ltx_editor.core.otio_io import export_otio, formats, import_otio
from ltx_editor.core.project_io import load_project, resolve_media, save_project
from tests.fakes.media_factory import numbered_video, sample_video


def _edit(tmp_path: Path) -> Path:
    """V2 over V1 (a gap before V2's clip), A1 with the first video's linked sound, two markers."""
    a = numbered_video(tmp_path / "m" / "a.mp4", frames=20, size=(96, 64), fps=25, audio=True)
    d = sample_video(tmp_path / "m" / "d.mp4", frames=10, size=(96, 64), fps=25, audio=False)
    path = tmp_path / "p.ltxproj"
    assert main(["new", str(path), str(a), str(d)]) == 0
    project = load_project(path).project
    top = import_media(project, path, numbered_video(tmp_path / "m" / "top.mp4", frames=30, size=(96, 64), fps=25))
    project.assets.append(top)
    v2 = tl.add_track(project, "video", name="V2").created[0]
    tl.insert_clip(project, v2, top.id, 12, in_frame=4, out_frame=19)
    tl.add_marker(project, 5, name="beat")
    tl.add_marker(project, 21, name="drop")
    save_project(project, path)
    return path


def _shape(project, project_path) -> tuple:
    """What FCP XML keeps: track kinds in order, each clip's file, place and range; markers' frames and names."""
    tracks = [(t.kind, [(resolve_media(project_path, project.asset(c.asset_id).active_take.path).resolve(),
                         c.start, c.in_frame, c.out_frame) for c in t.clips]) for t in project.tracks]
    return tracks, [(m.frame, m.name) for m in project.markers], project.settings.fps


def test_the_adapters_are_installed_and_offered():
    assert [f["suffix"] for f in formats()] == [".otio", ".xml", ".edl"]


def test_fcp_xml_round_trip_keeps_clips_ranges_tracks_and_markers(tmp_path, capsys):
    path = _edit(tmp_path)
    out = tmp_path / "edit.xml"
    assert main(["export-otio", str(path), "-o", str(out)]) == 0
    assert "<xmeml" in out.read_text()
    again = tmp_path / "again.ltxproj"
    assert main(["import-otio", str(out), str(again)]) == 0
    assert "4 clips on 3 tracks, 2 markers" in capsys.readouterr().out
    back = load_project(again).project
    assert _shape(back, again) == _shape(load_project(path).project, path)
    assert [t.name for t in back.tracks] == ["V2", "V1", "A1"]  # FCP XML has no track names: numbered bottom up


def test_edl_holds_one_picture_track(tmp_path, capsys):
    path = _edit(tmp_path)
    out = tmp_path / "edit.edl"
    assert main(["export-otio", str(path), "-o", str(out)]) == 1
    assert "An EDL holds one video track; V2, V1 all have clips" in capsys.readouterr().err
    assert not out.exists()
    loaded = load_project(path)
    project = loaded.project
    tl.update_track(project, project.tracks[0].id, hidden=True)  # V2 hidden: the EDL is V1's edit
    export_otio(project, loaded.path, out)
    assert "FROM CLIP: file://" in out.read_text()
    back = import_otio(out, tmp_path / "edl.ltxproj", fps=25)
    assert back.settings.fps == 25
    [v1] = [t for t in back.tracks if t.kind == "video"]
    want = [(Path(project.asset(c.asset_id).active_take.path).name, c.start, c.in_frame, c.out_frame)
            for c in project.tracks[1].clips]
    assert [(Path(back.asset(c.asset_id).active_take.path).name, c.start, c.in_frame, c.out_frame)
            for c in v1.clips] == want


def test_outputs_never_replace_the_project_or_its_media(tmp_path, capsys):
    path = _edit(tmp_path)
    before = path.read_bytes()
    assert main(["export-otio", str(path), "-o", str(path)]) == 1
    assert "it is the project file" in capsys.readouterr().err
    media = tmp_path / "m" / "a.mp4"
    size = media.stat().st_size
    assert main(["export-otio", str(path), "-o", str(tmp_path / "m" / ".." / "m" / "a.mp4")]) == 1
    assert "one of the project's files" in capsys.readouterr().err
    assert path.read_bytes() == before and media.stat().st_size == size
    assert main(["export-otio", str(path)]) == 1
    assert "Name the file to write" in capsys.readouterr().err
    # `new` and `import-otio` never write the project over a file they read
    link = tmp_path / "clip.ltxproj"
    link.symlink_to(media)
    assert main(["new", str(link), "--force", str(media)]) == 1
    assert "one of the files to assemble" in capsys.readouterr().err
    assert media.stat().st_size == size


def test_unreadable_timelines_are_refused_in_words(tmp_path):
    junk = tmp_path / "junk.xml"
    junk.write_text("<xmeml><not closed")
    with pytest.raises(MediaError, match="junk.xml is not a timeline"):
        import_otio(junk, tmp_path / "j.ltxproj")


def test_the_export_question_is_about_what_is_really_rendered():
    """`render` and the Export dialog ask about the range at the export's rate, not the whole timeline."""
    from ltx_editor.core.export_presets import ExportOptions
    from ltx_editor.core.limits import export_question
    from ltx_editor.core.project import Project

    long = Project(name="long")
    options = ExportOptions(range_start=0, range_end=250, fps=50)
    assert options.extent(10_000_000, 25.0) == (500, 50.0)  # 10 s of the timeline, at 50 fps
    assert ExportOptions().extent(900, 30.0) == (900, 30.0)
    assert export_question(long, frames=500, fps=50.0) is None
    assert "frames at 50 fps" in export_question(long, frames=50 * 3600 * 13, fps=50.0)
