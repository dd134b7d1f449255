"""A cast reference in a retake or gap fill, where frame 0 already holds the frames before the range: locally it
becomes a low-strength image condition on the model's grid frame nearest the middle of the generated frames
(both condition pipelines take one there), recorded in the sidecar and really changing the output on the tiny
LTX and LTX-2 models; where it cannot (the cloud's retake endpoint, no free grid frame) the recipe and the job's
label say "description only"."""
from __future__ import annotations

import asyncio

import numpy as np
import pytest
from PIL import Image

from ltx_editor.core.project import CastEntry, Project
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.cast_apply import CAST_GUIDE_STRENGTH, apply_cast, guide_frame
from ltx_editor.generation.local.modes import latent_index
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.output import write_video
from ltx_editor.generation.request import CancelToken, Condition, GenerationRequest
from ltx_editor.generation.sidecar import read_sidecar
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import read_frames

M = GenerationMode


def _video(start: int, frames: int, at: int = 0) -> Condition:
    return Condition(kind="video", path=f"/ctx{start}.mp4", frame_index=at, num_frames=frames)


def test_the_guide_frame_is_the_grid_frame_nearest_the_middle_of_the_free_frames():
    retake = [_video(0, 9), _video(1, 9, at=25)]  # 33 frames: contexts 0-8 and 25-33, frames 9-24 generated
    assert guide_frame(retake, 33, "ltx-2") == 17  # LTX-2 lands conditions on 1, 9, 17, 25...: 17 is nearest 16.5
    assert guide_frame(retake, 33, "ltx-video") == 16  # LTX-Video keyframes sit on multiples of 8
    gap_before_only = [_video(0, 9)]
    assert guide_frame(gap_before_only, 41, "ltx-2") == 25 and guide_frame(gap_before_only, 41, "ltx-video") == 24
    assert guide_frame([_video(0, 9), _video(1, 8, at=9)], 17, "ltx-2") is None  # nothing is free
    assert guide_frame([_video(0, 9), _video(1, 3, at=14)], 17, "ltx-video") is None  # 9-13 free: no multiple of 8


@pytest.fixture
def cast_project(tmp_path):
    Image.new("RGB", (32, 32), (230, 20, 20)).save(tmp_path / "mara.png")
    entry = CastEntry(id="c1", name="Mara", description="a woman in a red coat", images=["mara.png"])
    return Project(cast=[entry]), tmp_path / "p.ltxproj"


def test_where_no_image_fits_the_recipe_and_the_job_label_say_description_only(cast_project):
    project, path = cast_project
    ctx = _video(0, 9)
    cloud_retake = GenerationRequest(backend="fal", mode=M.VIDEO_TO_VIDEO, prompt="@Mara turns", conditions=[ctx],
                                     retake_mode="replace_video", label="Retake 8-16")
    out = apply_cast(cloud_retake, project, path)
    assert out.cast[0].applied == "description only: fal's retake endpoint takes no reference image"
    assert out.label == "Retake 8-16 (@Mara: description only)" and out.prompt == "a woman in a red coat turns"
    assert out.conditions == [ctx]
    cloud_gap = GenerationRequest(backend="replicate", mode=M.KEYFRAMES, prompt="@Mara", conditions=[ctx])
    out = apply_cast(cloud_gap, project, path)
    assert out.cast[0].applied == "description only: replicate takes no extra image between the frames it is given"
    full = GenerationRequest(mode=M.KEYFRAMES, prompt="@Mara", conditions=[ctx, _video(1, 8, at=9)],
                             settings=tiny_request(path.parent).settings.model_copy(update={"num_frames_override": 17}))
    out = apply_cast(full, project, path)
    assert out.cast[0].applied.startswith("description only: no free frame") and len(out.conditions) == 2


@pytest.fixture(scope="module")
def context_clip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guide")
    frames = (np.random.default_rng(3).random((9, 32, 32, 3)) * 255).astype(np.uint8)
    return write_video(frames, 24, folder / "before.mp4")


@pytest.mark.parametrize(("family_dir", "guide_at"), [("tiny_ltx_dir", 16), ("tiny_ltx2_dir", 9)])
def test_on_the_tiny_models_the_guide_changes_the_generated_frames_and_the_sidecar_records_it(
        request, family_dir, guide_at, cast_project, context_clip, tmp_path):
    project, path = cast_project
    model_dir = request.getfixturevalue(family_dir)
    before = Condition(kind="video", path=str(context_clip), frame_index=0, num_frames=9)
    base = tiny_request(model_dir, M.KEYFRAMES, [before], prompt="@Mara on a pier", num_frames_override=17)
    with_cast = apply_cast(base, project, path)
    guide = with_cast.conditions[1]
    assert (guide.kind, guide.frame_index, guide.strength) == ("image", guide_at, CAST_GUIDE_STRENGTH)
    plain = with_cast.model_copy(update={"conditions": [before], "cast": []})  # same prompt, seed: no reference
    calls = []
    provider = LocalLTXProvider(max_sequence_length=16)
    provider.before_pipeline_call = lambda name, kwargs: calls.append((name, kwargs))
    try:
        runs = [asyncio.run(provider.generate(r, tmp_path / name, lambda e: None, CancelToken()))
                for r, name in ((plain, "plain"), (with_cast, "cast"))]
        ratio = provider.loaded.pipes["t2v"].vae_temporal_compression_ratio  # the tiny VAE's, not 8
    finally:
        asyncio.run(provider.close())
    name, kwargs = calls[-1]
    pinned = kwargs["conditions"][1]  # the condition pipeline got the image where it was planned
    if family_dir == "tiny_ltx2_dir":
        assert name == "cond" and pinned.index == latent_index(guide_at, ratio, 17)
    else:
        assert name == "cond" and pinned.frame_index == guide_at
    assert pinned.strength == CAST_GUIDE_STRENGTH
    a, b = (read_frames(r.video_path).astype(np.float32) for r in runs)
    assert a.shape == b.shape and np.abs(a[9:] - b[9:]).mean() > 0.5  # the generated frames differ
    sidecar = read_sidecar(runs[1].sidecar_path)
    recorded = sidecar["conditions"][1]
    assert (recorded["frame_index"], recorded["strength"], recorded["path"]) == (guide_at, CAST_GUIDE_STRENGTH,
                                                                                 str(path.parent / "mara.png"))
    assert recorded["sha256"] and sidecar["cast"][0]["applied"].startswith(f"image condition at frame {guide_at}")
