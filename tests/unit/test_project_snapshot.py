"""detached_copy: a Project for another thread (the export) that later edits do not reach, sharing what edits
replace rather than change."""
from ltx_editor.core import timeline as tl
from ltx_editor.core.project_snapshot import detached_copy
from tests.fakes.projects import make_project


def test_a_detached_copy_does_not_see_later_edits(tmp_path):
    project, _ = make_project(tmp_path, n_clips=12, create_files=False)
    copy = detached_copy(project)
    expected = project.model_dump_json()
    assert copy.model_dump_json() == expected
    tl.move_clip(project, "c0", None, 4000)  # a committed edit replaces the track's clips
    project.name = "renamed"
    project.settings.fps = 30.0
    project.assets[0].takes.append(project.assets[0].takes[0].model_copy(update={"id": "extra"}))
    project.assets[0].active_take_id = "extra"
    project.markers.clear()
    project.tracks.pop()
    assert copy.model_dump_json() == expected
    assert copy.find_clip("c1")[1] is project.find_clip("c1")[1]  # committed leaves are shared, not copied
