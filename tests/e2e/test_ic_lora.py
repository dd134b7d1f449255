"""IC-LoRA end to end on the tiny LTX-2 (real LTX2InContextPipeline): a Canny map computed with OpenCV and cached
beside its clip is the reference, a tiny LoRA this test makes is the in-context LoRA; both change the output, the
sidecar records the reference, LTX-Video models refuse in words."""
from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest

from ltx_editor.core.settings import GenerationMode, LoraSpec
from ltx_editor.generation.control_maps import canny_map, canny_path
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken, Condition
from tests.fakes.media_factory import sample_video
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import TINY_LTX_MODEL_ID, tiny_request
from tests.fakes.tiny_models import build_tiny_lora
from tests.fakes.video_probe import read_frames


@pytest.fixture(scope="module")
def provider():
    p = LocalLTXProvider(max_sequence_length=16)
    yield p
    asyncio.run(p.close())


def _frames(provider, request, out):
    result = asyncio.run(provider.generate(request, out, lambda e: None, CancelToken()))
    return result, read_frames(result.video_path)


def test_canny_map_is_computed_with_opencv_and_cached_beside_the_clip(tmp_path):
    import cv2

    src = sample_video(tmp_path / "media" / "shot.mp4", frames=17, size=(64, 48))
    edges = canny_map(src)
    assert edges == canny_path(src) and edges.parent == src.parent  # beside the media
    got, source = read_frames(edges), read_frames(src)
    assert got.shape == source.shape
    expected = cv2.Canny(cv2.cvtColor(source[5], cv2.COLOR_RGB2GRAY), 100, 200)
    assert np.mean(np.abs(got[5, ..., 0].astype(int) - expected.astype(int)) < 64) > 0.9  # the edges, through H.264
    stamp = edges.stat().st_mtime_ns
    assert canny_map(src) == edges and edges.stat().st_mtime_ns == stamp  # reused, not recomputed
    assert canny_map(src, 50, 150) != edges  # other thresholds, another cached map


def test_ic_lora_with_a_canny_reference_changes_the_output(tiny_ltx2_dir, tmp_path, provider):
    src = sample_video(tmp_path / "media" / "shot.mp4", frames=17, size=(32, 32))
    reference = Condition(kind="reference", path=str(canny_map(src)), strength=1.0)
    lora = LoraSpec(path=str(build_tiny_lora(tiny_ltx2_dir, tmp_path / "ic_canny.safetensors", seed=3)))

    with_both, a = _frames(provider, tiny_request(tiny_ltx2_dir, conditions=[reference], loras=[lora]), tmp_path / "o")
    _, no_lora = _frames(provider, tiny_request(tiny_ltx2_dir, conditions=[reference]), tmp_path / "o")
    _, no_reference = _frames(provider, tiny_request(tiny_ltx2_dir, loras=[lora]), tmp_path / "o")
    assert a.shape == no_lora.shape == (9, 32, 32, 3)
    assert not np.array_equal(a, no_lora)  # the IC-LoRA changes the output
    assert not np.array_equal(a, no_reference)  # so does the reference it is conditioned on
    recipe = json.loads(with_both.sidecar_path.read_text())
    assert [c["kind"] for c in recipe["request"]["conditions"]] == ["reference"]
    assert recipe["model"]["recipe"]["pipeline"] == "LTX2InContextPipeline"


def test_references_on_ltx_video_or_in_other_modes_are_refused_in_words(tiny_ltx_dir, tmp_path):
    reference = Condition(kind="reference", path=str(tmp_path / "edges.mp4"))
    with pytest.raises(ValueError, match="IC-LoRA references need an LTX-2 model"):
        tiny_request(tiny_ltx_dir, conditions=[reference], model_id=TINY_LTX_MODEL_ID)
    with pytest.raises(ValueError, match="IC-LoRA references need an LTX-2 model"):
        tiny_request(tiny_ltx_dir, GenerationMode.EXTEND_FORWARD, model_id="ltx-2-19b",
                     conditions=[reference, Condition(kind="video", path=str(tmp_path / "c.mp4"))])
