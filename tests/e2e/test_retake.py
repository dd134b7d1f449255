"""Retake a range and fill a gap end to end on the tiny LTX and LTX-2 models (real pipelines).

A retake lands as a new take of the clip (one undo step, switchable back); every frame outside the range
decodes bit-identical to the source, the range holds exactly the generation's kept frames (0 gap, 0 repeat).
A gap fill lands exactly in the gap, next to both neighbours.
"""
from __future__ import annotations

import asyncio

import numpy as np
import pytest

from ltx_editor.core import timeline as tl
from ltx_editor.core.gap_plan import plan_gap
from ltx_editor.core.project import Project, Track
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.retake_plan import plan_retake
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.landing import add_result
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken
from ltx_editor.generation.retake import gap_request, land_gap, land_retake, retake_request
from ltx_editor.generation.workflow_runner import Landed
from ltx_editor.generation.workflows import Recipe
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import TINY_LTX2_MODEL_ID, TINY_LTX_MODEL_ID, tiny_request, tiny_settings
from tests.fakes.video_probe import probe, read_frames
from tests.fakes.workflow_harness import QueueHarness, landed

FAMILIES = {"ltx-video": ("tiny_ltx_dir", TINY_LTX_MODEL_ID), "ltx-2": ("tiny_ltx2_dir", TINY_LTX2_MODEL_ID)}


@pytest.fixture(scope="module")
def provider():
    p = LocalLTXProvider(max_sequence_length=16)
    yield p
    asyncio.run(p.close())


def _generate(provider, request, out_dir):
    return asyncio.run(provider.generate(request, out_dir, lambda e: None, CancelToken()))


def _setup(request, family, tmp_path, provider):
    fixture, model_id = FAMILIES[family]
    model_dir = request.getfixturevalue(fixture)
    path = tmp_path / "rt.ltxproj"
    result = _generate(provider, tiny_request(model_dir, num_frames_override=41, seed=3), tmp_path / "media")
    project = Project(tracks=[Track(id="v1", kind="video")])
    asset, _ = add_result(project, path, result, "source")
    recipe = Recipe(settings=tiny_settings(model_id), model_path=str(model_dir))
    return project, path, asset, recipe


@pytest.mark.parametrize("family", list(FAMILIES))
def test_retake_lands_as_a_new_take_with_untouched_frames_bit_identical(request, family, tmp_path, provider):
    project, path, asset, recipe = _setup(request, family, tmp_path, provider)
    clip_id = tl.insert_clip(project, "v1", asset.id, 12).created[0]
    source_take = project.find_clip(clip_id)[1].take_id
    plan = plan_retake(project, clip_id, 12 + 14, 12 + 26, family=family)  # media frames 14-26
    assert plan.joins() == (0, 0)
    job = retake_request(plan, project, path, recipe, tmp_path / "work", prompt="a dog instead")
    assert job.mode is GenerationMode.KEYFRAMES and job.settings.num_frames == plan.num_frames
    assert [(c.frame_index, c.num_frames) for c in job.conditions] == [(0, 9), (plan.layout.after_at, 9)]
    result = _generate(provider, job, tmp_path / "media")
    assert result.num_frames == plan.num_frames

    asset_id, take_id, edit = land_retake(project, path, plan, result)
    clip = project.find_clip(clip_id)[1]
    assert asset_id == asset.id and clip.take_id == take_id != source_take
    assert [t.id for t in project.asset(asset.id).takes] == [source_take, take_id]

    before = read_frames(resolve_media(path, project.asset(asset.id).take(source_take).path))
    after = read_frames(resolve_media(path, project.asset(asset.id).take(take_id).path))
    generated = read_frames(result.video_path)
    assert after.shape == before.shape  # same length: 0 frames of gap, 0 repeated
    outside = np.r_[0:14, 26:41]
    assert np.array_equal(after[outside], before[outside])  # bit-identical outside the range
    assert np.array_equal(after[14:26], generated[plan.layout.keep_in:plan.layout.keep_out])
    assert not np.array_equal(after[14:26], before[14:26])
    src_probe = probe(resolve_media(path, project.asset(asset.id).take(source_take).path))
    new_probe = probe(resolve_media(path, project.asset(asset.id).take(take_id).path))
    assert new_probe.fps == pytest.approx(src_probe.fps) and new_probe.audio_codec == src_probe.audio_codec
    if family == "ltx-2":  # the sound is the source's, untouched (a video-only retake)
        assert new_probe.audio_seconds == pytest.approx(src_probe.audio_seconds, abs=0.03)

    edit.undo(project)  # one undo step: back to the source take; the new take stays in the bin
    assert project.find_clip(clip_id)[1].take_id == source_take and len(project.asset(asset.id).takes) == 2
    edit.redo(project)
    assert project.find_clip(clip_id)[1].take_id == take_id
    switch = tl.set_clip_take(project, clip_id, source_take)  # switchable like any take
    assert project.find_clip(clip_id)[1].take_id == source_take
    switch.undo(project)
    assert project.find_clip(clip_id)[1].take_id == take_id


@pytest.mark.parametrize("family", list(FAMILIES))
def test_gap_fill_lands_exactly_between_the_neighbours(request, family, tmp_path, provider):
    project, path, asset, recipe = _setup(request, family, tmp_path, provider)
    first = tl.insert_clip(project, "v1", asset.id, 0, out_frame=30).created[0]
    second = tl.insert_clip(project, "v1", asset.id, 50, in_frame=4, out_frame=41).created[0]
    plan = plan_gap(project, "v1", 40, family=family)
    assert (plan.start, plan.end) == (30, 50)
    job = gap_request(plan, path, recipe, tmp_path / "work", prompt="between")
    assert [c.frame_index for c in job.conditions] == [0, plan.layout.after_at]
    result = _generate(provider, job, tmp_path / "media")
    _, take_id, edit = land_gap(project, path, plan, result)
    spans = [(c.id, c.start, c.end, c.in_frame, c.out_frame) for c in project.track("v1").clips]
    new = spans[1][0]
    assert spans == [(first, 0, 30, 0, 30), (new, 30, 50, plan.in_frame, plan.in_frame + 20),
                     (second, 50, 87, 4, 41)]  # 0 frames of gap or repeat at both joins
    assert project.find_clip(new)[1].take_id == take_id
    edit.undo(project)
    assert [c.id for c in project.track("v1").clips] == [first, second]


def test_retake_through_the_job_queue_lands_as_one_undo_step(request, tmp_path, provider):
    """The app's path: WorkflowRunner queues the retake on the real JobQueue and lands it when it finishes."""
    project, path, asset, recipe = _setup(request, "ltx-video", tmp_path, provider)
    clip_id = tl.insert_clip(project, "v1", asset.id, 0).created[0]
    source_take = project.find_clip(clip_id)[1].take_id
    plan = plan_retake(project, clip_id, 20, 29)
    with QueueHarness(project, path, provider) as h:
        run = h.runner.start_retake(plan, recipe, prompt="again")
        outcomes = h.pump(landed(1))
    (out,) = [o for o in outcomes if isinstance(o, Landed)]
    assert run.state == "landed" and out.label == "Retake range"
    new_take = project.find_clip(clip_id)[1].take_id
    assert new_take != source_take and project.asset(asset.id).take(new_take).frame_count == 41
    out.edit.undo(project)
    assert project.find_clip(clip_id)[1].take_id == source_take
