"""LocalLTXProvider on a tiny random LTX-Video pipeline: every mode end to end to a playable mp4."""
import asyncio
import gc
import json
import weakref

import numpy as np
import pytest
from PIL import Image

from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.errors import Cancelled
from ltx_editor.generation.local.conditions import extend_condition
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.output import write_video
from ltx_editor.generation.request import CancelToken, Condition, Stage
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import probe, read_frames

M = GenerationMode


def generate(provider, request, out_dir, events=None, cancel=None):
    sink = events if events is not None else []
    return asyncio.run(provider.generate(request, out_dir, sink.append, cancel or CancelToken()))


@pytest.fixture(scope="module")
def provider():
    p = LocalLTXProvider(max_sequence_length=16)
    yield p
    asyncio.run(p.close())


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    d = tmp_path_factory.mktemp("media")
    rng = np.random.default_rng(3)
    for name, colour in (("red.png", (220, 30, 30)), ("blue.png", (30, 30, 220))):
        Image.new("RGB", (48, 40), colour).save(d / name)
    clip = (rng.random((17, 32, 32, 3)) * 255).astype(np.uint8)
    write_video(clip, 24, d / "clip.mp4")
    return d


def test_text_to_video_end_to_end(provider, tiny_ltx_dir, tmp_path):
    events = []
    result = generate(provider, tiny_request(tiny_ltx_dir), tmp_path, events)
    p = probe(result.video_path)
    assert (p.frames, p.width, p.height, p.video_codec, p.pix_fmt) == (9, 32, 32, "h264", "yuv420p")
    assert p.fps == pytest.approx(24, abs=1e-3) and p.audio_codec is None
    assert (result.num_frames, result.seed, result.backend, result.has_audio) == (9, 7, "local", False)
    assert result.video_path.parent == tmp_path and result.cost_usd == 0.0
    assert {"load", "generate", "save", "total"} <= set(result.timings)
    # Progress: loading, prompt, one event per step, decoding, saving, done — in that order.
    stages = [e.stage for e in events]
    assert stages[0] is Stage.LOADING and stages[-1] is Stage.DONE
    steps = [(e.step, e.total) for e in events if e.stage is Stage.GENERATING]
    assert steps == [(1, 2), (2, 2)]
    order = [Stage.ENCODING_PROMPT, Stage.GENERATING, Stage.DECODING, Stage.SAVING, Stage.DONE]
    assert [s for s in dict.fromkeys(stages) if s in order] == order
    recipe = json.loads(result.sidecar_path.read_text())
    assert recipe["seed"] == 7 and recipe["model"]["kind"] == "folder"
    assert recipe["environment"]["device"] == "cpu" and "diffusers" in recipe["environment"]


def test_modes_share_one_set_of_weights(provider, tiny_ltx_dir, tmp_path, media):
    generate(provider, tiny_request(tiny_ltx_dir), tmp_path)
    loaded = provider.loaded
    base = loaded.pipes["t2v"]
    before = {name: id(mod) for name, mod in base.components.items()}
    generate(provider, tiny_request(tiny_ltx_dir, M.IMAGE_TO_VIDEO,
                                    [Condition(kind="image", path=str(media / "red.png"))]), tmp_path)
    assert provider.loaded is loaded  # no reload for another mode
    for key in ("i2v", "cond"):
        for name, module in loaded.pipes[key].components.items():
            assert module is base.components[name], (key, name)
    assert {name: id(mod) for name, mod in base.components.items()} == before
    assert type(loaded.pipes["cond"]).__name__ == "LTXConditionPipeline"


def _conditions(mode, media):
    red, blue, clip = str(media / "red.png"), str(media / "blue.png"), media / "clip.mp4"
    return {
        M.IMAGE_TO_VIDEO: [Condition(kind="image", path=red)],
        M.KEYFRAMES: [Condition(kind="image", path=red, frame_index=0),
                      Condition(kind="image", path=blue, frame_index=8, strength=0.8)],
        M.EXTEND_FORWARD: [extend_condition(clip, "forward", num_frames=9, overlap=9)],
        M.EXTEND_BACKWARD: [extend_condition(clip, "backward", num_frames=9, overlap=9)],
        M.VIDEO_TO_VIDEO: [Condition(kind="video", path=str(clip), strength=0.6, num_frames=9)],
    }[mode]


@pytest.mark.parametrize("mode", [M.IMAGE_TO_VIDEO, M.KEYFRAMES, M.EXTEND_FORWARD, M.EXTEND_BACKWARD,
                                  M.VIDEO_TO_VIDEO])
def test_conditioned_modes_make_playable_clips(provider, tiny_ltx_dir, tmp_path, media, mode):
    calls = []
    provider.before_pipeline_call = lambda name, kwargs: calls.append((name, kwargs))
    try:
        result = generate(provider, tiny_request(tiny_ltx_dir, mode, _conditions(mode, media)), tmp_path)
    finally:
        provider.before_pipeline_call = None
    p = probe(result.video_path)
    assert (p.frames, p.width, p.height) == (9, 32, 32)
    name, kwargs = calls[-1]
    # The 0.9.8 distilled recipe runs every mode through LTXConditionPipeline (diffusers ltx_video.md; its
    # timesteps are refused by the text/image-to-video pipelines), so image-to-video is a frame-0 condition.
    assert name == "cond"
    conds = kwargs["conditions"]
    assert [c.frame_index for c in conds] == [c.frame_index for c in _conditions(mode, media)]
    if mode not in (M.KEYFRAMES, M.IMAGE_TO_VIDEO):
        assert len(conds[0].video) == 9  # 8k+1 frames of the source clip
    recipe = json.loads(result.sidecar_path.read_text())
    assert recipe["mode"] == mode.value and all(c["sha256"] for c in recipe["conditions"])


def test_extension_takes_the_right_end_of_the_clip(media):
    fwd = extend_condition(media / "clip.mp4", "forward", num_frames=25, overlap=12)
    back = extend_condition(media / "clip.mp4", "backward", num_frames=25, overlap=12)
    assert (fwd.frame_index, fwd.num_frames) == (0, 9)  # 12 trimmed to 8k+1
    assert (back.frame_index, back.num_frames) == (16, 9)  # the clip's start closes the new clip
    from ltx_editor.generation.local.conditions import condition_frames, load_video_frames

    frames = load_video_frames(media / "clip.mp4")
    last = condition_frames(fwd, 8, "forward")
    first = condition_frames(back, 8, "backward")
    assert np.array_equal(np.asarray(last[-1]), np.asarray(frames[-1]))
    assert np.array_equal(np.asarray(first[0]), np.asarray(frames[0]))


def test_same_seed_same_frames_other_seed_other_frames(provider, tiny_ltx_dir, tmp_path):
    a = generate(provider, tiny_request(tiny_ltx_dir, seed=11), tmp_path)
    b = generate(provider, tiny_request(tiny_ltx_dir, seed=11), tmp_path)
    c = generate(provider, tiny_request(tiny_ltx_dir, seed=12), tmp_path)
    fa, fb, fc = (read_frames(r.video_path) for r in (a, b, c))
    assert a.video_path != b.video_path
    assert np.array_equal(fa, fb)
    assert not np.array_equal(fa, fc)


def test_random_seed_is_resolved_and_recorded(provider, tiny_ltx_dir, tmp_path):
    result = generate(provider, tiny_request(tiny_ltx_dir, seed=None), tmp_path)
    recipe = json.loads(result.sidecar_path.read_text())
    assert isinstance(result.seed, int) and recipe["request"]["settings"]["seed"] == result.seed


def test_cancel_mid_run_stops_within_a_step_and_leaves_no_file(provider, tiny_ltx_dir, tmp_path):
    cancel = CancelToken()
    steps_seen = []

    def on_progress(event):
        if event.stage is Stage.GENERATING:
            steps_seen.append(event.step)
            cancel.cancel()

    request = tiny_request(tiny_ltx_dir, steps=30, width_override=64, height_override=64,
                           num_frames_override=17)
    with pytest.raises(Cancelled):
        asyncio.run(provider.generate(request, tmp_path, on_progress, cancel))
    assert steps_seen and max(steps_seen) <= 5  # events reach the loop thread a little late; see below
    assert list(tmp_path.iterdir()) == []


def test_engine_stops_at_the_step_where_cancel_was_seen(provider, tiny_ltx_dir, tmp_path):
    """On the worker thread itself (no loop hop): cancel during step 2's report -> no step 3, no decode."""
    engine = provider._get_engine()
    cancel, stages = CancelToken(), []

    def emit(event):
        stages.append((event.stage, event.step))
        if event.step == 2:
            cancel.cancel()

    with pytest.raises(Cancelled):
        engine.generate(tiny_request(tiny_ltx_dir, steps=10), tmp_path, emit, cancel)
    steps = [step for stage, step in stages if stage is Stage.GENERATING]
    assert steps == [1, 2] and Stage.DECODING not in [stage for stage, _ in stages]
    assert list(tmp_path.iterdir()) == []


def test_cancel_before_start(provider, tiny_ltx_dir, tmp_path):
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        generate(provider, tiny_request(tiny_ltx_dir), tmp_path, cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_upscale_runs_half_size_then_upsampler_then_refine(provider, tiny_ltx_dir, tmp_path):
    calls = []
    provider.before_pipeline_call = lambda name, kwargs: calls.append((name, dict(kwargs)))
    try:
        result = generate(provider, tiny_request(tiny_ltx_dir, upscale=True, width_override=64,
                                                 height_override=64), tmp_path)
    finally:
        provider.before_pipeline_call = None
    assert provider.loaded.upsampler is not None
    assert [(n, k["width"], k["height"]) for n, k in calls] == [("cond", 32, 32), ("cond", 64, 64)]
    # The 0.9.8 distilled refine pass: timesteps [1000, 909, 725, 421, 0] at denoise_strength 0.999 (ltx_video.md).
    assert calls[0][1]["output_type"] == "latent" and calls[1][1]["denoise_strength"] == 0.999
    assert calls[1][1]["timesteps"] == [1000, 909, 725, 421, 0]
    assert calls[1][1]["latents"].shape[-2:] == (16, 16)  # 2x the first pass's 8x8 latents
    p = probe(result.video_path)
    assert (p.frames, p.width, p.height) == (9, 64, 64)
    assert not result.notes


def test_unload_on_demand_and_on_model_switch(tiny_ltx_dir, tiny_ltx2_dir, tmp_path):
    provider = LocalLTXProvider(max_sequence_length=16)
    try:
        generate(provider, tiny_request(tiny_ltx_dir), tmp_path)
        old = weakref.ref(provider.loaded.pipes["t2v"].transformer)
        generate(provider, tiny_request(tiny_ltx2_dir), tmp_path)
        gc.collect()
        assert old() is None and provider.loaded.family == "ltx-2"
        current = weakref.ref(provider.loaded.pipes["t2v"].transformer)
        asyncio.run(provider.unload())
        gc.collect()
        assert provider.loaded is None and current() is None
    finally:
        asyncio.run(provider.close())

