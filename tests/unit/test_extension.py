"""Extension planning: conditioning length, generation length, landed range, refusals."""
from __future__ import annotations

import pytest

from ltx_editor.core.extension import ExtensionError, aligned_down, plan_extension
from ltx_editor.core.project import Asset, Clip, Project, Take, Track


def _project(start: int = 48, in_frame: int = 0, out_frame: int = 49, frame_count: int = 49) -> Project:
    take = Take(id="take_a", path="media/a.mp4", frame_count=frame_count, width=64, height=64)
    asset = Asset(id="asset_a", kind="generated", takes=[take], active_take_id="take_a")
    clip = Clip(id="clip_a", asset_id="asset_a", take_id="take_a", start=start, in_frame=in_frame,
                out_frame=out_frame)
    return Project(assets=[asset], tracks=[Track(id="v1", kind="video", clips=[clip])])


def test_aligned_down_is_8k_plus_1():
    assert [aligned_down(n) for n in (1, 8, 9, 16, 17, 24, 25)] == [1, 1, 9, 9, 17, 17, 25]


def test_forward_skips_the_condition_frames_and_adds_exactly_the_duration():
    (part,) = plan_extension(_project(), "clip_a", "forward", 1.0, condition_frames=9).parts
    assert part.condition_frames == 9 and part.new_frames == 24
    assert part.num_frames == 33 and (part.num_frames - 1) % 8 == 0
    assert (part.condition_index, part.in_frame, part.out_frame) == (0, 9, 33)
    assert part.source_start == 40 and part.which == "last"


def test_backward_ends_just_before_the_condition_frames():
    (part,) = plan_extension(_project(), "clip_a", "backward", 0.5, condition_frames=17).parts
    assert part.num_frames == 17 + 16 and part.new_frames == 12
    assert part.condition_index == 16
    assert part.out_frame == part.condition_index and part.out_frame - part.in_frame == 12
    assert part.source_start == 0 and part.which == "first"


def test_trimmed_clip_conditions_on_its_visible_frames():
    (part,) = plan_extension(_project(in_frame=5, out_frame=30), "clip_a", "forward", 1.0,
                             condition_frames=9).parts
    assert part.source_start == 21  # frames 21..29, the last 9 visible ones
    (back,) = plan_extension(_project(in_frame=5, out_frame=30), "clip_a", "backward", 1.0).parts
    assert back.source_start == 5


def test_condition_length_snaps_down_and_never_exceeds_the_clip():
    (part,) = plan_extension(_project(out_frame=12), "clip_a", "forward", 1.0, condition_frames=40).parts
    assert part.condition_frames == 9
    (part,) = plan_extension(_project(), "clip_a", "forward", 1.0, condition_frames=12).parts
    assert part.condition_frames == 9


def test_both_plans_backward_then_forward():
    plan = plan_extension(_project(), "clip_a", "both", 1.0, placement="ripple")
    assert [p.direction for p in plan.parts] == ["backward", "forward"]
    assert plan.total_new_frames == 48


def test_refusals():
    with pytest.raises(ExtensionError, match="at most 257"):
        plan_extension(_project(), "clip_a", "forward", 11.0)
    with pytest.raises(ExtensionError, match="only 10 frames"):
        plan_extension(_project(start=10), "clip_a", "backward", 1.0, placement="overwrite")
    with pytest.raises(ExtensionError, match="no longer on the timeline"):
        plan_extension(_project(), "nope", "forward", 1.0)
    with pytest.raises(ExtensionError, match="shorter than one frame"):
        plan_extension(_project(), "clip_a", "forward", 0.001)
    with pytest.raises(ExtensionError, match="strength"):
        plan_extension(_project(), "clip_a", "forward", 1.0, strength=1.5)
    # ripple backward needs no room before the clip
    assert plan_extension(_project(start=0), "clip_a", "backward", 1.0, placement="ripple").parts
