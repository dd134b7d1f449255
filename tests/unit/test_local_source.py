"""Model sources: hub ids through the HF cache (offline here), local folders, single .safetensors files."""
import asyncio
import shutil

import numpy as np
import pytest

from ltx_editor.generation.errors import BackendUnavailable, InvalidRequest
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.local.source import ModelSource, parse_source, progress_tqdm, resolve
from ltx_editor.generation.request import CancelToken
from ltx_editor.generation.sidecar import regeneration_request
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.video_probe import read_frames

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def generate(provider, request, out_dir):
    return asyncio.run(provider.generate(request, out_dir, lambda e: None, CancelToken()))


@pytest.fixture(scope="module")
def hub_cache(tiny_ltx_dir, tmp_path_factory):
    """An HF cache holding 'tiny/ltx' at COMMIT, laid out the way huggingface_hub writes it."""
    cache = tmp_path_factory.mktemp("hf-cache")
    repo = cache / "models--tiny--ltx"
    shutil.copytree(tiny_ltx_dir, repo / "snapshots" / COMMIT, ignore=shutil.ignore_patterns(".tiny_model.json"))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    return cache


def test_parse_source(tiny_ltx_dir, tmp_path):
    assert parse_source(str(tiny_ltx_dir)) == ModelSource("folder", str(tiny_ltx_dir.resolve()))
    assert parse_source("Lightricks/LTX-Video") == ModelSource("hub", "Lightricks/LTX-Video")
    assert parse_source("Lightricks/LTX-Video@abc") == ModelSource("hub", "Lightricks/LTX-Video", "abc")
    ckpt = tmp_path / "model.safetensors"
    ckpt.write_bytes(b"x")
    assert parse_source(str(ckpt)).kind == "file"
    with pytest.raises(InvalidRequest, match="pickle"):
        parse_source(str(tmp_path / "model.ckpt"))
    with pytest.raises(InvalidRequest, match="neither"):
        parse_source("/no/such/folder")


def test_hub_id_loads_from_the_cache_and_pins_the_revision(hub_cache, tiny_ltx_dir, tmp_path):
    provider = LocalLTXProvider(cache_dir=hub_cache, offline=True, max_sequence_length=16)
    try:
        result = generate(provider, tiny_request(tiny_ltx_dir, model_path="tiny/ltx"), tmp_path)
        assert provider.loaded.resolved.revision == COMMIT
        again = regeneration_request(result.sidecar_path)
        assert again.model_path == f"tiny/ltx@{COMMIT}"
        replay = generate(provider, again, tmp_path / "replay")
        assert np.array_equal(read_frames(result.video_path), read_frames(replay.video_path))
    finally:
        asyncio.run(provider.close())


def test_missing_hub_model_offline_says_what_to_do(hub_cache):
    with pytest.raises(BackendUnavailable, match="not downloaded"):
        resolve(ModelSource("hub", "tiny/absent"), cache_dir=hub_cache, offline=True)


def test_download_progress_is_forwarded():
    seen = []
    bar = progress_tqdm(lambda done, total: seen.append((done, total)), min_interval_s=0)(
        total=1000, unit="B", desc="Reconstructing")
    bar.update(400)
    bar.update(600)
    bar.close()
    assert seen == [(400, 1000), (1000, 1000)]


def test_single_safetensors_checkpoint(tiny_ltx_dir, tmp_path):
    """A transformer checkpoint file + the model's diffusers folder for the rest gives the folder's frames."""
    ckpt = tmp_path / "tiny-transformer.safetensors"
    shutil.copy(tiny_ltx_dir / "transformer" / "diffusion_pytorch_model.safetensors", ckpt)
    provider = LocalLTXProvider(single_file_config=str(tiny_ltx_dir), max_sequence_length=16)
    try:
        from_file = generate(provider, tiny_request(tiny_ltx_dir, model_path=str(ckpt)), tmp_path)
        assert provider.loaded.resolved.source.kind == "file"
        from_folder = generate(provider, tiny_request(tiny_ltx_dir), tmp_path)
        assert np.array_equal(read_frames(from_file.video_path), read_frames(from_folder.video_path))
    finally:
        asyncio.run(provider.close())
