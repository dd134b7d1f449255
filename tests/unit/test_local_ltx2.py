"""LTX-2 through the local provider: video with its synchronized audio muxed into the mp4, every mode."""
import asyncio
import json

import numpy as np
import pytest
from PIL import Image

from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.local.conditions import extend_condition
from ltx_editor.generation.local.modes import landed_frame, latent_index
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.output import write_video
from ltx_editor.generation.request import CancelToken, Condition
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import probe, read_frames

M = GenerationMode


def generate(provider, request, out_dir):
    return asyncio.run(provider.generate(request, out_dir, lambda e: None, CancelToken()))


@pytest.fixture(scope="module")
def provider():
    p = LocalLTXProvider(max_sequence_length=16)
    yield p
    asyncio.run(p.close())


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    d = tmp_path_factory.mktemp("media2")
    Image.new("RGB", (32, 32), (240, 200, 20)).save(d / "yellow.png")
    Image.new("RGB", (32, 32), (20, 200, 240)).save(d / "cyan.png")
    frames = (np.random.default_rng(5).random((17, 32, 32, 3)) * 255).astype(np.uint8)
    write_video(frames, 24, d / "clip.mp4")
    return d


def test_text_to_video_with_synchronized_audio(provider, tiny_ltx2_dir, tmp_path):
    result = generate(provider, tiny_request(tiny_ltx2_dir, num_frames_override=17), tmp_path)
    p = probe(result.video_path)
    assert (p.frames, p.width, p.height, p.video_codec) == (17, 32, 32, "h264")
    assert (p.audio_codec, p.sample_rate, p.channels) == ("aac", 16000, 2)
    assert p.audio_seconds == pytest.approx(17 / 24, abs=0.07)  # the audio spans the video exactly
    assert result.has_audio and provider.loaded.family == "ltx-2"
    assert json.loads(result.sidecar_path.read_text())["output"]["has_audio"] is True


def test_same_seed_same_video_and_audio(provider, tiny_ltx2_dir, tmp_path):
    a = generate(provider, tiny_request(tiny_ltx2_dir, seed=21), tmp_path)
    b = generate(provider, tiny_request(tiny_ltx2_dir, seed=21), tmp_path)
    assert np.array_equal(read_frames(a.video_path), read_frames(b.video_path))
    assert a.video_path.read_bytes() == b.video_path.read_bytes()  # audio included, bit for bit


def test_audio_can_be_left_out(provider, tiny_ltx2_dir, tmp_path):
    result = generate(provider, tiny_request(tiny_ltx2_dir, generate_audio=False), tmp_path)
    assert probe(result.video_path).audio_codec is None and not result.has_audio


def test_ltx2_modes_share_components(provider, tiny_ltx2_dir, tmp_path):
    generate(provider, tiny_request(tiny_ltx2_dir), tmp_path)
    pipes = provider.loaded.pipes
    assert [type(p).__name__ for p in pipes.values()] == ["LTX2Pipeline", "LTX2ImageToVideoPipeline",
                                                          "LTX2ConditionPipeline"]
    for name in ("transformer", "vae", "audio_vae", "vocoder", "connectors", "text_encoder"):
        assert getattr(pipes["i2v"], name) is getattr(pipes["t2v"], name) is getattr(pipes["cond"], name)


def _conditions(mode, media):
    yellow, cyan, clip = str(media / "yellow.png"), str(media / "cyan.png"), media / "clip.mp4"
    return {
        M.IMAGE_TO_VIDEO: [Condition(kind="image", path=yellow)],
        M.KEYFRAMES: [Condition(kind="image", path=yellow), Condition(kind="image", path=cyan, frame_index=8)],
        M.EXTEND_FORWARD: [extend_condition(clip, "forward", num_frames=9)],
        M.EXTEND_BACKWARD: [extend_condition(clip, "backward", num_frames=17)],
        M.VIDEO_TO_VIDEO: [Condition(kind="video", path=str(clip), strength=0.5, num_frames=9)],
    }[mode]


@pytest.mark.parametrize("mode", [M.IMAGE_TO_VIDEO, M.KEYFRAMES, M.EXTEND_FORWARD, M.EXTEND_BACKWARD,
                                  M.VIDEO_TO_VIDEO])
def test_ltx2_modes_end_to_end(provider, tiny_ltx2_dir, tmp_path, media, mode):
    calls = []
    provider.before_pipeline_call = lambda name, kwargs: calls.append((name, kwargs))
    frames = 17 if mode is M.EXTEND_BACKWARD else 9
    try:
        result = generate(provider, tiny_request(tiny_ltx2_dir, mode, _conditions(mode, media),
                                                 num_frames_override=frames), tmp_path)
    finally:
        provider.before_pipeline_call = None
    p = probe(result.video_path)
    assert (p.frames, p.audio_codec) == (frames, "aac")
    name, kwargs = calls[-1]
    if mode is M.IMAGE_TO_VIDEO:
        assert name == "i2v" and kwargs["image_crf"] == 0  # we did the H.264 round trip ourselves
    else:
        ratio = provider.loaded.pipes["t2v"].vae_temporal_compression_ratio
        want = [latent_index(c.frame_index, ratio, frames) for c in _conditions(mode, media)]
        assert name == "cond" and [c.index for c in kwargs["conditions"]] == want


def test_latent_index_mapping():
    # LTX2ConditionPipeline puts latent k >= 1 at pixel (k - 1) * 8 + 1. The old mapping ((f - 1) // 8 + 1)
    # sent frame 8 to latent 1 = pixel 1, seven frames early; now each frame takes the nearest latent.
    assert [latent_index(f, 8) for f in (0, 1, 8, 9, 16, 17, 120)] == [0, 1, 2, 2, 3, 3, 16]
    assert [landed_frame(latent_index(f, 8), 8) for f in (0, 1, 9, 17, 121)] == [0, 1, 9, 17, 121]
    assert latent_index(120, 8, num_frames=121) == 15  # stays inside a 121-frame clip (16 latents)


def test_ltx2_multiscale_follows_the_distilled_two_stage_recipe(provider, tiny_ltx2_dir, tmp_path):
    """Was a no-op ("available for LTX-Video only"); now diffusers ltx2.md "Distilled checkpoint generation":
    stage 1 at half size (latents + audio latents out), LTX2LatentUpsamplePipeline, stage 2 on
    STAGE_2_DISTILLED_SIGMA_VALUES re-noised at its first sigma, CFG 1, audio latents carried over."""
    from diffusers.pipelines.ltx2.utils import STAGE_2_DISTILLED_SIGMA_VALUES

    calls = []
    provider.before_pipeline_call = lambda name, kwargs: calls.append((name, dict(kwargs)))
    try:
        result = generate(provider, tiny_request(tiny_ltx2_dir, model_id="ltx-2-19b-distilled", upscale=True,
                                                 width_override=64, height_override=64, steps=8), tmp_path)
    finally:
        provider.before_pipeline_call = None
    assert type(provider.loaded.upsampler).__name__ == "LTX2LatentUpsamplePipeline"
    (n1, first), (n2, second) = calls
    assert (n1, first["width"], first["output_type"]) == ("t2v", 32, "latent")
    assert (n2, second["width"], second["height"]) == ("t2v", 64, 64)
    assert second["sigmas"] == list(STAGE_2_DISTILLED_SIGMA_VALUES)
    assert second["noise_scale"] == STAGE_2_DISTILLED_SIGMA_VALUES[0] and second["guidance_scale"] == 1.0
    ratio = provider.loaded.base.vae_spatial_compression_ratio
    assert second["audio_latents"] is not None and second["latents"].shape[-1] == 2 * first["width"] // ratio
    p = probe(result.video_path)
    assert (p.frames, p.width, p.height, p.audio_codec) == (9, 64, 64, "aac")
    sidecar = json.loads(result.sidecar_path.read_text())
    assert sidecar["model"]["recipe"]["multiscale"] is True

