"""Catalog model + mode -> fal.ai endpoint, and our settings -> that endpoint's input fields.

Every mapped call is also checked against the loopback fal's input schema (the parts a mapping mistake would
break), so a wrong field name or an out-of-range value fails here, not on the real service.
"""
from __future__ import annotations

import pytest

from ltx_editor.core.catalog import CATALOG
from ltx_editor.core.settings import GenerationMode as M
from ltx_editor.core.settings import GenerationSettings, LoraSpec
from ltx_editor.generation.cloud.fal_fields import build_fal_call, fal_endpoint, files_to_upload
from ltx_editor.generation.errors import InvalidRequest
from ltx_editor.generation.request import Condition, GenerationRequest
from tests.fakes.fal_server import FakeFalServer


@pytest.fixture(scope="module")
def fal():
    with FakeFalServer() as server:
        yield server


def _request(model_id: str, mode: M = M.TEXT_TO_VIDEO, conditions=(), **settings) -> GenerationRequest:
    settings.setdefault("seed", 7)
    return GenerationRequest(backend="fal", mode=mode, prompt="a red fox in snow", conditions=list(conditions),
                             settings=GenerationSettings(model_id=model_id, **settings))


def _conditions(mode: M) -> list[Condition]:
    if mode is M.IMAGE_TO_VIDEO:
        return [Condition(kind="image", path="/media/first.png", strength=0.9)]
    if mode is M.KEYFRAMES:
        return [Condition(kind="image", path="/media/a.png", frame_index=0),
                Condition(kind="image", path="/media/b.png", frame_index=64, strength=0.6)]
    if mode in (M.EXTEND_FORWARD, M.EXTEND_BACKWARD):
        return [Condition(kind="video", path="/media/clip.mp4", num_frames=17)]
    if mode is M.VIDEO_TO_VIDEO:
        return [Condition(kind="video", path="/media/source.mp4", strength=0.7)]
    if mode is M.AUDIO_TO_VIDEO:
        return [Condition(kind="audio", path="/media/voice.wav")]
    return []


def _uploaded(fal: FakeFalServer, request: GenerationRequest) -> dict[str, str]:
    return {path: f"{fal.base_url}/files/{path.rsplit('/', 1)[-1]}" for path in files_to_upload(request)}


ALL_FAL = [(model.id, mode, ep.endpoint) for model in CATALOG.values() for mode, ep in model.fal.items()]


@pytest.mark.parametrize(("model_id", "mode", "endpoint"), ALL_FAL, ids=[f"{m}-{d.value}" for m, d, _ in ALL_FAL])
def test_every_catalog_endpoint_maps_to_fields_the_endpoint_accepts(fal, model_id, mode, endpoint):
    request = _request(model_id, mode, _conditions(mode))
    call = build_fal_call(request, _uploaded(fal, request))
    assert call.endpoint == endpoint
    assert fal.check(call.endpoint, call.arguments) == []
    assert call.shape.width > 0 and call.shape.num_frames >= 9 and call.shape.fps > 0


def test_catalog_covers_the_issue_endpoint_families():
    endpoints = {ep for _, _, ep in ALL_FAL}
    for wanted in ("fal-ai/ltx-video-v095", "fal-ai/ltx-video-v095/multiconditioning", "fal-ai/ltx-video-v095/extend",
                   "fal-ai/ltx-video-13b-dev", "fal-ai/ltx-video-13b-dev/image-to-video",
                   "fal-ai/ltx-video-13b-distilled", "fal-ai/ltx-video-13b-distilled/image-to-video",
                   "fal-ai/ltx-video-13b-distilled/multiconditioning", "fal-ai/ltx-video-13b-distilled/extend",
                   "fal-ai/ltxv-13b-098-distilled", "fal-ai/ltxv-13b-098-distilled/multiconditioning",
                   "fal-ai/ltx-2/text-to-video", "fal-ai/ltx-2/image-to-video/fast", "fal-ai/ltx-2-19b/text-to-video",
                   "fal-ai/ltx-2-19b/extend-video", "fal-ai/ltx-2-19b/video-to-video",
                   "fal-ai/ltx-2-19b/distilled/extend-video", "fal-ai/ltx-2.3/text-to-video",
                   "fal-ai/ltx-2.3/extend-video"):
        assert wanted in endpoints
    assert "fal-ai/ltx-video" not in endpoints  # fal's unversioned preview, not 0.9.5


def test_13b_distilled_fields(fal):
    lora = LoraSpec(path="/loras/style.safetensors", scale=0.7)
    request = _request("ltxv-13b-0.9.7-distilled", resolution="720p", aspect_ratio="9:16", duration_s=4, fps=30,
                       steps=10, enhance_prompt=True, loras=[lora], negative_prompt="blur")
    args = build_fal_call(request, {lora.path: "https://cdn/style.safetensors"}).arguments
    assert args["resolution"] == "720p" and args["aspect_ratio"] == "9:16"
    assert args["num_frames"] == 121 and args["frame_rate"] == 30
    assert args["seed"] == 7 and args["first_pass_num_inference_steps"] == 10
    assert args["expand_prompt"] is True and args["negative_prompt"] == "blur"
    assert args["loras"] == [{"path": "https://cdn/style.safetensors", "scale": 0.7}]
    assert files_to_upload(request) == ["/loras/style.safetensors"]


def test_values_the_endpoint_cannot_take_are_fitted_and_noted():
    call = build_fal_call(_request("ltxv-13b-0.9.8-distilled", resolution="1080p", aspect_ratio="21:9", steps=30))
    args = call.arguments
    assert args["resolution"] == "720p" and args["aspect_ratio"] == "16:9"
    assert args["first_pass_num_inference_steps"] == 12
    assert len(call.notes) == 3 and any("used 720p instead of 1080p" in n for n in call.notes)


def test_keyframes_send_images_with_start_frames_and_strengths():
    request = _request("ltxv-13b-0.9.7-distilled", M.KEYFRAMES, _conditions(M.KEYFRAMES))
    urls = {"/media/a.png": "https://cdn/a.png", "/media/b.png": "https://cdn/b.png"}
    args = build_fal_call(request, urls).arguments
    assert fal_endpoint(request) == "fal-ai/ltx-video-13b-distilled/multiconditioning"
    assert args["images"] == [{"image_url": "https://cdn/a.png", "start_frame_num": 0, "strength": 1.0},
                              {"image_url": "https://cdn/b.png", "start_frame_num": 64, "strength": 0.6}]


def test_image_to_video_and_extend_use_uploaded_urls():
    i2v = _request("ltxv-13b-0.9.8-distilled", M.IMAGE_TO_VIDEO, _conditions(M.IMAGE_TO_VIDEO))
    assert build_fal_call(i2v, {"/media/first.png": "https://cdn/f.png"}).arguments["image_url"] == "https://cdn/f.png"
    ext = _request("ltxv-13b-0.9.7-distilled", M.EXTEND_FORWARD, _conditions(M.EXTEND_FORWARD))
    video = build_fal_call(ext, {"/media/clip.mp4": "https://cdn/c.mp4"}).arguments["video"]
    assert video == {"video_url": "https://cdn/c.mp4", "start_frame_num": 0, "strength": 1.0,
                     "limit_num_frames": True, "max_num_frames": 17}


def test_ltx2_19b_fields_and_audio():
    request = _request("ltx-2-19b", M.IMAGE_TO_VIDEO, _conditions(M.IMAGE_TO_VIDEO), fps=25, duration_s=4,
                       steps=40, generate_audio=True)
    call = build_fal_call(request, {"/media/first.png": "https://cdn/f.png"})
    args = call.arguments
    assert call.endpoint == "fal-ai/ltx-2-19b/image-to-video"
    assert args["num_frames"] == 97 and args["fps"] == 25 and args["generate_audio"] is True
    assert args["video_size"] == {"width": 864, "height": 480} and args["num_inference_steps"] == 40
    assert args["image_url"] == "https://cdn/f.png" and args["image_strength"] == 0.9
    assert call.shape.has_audio
    distilled = build_fal_call(_request("ltx-2-19b-distilled")).arguments
    assert "num_inference_steps" not in distilled


def test_hosted_ltx2_takes_durations_and_1080p_up_and_no_seed():
    call = build_fal_call(_request("ltx-2-pro", duration_s=7, fps=24, generate_audio=False))
    args = call.arguments
    assert call.endpoint == "fal-ai/ltx-2/text-to-video"
    assert args == {"prompt": "a red fox in snow", "duration": 8, "resolution": "1080p", "fps": 25,
                    "generate_audio": False}
    assert not call.seed_honoured and any("no seed" in n for n in call.notes)
    fast = build_fal_call(_request("ltx-2-fast", duration_s=16, fps=25)).arguments
    assert fast["duration"] == 16  # fast goes to 20 s; pro stops at 10
    assert build_fal_call(_request("ltx-2-pro", duration_s=16, fps=25)).arguments["duration"] == 10


def test_ltx23_extend_video():
    request = _request("ltx-2.3-pro", M.EXTEND_FORWARD, _conditions(M.EXTEND_FORWARD), duration_s=3, fps=25)
    call = build_fal_call(request, {"/media/clip.mp4": "https://cdn/c.mp4"})
    assert call.endpoint == "fal-ai/ltx-2.3/extend-video"
    assert call.arguments["video_url"] == "https://cdn/c.mp4" and call.arguments["mode"] == "end"
    assert 2 <= call.arguments["duration"] <= 20


def test_unsupported_mode_and_loras_are_refused_with_a_clear_error():
    with pytest.raises(InvalidRequest, match="cannot do keyframes") as err:
        build_fal_call(_request("ltx-2-pro", M.KEYFRAMES, _conditions(M.KEYFRAMES)))
    assert "text-to-video" in str(err.value)
    with pytest.raises(InvalidRequest, match="it does: none"):
        build_fal_call(_request("ltxv-2b-0.9.8-distilled"))  # fal serves no 2B 0.9.8
    with pytest.raises(InvalidRequest, match="does not take LoRA"):
        build_fal_call(_request("ltx-2-pro", loras=[LoraSpec(path="/l.safetensors")]))
