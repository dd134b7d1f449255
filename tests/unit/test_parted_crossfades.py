"""A crossfade joins two touching clips on one track: an edit that leaves a clip without a clip ending where it
starts (moved apart, the clip before trimmed, moved, deleted or sped up, a ripple) clears its crossfade in the
same undo step, so the model, the export, the preview and the timeline's mark agree; undo brings it back.
Edits that keep the clips touching keep it."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ltx_editor.core import timeline as tl
from ltx_editor.core.clip_properties import set_clip_properties
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.export_plan import crossfade_frames
from ltx_editor.core.preview_layers import picture_at
from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from tests.unit.test_timeline_properties import _draw_edit, _start


def _project() -> Project:
    take = Take(id="t", path="a.mp4", frame_count=200, width=64, height=64)
    clips = [Clip(id="a", asset_id="vid", take_id="t", start=0, out_frame=48),
             Clip(id="b", asset_id="vid", take_id="t", start=48, in_frame=48, out_frame=96, crossfade=12),
             Clip(id="c", asset_id="vid", take_id="t", start=96, in_frame=96, out_frame=120, crossfade=6)]
    return Project(assets=[Asset(id="vid", name="v", kind="video", active_take_id="t", takes=[take])],
                   tracks=[Track(id="V1", kind="video", clips=clips)])


def _crossfades(project: Project) -> dict[str, int]:
    return {c.id: c.crossfade for c in project.track("V1").clips}


def test_each_edit_that_parts_two_clips_clears_the_crossfade():
    cases = {
        "b moved apart": (lambda p: tl.move_clip(p, "b", None, 200), {"a": 0, "b": 0, "c": 0}),
        "a trimmed shorter": (lambda p: tl.trim_clip(p, "a", "out", 40), {"a": 0, "b": 0, "c": 6}),
        "b trimmed at its start": (lambda p: tl.trim_clip(p, "b", "in", 50), {"a": 0, "b": 0, "c": 6}),
        "a deleted": (lambda p: tl.delete_clips(p, ["a"]), {"b": 0, "c": 6}),
        "a ripple-deleted": (lambda p: tl.delete_clips(p, ["a"], ripple=True), {"b": 0, "c": 6}),
        "b deleted": (lambda p: tl.delete_clips(p, ["b"]), {"a": 0, "c": 0}),
        "a sped up": (lambda p: set_clip_properties(p, "a", speed=2.0), {"a": 0, "b": 0, "c": 6}),
    }
    for name, (run, want) in cases.items():
        p = _project()
        edit = run(p)
        assert _crossfades(p) == want, name
        after = p.model_dump()
        edit.undo(p)
        assert _crossfades(p) == {"a": 0, "b": 12, "c": 6}, name
        edit.redo(p)
        assert p.model_dump() == after, name


def test_edits_that_keep_the_clips_touching_keep_the_crossfade():
    p = _project()
    tl.move_clips(p, ["a", "b", "c"], 10, 0)  # all together
    assert _crossfades(p) == {"a": 0, "b": 12, "c": 6}
    p = _project()
    tl.split_clip(p, "b", 70)  # the head keeps the crossfade; the new tail is a cut
    assert [c.crossfade for c in p.track("V1").clips] == [0, 12, 0, 6]
    p = _project()
    tl.trim_clip(p, "c", "out", 110)
    assert _crossfades(p) == {"a": 0, "b": 12, "c": 6}


def test_model_export_and_preview_agree_after_a_parting_trim():
    p = _project()
    tl.trim_clip(p, "a", "out", 44)  # a 4-frame gap before b
    track = p.track("V1")
    assert p.find_clip("b")[1].crossfade == crossfade_frames(track, 1) == 0
    picture = picture_at(p, 50)  # inside where the crossfade was: b alone, nothing dissolving under it
    assert [level.layer.clip.id for level in picture.levels] == ["b"]
    assert picture.levels[0].dissolve_from is None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_edits_never_leave_a_crossfade_without_a_clip_before_it(data):
    project = _start()
    v1 = project.tracks[0]
    # c1 (frames 0-80) and c2 moved against it with a crossfade
    v1.clips[1] = v1.clips[1].model_copy(update={"start": 80, "crossfade": 10})
    project = Project.model_validate(project.model_dump())
    for _ in range(data.draw(st.integers(1, 15))):
        _name, run = _draw_edit(data, project)
        try:
            run()
        except EditRefused:
            continue
        for track in project.tracks:
            for i, clip in enumerate(track.clips):
                if clip.crossfade:
                    assert i > 0 and track.clips[i - 1].end == clip.start, (track.id, clip)


def test_on_a_long_track_only_the_parted_clips_lose_their_crossfade():
    """(A few clips touched among many: the commit looks only near them.)"""
    take = Take(id="t", path="a.mp4", frame_count=5000, width=64, height=64)
    clips = [Clip(id=f"k{i}", asset_id="vid", take_id="t", start=10 * i, in_frame=0, out_frame=10,
                  crossfade=2 if i else 0) for i in range(60)]
    p = Project(assets=[Asset(id="vid", name="v", kind="video", active_take_id="t", takes=[take])],
                tracks=[Track(id="V1", kind="video", clips=clips)])
    edits = [tl.move_clip(p, "k20", None, 1000), tl.delete_clips(p, ["k40"]), tl.trim_clip(p, "k5", "out", 58)]
    parted = {c.id for c in p.track("V1").clips if c.crossfade == 0}
    assert parted == {"k0", "k20", "k21", "k41", "k6"}
    for edit in reversed(edits):
        edit.undo(p)
    assert [c.crossfade for c in p.track("V1").clips] == [0] + [2] * 59
