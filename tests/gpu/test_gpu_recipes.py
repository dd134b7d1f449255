"""Recipes on a CUDA GPU (skipped without one): the LTX-2 two-stage recipe with audio, the LTX-Video
distilled recipe, and First Block Cache under the Draft preset, all deterministic on the device."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tests.fakes.model_fixtures import tiny_request  # noqa: E402
from tests.fakes.video_probe import probe, read_frames  # noqa: E402

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")]


def test_ltx2_two_stage_recipe_on_cuda(provider, generate, tiny_ltx2_dir, tmp_path):
    request = tiny_request(tiny_ltx2_dir, model_id="ltx-2-19b-distilled", upscale=True, steps=8, seed=3,
                           width_override=64, height_override=64)
    a, b = generate(provider, request, tmp_path / "a"), generate(provider, request, tmp_path / "b")
    assert provider.loaded.base.transformer.device.type == "cuda"
    p = probe(a.video_path)
    assert (p.width, p.height, p.audio_codec) == (64, 64, "aac")
    assert np.array_equal(read_frames(a.video_path), read_frames(b.video_path))


def test_ltxv_distilled_recipe_and_draft_on_cuda(provider, generate, tiny_ltx_dir, tmp_path):
    standard = generate(provider, tiny_request(tiny_ltx_dir, model_id="ltxv-13b-0.9.8-distilled", steps=8),
                        tmp_path / "s")
    draft = generate(provider, tiny_request(tiny_ltx_dir, model_id="ltxv-13b-0.9.8-distilled", steps=8,
                                            preset="draft"), tmp_path / "d")
    assert probe(standard.video_path).frames == probe(draft.video_path).frames == 9
    # The tiny transformer has one block: First Block Cache cannot apply, and the run says so.
    assert any("First Block Cache" in n for n in draft.notes)
    assert not provider.loaded.base.transformer.is_cache_enabled  # turned off after the run either way
