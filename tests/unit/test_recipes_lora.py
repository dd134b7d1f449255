"""A dev checkpoint's two-stage recipe refines with the official distilled LoRA (ltx2.md "Two-stages
Generation"): the LoRA is fetched from the model's hub repo (a loopback hub here), loaded for stage 2 only,
and removed afterwards; without it the run says so."""
import asyncio

from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken
from tests.fakes.hf_hub_server import FakeHub
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.tiny_models import build_tiny_lora
from tests.fakes.video_probe import probe

LORA = "ltx-2-19b-distilled-lora-384.safetensors"


def _run(provider, request, out):
    return asyncio.run(provider.generate(request, out, lambda e: None, CancelToken()))


def _dev_request(folder):
    # ltx-2-19b = the dev checkpoint: guided stage 1 (2 steps here), stage 2 on the distilled sigmas + LoRA.
    return tiny_request(folder, model_id="ltx-2-19b", upscale=True, steps=2, guidance_scale=3.0,
                        width_override=64, height_override=64)


def test_stage_two_runs_with_the_distilled_lora(tiny_ltx2_dir, tmp_path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)  # the hub below is loopback
    lora = build_tiny_lora(tiny_ltx2_dir, tmp_path / "lora" / LORA).read_bytes()
    with FakeHub() as hub:
        hub.add_repo("Lightricks/LTX-2", {LORA: lora})
        provider = LocalLTXProvider(cache_dir=tmp_path / "cache", hub_endpoint=hub.base_url, max_sequence_length=16)
        try:
            result = _run(provider, _dev_request(tiny_ltx2_dir), tmp_path / "out")
            transformer = provider.loaded.base.transformer
            assert "stage_2_distilled" not in (getattr(transformer, "peft_config", None) or {})  # removed after
        finally:
            asyncio.run(provider.close())
        assert hub.served_bytes("Lightricks/LTX-2") == len(lora)  # only the LoRA file, once
    assert not any("without the distilled LoRA" in n for n in result.notes)
    assert probe(result.video_path).width == 64


def test_without_the_lora_the_refine_pass_says_so(tiny_ltx2_dir, tmp_path):
    provider = LocalLTXProvider(cache_dir=tmp_path / "cache", offline=True, max_sequence_length=16)
    try:
        result = _run(provider, _dev_request(tiny_ltx2_dir), tmp_path / "out")
    finally:
        asyncio.run(provider.close())
    assert any("without the distilled LoRA" in n for n in result.notes)
    assert probe(result.video_path).frames == 9
