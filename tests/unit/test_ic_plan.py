"""Planning control with a reference (IC-LoRA): the range of a video clip, the 8k+1 generation over it, the
reference frames it takes from the media, the track above it, the landing as one undo step, refusals in words."""
from __future__ import annotations

import pytest

from ltx_editor.core.ic_plan import InContextError, plan_ic
from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from ltx_editor.generation.ic_reference import IC_TRACK, land_ic
from ltx_editor.generation.request import GenerationResult


def _project(*, above=(), speed=1.0, locked=False) -> Project:
    pic = Asset(id="pic", name="shot", kind="generated", active_take_id="t1",
                takes=[Take(id="t1", path="media/shot.mp4", frame_count=100, fps=24.0, width=64, height=64)])
    v1 = Track(id="v1", kind="video", clips=[Clip(id="ref", asset_id="pic", take_id="t1", start=30, in_frame=10,
                                                  out_frame=100, speed=speed)])
    v2 = Track(id="v2", kind="video", locked=locked,
               clips=[Clip(id=f"o{i}", asset_id="pic", take_id="t1", start=s, in_frame=0, out_frame=e - s)
                      for i, (s, e) in enumerate(above)])
    sound = Asset(id="snd", name="voice", kind="audio", active_take_id="t2",
                  takes=[Take(id="t2", path="media/voice.wav", frame_count=50, fps=24.0, has_audio=True)])
    a1 = Track(id="a1", kind="audio", clips=[Clip(id="s1", asset_id="snd", take_id="t2", start=0, out_frame=50)])
    return Project(tracks=[v2, v1, a1], assets=[pic, sound])


def test_a_range_is_planned_over_its_own_media_frames():
    plan = plan_ic(_project(), "ref", 40, 60)
    assert (plan.start, plan.end, plan.length, plan.num_frames) == (40, 60, 20, 25)
    assert plan.media_start == 10 + 10 and plan.reference_frames == 25  # the media has them
    assert plan.size == (64, 64) and plan.source_path == "media/shot.mp4"
    whole = plan_ic(_project(), "ref")
    assert (whole.start, whole.end, whole.media_start, whole.num_frames) == (30, 120, 10, 97)
    later = plan_ic(_project(), "ref", 100, 110)  # media frames 80-89 of 100: 17 generated, 20 left in the media
    assert later.num_frames == 17 and later.reference_frames == 17
    end = plan_ic(_project(), "ref", 115, 120)  # media frames 95-99: 9 generated, only 5 left to follow
    assert end.num_frames == 9 and end.reference_frames == 5


def test_it_lands_on_the_nearest_free_track_above_else_a_new_one():
    assert plan_ic(_project(), "ref", 40, 60).track_id == "v2"
    assert plan_ic(_project(above=[(50, 70)]), "ref", 40, 60).track_id is None
    assert plan_ic(_project(above=[(50, 70)]), "ref", 70, 90).track_id == "v2"
    assert plan_ic(_project(locked=True), "ref").track_id is None


def test_refusals_name_the_problem():
    with pytest.raises(InContextError, match="must be a video clip"):
        plan_ic(_project(), "s1")
    with pytest.raises(InContextError, match="not inside the reference clip"):
        plan_ic(_project(), "ref", 20, 50)
    with pytest.raises(InContextError, match="not inside the reference clip"):
        plan_ic(_project(), "ref", 60, 60)
    with pytest.raises(InContextError, match="no longer on the timeline"):
        plan_ic(_project(), "gone")
    with pytest.raises(InContextError, match="at most 41 frames"):
        plan_ic(_project(), "ref", max_frames=41)
    with pytest.raises(InContextError, match="plays at 2x"):
        plan_ic(_project(speed=2.0), "ref")


def _result(tmp_path, frames: int) -> GenerationResult:
    video = tmp_path / "out.mp4"
    video.write_bytes(b"x")
    return GenerationResult(video_path=video, backend="local", model_id="ltx-2-19b", seed=1, prompt="p",
                            num_frames=frames, fps=24.0, width=64, height=64)


@pytest.mark.parametrize(("above", "track"), [((), "v2"), (((50, 70),), None)])
def test_the_result_lands_over_the_range_as_one_undo_step(tmp_path, above, track):
    project = _project(above=above)
    plan = plan_ic(project, "ref", 40, 60)
    tracks_before = [t.id for t in project.tracks]
    asset_id, take_id, edit = land_ic(project, tmp_path / "p.ltxproj", plan, _result(tmp_path, 25))
    target = project.track(track) if track else next(t for t in project.tracks if t.name == IC_TRACK)
    (placed,) = [c for c in target.clips if c.asset_id == asset_id]
    assert (placed.start, placed.end, placed.in_frame, placed.take_id) == (40, 60, 0, take_id)
    if track is None:  # a new video track, above the others
        assert [t.id for t in project.tracks][1:] == tracks_before and project.tracks[0].id == target.id
    edit.revert(project)  # one step takes the placement (and a made track) away; the take stays in the bin
    assert [t.id for t in project.tracks] == tracks_before
    assert all(c.asset_id != asset_id for t in project.tracks for c in t.clips)
    assert asset_id in {a.id for a in project.assets}


def test_a_result_shorter_than_the_range_stays_in_the_bin(tmp_path):
    project = _project()
    with pytest.raises(InContextError, match="came out 9 frames long"):
        land_ic(project, tmp_path / "p.ltxproj", plan_ic(project, "ref", 40, 60), _result(tmp_path, 9))
    assert len(project.assets) == 3
