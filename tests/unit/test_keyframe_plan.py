"""The keyframe segment planner: spans, snapping, chaining with overlaps, prompts and model limits."""
from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ltx_editor.core.errors import SettingsError
from ltx_editor.core.keyframe_plan import (
    ModelLimits,
    floor_to_valid_length,
    plan_keyframes,
)
from ltx_editor.core.project import Keyframe


def kfs(*frames, prompts=None, strength=1.0):
    prompts = prompts or [""] * len(frames)
    return [Keyframe(id=f"k{i}", frame=f, image=f"img{i}.png", strength=strength, prompt=p)
            for i, (f, p) in enumerate(zip(frames, prompts, strict=True))]


def landed(plan):
    return {x.keyframe_id: x.landed for x in plan.landings}


def test_a_span_that_fits_is_one_conditioned_generation():
    plan = plan_keyframes(kfs(0, 48, 96, strength=0.8), ModelLimits(257), prompt="a fox")
    (seg,) = plan.segments
    assert (seg.num_frames, seg.output_start, seg.timeline_start, seg.timeline_end) == (97, 0, 0, 97)
    assert [(c.keyframe_id, c.index, c.strength) for c in seg.conditions] == [
        ("k0", 0, 0.8), ("k1", 48, 0.8), ("k2", 96, 0.8)]
    assert seg.overlap_frames == 0 and (seg.in_frame, seg.out_frame) == (0, 97)
    assert landed(plan) == {"k0": 0, "k1": 48, "k2": 96} and all(x.shift == 0 for x in plan.landings)
    assert plan.gaps_and_overlaps() == (0, 0) and seg.prompt == "a fox"


def test_keyframes_snap_to_multiples_of_8_and_the_output_is_trimmed_to_the_span():
    plan = plan_keyframes(kfs(10, 60, 109))  # span 10-110: 100 frames
    (seg,) = plan.segments
    assert landed(plan) == {"k0": 10, "k1": 58, "k2": 106}  # 50 -> 48, 99 -> 96 frames after the start
    assert [c.index for c in seg.conditions] == [0, 48, 96]
    assert seg.num_frames == 105 and (seg.in_frame, seg.out_frame) == (0, 100)  # 5 frames trimmed
    assert (seg.timeline_start, seg.timeline_end) == (10, 110)


def test_halves_round_up_and_the_last_keyframe_may_land_just_past_the_span():
    plan = plan_keyframes(kfs(0, 4, 101))
    assert landed(plan) == {"k0": 0, "k1": 8, "k2": 104}  # 101 is 3 frames from 104, 5 from 96
    (seg,) = plan.segments
    assert seg.num_frames == 105 and seg.timeline_end == 102 and seg.conditions[-1].index == 104


def test_keyframes_closer_than_the_grid_are_refused_by_name():
    with pytest.raises(SettingsError, match="frames 0 and 3 would land on the same frame"):
        plan_keyframes(kfs(0, 3, 50))


def test_a_single_keyframe_and_a_tiny_span_still_make_a_valid_generation():
    plan = plan_keyframes(kfs(30))
    (seg,) = plan.segments
    assert seg.num_frames == 9 and (seg.timeline_start, seg.timeline_end) == (30, 31)
    assert (seg.in_frame, seg.out_frame) == (0, 1)


def test_explicit_span_ignores_keyframes_outside_it():
    plan = plan_keyframes(kfs(0, 100, 500), span=(50, 250))
    assert [x.keyframe_id for x in plan.landings] == ["k1"]
    assert plan.segments[0].timeline_start == 50 and plan.segments[-1].timeline_end == 250
    assert landed(plan) == {"k1": 98}  # 50 after the span start -> 48
    assert plan.gaps_and_overlaps() == (0, 0)


def test_four_keyframes_twenty_seconds_chain_back_to_back():
    # 20 s at 24 fps on a model that makes at most 257 frames (~10.7 s) per generation.
    plan = plan_keyframes(kfs(0, 160, 320, 479, prompts=["dawn", "noon", "dusk", "night"]), ModelLimits(257),
                          overlap_frames=9, prompt="a city skyline")
    assert plan.span_start == 0 and plan.span_end == 480 and plan.gaps_and_overlaps() == (0, 0)
    spans = [(s.timeline_start, s.timeline_end) for s in plan.segments]
    assert spans == [(0, 161), (161, 321), (321, 480)]
    assert sum(e - s for s, e in spans) == 480
    assert [s.num_frames for s in plan.segments] == [161, 169, 169]
    assert [s.output_start for s in plan.segments] == [0, 152, 312]
    # Each later segment starts 9 frames early, conditioned on the previous output's last 9 frames.
    assert [(s.overlap_frames, s.in_frame) for s in plan.segments] == [(0, 0), (9, 9), (9, 9)]
    assert [[(c.keyframe_id, c.index) for c in s.conditions] for s in plan.segments] == [
        [("k0", 0), ("k1", 160)], [("k2", 168)], [("k3", 168)]]
    assert landed(plan) == {"k0": 0, "k1": 160, "k2": 320, "k3": 480}
    assert [s.prompt for s in plan.segments] == ["a city skyline dawn", "a city skyline noon",
                                                 "a city skyline dusk"]


def test_a_long_stretch_without_keyframes_is_split_evenly():
    plan = plan_keyframes(kfs(0, 1000), ModelLimits(257), overlap_frames=9)
    assert plan.gaps_and_overlaps() == (0, 0)
    lengths = [s.timeline_end - s.timeline_start for s in plan.segments]
    assert len(plan.segments) == 4 and max(lengths) - min(lengths) <= 16
    assert all(s.num_frames <= 257 for s in plan.segments)
    assert landed(plan)["k1"] == 1000 and plan.segments[-1].conditions[-1].keyframe_id == "k1"


def test_wider_overlap_means_more_segments():
    narrow = plan_keyframes(kfs(0, 1000), ModelLimits(257), overlap_frames=1)
    wide = plan_keyframes(kfs(0, 1000), ModelLimits(257), overlap_frames=33)
    assert len(wide.segments) > len(narrow.segments)
    assert wide.segments[1].in_frame == 33 and narrow.segments[1].in_frame == 1
    assert wide.gaps_and_overlaps() == narrow.gaps_and_overlaps() == (0, 0)


def test_model_limits():
    assert floor_to_valid_length(251) == 249 and floor_to_valid_length(257) == 257
    assert ModelLimits(251).usable_frames == 249
    assert ModelLimits.for_model("ltxv-2b-0.9.8-distilled").max_frames == 257
    plan = plan_keyframes(kfs(0, 300), ModelLimits(251))
    assert all(s.num_frames <= 249 for s in plan.segments) and len(plan.segments) == 2
    with pytest.raises(SettingsError, match="max_frames"):
        plan_keyframes(kfs(0, 8), ModelLimits(8))


@pytest.mark.parametrize("overlap", [0, 8, 10, -1, 257, 250])
def test_bad_overlaps_are_refused(overlap):
    with pytest.raises(SettingsError, match="overlap_frames must be 8k\\+1"):
        plan_keyframes(kfs(0, 100), ModelLimits(257), overlap_frames=overlap)


def test_bad_spans_are_refused():
    with pytest.raises(SettingsError, match="no keyframes in the selected span"):
        plan_keyframes(kfs(0, 100), span=(10, 90))
    with pytest.raises(SettingsError, match="span"):
        plan_keyframes(kfs(0, 100), span=(50, 50))
    with pytest.raises(SettingsError, match="span"):
        plan_keyframes(kfs(0, 100), span=(-8, 50))
    with pytest.raises(SettingsError, match="no keyframes"):
        plan_keyframes([])


def test_segment_prompts_follow_the_keyframes():
    frames = (0, 100, 200, 300, 400)
    plan = plan_keyframes(kfs(*frames, prompts=["walks", "", "runs", "runs", "stops"]), ModelLimits(121))
    # Each segment: the prompt in effect at its start (an empty one changes nothing), without repeats.
    assert [s.prompt for s in plan.segments] == ["walks", "walks", "runs", "runs"]
    one = plan_keyframes(kfs(0, 48, 96, prompts=["sits", "stands", "leaps"]), prompt="a cat")
    assert one.segments[0].prompt == "a cat sits stands"  # the last keyframe's prompt is about what follows
    only_last = plan_keyframes(kfs(0, 96, prompts=["", "a splash"]))
    assert only_last.segments[0].prompt == "a splash"  # nothing else to go on
    none = plan_keyframes(kfs(0, 96))
    assert none.segments[0].prompt == ""


def test_planning_is_fast():
    frames = list(range(0, 24 * 600, 24 * 5))  # a keyframe every 5 s for 10 minutes
    start = time.perf_counter()
    plan = plan_keyframes(kfs(*frames), ModelLimits(257))
    assert time.perf_counter() - start < 0.5 and plan.gaps_and_overlaps() == (0, 0)


@settings(max_examples=300, deadline=None)
@given(frames=st.lists(st.integers(0, 3000), min_size=1, max_size=12, unique=True),
       max_frames=st.integers(17, 600), overlap_k=st.integers(0, 4), pad=st.tuples(st.integers(0, 40),
                                                                                    st.integers(1, 40)))
def test_every_plan_is_valid(frames, max_frames, overlap_k, pad):
    limits = ModelLimits(max_frames)
    overlap = 8 * overlap_k + 1
    span = (max(0, min(frames) - pad[0]), max(frames) + pad[1])
    try:
        plan = plan_keyframes(kfs(*sorted(frames)), limits, overlap_frames=overlap, span=span)
    except SettingsError as e:
        assert "same frame" in str(e) or "overlap_frames" in str(e)
        return
    assert plan.gaps_and_overlaps() == (0, 0)
    assert plan.segments[0].timeline_start == span[0] and plan.segments[-1].timeline_end == span[1]
    by_id = {x.keyframe_id: x for x in plan.landings}
    assert len(by_id) == len(frames)
    prev = None
    for seg in plan.segments:
        assert seg.num_frames >= 9 and (seg.num_frames - 1) % 8 == 0 and seg.num_frames <= limits.usable_frames
        assert 0 <= seg.in_frame < seg.out_frame <= seg.num_frames
        if prev is not None:
            assert seg.in_frame == seg.overlap_frames == overlap
            # The overlap frames exist in the previous output, which they condition on.
            assert prev.output_start <= seg.output_start
            assert seg.timeline_start == prev.output_start + prev.num_frames
        for c in seg.conditions:
            assert c.index % 8 == 0 and 0 <= c.index < seg.num_frames
            assert seg.output_start + c.index == by_id[c.keyframe_id].landed
        prev = seg
    for x in plan.landings:
        assert abs(x.shift) <= 4
        assert (x.landed - span[0]) % 8 == 0
