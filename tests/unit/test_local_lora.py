"""LoRAs on the local provider: real peft-format LoRAs made for the tiny transformer; pickles refused."""
import asyncio
import json
import pickle

import numpy as np
import pytest

from ltx_editor.core.settings import LoraSpec
from ltx_editor.generation.errors import InvalidRequest
from ltx_editor.generation.hashing import file_sha256
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.lora import check_lora_file, resolve_loras
from ltx_editor.generation.request import CancelToken
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.tiny_models import build_tiny_lora
from tests.fakes.video_probe import read_frames


def frames(provider, request, out_dir):
    result = asyncio.run(provider.generate(request, out_dir, lambda e: None, CancelToken()))
    return read_frames(result.video_path), result


@pytest.fixture(scope="module")
def provider():
    p = LocalLTXProvider(max_sequence_length=16)
    yield p
    asyncio.run(p.close())


@pytest.fixture(scope="module")
def loras(tiny_ltx_dir, tmp_path_factory):
    d = tmp_path_factory.mktemp("loras")
    return build_tiny_lora(tiny_ltx_dir, d / "style_a.safetensors", seed=1), \
        build_tiny_lora(tiny_ltx_dir, d / "style_b.safetensors", seed=2)


def _adapters(provider):
    return provider.loaded.pipes["t2v"].get_list_adapters().get("transformer", [])


def test_lora_loads_changes_output_and_is_recorded(provider, tiny_ltx_dir, loras, tmp_path):
    base, _ = frames(provider, tiny_request(tiny_ltx_dir), tmp_path)
    styled, result = frames(provider, tiny_request(tiny_ltx_dir, loras=[LoraSpec(path=str(loras[0]))]), tmp_path)
    assert not np.array_equal(base, styled)
    digest = file_sha256(loras[0])
    assert _adapters(provider) == [f"lora_{digest[:16]}"]
    recipe = json.loads(result.sidecar_path.read_text())
    assert recipe["loras"][0]["sha256"] == digest and recipe["loras"][0]["name"] == "style_a"
    # The adapter is on the shared transformer, so every mode's pipeline sees it.
    assert provider.loaded.pipes["cond"].get_list_adapters() == provider.loaded.pipes["t2v"].get_list_adapters()


def test_several_loras_with_scales_then_unloaded(provider, tiny_ltx_dir, loras, tmp_path):
    base, _ = frames(provider, tiny_request(tiny_ltx_dir), tmp_path)
    both = [LoraSpec(path=str(loras[0]), scale=0.8), LoraSpec(path=str(loras[1]), scale=-0.5)]
    mixed, _ = frames(provider, tiny_request(tiny_ltx_dir, loras=both), tmp_path)
    assert len(_adapters(provider)) == 2 and not np.array_equal(mixed, base)
    muted = [LoraSpec(path=str(loras[0]), scale=0.0), LoraSpec(path=str(loras[1]), scale=0.0)]
    silent, _ = frames(provider, tiny_request(tiny_ltx_dir, loras=muted), tmp_path)
    assert np.array_equal(silent, base)  # scale 0 means no effect: the scales really reach the adapters
    plain, _ = frames(provider, tiny_request(tiny_ltx_dir), tmp_path)
    assert _adapters(provider) == [] and np.array_equal(plain, base)  # unloaded when no longer asked for


def test_pickle_lora_is_refused_before_loading_anything(tiny_ltx_dir, tmp_path):
    pt = tmp_path / "style.pt"
    pt.write_bytes(pickle.dumps({"weights": [1, 2, 3]}))
    fresh = LocalLTXProvider(max_sequence_length=16)
    try:
        for bad in (pt, tmp_path / "style.ckpt", tmp_path / "style.bin", tmp_path / "style.pth"):
            with pytest.raises(InvalidRequest, match="pickles can run code"):
                asyncio.run(fresh.generate(tiny_request(tiny_ltx_dir, loras=[LoraSpec(path=str(bad))]), tmp_path,
                                           lambda e: None, CancelToken()))
        assert fresh.loaded is None
    finally:
        asyncio.run(fresh.close())


def test_renamed_pickle_and_missing_file_are_refused(tmp_path):
    disguised = tmp_path / "style.safetensors"
    disguised.write_bytes(pickle.dumps({"weights": list(range(100))}))
    with pytest.raises(InvalidRequest, match="not a valid safetensors"):
        check_lora_file(disguised)
    with pytest.raises(InvalidRequest, match="does not exist"):
        check_lora_file(tmp_path / "gone.safetensors")


def test_changed_lora_file_is_refused_when_replaying(loras):
    spec = resolve_loras([LoraSpec(path=str(loras[0]))])[0]
    with pytest.raises(InvalidRequest, match="changed"):
        resolve_loras([spec.model_copy(update={"sha256": "0" * 64})])
    with pytest.raises(InvalidRequest, match="twice"):
        resolve_loras([LoraSpec(path=str(loras[0])), LoraSpec(path=str(loras[0]), scale=0.5)])


def test_lora_for_another_family_is_refused(tiny_ltx_dir, tiny_ltx2_dir, tmp_path):
    foreign = build_tiny_lora(tiny_ltx2_dir, tmp_path / "ltx2_style.safetensors")
    provider = LocalLTXProvider(max_sequence_length=16)
    try:
        with pytest.raises(InvalidRequest, match="does not fit"):
            frames(provider, tiny_request(tiny_ltx_dir, loras=[LoraSpec(path=str(foreign))]), tmp_path)
    finally:
        asyncio.run(provider.close())
