"""Single-file checkpoints and hub sources, through the real huggingface_hub client against a loopback hub:
a Lightricks-style single file loads with its config repo, whose own transformer weights are never fetched
(nothing twice, about 1x the file's bytes); wrong family, missing config repo and offline ids fail clearly."""
import asyncio
from pathlib import Path

import numpy as np
import pytest

from ltx_editor.core.catalog import CATALOG
from ltx_editor.generation.errors import BackendUnavailable, InvalidRequest
from ltx_editor.generation.local.loader import single_file_family
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.local.source import ModelSource, parse_source, resolve
from ltx_editor.generation.request import CancelToken
from tests.fakes.hf_hub_server import FakeHub
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import read_frames

WEIGHTS = "transformer/diffusion_pytorch_model.safetensors"


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".")}


def _generate(provider, request, out):
    return asyncio.run(provider.generate(request, out, lambda e: None, CancelToken()))


@pytest.fixture
def hub(tiny_ltx_dir, tiny_ltx2_dir, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)  # conftest: offline; this hub is loopback
    with FakeHub() as server:
        server.add_repo("Lightricks/tiny-ltxv", _files(tiny_ltx_dir))  # the config repo (diffusers folders)
        server.add_repo("Lightricks/tiny-files", {
            "tiny-ltxv-distilled.safetensors": (tiny_ltx_dir / WEIGHTS).read_bytes(),
            "tiny-ltx2.safetensors": (tiny_ltx2_dir / WEIGHTS).read_bytes()})
        yield server


def test_registry_entries_name_a_repo_or_a_file_and_cite_it():
    for m in CATALOG.values():
        if not m.hub_id:
            continue
        local = m.local
        parsed = parse_source(m.hub_id)
        assert parsed.kind == ("hub_file" if local.layout == "single_file" else "hub"), m.id
        assert local.weights.source and (local.layout == "diffusers" or local.config_repo), m.id
        assert set(local.vram_table()) == {"bf16", "fp8"} and local.vram_gb("fp8") < local.vram_gb("bf16")
    assert not CATALOG["ltxv-2b-0.9.8-distilled"].local.verified  # not seen on any page: marked, not hidden
    assert CATALOG["ltxv-13b-0.9.8-distilled"].local.alternatives[0].gb == 28.6


def test_hub_single_file_loads_with_its_config_repo_and_nothing_twice(hub, tiny_ltx_dir, tmp_path):
    ref = "Lightricks/tiny-files/tiny-ltxv-distilled.safetensors"
    file_bytes = len((tiny_ltx_dir / WEIGHTS).read_bytes())
    provider = LocalLTXProvider(cache_dir=tmp_path / "cache", hub_endpoint=hub.base_url, max_sequence_length=16,
                                single_file_config="Lightricks/tiny-ltxv")
    try:
        first = _generate(provider, tiny_request(tiny_ltx_dir, model_path=ref), tmp_path / "a")
        assert provider.loaded.resolved.source.kind == "hub_file"
        # The config repo's transformer weights were never fetched: the file brought the transformer.
        config_dir = next((tmp_path / "cache").glob("models--Lightricks--tiny-ltxv/snapshots/*"))
        assert not (config_dir / WEIGHTS).exists() and (config_dir / "transformer" / "config.json").exists()
        assert hub.served_bytes("Lightricks/tiny-files") == file_bytes
        served = hub.served_bytes()
        again = _generate(provider, tiny_request(tiny_ltx_dir, model_path=ref, seed=8), tmp_path / "b")
        assert again.video_path.exists() and hub.served_bytes() == served  # cached: nothing downloaded twice
    finally:
        asyncio.run(provider.close())
    from_folder = LocalLTXProvider(max_sequence_length=16)
    try:
        folder = _generate(from_folder, tiny_request(tiny_ltx_dir), tmp_path / "c")
    finally:
        asyncio.run(from_folder.close())
    assert np.array_equal(read_frames(first.video_path), read_frames(folder.video_path))


def test_a_single_file_of_the_wrong_family_is_refused_before_loading(hub, tiny_ltx_dir, tiny_ltx2_dir, tmp_path):
    assert single_file_family(tiny_ltx2_dir / WEIGHTS) == "ltx-2"
    assert single_file_family(tiny_ltx_dir / WEIGHTS) == "ltx-video"
    provider = LocalLTXProvider(cache_dir=tmp_path / "cache", hub_endpoint=hub.base_url, max_sequence_length=16,
                                single_file_config="Lightricks/tiny-ltxv")
    try:
        with pytest.raises(InvalidRequest, match="is an LTX-2 checkpoint, but LTXV 2B Distilled is an LTX-Video"):
            _generate(provider, tiny_request(tiny_ltx_dir, model_path=str(tiny_ltx2_dir / WEIGHTS)), tmp_path)
        assert hub.served_bytes("Lightricks/tiny-ltxv") == 0  # refused before the config repo was fetched
    finally:
        asyncio.run(provider.close())


def test_missing_config_repo_and_offline_ids_say_what_to_do(hub, tiny_ltx_dir, tmp_path):
    provider = LocalLTXProvider(cache_dir=tmp_path / "cache", offline=True, max_sequence_length=16,
                                single_file_config="Lightricks/no-such-config")
    try:
        with pytest.raises(BackendUnavailable, match="no-such-config is not downloaded yet"):
            _generate(provider, tiny_request(tiny_ltx_dir, model_path=str(tiny_ltx_dir / WEIGHTS)), tmp_path)
    finally:
        asyncio.run(provider.close())
    with pytest.raises(BackendUnavailable, match="cannot be checked or fetched") as info:
        resolve(ModelSource("hub_file", "Lightricks/LTX-2", filename="ltx-2-19b-distilled.safetensors"),
                cache_dir=tmp_path / "empty", offline=True)
    assert "local folder" in info.value.hint
    with pytest.raises(InvalidRequest, match="not in Lightricks/tiny-files"):
        resolve(ModelSource("hub_file", "Lightricks/tiny-files", filename="nope.safetensors"),
                cache_dir=tmp_path / "cache2", endpoint=hub.base_url)
