"""Our settings and conditions -> the input fields of each fal.ai LTX endpoint.

Field names, ranges and enums are the ones each endpoint's page documents (fal.ai/models/<id>/llms.txt; the
catalog's CloudEndpoint.source names the page, core/cloud_catalog.py). The loopback fake enforces the same
schemas (tests/fakes/fal_schemas.json): an undocumented field or value fails a test. Values an endpoint
cannot take are fitted and noted, so the recipe says what really ran.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ltx_editor.core.catalog import get_model
from ltx_editor.core.settings import GenerationMode as M

from ..errors import InvalidRequest
from ..request import GenerationRequest
from .fal_a2v import HOSTED_A2V, hosted_a2v_call, ltx2_19b_a2v_args
from .shape import (
    CloudCall,
    Shape,
    fit_aspect,
    fit_duration,
    fit_number,
    fit_resolution,
    nearest,
    no_loras,
    one,
    sized_shape,
    url_for,
)


def fal_endpoint(request: GenerationRequest) -> str:
    """The endpoint for the request; the LTX-2 19B `/lora` variant when LoRAs are attached."""
    model = get_model(request.settings.model_id)
    endpoint = model.endpoint("fal", request.mode)
    if endpoint is None:
        modes = ", ".join(sorted(m.value for m in model.fal)) or "none"
        raise InvalidRequest(f"{model.name} on fal.ai cannot do {request.mode.value} (it does: {modes}).",
                             hint="Pick another model or mode, or run it locally.")
    if request.settings.loras and family(endpoint.endpoint) == "ltx2-19b":
        return endpoint.endpoint + "/lora"  # same inputs plus `loras` (fal-ai/ltx-2-19b/*/lora pages)
    return endpoint.endpoint


def family(endpoint: str) -> str:
    if endpoint.startswith("fal-ai/ltx-video-v095"):
        return "ltxv-095"
    if endpoint.startswith(("fal-ai/ltx-video-13b", "fal-ai/ltxv-13b-098")):
        return "ltxv-13b"
    if endpoint.startswith("fal-ai/ltx-2-19b"):
        return "ltx2-19b"
    if endpoint == HOSTED_A2V:
        return "ltx2-a2v"
    if endpoint == "fal-ai/ltx-2/retake-video":
        return "ltx2-retake"
    if endpoint.startswith("fal-ai/ltx-2.3/extend-video"):
        return "ltx23-extend"
    if endpoint.startswith(("fal-ai/ltx-2/", "fal-ai/ltx-2.3/")):
        return "ltx2-hosted"
    raise InvalidRequest(f"LTX Editor does not know the inputs of the fal.ai endpoint {endpoint}.")


def files_to_upload(request: GenerationRequest) -> list[str]:
    """Local files the endpoint needs as URLs: condition images/videos and LoRA weights."""
    paths = [c.path for c in request.conditions] + [lora.path for lora in request.settings.loras]
    return [p for p in dict.fromkeys(paths) if not p.startswith(("http://", "https://", "data:"))]


def build_fal_call(request: GenerationRequest, urls: Mapping[str, str] | None = None) -> CloudCall:
    """The call for `request` (seed already resolved); `urls` maps local paths to uploaded URLs."""
    endpoint = fal_endpoint(request)
    builder = {"ltxv-095": _ltxv_095, "ltxv-13b": _ltxv_13b, "ltx2-19b": _ltx2_19b, "ltx2-hosted": _ltx2_hosted,
               "ltx23-extend": _ltx23_extend, "ltx2-a2v": hosted_a2v_call, "ltx2-retake": _retake}[family(endpoint)]
    return builder(request, endpoint, urls)


def _retake(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None) -> CloudCall:
    from .fal_retake import retake_call  # it imports the fal provider, which imports this module

    no_loras(request, endpoint)
    return retake_call(request, endpoint, dict(urls or {}))


def _loras(request: GenerationRequest, urls: Mapping[str, str] | None) -> list[dict]:
    return [{"path": url_for(lora.path, urls), "scale": lora.scale} for lora in request.settings.loras]


# -- LTX-Video 0.9.5 (fal-ai/ltx-video-v095[/multiconditioning|/extend]) ---------------------------------------
# Fields: prompt, negative_prompt, resolution 480p|720p, aspect_ratio 9:16|16:9, seed, num_inference_steps 2-50,
# expand_prompt; images[]/videos[] {url, start_frame_num 0-120} (no strength); extend: video {url, start_frame_num}.
_V095_LAST_FRAME = 120


def _ltxv_095(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    no_loras(request, endpoint)
    resolution = fit_resolution(s.resolution, ("480p", "720p"), notes, endpoint)
    aspect = fit_aspect(s.aspect_ratio, ("16:9", "9:16"), notes, endpoint)
    args: dict = {"prompt": request.prompt, "negative_prompt": s.negative_prompt, "seed": s.seed,
                  "resolution": resolution, "aspect_ratio": aspect, "expand_prompt": s.enhance_prompt,
                  "num_inference_steps": int(fit_number("steps", s.steps, 2, 50, notes, endpoint))}

    def placed(c, key: str) -> dict:
        frame = int(fit_number("start_frame_num", c.frame_index, 0, _V095_LAST_FRAME, notes, endpoint))
        if c.strength < 1.0:
            notes.append(f"{endpoint} conditions at full strength (asked {c.strength:g}).")
        return {key: url_for(c.path, urls), "start_frame_num": frame}

    if request.mode in (M.IMAGE_TO_VIDEO, M.KEYFRAMES):
        conditions = [one(request, "image")] if request.mode is M.IMAGE_TO_VIDEO else request.conditions
        args["images"] = [placed(c, "image_url") for c in conditions if c.kind == "image"]
        if videos := [placed(c, "video_url") for c in conditions if c.kind == "video"]:
            args["videos"] = videos
    elif request.mode is M.EXTEND_FORWARD:
        args["video"] = placed(one(request, "video"), "video_url")
    notes.append(f"{endpoint} picks the clip length itself; the recipe records what was asked.")
    return CloudCall(endpoint, args, sized_shape(resolution, aspect, s.num_frames, s.fps), notes)


# -- LTX-Video 13B: 0.9.7 dev / distilled (fal-ai/ltx-video-13b-*) and 0.9.8 distilled (fal-ai/ltxv-13b-098-*) --
@dataclass(frozen=True)
class _Limits13B:
    max_steps: int
    max_frames: int
    detail_pass: bool  # enable_detail_pass exists (0.9.8 only; it doubles the billed seconds)


def _limits_13b(endpoint: str) -> _Limits13B:
    if endpoint.startswith("fal-ai/ltxv-13b-098"):
        return _Limits13B(max_steps=12, max_frames=1441, detail_pass=True)
    if endpoint.startswith("fal-ai/ltx-video-13b-distilled"):
        return _Limits13B(max_steps=20, max_frames=161, detail_pass=False)
    return _Limits13B(max_steps=50, max_frames=161, detail_pass=False)  # fal-ai/ltx-video-13b-dev


def _ltxv_13b(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes, limits = request.settings, [], _limits_13b(endpoint)
    resolution = fit_resolution(s.resolution, ("480p", "720p"), notes, endpoint)
    aspect = fit_aspect(s.aspect_ratio, ("16:9", "9:16", "1:1"), notes, endpoint)
    frames = int(fit_number("num_frames", s.num_frames, 9, limits.max_frames, notes, endpoint))
    fps = int(fit_number("frame_rate", s.fps, 1, 60, notes, endpoint))
    args: dict = {
        "prompt": request.prompt, "negative_prompt": s.negative_prompt, "seed": s.seed,
        "resolution": resolution, "aspect_ratio": aspect, "num_frames": frames, "frame_rate": fps,
        "first_pass_num_inference_steps": int(fit_number("steps", s.steps, 2, limits.max_steps, notes, endpoint)),
        "expand_prompt": s.enhance_prompt, "loras": _loras(request, urls),
    }
    if limits.detail_pass:
        args["enable_detail_pass"] = s.upscale
    elif s.upscale:
        notes.append(f"{endpoint} has no detail pass; generated without it.")

    def video(c) -> dict:
        out = {"video_url": url_for(c.path, urls), "start_frame_num": c.frame_index, "strength": c.strength}
        return {**out, "limit_num_frames": True, "max_num_frames": c.num_frames} if c.num_frames else out

    mode = request.mode
    if mode is M.IMAGE_TO_VIDEO:
        image = one(request, "image")
        args["image_url"] = url_for(image.path, urls)
        if image.strength < 1.0:
            notes.append(f"{endpoint} conditions on the image at full strength (asked {image.strength:g}).")
    elif mode is M.KEYFRAMES:
        args["images"] = [{"image_url": url_for(c.path, urls), "start_frame_num": c.frame_index,
                           "strength": c.strength} for c in request.conditions if c.kind == "image"]
        if videos := [video(c) for c in request.conditions if c.kind == "video"]:
            args["videos"] = videos
    elif mode is M.EXTEND_FORWARD:
        args["video"] = video(one(request, "video"))
    double = limits.detail_pass and s.upscale
    return CloudCall(endpoint, args, sized_shape(resolution, aspect, frames, fps,
                                                 price_multiplier=2.0 if double else 1.0), notes)


# -- LTX-2 19B open weights (fal-ai/ltx-2-19b[/distilled]/{text,image,video}-to-video, extend-video[, /lora]) --
def _ltx2_19b(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    frames = int(fit_number("num_frames", s.num_frames, 9, 481, notes, endpoint))
    fps = fit_number("fps", s.fps, 1, 60, notes, endpoint, integer=False)
    args: dict = {
        "prompt": request.prompt, "negative_prompt": s.negative_prompt, "seed": s.seed, "num_frames": frames,
        "video_size": {"width": s.width, "height": s.height}, "fps": fps, "generate_audio": s.generate_audio,
        "use_multiscale": s.upscale, "enable_prompt_expansion": s.enhance_prompt,
    }
    if s.loras:
        args["loras"] = _loras(request, urls)
    if "/distilled/" not in endpoint:  # the distilled endpoints fix their own steps and guidance
        args["num_inference_steps"] = int(fit_number("steps", s.steps, 8, 50, notes, endpoint))
        args["guidance_scale"] = fit_number("guidance_scale", s.guidance_scale, 1, 10, notes, endpoint, False)
    mode = request.mode
    if mode is M.IMAGE_TO_VIDEO:
        image = one(request, "image")
        args.update(image_url=url_for(image.path, urls), image_strength=image.strength)
    elif mode in (M.EXTEND_FORWARD, M.EXTEND_BACKWARD):
        video = one(request, "video")
        args.update(video_url=url_for(video.path, urls), video_strength=video.strength,
                    extend_direction="forward" if mode is M.EXTEND_FORWARD else "backward",
                    num_context_frames=int(fit_number("context frames", video.num_frames or 25, 0, 121,
                                                      notes, endpoint)))
    elif mode is M.VIDEO_TO_VIDEO:  # our length, not the source's (match_video_length would override it)
        video = one(request, "video")
        args.update(video_url=url_for(video.path, urls), video_strength=video.strength, match_video_length=False)
    elif mode is M.AUDIO_TO_VIDEO:
        args = ltx2_19b_a2v_args(request, args, urls)
    shape = Shape(width=s.width, height=s.height, num_frames=frames, fps=fps, resolution=s.resolution,
                  has_audio=s.generate_audio or mode is M.AUDIO_TO_VIDEO)
    return CloudCall(endpoint, args, shape, notes)


# -- Hosted LTX-2 / LTX-2.3 Pro and Fast (fal-ai/ltx-2/..., fal-ai/ltx-2.3/...) --------------------------------
# duration 6|8|10 (Fast: 6-20 even), resolution 1080p|1440p|2160p, generate_audio, no seed. LTX-2: fps 25|50 and
# no aspect choice (16:9). LTX-2.3: fps 24|25|48|50, aspect_ratio 16:9|9:16.
def _ltx2_hosted(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    no_loras(request, endpoint)
    v23 = endpoint.startswith("fal-ai/ltx-2.3/")
    fps = float(nearest(s.fps, (24, 25, 48, 50) if v23 else (25, 50)))
    if fps != s.fps:
        notes.append(f"{endpoint} makes {fps:g} fps video: used it instead of {s.fps:g}.")
    allowed = tuple(range(6, 21, 2)) if endpoint.endswith("/fast") else (6, 8, 10)
    duration = fit_duration(s.num_frames / s.fps, allowed, notes, endpoint, s.fps)
    resolution = fit_resolution(s.resolution, ("1080p", "1440p", "2160p"), notes, endpoint)
    args: dict = {"prompt": request.prompt, "duration": duration, "resolution": resolution, "fps": int(fps),
                  "generate_audio": s.generate_audio}
    if v23:
        aspect = args["aspect_ratio"] = fit_aspect(s.aspect_ratio, ("16:9", "9:16"), notes, endpoint)
    else:  # LTX-2 documents no aspect_ratio on image-to-video and only 16:9 on text-to-video: leave it out
        aspect = fit_aspect(s.aspect_ratio, ("16:9",), notes, endpoint)
    if request.mode is M.IMAGE_TO_VIDEO:
        args["image_url"] = url_for(one(request, "image").path, urls)
    notes.append(f"{endpoint} takes no seed: the clip cannot be regenerated exactly.")
    if s.enhance_prompt:
        notes.append(f"{endpoint} has no prompt-expansion switch; the prompt was sent as written.")
    shape = sized_shape(resolution, aspect, int(round(duration * fps)), fps, has_audio=s.generate_audio)
    return CloudCall(endpoint, args, shape, notes, seed_honoured=False)


# -- LTX-2.3 extend (fal-ai/ltx-2.3/extend-video): video_url, prompt, duration 2-20 s, mode end|start ----------
def _ltx23_extend(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    no_loras(request, endpoint)
    video = one(request, "video")
    duration = fit_number("duration", round(s.num_frames / s.fps, 2), 2, 20, notes, endpoint, integer=False)
    args = {"prompt": request.prompt, "video_url": url_for(video.path, urls), "duration": duration,
            "mode": "end" if request.mode is M.EXTEND_FORWARD else "start"}
    notes.append(f"{endpoint} keeps the source video's size and takes no seed.")
    shape = Shape(width=s.width, height=s.height, num_frames=int(round(duration * s.fps)), fps=s.fps,
                  resolution=s.resolution, has_audio=True)
    return CloudCall(endpoint, args, shape, notes, seed_honoured=False)
