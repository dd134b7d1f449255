"""A timeline imported into the open project (File → Import timeline…): its tracks come in as new tracks (video
on top, audio below), its media in the bin (a file already there is reused), its markers too, with ids new to
the project and links kept, as one undo step; a timeline whose media are missing is refused listing every
missing file, and the project is left exactly as it was."""
from __future__ import annotations

import shutil

import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.errors import MediaError
from ltx_editor.core.media import import_media
from ltx_editor.core.otio_io import export_otio, formats, import_otio_into
from ltx_editor.core.project import Project, ProjectSettings, Track
from tests.fakes.media_factory import sample_video


def _project(tmp_path, name: str, clips: list) -> tuple[Project, object]:
    """A project at 24 fps with V1/A1 and each (media file, start) placed on V1 (its sound linked on A1)."""
    path = tmp_path / f"{name}.ltxproj"
    project = Project(name=name, settings=ProjectSettings(fps=24, width=96, height=64),
                      tracks=[Track(id=f"{name}v1", kind="video", name="V1"),
                              Track(id=f"{name}a1", kind="audio", name="A1")])
    for media, start in clips:
        asset = import_media(project, path, media)
        if all(a.id != asset.id for a in project.assets):
            project.assets.append(asset)
        tl.place_asset(project, asset.id, f"{name}v1", start)
    return project, path


@pytest.fixture
def media(tmp_path):
    return [sample_video(tmp_path / f"{n}.mp4", frames=24, size=(96, 64)) for n in ("walk", "run", "jump")]


def _edit_file(tmp_path, media, suffix=".otio"):
    other, other_path = _project(tmp_path, "other", [(media[1], 0), (media[2], 30)])
    tl.add_marker(other, 12, name="beat")
    return export_otio(other, other_path, tmp_path / f"edit{suffix}")


def test_a_timeline_comes_in_as_new_tracks_in_one_undo_step(tmp_path, media):
    project, path = _project(tmp_path, "mine", [(media[0], 0), (media[1], 40)])
    source = _edit_file(tmp_path, media)
    before = project.model_dump()
    edit = import_otio_into(project, path, source)
    names = [(t.kind, t.name) for t in project.tracks]
    assert names == [("video", "V1 (edit)"), ("video", "V1"), ("audio", "A1"), ("audio", "A1 (edit)")]
    video, sound = project.tracks[0], project.tracks[3]
    assert [(c.start, c.in_frame, c.out_frame) for c in video.clips] == [(0, 0, 24), (30, 0, 24)]
    assert [c.link for c in video.clips] == [c.id for c in sound.clips]  # linked, by their new ids
    assert [c.link for c in sound.clips] == [c.id for c in video.clips]
    mine = {c.id for t in project.tracks[1:3] for c in t.clips}
    assert not mine & {c.id for c in video.clips + sound.clips}
    # run.mp4 was in the bin already: reused; jump.mp4 is new
    assert sorted(a.name for a in project.assets) == ["jump", "run", "walk"]
    assert [m.frame for m in project.markers] == [12]
    Project.model_validate(project.model_dump())  # every rule of a loaded project holds
    after = project.model_dump()
    edit.undo(project)
    assert project.model_dump() == before
    edit.redo(project)
    assert project.model_dump() == after


def test_the_projects_own_timeline_comes_in_beside_it(tmp_path, media):
    project, path = _project(tmp_path, "mine", [(media[0], 0)])
    source = export_otio(project, path, tmp_path / "self.otio")
    import_otio_into(project, path, source)
    ids = [c.id for t in project.tracks for c in t.clips]
    assert len(ids) == len(set(ids)) == 4 and len(project.assets) == 1
    Project.model_validate(project.model_dump())


def test_missing_media_are_listed_and_nothing_changes(tmp_path, media):
    project, path = _project(tmp_path, "mine", [(media[0], 0)])
    source = _edit_file(tmp_path, media)
    gone = tmp_path / "gone"
    gone.mkdir()
    for m in media[1:]:
        shutil.move(m, gone / m.name)
    before = project.model_dump()
    with pytest.raises(MediaError) as refused:
        import_otio_into(project, path, source)
    assert "uses 2 media files that are missing" in refused.value.message
    assert str(media[1]) in refused.value.message and str(media[2]) in refused.value.message
    assert project.model_dump() == before


@pytest.mark.parametrize("suffix", [".xml", ".edl"])
def test_fcp_xml_and_edl_import_into_the_project(tmp_path, media, suffix):
    assert suffix in [f["suffix"] for f in formats()]  # the adapters are installed with the project
    project, path = _project(tmp_path, "mine", [(media[0], 0)])
    other, other_path = _project(tmp_path, "other", [(media[1], 0), (media[2], 30)])
    source = export_otio(other, other_path, tmp_path / f"edit{suffix}")
    import_otio_into(project, path, source)
    top = project.tracks[0]
    assert top.kind == "video" and [(c.start, c.out_frame) for c in top.clips] == [(0, 24), (30, 24)]
