"""Gap planning: the gap found under a frame, contexts from both neighbours, an exact fill."""
from __future__ import annotations

import pytest

from ltx_editor.core.gap_plan import find_gap, plan_gap
from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from ltx_editor.core.retake_plan import RetakeError


def _project() -> Project:
    takes = [Take(id=f"take_{n}", path=f"media/{n}.mp4", frame_count=49, width=64, height=32) for n in "ab"]
    assets = [Asset(id=f"asset_{n}", kind="generated", takes=[t], active_take_id=t.id)
              for n, t in zip("ab", takes, strict=True)]
    clips = [Clip(id="clip_a", asset_id="asset_a", take_id="take_a", start=0, in_frame=0, out_frame=40),
             Clip(id="clip_b", asset_id="asset_b", take_id="take_b", start=60, in_frame=5, out_frame=49)]
    return Project(assets=assets, tracks=[Track(id="v1", kind="video", clips=clips)])


@pytest.mark.parametrize("family", ["ltx-video", "ltx-2"])
def test_gap_fill_lands_exactly_in_the_gap(family):
    plan = plan_gap(_project(), "v1", 50, family=family)
    assert (plan.start, plan.end, plan.before_clip, plan.after_clip) == (40, 60, "clip_a", "clip_b")
    assert plan.out_frame - plan.in_frame == 20 and plan.in_frame == 9
    assert plan.before.source_path == "media/a.mp4" and plan.before.source_start == 31
    assert plan.after.source_path == "media/b.mp4" and plan.after.source_start == 5 + plan.layout.padding
    assert (plan.num_frames - 1) % 8 == 0 and plan.size == (64, 32)


def test_find_gap_and_refusals():
    project = _project()
    assert find_gap(project, "v1", 45)[:2] == (40, 60)
    with pytest.raises(RetakeError, match="not a gap"):
        plan_gap(project, "v1", 10)
    with pytest.raises(RetakeError, match="no clip after"):
        plan_gap(project, "v1", 200)


def test_gap_at_the_timeline_start_has_only_the_after_context():
    project = _project()
    project.tracks[0].clips = [project.tracks[0].clips[1]]
    plan = plan_gap(project, "v1", 3)
    assert plan.before is None and plan.in_frame == 0 and plan.out_frame == 60
    assert plan.after is not None
