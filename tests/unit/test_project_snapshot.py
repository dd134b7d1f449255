"""Snapshots for saving (take_snapshot) and detached copies for the export (detached_copy): later edits never
reach them, whichever way the editor makes them, while they share the entities that edits replace."""
import threading

from ltx_editor.core import bin_edits, cast, storyboard
from ltx_editor.core import project_io as pio
from ltx_editor.core import timeline as tl
from ltx_editor.core.clip_properties import set_clip_properties
from ltx_editor.core.project import Asset, JobRecord, Take
from ltx_editor.core.project_saver import BackgroundSaver
from ltx_editor.core.project_snapshot import detached_copy, take_snapshot
from ltx_editor.generation.landing import add_result
from ltx_editor.generation.request import GenerationResult
from tests.fakes.projects import make_project


def _edit_everything(project, path):
    """Every kind of change the editor makes to a project, the way it makes them."""
    project.name = "renamed"
    project.spent_usd += 1
    project.settings.fps = 30.0  # the settings are the project's own: copied, so even this does not reach
    moved = tl.move_clip(project, "c0", None, 4000)  # a committed edit: new clips in a new track
    moved.undo(project)  # a small restore edits the live track's clip list in place
    moved.redo(project)
    set_clip_properties(project, "c1", volume=0.5)
    tl.update_track(project, "v2", locked=True)
    tl.add_marker(project, 500, "new")
    tl.update_marker(project, "m0", name="renamed")
    tl.update_keyframe(project, "k0", prompt="a blue fox")
    bin_edits.set_active_take(project, "gen0", "gen0t1")
    result = GenerationResult(video_path=path.parent / "demo_media" / "new.mp4", num_frames=49, fps=24.0, width=64,
                              height=64, seed=7, backend="local", model_id="tiny", prompt="a new take")
    add_result(project, path, result, asset_id="gen1")  # a finished job: a new take of an asset
    add_result(project, path, result)  # and a new asset
    found = path.parent / "imports" / "found.mp4"
    found.touch()
    pio.relink(project, "vid", found, project_path=path)
    bin_edits.delete_asset(project, "vid").undo(project)
    project.assets.append(Asset(id="imported", kind="image", active_take_id="it",  # an import appends
                                takes=[Take(id="it", path="imports/still.png", frame_count=1)]))
    storyboard.update_shot(project, "s0", prompt="a fox sleeps")
    storyboard.set_shot_result(project, "s0", status="generating")
    entry = cast.add_entry(project, "Mara").created[0]
    cast.add_image(project, entry, "imports/still.png")
    project.jobs = [*project.jobs, JobRecord(id="j1", request={"prompt": "more"}, state="queued")]
    project.markers.clear()


def test_a_snapshot_does_not_see_later_edits(tmp_path):
    project, path = make_project(tmp_path, n_clips=60)  # lists longer than one encoder slice
    pio.save_project(project, path)
    snap = take_snapshot(project)
    expected = project.model_dump_json().encode()
    assert pio.encode(snap) == expected
    _edit_everything(project, path)
    assert pio.encode(snap) == expected
    pio.save_project(snap, path)
    assert path.read_bytes() == expected
    assert pio.encode(project) == project.model_dump_json().encode() != expected  # the edits are in the project


def test_edits_made_while_the_worker_encodes_do_not_reach_the_autosave(tmp_path, monkeypatch):
    project, path = make_project(tmp_path, n_clips=60)
    pio.save_project(project, path)
    expected = project.model_dump_json().encode()
    encoding, edited = threading.Event(), threading.Event()
    to_json = pio.to_json

    def paused_to_json(value, *args, **kwargs):
        if threading.current_thread() is not threading.main_thread() and not encoding.is_set():
            encoding.set()  # the worker has started encoding: the GUI thread edits now
            assert edited.wait(20)
        return to_json(value, *args, **kwargs)

    monkeypatch.setattr(pio, "to_json", paused_to_json)
    saver = BackgroundSaver()
    try:
        written = saver.autosave(project, path)
        assert encoding.wait(20)
        _edit_everything(project, path)
        edited.set()
        assert written.result(20).read_bytes() == expected
    finally:
        edited.set()
        saver.close()


def test_a_detached_copy_does_not_see_later_edits(tmp_path):
    project, path = make_project(tmp_path, n_clips=12)
    copy = detached_copy(project)
    expected = project.model_dump_json()
    assert copy.model_dump_json() == expected
    _edit_everything(project, path)
    project.tracks.pop()
    assert copy.model_dump_json() == expected
    assert copy.find_clip("c4")[1] is project.find_clip("c4")[1]  # committed leaves are shared, not copied
    assert copy.asset("gen2") is project.asset("gen2")  # so are assets no edit replaced
