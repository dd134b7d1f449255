"""Workflow requests (modes, conditions, frame counts) and landings (positions, takes, undo) without a model."""
from __future__ import annotations

from pathlib import Path

import pytest

from ltx_editor.core import storyboard as sb
from ltx_editor.core import timeline as tl
from ltx_editor.core.extension import plan_extension
from ltx_editor.core.keyframe_plan import ModelLimits, plan_keyframes
from ltx_editor.core.project import Asset, Clip, Keyframe, Project, Take, Track
from ltx_editor.core.settings import GenerationMode, GenerationSettings
from ltx_editor.generation import landing
from ltx_editor.generation.request import GenerationResult
from ltx_editor.generation.workflows import (
    PLACEHOLDER_TAIL,
    Recipe,
    WorkflowError,
    estimate_requests,
    extension_request,
    plan_requests,
    segment_request,
    shot_request,
)

M = GenerationMode
PROJECT_PATH = Path("/projects/demo.ltxproj")
RECIPE = Recipe(settings=GenerationSettings(model_id="ltxv-2b-0.9.8-distilled", width_override=32,
                                            height_override=32, steps=2), prompt="a garden")


def _keyframes(*frames: int) -> list[Keyframe]:
    return [Keyframe(id=f"kf{i}", frame=f, image=f"kf/{i}.png", prompt=f"p{i}") for i, f in enumerate(frames)]


def _result(frames: int, name: str = "out.mp4") -> GenerationResult:
    return GenerationResult(video_path=Path("/projects/demo_media") / name, num_frames=frames, fps=24.0,
                            width=32, height=32, seed=1, backend="local", model_id="ltxv-2b-0.9.8-distilled",
                            prompt="x")


def _video_project(start: int = 48, frames: int = 49) -> Project:
    take = Take(id="take_a", path="demo_media/a.mp4", frame_count=frames, width=64, height=64)
    asset = Asset(id="asset_a", kind="generated", takes=[take], active_take_id="take_a")
    clip = Clip(id="clip_a", asset_id="asset_a", take_id="take_a", start=start, out_frame=frames)
    after = Clip(id="clip_b", asset_id="asset_a", take_id="take_a", start=start + frames, out_frame=10)
    return Project(assets=[asset], tracks=[Track(id="v1", kind="video", clips=[clip, after])])


# --- keyframe segments ---------------------------------------------------------------------------------
def test_single_generation_span_has_every_keyframe_as_a_condition():
    project = Project(keyframes=_keyframes(0, 30, 60, 96))
    plan = plan_keyframes(project.keyframes)
    (req,) = plan_requests(plan, project, PROJECT_PATH, RECIPE)
    assert req.mode is M.KEYFRAMES and req.settings.num_frames == 97
    assert [(c.kind, c.frame_index) for c in req.conditions] == [("image", 0), ("image", 32), ("image", 64),
                                                                  ("image", 96)]
    assert req.conditions[1].path == "/projects/kf/1.png"  # project-relative images resolved
    assert req.prompt.startswith("p0") and req.settings.fps == 24.0


def test_chained_segments_condition_on_the_previous_tail():
    project = Project(keyframes=_keyframes(0, 160, 320, 479))
    plan = plan_keyframes(project.keyframes, ModelLimits(max_frames=257), prompt="a garden")
    assert len(plan.segments) > 1
    reqs = plan_requests(plan, project, PROJECT_PATH, RECIPE)
    assert all((r.settings.num_frames - 1) % 8 == 0 and r.settings.num_frames <= 257 for r in reqs)
    assert not any(c.kind == "video" for c in reqs[0].conditions)
    for seg, req in zip(plan.segments[1:], reqs[1:], strict=True):
        video = [c for c in req.conditions if c.kind == "video"]
        assert len(video) == 1 and video[0].frame_index == 0 and video[0].num_frames == seg.overlap_frames
        assert video[0].path == PLACEHOLDER_TAIL
    real = segment_request(plan, 1, project, PROJECT_PATH, RECIPE, previous_tail="/tmp/tail.mp4")
    assert real.conditions[0].path == "/tmp/tail.mp4"
    assert reqs[1].label.startswith(f"Keyframes 2/{len(plan.segments)}")


def test_a_segment_without_keyframes_is_an_extension():
    project = Project(keyframes=_keyframes(0, 600))
    plan = plan_keyframes(project.keyframes, ModelLimits(max_frames=257))
    modes = [r.mode for r in plan_requests(plan, project, PROJECT_PATH, RECIPE)]
    assert M.EXTEND_FORWARD in modes and modes[0] is M.KEYFRAMES and modes[-1] is M.KEYFRAMES


def test_land_span_places_segments_back_to_back_on_a_free_track():
    project = Project(keyframes=_keyframes(10, 170, 330, 489), tracks=[Track(id="v1", kind="video")],
                      assets=[Asset(id="x", kind="video", takes=[Take(id="tx", path="x.mp4", frame_count=900)],
                                    active_take_id="tx")])
    tl.insert_clip(project, "v1", "x", 100, out_frame=50)  # occupied: the span goes on a new track
    plan = plan_keyframes(project.keyframes, ModelLimits(max_frames=257))
    takes = []
    for seg in plan.segments:
        asset, take = landing.add_result(project, PROJECT_PATH, _result(seg.num_frames), "seg")
        takes.append((asset.id, take.id, seg.num_frames))
    tracks_before = len(project.tracks)
    ids_before = {t.id for t in project.tracks}
    edit = landing.land_span(project, plan, takes)
    (track,) = [t for t in project.tracks if t.id not in ids_before]  # new video tracks go on top
    assert track.name == "Keyframes"
    clips = track.clips
    assert clips[0].start == 10 and clips[-1].end == 490
    assert all(a.end == b.start for a, b in zip(clips, clips[1:], strict=False))
    assert [c.out_frame - c.in_frame for c in clips] == [s.timeline_end - s.timeline_start for s in plan.segments]
    edit.undo(project)
    assert len(project.tracks) == tracks_before and len(project.assets) == 1 + len(plan.segments)


# --- extension -------------------------------------------------------------------------------------------
def test_extension_request_and_landing_forward_ripple():
    project = _video_project()
    (part,) = plan_extension(project, "clip_a", "forward", 1.0, condition_frames=9).parts
    req = extension_request(part, project, RECIPE, Path("/tmp/cond.mp4"), prompt="more garden")
    assert req.mode is M.EXTEND_FORWARD and req.settings.num_frames == 33
    assert (req.settings.width, req.settings.height) == (64, 64)  # the source's size
    (cond,) = req.conditions
    assert (cond.kind, cond.frame_index, cond.num_frames) == ("video", 0, 9)
    asset, take = landing.add_result(project, PROJECT_PATH, _result(33), "ext")
    edit = landing.land_extension(project, part, asset.id, take.id, 33)
    clips = project.track("v1").clips
    assert [(c.id if c.asset_id == "asset_a" else "ext", c.start, c.end) for c in clips] == [
        ("clip_a", 48, 97), ("ext", 97, 121), ("clip_b", 121, 131)]
    assert (clips[1].in_frame, clips[1].out_frame) == (9, 33)
    edit.undo(project)
    assert [c.id for c in project.track("v1").clips] == ["clip_a", "clip_b"]


def test_extension_backward_overwrite_and_ripple():
    project = _video_project()
    (part,) = plan_extension(project, "clip_a", "backward", 1.0, placement="overwrite").parts
    req = extension_request(part, project, RECIPE, Path("/tmp/cond.mp4"))
    assert req.mode is M.EXTEND_BACKWARD and req.conditions[0].frame_index == part.num_frames - 9
    asset, take = landing.add_result(project, PROJECT_PATH, _result(part.num_frames), "ext")
    landing.land_extension(project, part, asset.id, take.id, part.num_frames)
    ext = project.track("v1").clips[0]
    assert (ext.start, ext.end, ext.out_frame) == (24, 48, part.num_frames - 9)
    project = _video_project(start=0)
    (part,) = plan_extension(project, "clip_a", "backward", 1.0, placement="ripple").parts
    landing.land_extension(project, part, "asset_a", "take_a", part.num_frames)
    assert [(c.start, c.end) for c in project.track("v1").clips] == [(0, 24), (24, 73), (73, 83)]


# --- storyboard ------------------------------------------------------------------------------------------
def test_shot_requests_pick_the_mode_from_the_images():
    project = Project()
    a = sb.add_shot(project, "a boat", 2.0).created[0]
    b = sb.add_shot(project, "a dock", 1.0, start_image="s.png").created[0]
    c = sb.add_shot(project, "a bird", 1.0, start_image="s.png", end_image="e.png").created[0]
    ra, rb, rc = (shot_request(sb.shot(project, x), project, PROJECT_PATH, RECIPE) for x in (a, b, c))
    assert (ra.mode, ra.settings.num_frames, ra.conditions) == (M.TEXT_TO_VIDEO, 49, [])
    assert rb.mode is M.IMAGE_TO_VIDEO and rb.conditions[0].frame_index == 0
    assert rc.mode is M.KEYFRAMES and [x.frame_index for x in rc.conditions] == [0, 24]
    sb.update_shot(project, a, enhanced_prompt="a small red boat drifts on a calm lake at dawn")
    ra = shot_request(sb.shot(project, a), project, PROJECT_PATH, RECIPE)
    assert ra.prompt.startswith("a small red boat") and ra.settings.enhance_prompt is False
    sb.update_shot(project, a, duration_s=30.0)
    with pytest.raises(WorkflowError, match="at most 257"):
        shot_request(sb.shot(project, a), project, PROJECT_PATH, RECIPE)


def test_shots_land_in_storyboard_order_and_regenerating_switches_the_take():
    project = Project(tracks=[Track(id="v1", kind="video")])
    ids = [sb.add_shot(project, f"shot {i}", 1.0).created[0] for i in range(3)]
    assets = {}
    for sid in (ids[2], ids[0], ids[1]):  # finishing out of order
        asset, take = landing.add_result(project, PROJECT_PATH, _result(25, f"{sid}.mp4"), sid)
        sb.set_shot_result(project, sid, status="done", asset_id=asset.id)
        assets[sid] = asset.id
        landing.land_shot(project, sid, asset.id, take.id)
    track = next(t for t in project.tracks if t.name == "Storyboard")
    assert [c.asset_id for c in track.clips] == [assets[s] for s in ids]
    assert [(c.start, c.end) for c in track.clips] == [(0, 25), (25, 50), (50, 75)]
    first = sb.shot(project, ids[0])
    old_take = project.asset(first.asset_id).active_take_id
    asset, take = landing.add_result(project, PROJECT_PATH, _result(25, "again.mp4"), "x", first.asset_id)
    assert asset.id == first.asset_id and len(asset.takes) == 2
    edit = landing.land_shot(project, ids[0], asset.id, take.id)
    shown = next(c for t in project.tracks for c in t.clips if c.asset_id == asset.id)
    assert shown.take_id == take.id and edit.label == "Switch take"
    edit.undo(project)
    shown = next(c for t in project.tracks for c in t.clips if c.asset_id == asset.id)
    assert shown.take_id == old_take and len(project.asset(asset.id).takes) == 2  # no take lost


# --- cost ------------------------------------------------------------------------------------------------
def test_batch_estimate_sums_cloud_prices_and_local_is_free():
    project = Project()
    ids = [sb.add_shot(project, f"shot {i}", 2.0).created[0] for i in range(3)]
    local = [shot_request(sb.shot(project, i), project, PROJECT_PATH, RECIPE) for i in ids]
    assert estimate_requests(local).usd == 0.0 and "free" in estimate_requests(local).text
    fal = Recipe(backend="fal", settings=GenerationSettings(model_id="ltxv-13b-0.9.8-distilled"))  # fal has no 2B
    reqs = [shot_request(sb.shot(project, i), project, PROJECT_PATH, fal) for i in ids]
    est = estimate_requests(reqs)
    assert est.count == 3 and est.unknown == 0
    assert est.usd == pytest.approx(3 * 0.02 * 49 / 24, rel=0.05)


# --- the same requests on fal -------------------------------------------------------------------------------
def test_workflow_requests_map_onto_fal_endpoints():
    from ltx_editor.generation.cloud.fal_fields import build_fal_call

    fal = Recipe(backend="fal", settings=GenerationSettings(model_id="ltxv-13b-0.9.8-distilled", seed=5))
    project = Project(keyframes=_keyframes(0, 160, 320, 479))
    plan = plan_keyframes(project.keyframes, ModelLimits.for_model("ltxv-13b-0.9.8-distilled"))
    chained = segment_request(plan, 1, project, PROJECT_PATH, fal, previous_tail="/tmp/tail.mp4")
    call = build_fal_call(chained)
    assert call.endpoint.endswith("/multiconditioning")
    assert call.arguments["videos"][0]["start_frame_num"] == 0
    assert [i["start_frame_num"] for i in call.arguments["images"]] == [
        c.frame_index for c in chained.conditions if c.kind == "image"]
    shot_project = Project()
    sid = sb.add_shot(shot_project, "a bird", 2.0, start_image="s.png", end_image="e.png").created[0]
    call = build_fal_call(shot_request(sb.shot(shot_project, sid), shot_project, PROJECT_PATH, fal))
    assert [i["start_frame_num"] for i in call.arguments["images"]] == [0, 48]  # first and last frame
    project = _video_project()
    (part,) = plan_extension(project, "clip_a", "forward", 1.0).parts
    call = build_fal_call(extension_request(part, project, fal, Path("/tmp/cond.mp4")))
    assert call.endpoint.endswith("/extend") and call.arguments["video"]["max_num_frames"] == 9
