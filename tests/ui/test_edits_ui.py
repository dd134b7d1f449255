"""Undo in the editor never loses generated work, one user action is one undo step, and the history is bounded:
through ProjectDocument's undo stack with the bin and timeline models listening, as the app wires them."""
from __future__ import annotations

from ltx_editor.core import bin_edits
from ltx_editor.core import timeline as tl
from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from ltx_editor.generation.landing import add_result
from ltx_editor.generation.request import GenerationResult
from ltx_editor.ui.bin_model import BinModel
from ltx_editor.ui.document import ProjectDocument
from ltx_editor.ui.timeline_controller import TimelineController
from ltx_editor.ui.undo_commands import EditCommand, keep_within_budget


def _asset(aid: str, takes: int = 1) -> Asset:
    made = [Take(id=f"{aid}-t{i}", path=f"media/{aid}-{i}.mp4", frame_count=100) for i in range(takes)]
    return Asset(id=aid, name=aid, kind="video", takes=made, active_take_id=made[0].id)


def _doc() -> ProjectDocument:
    project = Project(assets=[_asset("vid", takes=2)], tracks=[
        Track(id="V1", kind="video", clips=[Clip(id="a", asset_id="vid", take_id="vid-t0", start=0, out_frame=60)]),
        Track(id="V2", kind="video", clips=[Clip(id="b", asset_id="vid", take_id="vid-t0", start=20, out_frame=90)])])
    return ProjectDocument(project=project)


def _land(doc: ProjectDocument, n: int, into: str | None = None) -> tuple[str, str]:
    """A finished job arrives the way the job intake brings it: a new asset or take, then `edited`."""
    result = GenerationResult(video_path=doc.output_dir() / f"job{n}.mp4", num_frames=49, fps=24.0, width=64,
                              height=64, seed=n, backend="local", model_id="tiny", prompt=f"job {n}")
    asset, take = add_result(doc.project, doc.working_path, result, f"job {n}", into)
    doc.mark_dirty("bin", asset.id, "jobs")
    return asset.id, take.id


def _rows(model: BinModel) -> list[str]:
    return [model.get(i)["assetId"] for i in range(model.rowCount())]


def test_undoing_an_import_keeps_the_generation_that_finished_after_it(qapp):
    doc = _doc()
    bin_model = BinModel(document=doc)
    doc.apply_edit(bin_edits.add_assets(doc.project, [_asset("holiday")], "Import 1 file(s)"))
    generated, _ = _land(doc, 1)
    assert _rows(bin_model) == ["vid", "holiday", generated]
    doc.undo()
    assert [a.id for a in doc.project.assets] == ["vid", generated]
    assert _rows(bin_model) == ["vid", generated]
    doc.redo()
    assert _rows(bin_model) == ["vid", "holiday", generated] == [a.id for a in doc.project.assets]


def test_undoing_a_take_switch_keeps_the_take_a_job_added_since(qapp):
    doc = _doc()
    bin_model = BinModel(document=doc)
    doc.apply_edit(bin_edits.set_active_take(doc.project, "vid", "vid-t1"))
    _, take = _land(doc, 2, into="vid")
    doc.undo()
    row = bin_model.get(bin_model.indexOf("vid"))
    assert row["takeCount"] == 3 and row["activeTakeId"] == "vid-t0"
    assert take in [t["takeId"] for t in row["takes"]]
    doc.redo()
    assert bin_model.get(bin_model.indexOf("vid"))["takeCount"] == 3


def test_split_at_the_playhead_is_one_undo_step(qapp):
    doc = _doc()
    timeline = TimelineController(document=doc)
    before = doc.project.model_dump()
    doc.playheadFrame = 40  # inside both clips
    assert timeline.splitAtPlayhead()
    assert doc.undo_stack.count() == 1 and doc.undoText == "Split 2 clips"
    assert sum(len(t.clips) for t in doc.project.tracks) == 4
    doc.undo()
    assert doc.project.model_dump() == before


def test_split_at_the_playhead_changes_nothing_when_one_cut_is_refused(qapp):
    doc = _doc()
    timeline = TimelineController(document=doc)
    doc.apply_edit(tl.update_track(doc.project, "V2", locked=True))
    timeline.selectClip("a", "replace")
    timeline.selectClip("b", "toggle")  # selected, but on a locked track
    before = doc.project.model_dump()
    doc.playheadFrame = 40
    assert not timeline.splitAtPlayhead()
    assert doc.project.model_dump() == before and doc.undo_stack.count() == 1  # only the lock
    assert "locked" in timeline.message


def test_the_history_lets_go_of_the_oldest_steps_past_its_memory_budget(qapp):
    doc = _doc()
    for i in range(6):
        doc.apply_edit(tl.add_marker(doc.project, 100 + i))
    stack = doc.undo_stack
    one = stack.command(0).kept_bytes()
    kept = keep_within_budget(stack, stack.command(stack.count() - 1), budget=3 * one)
    commands = [stack.command(i) for i in range(stack.count())]
    assert all(isinstance(c, EditCommand) for c in commands)
    expired = [c for c in commands if c.edit is None]
    assert len(expired) == 3 and all(c.isObsolete() for c in expired) and kept <= 3 * one
    assert commands[:3] == expired  # the oldest go first
    for _ in range(3):
        doc.undo()
    assert len(doc.project.markers) == 3
    doc.undo()  # an expired step is dropped, not undone
    assert len(doc.project.markers) == 3


def test_the_history_has_a_step_limit(qapp):
    doc = _doc()
    assert doc.undo_stack.undoLimit() > 0
