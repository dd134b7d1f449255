"""Undo never loses work: random interleavings of timeline edits, bin imports, take switches, storyboard edits,
job landings and undo/redo keep every asset and take a job produced, and undoing everything returns the
original project (plus what the jobs delivered). Also: grouping is all or nothing, and snapshots are per
entity (an edit keeps only what it touched)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ltx_editor.core import bin_edits
from ltx_editor.core import storyboard as sb
from ltx_editor.core import timeline as tl
from ltx_editor.core.edits import Changes, ClipChanges, combine, compose, group
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.project import Asset, Clip, Project, Shot, Take, Track
from ltx_editor.generation.landing import add_result
from ltx_editor.generation.request import GenerationResult

PROJECT_PATH = Path("/projects/demo/demo.ltxproj")


def _asset(aid: str, kind: str, frames: int, takes: int = 1) -> Asset:
    made = [Take(id=f"{aid}-t{i}", path=f"media/{aid}-{i}.mp4", frame_count=frames, has_audio=kind == "audio")
            for i in range(takes)]
    return Asset(id=aid, name=aid, kind=kind, takes=made, active_take_id=made[0].id)


def _start() -> Project:
    return Project(
        assets=[_asset("gen", "generated", 121, takes=2), _asset("vid", "video", 240), _asset("snd", "audio", 500)],
        tracks=[Track(id="V1", kind="video", clips=[
                    Clip(id="c1", asset_id="gen", take_id="gen-t0", start=0, in_frame=20, out_frame=100),
                    Clip(id="c2", asset_id="vid", take_id="vid-t0", start=120, out_frame=60)]),
                Track(id="A1", kind="audio", clips=[
                    Clip(id="c3", asset_id="snd", take_id="snd-t0", start=10, out_frame=200)])],
        shots=[Shot(id="s1", prompt="a fox"), Shot(id="s2", prompt="a hen")])


def _result(n: int, frames: int = 49) -> GenerationResult:
    return GenerationResult(video_path=PROJECT_PATH.parent / "media" / f"job{n}.mp4", num_frames=frames, fps=24.0,
                            width=64, height=64, seed=n, backend="local", model_id="tiny", prompt=f"job {n}")


class History:
    """A linear undo history like QUndoStack: a new edit drops what could have been redone."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.done: list = []
        self.undone: list = []

    def push(self, edit) -> None:
        self.done.append(edit)
        self.undone.clear()

    def undo(self) -> bool:
        if not self.done:
            return False
        edit = self.done.pop()
        edit.undo(self.project)
        self.undone.append(edit)
        return True

    def redo(self) -> bool:
        if not self.undone:
            return False
        edit = self.undone.pop()
        edit.redo(self.project)
        self.done.append(edit)
        return True


def _ids(project: Project):
    clips = [c.id for t in project.tracks for c in t.clips] or ["none"]
    tracks = [t.id for t in project.tracks] or ["none"]
    assets = [a.id for a in project.assets] or ["none"]
    takes = [t.id for a in project.assets for t in a.takes] or ["none"]
    shots = [s.id for s in project.shots] or ["none"]
    return clips, tracks, assets, takes, shots


def _draw_step(data, project: Project, imported: list[int]):
    """One random step: (name, callable). Edits return an Edit; 'job' lands a result and returns None."""
    clips, tracks, assets, takes, shots = _ids(project)
    d = data.draw
    clip, track, asset = d(st.sampled_from(clips)), d(st.sampled_from(tracks)), d(st.sampled_from(assets))
    frames = st.integers(-10, 400)

    def import_files():
        imported[0] += 1
        new = _asset(f"imp{imported[0]}", d(st.sampled_from(["video", "audio", "generated"])), 90)
        return bin_edits.add_assets(project, [new], "Import 1 file(s)")

    options = {
        "append": lambda: tl.append_clip(project, track, asset, out_frame=d(st.integers(1, 90))),
        "insert": lambda: tl.insert_clip(project, track, asset, d(frames), out_frame=d(st.integers(1, 60)),
                                         ripple=d(st.booleans())),
        "move": lambda: tl.move_clip(project, clip, d(st.sampled_from([None, *tracks])), d(frames)),
        "trim": lambda: tl.trim_clip(project, clip, d(st.sampled_from(["in", "out"])), d(frames)),
        "split": lambda: tl.split_clip(project, clip, d(frames)),
        "delete": lambda: tl.delete_clips(project, d(st.lists(st.sampled_from(clips), max_size=3)),
                                          ripple=d(st.booleans())),
        "clip_take": lambda: tl.set_clip_take(project, clip, d(st.sampled_from(takes))),
        "add_track": lambda: tl.add_track(project, d(st.sampled_from(["video", "audio"]))),
        "remove_track": lambda: tl.remove_track(project, track),
        "marker": lambda: tl.add_marker(project, d(st.integers(0, 300))),
        "keyframe": lambda: tl.add_keyframe(project, d(st.integers(0, 300)), "k.png"),
        "import": import_files,
        "delete_asset": lambda: bin_edits.delete_asset(project, asset),
        "active_take": lambda: bin_edits.set_active_take(project, asset, d(st.sampled_from(takes))),
        "add_shot": lambda: sb.add_shot(project, "new shot", index=d(st.integers(0, 4))),
        "move_shot": lambda: sb.move_shot(project, d(st.sampled_from(shots)), d(st.integers(0, 4))),
        "update_shot": lambda: sb.update_shot(project, d(st.sampled_from(shots)), prompt=d(st.text(max_size=5))),
        "delete_shot": lambda: sb.delete_shots(project, [d(st.sampled_from(shots))]),
        "group": lambda: compose(project, "Two edits", [
            lambda: tl.add_marker(project, d(st.integers(0, 300))),
            lambda: tl.trim_clip(project, clip, "out", d(frames))]),
    }
    name = d(st.sampled_from([*sorted(options), "job", "job_into", "undo", "redo", "undo", "redo"]))
    return name, options.get(name), asset


def _takes(project: Project) -> set[str]:
    return {t.id for a in project.assets for t in a.takes}


def _without_jobs(project: Project, delivered: dict[str, int]) -> list[dict]:
    """The project's assets with what jobs delivered taken out (job takes, assets made only of them; a job
    take made active by its landing is not something undo takes back)."""
    assets = []
    for a in project.model_dump()["assets"]:
        takes = [t for t in a["takes"] if t["id"] not in delivered]
        if takes:
            active = a["active_take_id"]
            assets.append({**a, "takes": takes, "active_take_id": None if active in delivered else active})
    return assets


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_interleavings_never_lose_job_work_and_undo_all_restores(data):
    project = _start()
    initial = project.model_dump()
    history = History(project)
    delivered: dict[str, int] = {}  # take id -> when (step number) a job delivered it
    made: dict[int, int] = {}  # id(edit) -> the step it was made at
    imported = [0]
    for n in range(data.draw(st.integers(1, 25))):
        name, run, asset = _draw_step(data, project, imported)
        if name in ("undo", "redo"):
            stack = history.done if name == "undo" else history.undone
            edit = stack[-1] if stack else None
            present = _takes(project)
            getattr(history, name)()
            if edit is not None:  # undo/redo never removes a take a job delivered after the edit was made
                later = {t for t, at in delivered.items() if at > made[id(edit)] and t in present}
                assert later <= _takes(project), f"{name} of {edit.label!r} lost {later - _takes(project)}"
        elif name.startswith("job"):
            target = asset if name == "job_into" else None
            _landed, take = add_result(project, PROJECT_PATH, _result(n), f"job {n}", target)
            delivered[take.id] = n
        else:
            before = project.model_dump()
            try:
                edit = run()
            except (EditRefused, KeyError):  # bin edits name a missing asset/take with KeyError
                assert project.model_dump() == before  # a refused edit changes nothing
                event(f"{name} refused")
                continue
            made[id(edit)] = n
            history.push(edit)
        event(name)
        Project.model_validate(project.model_dump())  # every reference and rule still holds
    present = _takes(project)
    while history.undo():
        pass
    assert present & set(delivered) <= _takes(project)  # undoing everything keeps every job's take
    undone = project.model_dump()
    assert {k: v for k, v in undone.items() if k != "assets"} == {k: v for k, v in initial.items() if k != "assets"}
    got = _without_jobs(project, delivered)
    landed_active = {a["id"] for a in got if a["active_take_id"] is None}
    assert got == [{**a, "active_take_id": None if a["id"] in landed_active else a["active_take_id"]}
                   for a in initial["assets"]]
    if not delivered:
        assert undone == initial
    while history.redo():
        pass
    Project.model_validate(project.model_dump())


# --- the two reported losses, step by step ---------------------------------------------------------------
def test_undoing_an_import_keeps_a_generation_that_finished_after_it():
    project = _start()
    imported = _asset("holiday", "video", 90)
    edit = bin_edits.add_assets(project, [imported], "Import 1 file(s)")
    generated, _take = add_result(project, PROJECT_PATH, _result(1), "fox")
    edit.undo(project)
    assert [a.id for a in project.assets] == ["gen", "vid", "snd", generated.id]
    edit.redo(project)
    assert [a.id for a in project.assets] == ["gen", "vid", "snd", "holiday", generated.id]


def test_undoing_a_take_switch_keeps_the_take_a_job_added_since():
    project = _start()
    switch = bin_edits.set_active_take(project, "gen", "gen-t1")
    asset, take = add_result(project, PROJECT_PATH, _result(2), "fox", "gen")
    assert project.asset("gen").active_take_id == take.id
    switch.undo(project)
    after_undo = project.asset("gen")
    assert [t.id for t in after_undo.takes] == ["gen-t0", "gen-t1", take.id]
    assert after_undo.active_take_id == "gen-t0"
    switch.redo(project)
    assert [t.id for t in project.asset("gen").takes] == ["gen-t0", "gen-t1", take.id]


def test_undoing_a_delete_then_redoing_it_keeps_a_take_landed_in_between():
    project = _start()
    project.shots = []
    extra = _asset("spare", "video", 90)
    bin_edits.add_assets(project, [extra], "Import")
    delete = bin_edits.delete_asset(project, "spare")
    delete.undo(project)
    _, take = add_result(project, PROJECT_PATH, _result(3), "again", "spare")
    delete.redo(project)  # the asset goes, but not the take that arrived after the delete was made
    assert [t.id for t in project.asset("spare").takes] == [take.id]


# --- grouping ------------------------------------------------------------------------------------------
def test_a_group_is_one_step_and_all_or_nothing():
    project = _start()
    before = project.model_dump()
    with pytest.raises(EditRefused), group(project, "Split both") as g:
        g.add(tl.split_clip(project, "c1", 30))
        g.add(tl.split_clip(project, "c2", 5000))  # outside the clip: refused
    assert project.model_dump() == before  # the first split was taken back
    with group(project, "Split both") as g:
        g.add(tl.split_clip(project, "c1", 30))
        g.add(tl.split_clip(project, "c2", 150))
    after = project.model_dump()
    assert g.edit.label == "Split both" and len(g.edit.created) == 2
    g.edit.undo(project)
    assert project.model_dump() == before
    g.edit.redo(project)
    assert project.model_dump() == after


def test_compose_reverts_the_done_steps_when_one_fails():
    project = _start()
    before = project.model_dump()
    with pytest.raises(EditRefused):
        compose(project, "Bad", [lambda: tl.add_marker(project, 5), lambda: tl.trim_clip(project, "nope", "in", 1)])
    assert project.model_dump() == before


def test_combine_flattens_groups_and_merges_what_they_name():
    project = _start()
    a = tl.add_marker(project, 3)
    b = tl.trim_clip(project, "c1", "out", 50)
    inner = combine("inner", [a, b])
    outer = combine("outer", [inner, sb.add_shot(project, "x")])
    assert len(outer.parts) == 3
    assert {"c1", *a.created} <= set(outer.affected) and "shots" in outer.kinds


# --- snapshots are per entity ---------------------------------------------------------------------------
def test_an_edit_keeps_only_the_clips_it_touched_and_shares_the_rest():
    project = Project(assets=[_asset("vid", "video", 1000)], tracks=[Track(id="V1", kind="video", clips=[
        Clip(id=f"c{i}", asset_id="vid", take_id="vid-t0", start=i * 50, out_frame=40) for i in range(1000)])])
    untouched = project.tracks[0].clips[10]
    edit = tl.trim_clip(project, "c500", "out", 500 * 50 + 20)
    assert isinstance(edit, Changes)
    (step,) = edit.steps
    assert isinstance(step, ClipChanges) and set(step.before) == {"c500"}
    assert project.tracks[0].clips[10] is untouched  # shared, not copied
    edit.undo(project)
    assert project.tracks[0].clips[10] is untouched


def test_a_ripple_keeps_the_clips_it_moved_and_undo_puts_each_back():
    project = Project(assets=[_asset("vid", "video", 1000)], tracks=[Track(id="V1", kind="video", clips=[
        Clip(id=f"c{i}", asset_id="vid", take_id="vid-t0", start=i * 50, out_frame=40) for i in range(100)])])
    before = project.model_dump()
    edit = tl.delete_clips(project, ["c10", "c20"], ripple=True)
    starts = [c.start for c in project.tracks[0].clips]
    assert starts[:10] == [i * 50 for i in range(10)] and starts[10] == 11 * 50 - 40  # c10 lasted 40
    assert starts[-1] == 99 * 50 - 80  # both gaps closed
    (step,) = edit.steps
    assert len(step.before) == 100 - 10  # c10 and every clip after it; nothing before it
    edit.undo(project)
    assert project.model_dump() == before


def test_a_restored_shot_keeps_its_generation_result():
    project = _start()
    edit = sb.update_shot(project, "s1", prompt="a red fox")
    sb.set_shot_result(project, "s1", status="done", asset_id="gen")
    edit.undo(project)
    restored = sb.shot(project, "s1")
    assert restored.prompt == "a fox" and (restored.status, restored.asset_id) == ("done", "gen")


def test_merged_edits_undo_as_one_and_report_their_size():
    project = _start()
    before = project.model_dump()
    first = tl.move_clip(project, "c2", None, 130)
    merged = first.merged_with(tl.move_clip(project, "c2", None, 140))
    assert merged.kept_bytes() > 0
    merged.undo(project)
    assert project.model_dump() == before


def test_an_import_given_as_two_asset_lists_keeps_only_the_new_assets():
    """The bin's import builds its edit from the list before and after (AssetsEdit): still per entity."""
    project = _start()
    before = list(project.assets)
    project.assets = [*project.assets, _asset("holiday", "video", 90)]
    edit = bin_edits.AssetsEdit("Import 1 file(s)", before, list(project.assets), affected=["holiday"],
                                created=["holiday"])
    generated, _ = add_result(project, PROJECT_PATH, _result(4), "fox")
    edit.undo(project)
    assert [a.id for a in project.assets] == ["gen", "vid", "snd", generated.id]
    edit.redo(project)
    assert [a.id for a in project.assets] == ["gen", "vid", "snd", "holiday", generated.id]
