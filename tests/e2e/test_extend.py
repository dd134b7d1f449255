"""Clip extension end to end on the tiny LTX model through the real JobQueue: forward and backward, ripple
and overwrite, conditioned on the clip's own frames, landing next to the source clip; undo."""
from __future__ import annotations

import asyncio

import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.extension import plan_extension
from ltx_editor.core.project import Project, Track
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.landing import add_result
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken
from ltx_editor.generation.workflow_runner import Landed
from ltx_editor.generation.workflows import Recipe
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request, tiny_settings
from tests.fakes.video_probe import probe, read_frames
from tests.fakes.workflow_harness import QueueHarness, landed


@pytest.fixture(scope="module")
def provider():
    p = LocalLTXProvider(max_sequence_length=16)
    yield p
    asyncio.run(p.close())


@pytest.fixture
def timeline(tmp_path, tiny_ltx_dir, provider):
    """A generated 25-frame source clip at frame 24 on V1, with a 20-frame clip right after it."""
    path = tmp_path / "ext.ltxproj"
    result = asyncio.run(provider.generate(tiny_request(tiny_ltx_dir, num_frames_override=25, seed=3),
                                           tmp_path / "ext_media", lambda e: None, CancelToken()))
    project = Project(tracks=[Track(id="v1", kind="video")])
    asset, _ = add_result(project, path, result, "source")
    src = tl.insert_clip(project, "v1", asset.id, 24).created[0]
    after = tl.insert_clip(project, "v1", asset.id, 49, out_frame=20).created[0]
    return project, path, src, after


def _positions(project):
    return [(c.id, c.start, c.end) for c in project.track("v1").clips]


def test_extend_forward_ripple_then_undo(timeline, tiny_ltx_dir, provider):
    project, path, src, after = timeline
    before = project.model_dump()
    plan = plan_extension(project, src, "forward", 0.5, condition_frames=9, strength=0.9)
    recipe = Recipe(settings=tiny_settings(), model_path=str(tiny_ltx_dir))
    with QueueHarness(project, path, provider) as h:
        (run,) = h.runner.start_extension(plan, recipe, prompt="keep going")
        (out,) = [o for o in h.pump(landed(1)) if isinstance(o, Landed)]
    job = h.queue.get(run.job_id)
    part = plan.parts[0]
    assert job.request.mode is GenerationMode.EXTEND_FORWARD and job.request.prompt == "keep going"
    cond = job.request.conditions[0]
    assert (cond.frame_index, cond.num_frames, cond.strength) == (0, 9, 0.9)
    # The condition is the source clip's own last 9 frames.
    src_take = project.asset(project.find_clip(src)[1].asset_id).active_take
    tail = read_frames(path.parent / src_take.path)[-9:]
    cond_frames = read_frames(cond.path)
    assert len(cond_frames) == 9 and abs(cond_frames.astype(int) - tail.astype(int)).mean() < 6
    assert probe(job.result.video_path).frames == part.num_frames == 25
    ext = project.find_clip(out.edit.primary)[1]
    assert _positions(project) == [(src, 24, 49), (ext.id, 49, 61), (after, 61, 81)]  # 12 frames, rippled
    assert (ext.in_frame, ext.out_frame) == (9, 21)  # the repeated conditioning frames are skipped
    out.edit.undo(project)
    assert project.tracks == type(project).model_validate(before).tracks


def test_extend_both_ways_overwrite(timeline, tiny_ltx_dir, provider):
    project, path, src, after = timeline
    plan = plan_extension(project, src, "both", 0.5, condition_frames=9, placement="overwrite")
    recipe = Recipe(settings=tiny_settings(), model_path=str(tiny_ltx_dir))
    with QueueHarness(project, path, provider) as h:
        runs = h.runner.start_extension(plan, recipe)
        outcomes = h.pump(landed(2))
    modes = {h.queue.get(r.job_id).request.mode for r in runs}
    assert modes == {GenerationMode.EXTEND_FORWARD, GenerationMode.EXTEND_BACKWARD}
    back = next(h.queue.get(r.job_id) for r in runs if r.part.direction == "backward")
    assert back.request.conditions[0].frame_index == 16  # the clip's first 9 frames close the output
    placed = {o.edit.primary for o in outcomes if isinstance(o, Landed)}
    spans = [(c.id in placed, c.id, c.start, c.end) for c in project.track("v1").clips]
    assert [(new, start, end) for new, _, start, end in spans] == [(True, 12, 24), (False, 24, 49), (True, 49, 61),
                                                                   (False, 61, 69)]
    assert spans[1][1] == src and spans[3][1] == after
    # Overwrite: the clip after the source lost its first 12 frames instead of moving.
    assert project.find_clip(after)[1].in_frame == 12
    for o in reversed([o for o in outcomes if isinstance(o, Landed)]):
        o.edit.undo(project)
    assert [(c.id, c.start, c.end) for c in project.track("v1").clips] == [(src, 24, 49), (after, 49, 69)]
