"""Retake planning: context frames, generation length on both families' latent grids, exact cut-in."""
from __future__ import annotations

import pytest

from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from ltx_editor.core.retake_plan import RetakeError, plan_layout, plan_retake


def _project(start: int = 10, in_frame: int = 0, out_frame: int = 97, frame_count: int = 97) -> Project:
    take = Take(id="take_a", path="media/a.mp4", frame_count=frame_count, width=64, height=64)
    asset = Asset(id="asset_a", kind="generated", takes=[take], active_take_id="take_a")
    clip = Clip(id="clip_a", asset_id="asset_a", take_id="take_a", start=start, in_frame=in_frame,
                out_frame=out_frame)
    return Project(assets=[asset], tracks=[Track(id="v1", kind="video", clips=[clip])])


def _pinnable(frame: int, family: str) -> bool:
    return frame % 8 == 0 if family == "ltx-video" else frame == 0 or frame % 8 == 1


@pytest.mark.parametrize("family", ["ltx-video", "ltx-2"])
@pytest.mark.parametrize("length", range(1, 41))
def test_every_layout_is_valid_for_the_model(family, length):
    lay = plan_layout(length, 50, 50, family=family)
    assert (lay.num_frames - 1) % 8 == 0
    assert lay.before_frames == 9 and lay.after_frames == 9
    assert lay.keep_out - lay.keep_in == length and lay.keep_in == 9
    assert _pinnable(lay.after_at, family) and 0 <= lay.padding <= 7
    assert lay.after_at + lay.after_frames <= lay.num_frames <= lay.after_at + lay.after_frames + 7


def test_ltx_video_layout_figures():
    lay = plan_layout(12, 40, 40)  # 9 + 12 = 21 -> after context at 24, padding 3
    assert (lay.after_at, lay.padding, lay.num_frames) == (24, 3, 33)
    lay2 = plan_layout(12, 40, 40, family="ltx-2")  # 21 -> the next 8j - 7 is 25
    assert (lay2.after_at, lay2.padding, lay2.num_frames) == (25, 4, 41)


@pytest.mark.parametrize("family", ["ltx-video", "ltx-2"])
def test_retake_replaces_exactly_the_range(family):
    plan = plan_retake(_project(), "clip_a", 30, 45, family=family)
    assert (plan.start, plan.end) == (20, 35)  # media frames: the clip starts at timeline 10
    assert plan.joins() == (0, 0)
    assert plan.pieces() == (("source", 0, 20), ("output", 9, 24), ("source", 35, 97))
    assert plan.before.source_start == 11 and plan.before.frames == 9 and plan.before.at == 0
    # The after context starts past the padding frames, which stand for source frames 35.. kept as they are.
    assert plan.after.source_start == 35 + plan.layout.padding and plan.after.at == plan.layout.after_at


def test_range_at_the_media_start_has_no_before_context():
    plan = plan_retake(_project(), "clip_a", 10, 20)
    assert plan.before is None and plan.layout.keep_in == 0
    assert plan.pieces()[0] == ("output", 0, 10) and plan.joins() == (0, 0)


def test_range_at_the_media_end_has_no_after_context():
    plan = plan_retake(_project(), "clip_a", 90, 107)
    assert plan.after is None and (plan.num_frames - 1) % 8 == 0 and plan.num_frames >= 9 + 17
    assert plan.pieces()[-1] == ("output", 9, 26) and plan.joins() == (0, 0)


def test_few_frames_before_trim_the_context_to_8k_plus_1():
    plan = plan_retake(_project(), "clip_a", 15, 20)  # 5 media frames before -> 1 frame of context
    assert plan.before.frames == 1 and plan.before.source_start == 4


def test_trimmed_clip_uses_media_coordinates():
    plan = plan_retake(_project(start=100, in_frame=30, out_frame=60), "clip_a", 110, 120)
    assert (plan.start, plan.end) == (40, 50) and plan.before.source_start == 31


def test_after_context_dropped_when_the_padding_eats_the_tail():
    lay = plan_layout(12, 40, 2)  # padding 3 but only 2 frames after the range
    assert lay.after_at is None and lay.after_frames == 0


@pytest.mark.parametrize(("start", "end", "words"), [(5, 20, "not inside"), (30, 30, "not inside"),
                                                    (30, 200, "not inside")])
def test_bad_ranges_are_refused(start, end, words):
    with pytest.raises(RetakeError, match=words):
        plan_retake(_project(), "clip_a", start, end)


def test_too_long_for_the_model_is_refused_with_a_hint():
    with pytest.raises(RetakeError, match="at most 65") as err:
        plan_retake(_project(), "clip_a", 20, 80, max_frames=65)
    assert err.value.hint


def test_missing_clip_and_bad_strength():
    with pytest.raises(RetakeError, match="no longer"):
        plan_retake(_project(), "nope", 20, 30)
    with pytest.raises(RetakeError, match="strength"):
        plan_retake(_project(), "clip_a", 20, 30, strength=1.5)
