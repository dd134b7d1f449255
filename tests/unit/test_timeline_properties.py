"""Property tests: random sequences of timeline edits never break the invariants, and undo/redo are exact."""
from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ltx_editor.core import timeline as tl
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.project import Asset, Clip, Project, Take, Track

FRAMES = st.integers(min_value=-20, max_value=400)


def _start() -> Project:
    def asset(aid, kind, takes):
        return Asset(id=aid, name=aid, kind=kind, active_take_id=takes[0].id, takes=takes)

    return Project(
        assets=[asset("gen", "generated", [Take(id="g1", path="g1.mp4", frame_count=121, has_audio=True),
                                           Take(id="g2", path="g2.mp4", frame_count=49)]),
                asset("vid", "video", [Take(id="v", path="v.mp4", frame_count=240)]),
                asset("img", "image", [Take(id="i", path="i.png", frame_count=1)]),
                asset("snd", "audio", [Take(id="s", path="s.wav", frame_count=500, has_audio=True)])],
        tracks=[Track(id="V1", kind="video", clips=[
                    Clip(id="c1", asset_id="gen", take_id="g1", start=0, in_frame=20, out_frame=100),
                    Clip(id="c2", asset_id="vid", take_id="v", start=120, in_frame=0, out_frame=60)]),
                Track(id="V2", kind="video", clips=[
                    Clip(id="c3", asset_id="img", take_id="i", start=30, out_frame=48)]),
                Track(id="A1", kind="audio", clips=[
                    Clip(id="c4", asset_id="snd", take_id="s", start=10, in_frame=100, out_frame=300)])])


def _ids(project):
    clips = [c.id for t in project.tracks for c in t.clips] or ["none"]
    tracks = [t.id for t in project.tracks] or ["none"]
    kfs = [k.id for k in project.keyframes] or ["none"]
    marks = [m.id for m in project.markers] or ["none"]
    return clips, tracks, kfs, marks


def _draw_edit(data, project):
    """One random edit (name, callable) whose arguments come from the project's current ids."""
    clips, tracks, kfs, marks = _ids(project)
    d = data.draw
    clip = d(st.sampled_from(clips))
    track = d(st.sampled_from(tracks))
    # Frames near the chosen clip, so trims and splits often land where they can succeed.
    found = next((c for t in project.tracks for c in t.clips if c.id == clip), None)
    near = (st.builds(int.__add__, st.sampled_from([found.start, found.end]), st.integers(-15, 15))
            if found else FRAMES)
    options = {
        "append": lambda: tl.append_clip(project, track, d(st.sampled_from(["gen", "vid", "img", "snd"])),
                                         in_frame=d(st.integers(0, 30)),
                                         out_frame=d(st.one_of(st.none(), st.integers(1, 260)))),
        "insert": lambda: tl.insert_clip(project, track, d(st.sampled_from(["gen", "vid", "img", "snd"])),
                                         d(FRAMES), out_frame=d(st.integers(1, 120)), ripple=d(st.booleans())),
        "move": lambda: tl.move_clip(project, clip, d(st.sampled_from([None, *tracks])), d(FRAMES),
                                     snap=d(st.integers(0, 8)), playhead=d(st.one_of(st.none(), FRAMES))),
        "move_many": lambda: tl.move_clips(project, d(st.lists(st.sampled_from(clips), max_size=4)),
                                           d(st.integers(-60, 60)), d(st.integers(-1, 1))),
        "trim": lambda: tl.trim_clip(project, clip, d(st.sampled_from(["in", "out"])), d(near)),
        "split": lambda: tl.split_clip(project, clip, d(near)),
        "delete": lambda: tl.delete_clips(project, d(st.lists(st.sampled_from(clips), max_size=3)),
                                          ripple=d(st.booleans())),
        "take": lambda: tl.set_clip_take(project, clip, d(st.sampled_from(["g1", "g2", "v"]))),
        "add_track": lambda: tl.add_track(project, d(st.sampled_from(["video", "audio"]))),
        "remove_track": lambda: tl.remove_track(project, track),
        "lock": lambda: tl.update_track(project, track, locked=d(st.booleans())),
        "keyframe": lambda: tl.add_keyframe(project, d(FRAMES), "k.png", strength=d(st.floats(-0.5, 1.5))),
        "move_keyframe": lambda: tl.move_keyframe(project, d(st.sampled_from(kfs)), d(FRAMES)),
        "remove_keyframe": lambda: tl.remove_keyframe(project, d(st.sampled_from(kfs))),
        "marker": lambda: tl.add_marker(project, d(FRAMES)),
        "move_marker": lambda: tl.move_marker(project, d(st.sampled_from(marks)), d(FRAMES)),
        "remove_marker": lambda: tl.remove_marker(project, d(st.sampled_from(marks))),
    }
    name = d(st.sampled_from(sorted(options)))
    return name, options[name]


def _check_invariants(project: Project) -> None:
    for track in project.tracks:
        starts = [c.start for c in track.clips]
        assert starts == sorted(starts)
        for a, b in zip(track.clips, track.clips[1:], strict=False):
            assert a.end <= b.start, f"overlap on {track.id}: {a} {b}"
    assert [k.frame for k in project.keyframes] == sorted({k.frame for k in project.keyframes})
    # Every model rule (media lengths, track kinds, references, ranges) still holds.
    Project.model_validate(project.model_dump())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_edits_keep_invariants_and_undo_redo_exactly(data):
    project = _start()
    initial = project.model_dump()
    applied = []
    for _ in range(data.draw(st.integers(1, 25))):
        name, run = _draw_edit(data, project)
        before = project.model_dump()
        try:
            edit = run()
        except EditRefused:
            assert project.model_dump() == before  # a refused edit changes nothing
            event(f"{name} refused")
            continue
        event(f"{name} applied")
        _check_invariants(project)
        applied.append((edit, before, project.model_dump()))
    final = project.model_dump()
    for edit, before, _after in reversed(applied):
        edit.undo(project)
        assert project.model_dump() == before
    assert project.model_dump() == initial
    for edit, _before, after in applied:
        edit.redo(project)
        assert project.model_dump() == after
    assert project.model_dump() == final


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_merging_a_run_of_edits_undoes_them_as_one(data):
    project = _start()
    initial = project.model_dump()
    merged = None
    for _ in range(data.draw(st.integers(1, 10))):
        _name, run = _draw_edit(data, project)
        try:
            edit = run()
        except EditRefused:
            continue
        merged = edit if merged is None else merged.merged_with(edit)
    if merged is None:
        assert project.model_dump() == initial
        return
    final = project.model_dump()
    merged.undo(project)
    assert project.model_dump() == initial
    merged.redo(project)
    assert project.model_dump() == final


@settings(max_examples=100, deadline=None)
@given(gaps=st.lists(st.tuples(st.integers(0, 20), st.integers(1, 60)), min_size=1, max_size=8),
       data=st.data())
def test_ripple_delete_closes_exactly_the_deleted_lengths(gaps, data):
    project = _start()
    project.tracks[1].clips.clear()
    start = 0
    for gap, length in gaps:  # clips separated by gaps (some of zero length)
        tl.insert_clip(project, "V2", "vid", start + gap, out_frame=length)
        start += gap + length
    before = {c.id: c.start for c in project.track("V2").clips}
    clips = list(project.track("V2").clips)
    gone = data.draw(st.lists(st.sampled_from([c.id for c in clips]), min_size=1, unique=True))
    edit = tl.delete_clips(project, gone, ripple=True)
    for c in project.track("V2").clips:
        removed_before = sum(x.duration for x in clips if x.id in gone and x.end <= before[c.id])
        assert c.start == before[c.id] - removed_before
    edit.undo(project)
    assert {c.id: c.start for c in project.track("V2").clips} == before
