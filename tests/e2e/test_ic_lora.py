"""IC-LoRA end to end on the tiny LTX-2 (real LTX2InContextPipeline): a Canny map computed with OpenCV and cached
beside its clip is the reference, a tiny LoRA this test makes is the in-context LoRA; both change the output, the
sidecar records the reference, LTX-Video models refuse in words. Every control (canny, depth from a tiny random
Depth Anything, poses from a tiny random RT-DETR + ViTPose, motion tracks, the detailer's clip itself) runs through
the local IC path, cut to a range."""
from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest

from ltx_editor.core.ic_plan import plan_ic
from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from ltx_editor.core.settings import GenerationMode, LoraSpec
from ltx_editor.generation.control_depth import depth_map
from ltx_editor.generation.control_maps import canny_map, canny_path, reference_video
from ltx_editor.generation.control_pose import pose_map
from ltx_editor.generation.ic_reference import reference_range
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken, Condition
from tests.fakes.media_factory import sample_video
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import TINY_LTX_MODEL_ID, tiny_request
from tests.fakes.tiny_depth import build_tiny_depth
from tests.fakes.tiny_models import build_tiny_lora
from tests.fakes.tiny_pose import build_tiny_pose
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


@pytest.fixture(scope="module")
def source_and_lora(tiny_ltx2_dir, tmp_path_factory):
    where = tmp_path_factory.mktemp("ic")
    src = sample_video(where / "media" / "shot.mp4", frames=33, size=(32, 32), audio=False)
    lora = build_tiny_lora(tiny_ltx2_dir, where / "ic.safetensors", seed=4)
    models = {"depth": str(build_tiny_depth(where / "tiny-depth-anything"))}
    models["pose"], models["detector"] = map(str, build_tiny_pose(where / "pose"))
    # made here, in this process (the editor runs the same in a child process: test_ic_control_maps)
    depth_map(src, models["depth"])
    pose_map(src, models["pose"], models["detector"])
    return src, lora, models


@pytest.mark.parametrize("control", ["canny", "depth", "pose", "motion", "detailer"])
def test_each_control_conditions_the_local_ic_path_over_a_range(control, tiny_ltx2_dir, tmp_path, provider,
                                                                 source_and_lora):
    src, lora_file, models = source_and_lora
    take = Take(id="t", path=str(src), frame_count=33, fps=24.0, width=32, height=32)
    project = Project(tracks=[Track(id="v1", kind="video", clips=[Clip(id="c", asset_id="a", take_id="t", start=0,
                                                                       in_frame=0, out_frame=33)])],
                      assets=[Asset(id="a", name="shot", kind="generated", active_take_id="t", takes=[take])])
    plan = plan_ic(project, "c", 16, 25)  # a range: media frames 16-24
    whole = reference_video(src, control, models)
    reference = reference_range(plan, whole, tmp_path / "conditions")
    cut, full = read_frames(reference).astype(int), read_frames(whole).astype(int)
    assert cut.shape[0] == 9  # the range's frames of the clip's map (re-encoded: near, not equal)
    assert np.abs(cut[0] - full[16]).mean() < 4 and np.abs(cut[8] - full[24]).mean() < 4
    lora = LoraSpec(path=str(lora_file))
    cond = [Condition(kind="reference", path=str(reference))]
    result, got = _frames(provider, tiny_request(tiny_ltx2_dir, conditions=cond, loras=[lora]), tmp_path / "o")
    _, plain = _frames(provider, tiny_request(tiny_ltx2_dir, loras=[lora]), tmp_path / "o")
    assert got.shape == (9, 32, 32, 3) and not np.array_equal(got, plain)  # the reference changes the output
    recipe = json.loads(result.sidecar_path.read_text())
    assert recipe["request"]["conditions"][0]["path"] == str(reference)
    assert recipe["model"]["recipe"]["pipeline"] == "LTX2InContextPipeline"
