"""Conditions land on the planned pixel frames for LTX-2 (latent index j >= 1 starts at pixel (j - 1) * 8 + 1):
extensions join with 0 frames of gap or repeat, and the pipeline's own conditioning (keyframe coordinates and
mask) puts each condition where our call says."""
import asyncio

import numpy as np
import pytest
from PIL import Image

from ltx_editor.core.extension import ltx2_pin_at_or_after, plan_extension
from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from ltx_editor.generation.local.modes import landed_frame, latent_index
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken, Condition
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request

M_FRAMES = 200


def _project(start: int = 300) -> Project:
    take = Take(id="t", path="a.mp4", frame_count=M_FRAMES)
    clip = Clip(id="c", asset_id="a", take_id="t", start=start, in_frame=0, out_frame=M_FRAMES)
    return Project(assets=[Asset(id="a", kind="video", takes=[take], active_take_id="t")],
                   tracks=[Track(id="v", kind="video", clips=[clip])])


@pytest.mark.parametrize("family", ["ltx-video", "ltx-2"])
@pytest.mark.parametrize("cond", [9, 17])
def test_every_extension_joins_with_no_gap_or_repeat(family, cond):
    project = _project()
    fps = project.settings.fps
    for new in range(1, 60):
        for part in plan_extension(project, "c", "both", new / fps, condition_frames=cond, family=family,
                                   max_frames=481).parts:
            assert part.new_frames == new and (part.num_frames - 1) % 8 == 0
            assert part.out_frame - part.in_frame == new <= part.num_frames
            start = part.condition_index
            if part.direction == "forward":
                assert start == 0 and part.in_frame == part.condition_frames  # right after the clip's last frame
            else:
                assert part.out_frame == start  # the new frames end right before the clip's first frame
                assert start + part.condition_frames <= part.num_frames
            if family == "ltx-2":  # the pipeline can pin the condition exactly there
                assert landed_frame(latent_index(start, 8, part.num_frames), 8) == start, (new, part)


def test_ltx2_pins():
    assert [ltx2_pin_at_or_after(d) for d in (1, 2, 8, 9, 10, 24, 25)] == [1, 9, 9, 9, 17, 25, 25]
    assert [landed_frame(j, 8) for j in range(5)] == [0, 1, 9, 17, 25]


def test_the_ltx2_pipeline_builds_its_conditioning_on_the_planned_frames(tiny_ltx2_dir, tmp_path):
    """Run the real LTX2ConditionPipeline (tiny weights) and read the keyframe coordinates and mask it builds:
    a first-frame image fills latent 0 (mask 1), a keyframe planned on a pinnable frame starts exactly there."""
    Image.new("RGB", (32, 32), (250, 0, 0)).save(tmp_path / "a.png")
    Image.new("RGB", (32, 32), (0, 0, 250)).save(tmp_path / "b.png")
    provider = LocalLTXProvider(max_sequence_length=16)
    seen = {}
    try:
        pipe = asyncio.run(_load(provider, tiny_ltx2_dir, tmp_path)).pipes["cond"]
        ratio = pipe.vae_temporal_compression_ratio  # 2 for the tiny VAE, 8 for the real ones
        planned = landed_frame(3, ratio)  # a frame the model can pin: latent 3
        real = pipe.prepare_latents

        def spy(*args, **kwargs):
            out = real(*args, **kwargs)
            seen["mask"], seen["coords"], seen["fps"] = out[1], out[3], kwargs["frame_rate"]
            return out

        pipe.prepare_latents = spy
        conds = [Condition(kind="image", path=str(tmp_path / "a.png")),
                 Condition(kind="image", path=str(tmp_path / "b.png"), frame_index=planned)]
        request = tiny_request(tiny_ltx2_dir, mode=_keyframes(), conditions=conds, num_frames_override=9)
        result = asyncio.run(provider.generate(request, tmp_path, lambda e: None, CancelToken()))
    finally:
        asyncio.run(provider.close())
    mask, coords = seen["mask"][0, :, 0], seen["coords"]
    tokens_per_latent = (32 // pipe.vae_spatial_compression_ratio) ** 2
    assert np.allclose(mask[:tokens_per_latent].numpy(), 1.0)  # frame 0: first latent fully conditioned
    assert float(coords[0, 0, :, 0].min() * seen["fps"]) == pytest.approx(planned)  # the keyframe's first frame
    assert not any("lands on frame" in n for n in result.notes)  # planned on a pinnable frame: nothing snapped


def test_an_unpinnable_frame_is_snapped_and_said(tiny_ltx2_dir, tmp_path):
    Image.new("RGB", (32, 32), (250, 0, 0)).save(tmp_path / "a.png")
    provider = LocalLTXProvider(max_sequence_length=16)
    try:
        request = tiny_request(tiny_ltx2_dir, mode=_keyframes(), num_frames_override=17, conditions=[
            Condition(kind="image", path=str(tmp_path / "a.png")),
            Condition(kind="image", path=str(tmp_path / "a.png"), frame_index=4)])
        result = asyncio.run(provider.generate(request, tmp_path, lambda e: None, CancelToken()))
    finally:
        asyncio.run(provider.close())
    ratio = 2  # the tiny VAE's temporal ratio: it pins frames 0, 1, 3, 5, ...
    assert landed_frame(latent_index(4, ratio), ratio) in (3, 5)
    assert any("planned at frame 4 lands on frame" in n for n in result.notes)


async def _load(provider, folder, tmp_path):
    await provider.generate(tiny_request(folder), tmp_path, lambda e: None, CancelToken())
    return provider.loaded


def _keyframes():
    from ltx_editor.core.settings import GenerationMode

    return GenerationMode.KEYFRAMES


def test_ltx2_keyframe_plan_reports_where_each_keyframe_lands():
    from ltx_editor.core.keyframe_plan import ModelLimits, pinned, plan_keyframes
    from ltx_editor.core.project import Keyframe

    keys = [Keyframe(id=f"k{f}", frame=f, image="x.png") for f in (0, 16, 32)]
    plan = plan_keyframes(keys, ModelLimits(family="ltx-2"))
    (seg,) = plan.segments
    # One more latent so the last keyframe can be pinned (8k is never pinnable): 41 frames, not 33.
    assert seg.num_frames == 41 and [c.index for c in seg.conditions] == [0, 16, 32]
    assert {lnd.keyframe_id: lnd.landed for lnd in plan.landings} == {"k0": 0, "k16": 17, "k32": 33}
    assert seg.timeline_end == 34 and plan.gaps_and_overlaps() == (0, 0)  # the clip ends on the last keyframe
    # What the plan reports is what the call does: modes.latent_index snaps the same way.
    for index in (8, 16, 32, 40):
        assert pinned(index, 41, "ltx-2") == landed_frame(latent_index(index, 8, 41), 8)
    ltxv = plan_keyframes(keys, ModelLimits())  # LTX-Video pins multiples of 8 exactly
    assert [lnd.landed for lnd in ltxv.landings] == [0, 16, 32] and ltxv.segments[0].num_frames == 33
