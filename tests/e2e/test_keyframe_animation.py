"""Keyframe animation end to end on the tiny LTX model through the real JobQueue: a 4-keyframe span planned
as chained segments, each queued when the one before has finished, landing back to back over the span."""
from __future__ import annotations

import asyncio

import pytest
from PIL import Image

from ltx_editor.core import timeline as tl
from ltx_editor.core.keyframe_plan import ModelLimits, plan_keyframes
from ltx_editor.core.project import Project, Track
from ltx_editor.core.project_io import resolve_media
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import Condition
from ltx_editor.generation.workflow_runner import AssetAdded, Landed
from ltx_editor.generation.workflows import Recipe
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_settings
from tests.fakes.video_probe import probe
from tests.fakes.workflow_harness import QueueHarness, landed


@pytest.fixture(scope="module")
def provider():
    p = LocalLTXProvider(max_sequence_length=16)
    yield p
    asyncio.run(p.close())


def _keyframe_project(tmp_path, frames):
    project = Project(tracks=[Track(id="v1", kind="video")])
    (tmp_path / "kf").mkdir()
    for i, f in enumerate(frames):
        Image.new("RGB", (32, 32), (60 * i, 255 - 60 * i, 128)).save(tmp_path / "kf" / f"{i}.png")
        tl.add_keyframe(project, f, f"kf/{i}.png", strength=1.0, prompt=f"colour {i}")
    return project


def test_four_keyframes_chain_and_land_exactly_over_the_span(tmp_path, tiny_ltx_dir, provider):
    project = _keyframe_project(tmp_path, [0, 30, 60, 90])
    path = tmp_path / "anim.ltxproj"
    plan = plan_keyframes(project.keyframes, ModelLimits(max_frames=49), prompt="a slow pan")
    assert len(plan.segments) >= 3 and plan.gaps_and_overlaps() == (0, 0)
    recipe = Recipe(settings=tiny_settings(), model_path=str(tiny_ltx_dir))
    with QueueHarness(project, path, provider) as h:
        run = h.runner.start_span(plan, recipe)
        assert len(run.job_ids) == 1  # the rest wait for the segment before them
        outcomes = h.pump(landed(1), timeout=240)
    jobs = [h.queue.get(j) for j in run.job_ids]
    assert len(jobs) == len(plan.segments) and all(j.state == "finished" for j in jobs)
    # Chained: each later segment started after the one before finished, on that one's last frames.
    for before, after, seg in zip(jobs, jobs[1:], plan.segments[1:], strict=False):
        assert after.created >= before.finished
        video = [c for c in after.request.conditions if c.kind == "video"]
        assert video[0].num_frames == seg.overlap_frames and probe(video[0].path).frames == seg.overlap_frames
    for job, seg in zip(jobs, plan.segments, strict=True):
        images = sorted(c.frame_index for c in job.request.conditions if isinstance(c, Condition) and c.kind == "image")
        assert images == sorted(c.index for c in seg.conditions)
        assert probe(job.result.video_path).frames == seg.num_frames  # the planned frame count, for real
    assert sum(isinstance(o, AssetAdded) for o in outcomes) == len(plan.segments)
    (landing,) = [o for o in outcomes if isinstance(o, Landed)]
    clips = project.track("v1").clips
    assert len(clips) == len(plan.segments)
    assert clips[0].start == 0 and clips[-1].end == 91  # exactly the span: first keyframe to last, inclusive
    assert all(a.end == b.start for a, b in zip(clips, clips[1:], strict=False))  # 0 frames gap or overlap
    for clip, seg in zip(clips, plan.segments, strict=True):
        take = project.asset(clip.asset_id).take(clip.take_id)
        assert resolve_media(path, take.path).is_file() and take.frame_count == seg.num_frames
        assert (clip.in_frame, clip.out_frame) == (seg.in_frame, seg.out_frame)
    landing.edit.undo(project)
    assert project.track("v1").clips == [] and len(project.assets) == len(plan.segments)  # results stay in the bin
    landing.edit.redo(project)
    assert [c.start for c in project.track("v1").clips] == [c.start for c in clips]
