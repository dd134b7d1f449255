"""Out of memory never crashes: the chain turns on tiling, then offload, then a smaller model, then gives up
with a message that points at the cloud. The OOM is injected just before the real pipeline call."""
import asyncio
import json

import pytest
import torch

from ltx_editor.generation.errors import GenerationError, OutOfMemory
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import probe


class FailFirst:
    """A before_pipeline_call hook that raises `error` for the first `n` pipeline calls."""

    def __init__(self, n, error=None):
        self.n, self.calls = n, 0
        self.error = error or torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    def __call__(self, name, kwargs):
        self.calls += 1
        if self.calls <= self.n:
            raise self.error


@pytest.fixture
def provider(tiny_ltx_dir):
    # The smaller model of the chain (2B distilled) is mapped to the tiny folder too, so the switch is real.
    p = LocalLTXProvider(max_sequence_length=16, model_paths={"ltxv-2b-0.9.8-distilled": str(tiny_ltx_dir)})
    yield p
    asyncio.run(p.close())


def run(provider, request, out_dir, events):
    return asyncio.run(provider.generate(request, out_dir, events.append, CancelToken()))


def test_first_oom_turns_on_vae_tiling(provider, tiny_ltx_dir, tmp_path):
    provider.before_pipeline_call = FailFirst(1)
    events = []
    result = run(provider, tiny_request(tiny_ltx_dir, vae_tiling=False), tmp_path, events)
    assert result.notes == ["Out of memory: turned on VAE tiling and tried again."]
    assert any("VAE tiling" in e.message for e in events)  # told while it happens, not only at the end
    assert provider.loaded.pipes["t2v"].vae.use_tiling
    assert json.loads(result.sidecar_path.read_text())["request"]["settings"]["vae_tiling"] is True
    assert probe(result.video_path).frames == 9


def test_chain_walks_tiling_offload_then_smaller_model(provider, tiny_ltx_dir, tmp_path):
    provider.before_pipeline_call = FailFirst(2)
    events = []
    request = tiny_request(tiny_ltx_dir, model_id="ltxv-2b-0.9.5", vae_tiling=False)
    result = run(provider, request, tmp_path, events)
    assert result.notes == [
        "Out of memory: turned on VAE tiling and tried again.",
        "Out of memory: CPU offload cannot help when running on the CPU; skipped.",
        "Out of memory: switched from LTXV 2B 0.9.5 to the smaller LTXV 2B Distilled with its own recipe "
        "(8 steps, CFG 1 + multi-scale (diffusers ltx_video.md, LTX-Video 0.9.8 distilled example)).",
    ]
    assert result.model_id == "ltxv-2b-0.9.8-distilled" and provider.loaded.model_id == result.model_id
    recipe = json.loads(result.sidecar_path.read_text())
    assert recipe["model"]["id"] == "ltxv-2b-0.9.8-distilled"
    assert recipe["request"]["settings"]["model_id"] == "ltxv-2b-0.9.8-distilled"
    # The switch takes the new model's recipe (was: the 0.9.5 job's steps/CFG kept on the distilled model).
    settings = recipe["request"]["settings"]
    assert (settings["steps"], settings["guidance_scale"]) == (8, 1.0)
    assert recipe["model"]["recipe"]["overrides"] == {}
    assert probe(result.video_path).frames == 9


def test_exhausted_chain_raises_out_of_memory_suggesting_the_cloud(provider, tiny_ltx_dir, tmp_path):
    provider.before_pipeline_call = FailFirst(99, RuntimeError("CUDA error: out of memory"))
    with pytest.raises(OutOfMemory) as info:
        run(provider, tiny_request(tiny_ltx_dir, model_id="ltxv-2b-0.9.5", vae_tiling=False), tmp_path, [])
    assert "cloud" in info.value.hint and "fal" in info.value.hint
    assert provider.before_pipeline_call.calls == 3  # first try, after tiling, after the smaller model
    assert list(tmp_path.iterdir()) == []


def test_other_errors_are_not_retried(provider, tiny_ltx_dir, tmp_path):
    provider.before_pipeline_call = FailFirst(1, RuntimeError("shape mismatch"))
    with pytest.raises(GenerationError, match="shape mismatch") as info:
        run(provider, tiny_request(tiny_ltx_dir, vae_tiling=False), tmp_path, [])
    assert not isinstance(info.value, OutOfMemory) and provider.before_pipeline_call.calls == 1
