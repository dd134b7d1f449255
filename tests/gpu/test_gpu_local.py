"""Local provider on a CUDA GPU (skipped without one): bf16, determinism, fp8 storage, offload, OOM chain."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tests.fakes.model_fixtures import tiny_request  # noqa: E402
from tests.fakes.video_probe import probe, read_frames  # noqa: E402

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")]


def test_runs_on_cuda_in_bf16_and_is_deterministic(provider, generate, tiny_ltx_dir, tmp_path):
    a = generate(provider, tiny_request(tiny_ltx_dir, seed=4), tmp_path)
    b = generate(provider, tiny_request(tiny_ltx_dir, seed=4), tmp_path)
    transformer = provider.loaded.pipes["t2v"].transformer
    assert transformer.device.type == "cuda" and transformer.dtype == torch.bfloat16
    assert np.array_equal(read_frames(a.video_path), read_frames(b.video_path))


def test_fp8_storage_keeps_weights_in_float8(provider, generate, tiny_ltx_dir, tmp_path):
    result = generate(provider, tiny_request(tiny_ltx_dir, fp8=True), tmp_path)
    weights = [p.dtype for n, p in provider.loaded.pipes["t2v"].transformer.named_parameters() if "attn1.to_q" in n]
    assert torch.float8_e4m3fn in weights and probe(result.video_path).frames == 9 and not result.notes


@pytest.mark.parametrize("mode", ["model", "sequential", "group"])
def test_cpu_offload_modes(provider, generate, tiny_ltx_dir, tmp_path, mode):
    result = generate(provider, tiny_request(tiny_ltx_dir, cpu_offload=mode), tmp_path)
    assert probe(result.video_path).frames == 9 and provider.loaded.offload == mode


def test_oom_chain_turns_on_offload_on_a_gpu(provider, generate, tiny_ltx_dir, tmp_path):
    calls = {"n": 0}

    def fail_twice(name, kwargs):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise torch.OutOfMemoryError("CUDA out of memory.")

    provider.before_pipeline_call = fail_twice
    result = generate(provider, tiny_request(tiny_ltx_dir, vae_tiling=False), tmp_path)
    assert result.notes == ["Out of memory: turned on VAE tiling and tried again.",
                            "Out of memory: turned on model CPU offload (slower) and tried again."]
    assert provider.loaded.offload == "model"
