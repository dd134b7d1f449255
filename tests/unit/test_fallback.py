"""Local generation cannot run (no GPU, out of memory after the chain): the cloud job to offer, per the
person's setting and keys, with its cost first. Qt-free: the UI only shows the offer."""
from __future__ import annotations

import pytest

from ltx_editor.core.settings import GenerationMode as M
from ltx_editor.core.settings import GenerationSettings, LoraSpec
from ltx_editor.generation.errors import BackendUnavailable, Cancelled, InvalidRequest, OutOfMemory
from ltx_editor.generation.fallback import cloud_fallback, local_cannot_run, offer_cloud
from ltx_editor.generation.request import Condition, GenerationRequest

OOM = OutOfMemory("Not enough memory for 768x512x121, even after every fallback (CUDA out of memory).")


def _local(model_id="ltxv-13b-0.9.7-distilled", mode=M.TEXT_TO_VIDEO, conditions=(), **settings):
    settings.setdefault("steps", 8)
    return GenerationRequest(backend="local", mode=mode, prompt="a tram at night", conditions=list(conditions),
                             settings=GenerationSettings(model_id=model_id, seed=5, **settings))


def test_out_of_memory_offers_the_same_model_on_fal_with_the_cost_first():
    offer = offer_cloud(_local(duration_s=5, fps=24), OOM, setting="fal")
    assert offer is not None and offer.backend == "fal"
    assert offer.request.settings.model_id == "ltxv-13b-0.9.7-distilled" and offer.request.settings.seed == 5
    assert offer.estimate_usd == pytest.approx(0.04, abs=1e-4)  # fal bills this app per video
    text = offer.describe()
    assert text.startswith("≈ $0.04 to run it on fal.ai (LTXV 13B Distilled)")
    assert "Not enough memory" in text


def test_the_setting_picks_the_service_and_keys_limit_it():
    offer = offer_cloud(_local(), OOM, setting="replicate")
    assert offer.backend == "replicate" and offer.estimate_usd is None
    assert offer.describe().startswith("price not published (billed by GPU time) to run it on Replicate")
    only_fal = offer_cloud(_local(), OOM, setting="replicate", has_key=lambda b: b == "fal")
    assert only_fal.backend == "fal"
    assert offer_cloud(_local(), OOM, has_key=lambda _b: False) is None
    assert offer_cloud(_local(), OOM, setting="off") is None


def test_only_failures_the_cloud_can_fix_are_offered():
    no_torch = BackendUnavailable("Local generation needs torch, which is not installed.")
    assert offer_cloud(_local(), no_torch) is not None
    assert offer_cloud(_local(), InvalidRequest("bad prompt")) is None
    assert offer_cloud(_local(), Cancelled("Generation cancelled.")) is None
    cloud_job = _local().model_copy(update={"backend": "fal"})
    assert offer_cloud(cloud_job, OOM) is None


def test_no_gpu_is_detected_before_running_and_offered():
    assert local_cannot_run("ltxv-13b-0.9.7-distilled", None) == "this machine has no supported GPU"
    # The registry's estimate (core/local_registry.py: 13B bf16 weights + activations), was a hand-typed 20 GB.
    assert "needs about 30 GB" in local_cannot_run("ltxv-13b-0.9.7-distilled", 12)
    assert local_cannot_run("ltxv-2b-0.9.8-distilled", 12) is None
    reason = local_cannot_run("ltxv-2b-0.9.8-distilled", 0)
    offer = offer_cloud(_local("ltxv-2b-0.9.8-distilled"), reason)
    assert offer.backend == "fal" and offer.describe().endswith("this machine has no supported GPU.")


def test_a_model_no_service_hosts_moves_to_the_same_family():
    offer = offer_cloud(_local("ltxv-13b-0.9.7-dev", steps=30), OOM, has_key=lambda b: b == "replicate")
    model = offer.request.settings.model_id
    assert model != "ltxv-13b-0.9.7-dev" and offer.request.model_info().family == "ltx-video"
    assert offer.request.settings.steps == offer.request.model_info().default_steps  # default steps follow
    nearest = offer_cloud(_local("ltxv-2b-0.9.8-distilled"), OOM).request  # fal serves no 2B 0.9.8:
    assert nearest.settings.model_id == "ltxv-13b-0.9.8-distilled"  # the closest one it serves, 13B 0.9.8 distilled


def test_mode_and_loras_are_respected():
    image = Condition(kind="image", path="/m/a.png")
    keyframes = offer_cloud(_local(mode=M.KEYFRAMES, conditions=[image]), OOM, setting="replicate")
    assert keyframes.backend == "fal" and keyframes.request.mode is M.KEYFRAMES  # only fal does keyframes
    with_lora = _local("ltxv-2b-0.9.5", steps=30, loras=[LoraSpec(path="/l/style.safetensors")])
    moved, _ = cloud_fallback(with_lora, preferred="replicate")
    assert moved.backend == "fal" and moved.settings.loras  # only fal's 13B family takes LoRAs
    video = Condition(kind="video", path="/m/c.mp4")
    v2v = offer_cloud(_local(mode=M.VIDEO_TO_VIDEO, conditions=[video]), OOM)
    assert v2v.request.settings.model_id == "ltx-2-19b" and v2v.backend == "fal"  # only LTX-2 19B on fal does it
