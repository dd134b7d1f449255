"""Our settings and conditions -> the input fields of each fal.ai LTX endpoint.

Field names and ranges come from fal's published endpoint schemas (2026-11): the LTX-Video 13B distilled
and 0.9.8 families (resolution, aspect_ratio, num_frames, frame_rate, loras, images[] / videos[] with
start_frame_num and strength, video for extend), fal-ai/ltx-video (steps, guidance), LTX-2 19B (num_frames,
video_size, fps, generate_audio, image_strength, extend_direction) and the hosted LTX-2 / LTX-2.3 Pro and Fast
(duration, 1080p and up, generate_audio). Values an endpoint cannot take are fitted and noted.
"""
from __future__ import annotations

from collections.abc import Mapping

from ltx_editor.core.catalog import get_model
from ltx_editor.core.settings import GenerationMode as M

from ..errors import InvalidRequest
from ..request import GenerationRequest
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
    model = get_model(request.settings.model_id)
    endpoint = model.endpoint("fal", request.mode)
    if endpoint is None:
        modes = ", ".join(sorted(m.value for m in model.fal)) or "none"
        raise InvalidRequest(f"{model.name} on fal.ai cannot do {request.mode.value} (it does: {modes}).",
                             hint="Pick another model or mode, or run it locally.")
    return endpoint.endpoint


def family(endpoint: str) -> str:
    if endpoint.startswith(("fal-ai/ltx-video-13b", "fal-ai/ltxv-13b-098")):
        return "ltxv-distilled"
    if endpoint.startswith("fal-ai/ltx-video"):
        return "ltxv"
    if endpoint.startswith("fal-ai/ltx-2-19b"):
        return "ltx2-19b"
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
    builder = {"ltxv-distilled": _ltxv_distilled, "ltxv": _ltxv, "ltx2-19b": _ltx2_19b,
               "ltx2-hosted": _ltx2_hosted}[family(endpoint)]
    return builder(request, endpoint, urls)


def _ltxv_distilled(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    resolution = fit_resolution(s.resolution, ("480p", "720p"), notes, endpoint)
    aspect = fit_aspect(s.aspect_ratio, ("16:9", "9:16", "1:1"), notes, endpoint)
    frames = int(fit_number("num_frames", s.num_frames, 9, 1441, notes, endpoint))
    fps = int(fit_number("frame_rate", s.fps, 1, 60, notes, endpoint))
    args: dict = {
        "prompt": request.prompt, "negative_prompt": s.negative_prompt, "seed": s.seed,
        "resolution": resolution, "aspect_ratio": aspect, "num_frames": frames, "frame_rate": fps,
        "first_pass_num_inference_steps": int(fit_number("steps", s.steps, 2, 12, notes, endpoint)),
        "expand_prompt": s.enhance_prompt, "enable_detail_pass": s.upscale,
        "loras": [{"path": url_for(lora.path, urls), "scale": lora.scale} for lora in s.loras],
    }
    mode = request.mode
    if mode is M.IMAGE_TO_VIDEO:
        image = one(request, "image")
        args["image_url"] = url_for(image.path, urls)
        if image.strength < 1.0:
            notes.append(f"{endpoint} conditions on the image at full strength (asked {image.strength:g}).")
    elif mode is M.KEYFRAMES:
        args["images"] = [{"image_url": url_for(c.path, urls), "start_frame_num": c.frame_index,
                           "strength": c.strength} for c in request.conditions if c.kind == "image"]
        videos = [c for c in request.conditions if c.kind == "video"]
        if videos:
            args["videos"] = [{"video_url": url_for(c.path, urls), "start_frame_num": c.frame_index,
                               "strength": c.strength} for c in videos]
    elif mode is M.EXTEND_FORWARD:
        video = one(request, "video")
        args["video"] = {"video_url": url_for(video.path, urls), "start_frame_num": video.frame_index,
                         "strength": video.strength}
        if video.num_frames:
            args["video"].update(limit_num_frames=True, max_num_frames=video.num_frames)
    shape = sized_shape(resolution, aspect, frames, fps, price_multiplier=2.0 if s.upscale else 1.0)
    return CloudCall(endpoint, args, shape, notes)


def _ltxv(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    no_loras(request, endpoint)
    args: dict = {"prompt": request.prompt, "negative_prompt": s.negative_prompt, "seed": s.seed,
                  "num_inference_steps": s.steps, "guidance_scale": s.guidance_scale}
    if request.mode is M.IMAGE_TO_VIDEO:
        args["image_url"] = url_for(one(request, "image").path, urls)
    notes.append(f"{endpoint} picks the size and length itself; the recipe records what was asked.")
    shape = Shape(width=s.width, height=s.height, num_frames=s.num_frames, fps=s.fps, resolution=s.resolution)
    return CloudCall(endpoint, args, shape, notes)


def _ltx2_19b(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    no_loras(request, endpoint)
    frames = int(fit_number("num_frames", s.num_frames, 9, 481, notes, endpoint))
    fps = fit_number("fps", s.fps, 1, 60, notes, endpoint, integer=False)
    args: dict = {
        "prompt": request.prompt, "negative_prompt": s.negative_prompt, "seed": s.seed, "num_frames": frames,
        "video_size": {"width": s.width, "height": s.height}, "fps": fps, "generate_audio": s.generate_audio,
        "use_multiscale": s.upscale, "enable_prompt_expansion": s.enhance_prompt,
    }
    if "/distilled/" not in endpoint:
        args["num_inference_steps"] = int(fit_number("steps", s.steps, 8, 50, notes, endpoint))
        args["guidance_scale"] = fit_number("guidance_scale", s.guidance_scale, 1, 10, notes, endpoint, False)
    if request.mode is M.IMAGE_TO_VIDEO:
        image = one(request, "image")
        args.update(image_url=url_for(image.path, urls), image_strength=image.strength)
    elif request.mode in (M.EXTEND_FORWARD, M.EXTEND_BACKWARD):
        video = one(request, "video")
        args.update(video_url=url_for(video.path, urls), video_strength=video.strength,
                    extend_direction="forward" if request.mode is M.EXTEND_FORWARD else "backward",
                    num_context_frames=int(fit_number("context frames", video.num_frames or 25, 0, 121,
                                                      notes, endpoint)))
    shape = Shape(width=s.width, height=s.height, num_frames=frames, fps=fps, resolution=s.resolution,
                  has_audio=s.generate_audio)
    return CloudCall(endpoint, args, shape, notes)


def _ltx2_hosted(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    no_loras(request, endpoint)
    v23 = endpoint.startswith("fal-ai/ltx-2.3/")
    fps = float(nearest(s.fps, (24, 25, 48, 50) if v23 else (25, 50)))
    if fps != s.fps:
        notes.append(f"{endpoint} makes {fps:g} fps video: used it instead of {s.fps:g}.")
    wanted_s = s.num_frames / s.fps
    if request.mode in (M.EXTEND_FORWARD, M.EXTEND_BACKWARD):  # LTX-2.3 extend: any 2-20 s, no size choice
        video = one(request, "video")
        duration = fit_number("duration", round(wanted_s, 2), 2, 20, notes, endpoint, integer=False)
        args = {"prompt": request.prompt, "video_url": url_for(video.path, urls), "duration": duration,
                "mode": "end" if request.mode is M.EXTEND_FORWARD else "start"}
        resolution, aspect = "1080p", "9:16" if s.height > s.width else "16:9"
    else:
        allowed = tuple(range(6, 21, 2)) if endpoint.endswith("/fast") else (6, 8, 10)
        duration = fit_duration(wanted_s, allowed, notes, endpoint, s.fps)
        resolution = fit_resolution(s.resolution, ("1080p", "1440p", "2160p"), notes, endpoint)
        aspect = fit_aspect(s.aspect_ratio, ("16:9", "9:16"), notes, endpoint)
        args = {"prompt": request.prompt, "duration": duration, "resolution": resolution, "aspect_ratio": aspect,
                "fps": int(fps), "generate_audio": s.generate_audio}
        if request.mode is M.IMAGE_TO_VIDEO:
            args["image_url"] = url_for(one(request, "image").path, urls)
    notes.append(f"{endpoint} takes no seed: the clip cannot be regenerated exactly.")
    if s.enhance_prompt:
        notes.append(f"{endpoint} has no prompt-expansion switch; the prompt was sent as written.")
    shape = sized_shape(resolution, aspect, int(round(duration * fps)), fps, has_audio=s.generate_audio)
    return CloudCall(endpoint, args, shape, notes, seed_honoured=False)
