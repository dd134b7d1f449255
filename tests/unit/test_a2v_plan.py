"""Planning audio-to-video: the range, the 8k+1 generation around it, the track it lands on, refusals in words."""
from __future__ import annotations

import pytest

from ltx_editor.core.a2v_plan import AudioToVideoError, plan_a2v
from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.request import Condition, GenerationRequest


def _project(*, video_clips=(), locked=False) -> Project:
    sound = Asset(id="snd", name="voice", kind="audio", active_take_id="t1",
                  takes=[Take(id="t1", path="media/voice.wav", frame_count=120, fps=24.0, has_audio=True)])
    pic = Asset(id="pic", name="shot", kind="generated", active_take_id="t2",
                takes=[Take(id="t2", path="media/shot.mp4", frame_count=200, fps=24.0, width=768, height=512)])
    v1 = Track(id="v1", kind="video", locked=locked,
               clips=[Clip(id=f"c{i}", asset_id="pic", take_id="t2", start=s, in_frame=0, out_frame=e - s)
                      for i, (s, e) in enumerate(video_clips)])
    v2 = Track(id="v2", kind="video")
    a1 = Track(id="a1", kind="audio", clips=[Clip(id="s1", asset_id="snd", take_id="t1", start=40, in_frame=20,
                                                  out_frame=120)])
    return Project(tracks=[v2, v1, a1], assets=[sound, pic])


@pytest.mark.parametrize(("start", "end", "frames"), [(40, 49, 9), (40, 50, 17), (50, 76, 33), (40, 140, 105)])
def test_the_generation_is_the_8k_plus_1_count_at_or_above_the_range(start, end, frames):
    plan = plan_a2v(_project(), "s1", start, end)
    assert plan.num_frames == frames >= plan.length == end - start
    assert (plan.num_frames - 1) % 8 == 0
    assert plan.joins() == (0, 0) and plan.joins(plan.length - 1) == (1, 0) and plan.joins(plan.length + 2) == (0, 2)


def test_the_range_maps_to_the_sound_media_and_seconds():
    plan = plan_a2v(_project(), "s1", 52, 76)
    assert plan.media_start == 20 + 12 and plan.audio_start_s == pytest.approx(32 / 24)
    assert plan.audio_seconds == pytest.approx(24 / 24) and plan.source_path == "media/voice.wav"
    whole = plan_a2v(_project(), "s1")
    assert (whole.start, whole.end, whole.media_start) == (40, 140, 20)


def test_it_lands_on_the_nearest_free_video_track_above_the_sound():
    assert plan_a2v(_project(), "s1").track_id == "v1"  # v1 sits right above a1
    busy = _project(video_clips=[(30, 60)])
    assert plan_a2v(busy, "s1", 45, 60).track_id == "v2"
    assert plan_a2v(busy, "s1", 60, 90).track_id == "v1"  # free over this range
    assert plan_a2v(_project(locked=True), "s1").track_id == "v2"
    assert plan_a2v(busy, "s1").size == (768, 512)


def test_refusals_name_the_problem():
    project = _project(video_clips=[(0, 10)])
    with pytest.raises(AudioToVideoError, match="audio track"):
        plan_a2v(project, "c0")
    with pytest.raises(AudioToVideoError, match="not inside the audio clip"):
        plan_a2v(project, "s1", 30, 50)
    with pytest.raises(AudioToVideoError, match="no longer on the timeline"):
        plan_a2v(project, "gone")
    with pytest.raises(AudioToVideoError, match="at most 97 frames"):
        plan_a2v(project, "s1", max_frames=97)


def test_an_audio_to_video_request_takes_exactly_one_sound():
    def req(conds):
        return GenerationRequest(mode=GenerationMode.AUDIO_TO_VIDEO, prompt="p", conditions=conds)

    assert req([Condition(kind="audio", path="/a.wav"), Condition(kind="image", path="/i.png")])
    for bad in ([], [Condition(kind="audio", path="/a.wav")] * 2,
                [Condition(kind="audio", path="/a.wav"), Condition(kind="video", path="/v.mp4")]):
        with pytest.raises(ValueError, match="exactly one audio condition"):
            req(bad)
    with pytest.raises(ValueError, match="exactly one audio condition"):
        GenerationRequest(mode=GenerationMode.KEYFRAMES, prompt="p", conditions=[Condition(kind="audio", path="/a")])
