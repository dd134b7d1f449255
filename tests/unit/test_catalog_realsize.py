"""Real-size configs on the CPU: the LTX-Video 2B transformer (28 layers x 32 heads x 64) and the 0.9.1+ video
VAE from their published configs, random bf16 weights, load through the provider and run the 2B distilled
recipe for 2 steps at 64x64x9. Proves the configs, the loader and the recipe's call at real width (not
quality). Needs ~6 GB of memory and ~5 GB of disk; skipped on a machine with less memory free."""
import asyncio
import json

import psutil
import pytest

from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken
from tests.bench.gpu_generate import build_model, param_counts
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import probe

pytestmark = [pytest.mark.slow, pytest.mark.skipif(psutil.virtual_memory().available < 10e9,
                                                   reason="needs ~10 GB of free memory for a real-size 2B model")]


def test_real_size_2b_loads_and_runs_the_recipe_on_the_cpu(tmp_path_factory, tmp_path):
    transformer_b, vae_b = param_counts("2b")
    assert 1.8 < transformer_b < 2.2 and vae_b > 0.3  # the published 2B shape, not a toy
    folder = build_model("2b", tmp_path_factory.mktemp("realsize"), "cpu", bf16=True)
    provider = LocalLTXProvider(device="cpu", dtype="bfloat16", max_sequence_length=16)
    calls = []
    provider.before_pipeline_call = lambda name, kwargs: calls.append((name, dict(kwargs)))
    try:
        request = tiny_request(folder, model_id="ltxv-2b-0.9.8-distilled", steps=2, width_override=64,
                               height_override=64)
        result = asyncio.run(provider.generate(request, tmp_path, lambda e: None, CancelToken()))
        assert provider.loaded.base.transformer.config.num_layers == 28
    finally:
        asyncio.run(provider.close())
    (name, kwargs), = calls
    assert name == "cond" and kwargs["decode_timestep"] == 0.05 and kwargs["guidance_rescale"] == 0.7
    p = probe(result.video_path)
    assert (p.frames, p.width, p.height) == (9, 64, 64)
    assert json.loads(result.sidecar_path.read_text())["model"]["recipe"]["pipeline"] == "LTXConditionPipeline"
