"""Conformance: every local catalog model x mode is called the way its makers document it.

The REFERENCE table below is written out by hand from the cited pages (not derived from core.recipes), so a
recipe that drifts from the documentation fails here. The tiny-model checks run our provider and a short
hand-written script that follows the same documentation, with the same weights, inputs and seed, and compare
the frames.
"""
import asyncio
import inspect

import diffusers
import numpy as np
import pytest
import torch
from PIL import Image

from ltx_editor.core.catalog import CATALOG
from ltx_editor.core.recipes import RECIPES, overrides, recipe_for
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.local.conditions import extend_condition
from ltx_editor.generation.local.loader import PIPELINES
from ltx_editor.generation.local.modes import PipeFacts, build_call
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.output import write_video
from ltx_editor.generation.request import CancelToken, Condition, GenerationRequest
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request, tiny_settings
from tests.fakes.video_probe import read_frames

M = GenerationMode

# diffusers docs api/pipelines/ltx_video.md (0.9.7 distilled / 0.9.8 distilled examples), first pass:
LTXV_DISTILLED = {"timesteps": [1000, 993, 987, 981, 975, 909, 725, 0.03], "decode_timestep": 0.05,
                  "decode_noise_scale": 0.025, "image_cond_noise_scale": 0.0, "guidance_scale": 1.0,
                  "guidance_rescale": 0.7}
# ltx_video.md, 0.9.7 dev example, first pass:
LTXV_DEV = {"num_inference_steps": 30, "decode_timestep": 0.05, "decode_noise_scale": 0.025,
            "image_cond_noise_scale": 0.0, "guidance_scale": 5.0, "guidance_rescale": 0.7}
# ltx_video.md, 0.9.5 LoRA example (guidance: the pipelines' default 3.0):
LTXV_095 = {"num_inference_steps": 50, "decode_timestep": 0.03, "decode_noise_scale": 0.025, "guidance_scale": 3.0}
# diffusers pipelines/ltx2/utils.py DISTILLED_SIGMA_VALUES; ltx2.md: distilled runs unguided.
LTX2_DISTILLED = {"sigmas": [1.0, 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875],
                  "guidance_scale": 1.0, "stg_scale": 0.0, "modality_scale": 1.0, "audio_guidance_scale": 1.0}
# ltx2.md "Multimodal Guidance" (recommended LTX-2.X guidance); STG block per the pipeline docstring.
LTX2_GUIDED = {"num_inference_steps": 30, "guidance_scale": 3.0, "stg_scale": 1.0, "modality_scale": 3.0,
               "guidance_rescale": 0.7, "audio_guidance_scale": 7.0, "audio_stg_scale": 1.0,
               "audio_modality_scale": 3.0, "audio_guidance_rescale": 0.7}

COND = "LTXConditionPipeline"
REFERENCE = {  # model id -> (class per mode {t2v, i2v}, first-pass kwargs, refine kwargs, first-pass scale)
    # Every LTX-Video example on the page builds LTXConditionPipeline, whatever the mode.
    "ltxv-2b-0.9.5": ({"t2v": COND, "i2v": COND}, LTXV_095, None, None),
    "ltxv-13b-0.9.7-dev": ({"t2v": COND, "i2v": COND}, LTXV_DEV,
                           {"num_inference_steps": 10, "denoise_strength": 0.4}, 2 / 3),
    "ltxv-13b-0.9.8-dev": ({"t2v": COND, "i2v": COND}, LTXV_DEV,
                           {"num_inference_steps": 10, "denoise_strength": 0.4}, 2 / 3),
    **{mid: ({"t2v": COND, "i2v": COND}, LTXV_DISTILLED,
             {"timesteps": [1000, 909, 725, 421, 0], "denoise_strength": 0.999}, 2 / 3)
       for mid in ("ltxv-13b-0.9.7-distilled", "ltxv-13b-0.9.8-distilled", "ltxv-2b-0.9.8-distilled")},
    **{mid: ({"t2v": "LTX2Pipeline", "i2v": "LTX2ImageToVideoPipeline"}, LTX2_DISTILLED,
             {"sigmas": [0.909375, 0.725, 0.421875], "noise_scale": 0.909375, "guidance_scale": 1.0}, 0.5)
       for mid in ("ltx-2-19b-distilled", "ltx-2.3-22b-distilled", "ltx-2.3-22b-distilled-fp8",
                   "ltx-2.5-22b-distilled")},
    **{mid: ({"t2v": "LTX2Pipeline", "i2v": "LTX2ImageToVideoPipeline"}, {**LTX2_GUIDED, "stg_block": block},
             {"sigmas": [0.909375, 0.725, 0.421875], "noise_scale": 0.909375, "guidance_scale": 1.0}, 0.5)
       for mid, block in (("ltx-2-19b", 29), ("ltx-2.3-22b-dev", 28), ("ltx-2.3-22b-dev-fp8", 28),
                          ("ltx-2.5-22b-dev", 28))},
}
LOCAL = sorted(m.id for m in CATALOG.values() if m.hub_id)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("recipe_inputs")
    Image.new("RGB", (32, 32), (200, 30, 30)).save(d / "a.png")
    Image.new("RGB", (32, 32), (30, 30, 200)).save(d / "b.png")
    write_video((np.random.default_rng(1).random((17, 32, 32, 3)) * 255).astype(np.uint8), 24, d / "clip.mp4")
    return d


def _conditions(mode, d):
    a, b, clip = str(d / "a.png"), str(d / "b.png"), d / "clip.mp4"
    return {M.TEXT_TO_VIDEO: [], M.IMAGE_TO_VIDEO: [Condition(kind="image", path=a)],
            M.KEYFRAMES: [Condition(kind="image", path=a), Condition(kind="image", path=b, frame_index=16)],
            M.EXTEND_FORWARD: [extend_condition(clip, "forward", num_frames=25)],
            M.EXTEND_BACKWARD: [extend_condition(clip, "backward", num_frames=25)],
            M.VIDEO_TO_VIDEO: [Condition(kind="video", path=str(clip), strength=0.6, num_frames=9)]}[mode]


def test_every_local_model_has_a_recipe_and_a_reference():
    assert set(LOCAL) == set(REFERENCE) == set(RECIPES)
    for mid in LOCAL:
        m, r = CATALOG[mid], RECIPES[mid]
        assert (m.default_steps, m.default_guidance, m.distilled) == (r.steps, r.guidance, r.distilled), mid
        assert r.source.startswith("diffusers") and m.local.weights.source, mid  # every entry cites its source


def test_sigma_copies_match_diffusers():
    from diffusers.pipelines.ltx2 import utils

    from ltx_editor.core import recipes

    assert list(recipes.DISTILLED_SIGMA_VALUES) == utils.DISTILLED_SIGMA_VALUES
    assert list(recipes.STAGE_2_DISTILLED_SIGMA_VALUES) == utils.STAGE_2_DISTILLED_SIGMA_VALUES


@pytest.mark.parametrize("model_id", LOCAL)
def test_every_mode_calls_the_reference(model_id, inputs):
    """For each model x mode: the class and the schedule/guidance/decode arguments of the makers' recipe."""
    classes, first, refine, scale = REFERENCE[model_id]
    info, recipe = CATALOG[model_id], recipe_for(model_id)
    facts = PipeFacts(family=info.family, temporal_ratio=8, image_crf=0)
    for mode in sorted(info.modes, key=lambda m: m.value):
        settings = tiny_settings(model_id, steps=recipe.steps, guidance_scale=recipe.guidance,
                                 num_frames_override=25)
        request = GenerationRequest(mode=mode, prompt="p", settings=settings, conditions=_conditions(mode, inputs))
        call = build_call(request, "p", facts, recipe=recipe)
        cls = PIPELINES[info.family][call.pipe]
        want_cls = classes["i2v" if mode is M.IMAGE_TO_VIDEO else "t2v"] if mode in (
            M.TEXT_TO_VIDEO, M.IMAGE_TO_VIDEO) else PIPELINES[info.family]["cond"]
        assert cls == want_cls, (model_id, mode)
        accepted = inspect.signature(getattr(diffusers, cls).__call__).parameters
        assert set(call.kwargs) <= set(accepted), (model_id, mode, set(call.kwargs) - set(accepted))
        want = {k: v for k, v in first.items() if k != "stg_block"}
        assert {k: call.kwargs.get(k) for k in want} == want, (model_id, mode)
        if "stg_block" in first:
            assert call.kwargs["spatio_temporal_guidance_blocks"] == [first["stg_block"]]
        if refine is not None:
            ms = recipe.multiscale
            assert ms.first_pass_scale == pytest.approx(scale)
            assert {k: ms.refine_kwargs.get(k) for k in refine} == refine, model_id
        assert overrides(recipe, steps=settings.steps, guidance_scale=settings.guidance_scale) == {}


def test_ltxv_098_distilled_upsampler_tone_maps():
    # ltx_video.md 0.9.8 distilled example: pipe_upsample(adain_factor=1.0, tone_map_compression_ratio=0.6)
    assert RECIPES["ltxv-13b-0.9.8-distilled"].multiscale.upsampler_kwargs == {
        "adain_factor": 1.0, "tone_map_compression_ratio": 0.6}
    assert RECIPES["ltxv-13b-0.9.7-distilled"].multiscale.upsampler_kwargs == {"adain_factor": 1.0}


def test_changed_steps_replace_the_fixed_schedule_and_are_recorded(inputs):
    recipe = recipe_for("ltx-2-19b-distilled")
    settings = tiny_settings("ltx-2-19b-distilled", steps=12, guidance_scale=1.0)
    call = build_call(GenerationRequest(prompt="p", settings=settings), "p", PipeFacts(family="ltx-2"), recipe=recipe)
    assert "sigmas" not in call.kwargs and call.kwargs["num_inference_steps"] == 12
    assert overrides(recipe, steps=12, guidance_scale=1.0) == {"steps": {"recipe": 8, "used": 12}}


def _generate(provider, request, out_dir):
    return asyncio.run(provider.generate(request, out_dir, lambda e: None, CancelToken()))


def test_tiny_ltxv_distilled_frames_equal_the_documented_script(tiny_ltx_dir, tmp_path):
    """ltx_video.md 0.9.8 distilled, first pass, through LTXConditionPipeline with the documented arguments."""
    from diffusers import LTXConditionPipeline

    provider = LocalLTXProvider(max_sequence_length=16)
    try:
        ours = _generate(provider, tiny_request(tiny_ltx_dir, model_id="ltxv-13b-0.9.8-distilled", steps=8),
                         tmp_path)
    finally:
        asyncio.run(provider.close())
    pipe = LTXConditionPipeline.from_pretrained(tiny_ltx_dir)
    video = pipe(prompt="a cat walks on the beach", width=32, height=32, num_frames=9, frame_rate=24.0,
                 timesteps=[1000, 993, 987, 981, 975, 909, 725, 0.03], decode_timestep=0.05,
                 decode_noise_scale=0.025, image_cond_noise_scale=0.0, guidance_scale=1.0, guidance_rescale=0.7,
                 generator=torch.Generator("cpu").manual_seed(7), output_type="np", max_sequence_length=16).frames[0]
    script = write_video(video, 24.0, tmp_path / "script.mp4")
    assert np.array_equal(read_frames(ours.video_path), read_frames(script))


def test_tiny_ltx2_distilled_frames_equal_the_documented_script(tiny_ltx2_dir, tmp_path):
    """ltx2.md "LTX-2.5"/"Distilled checkpoint generation": DISTILLED_SIGMA_VALUES, unguided, scheduler used as is."""
    from diffusers import FlowMatchEulerDiscreteScheduler, LTX2Pipeline
    from diffusers.pipelines.ltx2.utils import DISTILLED_SIGMA_VALUES

    provider = LocalLTXProvider(max_sequence_length=16)
    try:
        ours = _generate(provider, tiny_request(tiny_ltx2_dir, model_id="ltx-2-19b-distilled", steps=8), tmp_path)
    finally:
        asyncio.run(provider.close())
    pipe = LTX2Pipeline.from_pretrained(tiny_ltx2_dir)
    pipe.scheduler = FlowMatchEulerDiscreteScheduler.from_config(pipe.scheduler.config, use_dynamic_shifting=False,
                                                                 shift_terminal=None)
    video = pipe(prompt="a cat walks on the beach", width=32, height=32, num_frames=9, frame_rate=24.0,
                 sigmas=DISTILLED_SIGMA_VALUES, guidance_scale=1.0, stg_scale=0.0, modality_scale=1.0,
                 audio_guidance_scale=1.0, audio_stg_scale=0.0, audio_modality_scale=1.0,
                 generator=torch.Generator("cpu").manual_seed(7), output_type="np",
                 max_sequence_length=16).frames[0]
    script = write_video(video, 24.0, tmp_path / "script.mp4")
    assert np.array_equal(read_frames(ours.video_path), read_frames(script))
