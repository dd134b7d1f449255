"""Our settings and conditions -> the inputs of Lightricks' models on Replicate.

From the models' published input schemas (replicate.com/<name>/api; core/cloud_catalog.py cites each):
lightricks/ltx-video (target_size, aspect_ratio, cfg, steps, length in 97..257; value lists as its Cog mirror
segmind.com/models/ltx-video/api shows them), lightricks/ltx-video-0.9.7-distilled (resolution 480/720,
num_frames, fps, num_inference_steps, guidance_scale), lightricks/ltx-2-distilled (num_frames 8k+1,
enhance_prompt, image_strength) and lightricks/ltx-2.3-pro / -fast (task, duration, resolution 1080p/2k/4k,
fps, generate_audio; no seed); lightricks/ltx-2-retake (replicate_retake.py) and lightricks/audio-to-video
(replicate_a2v.py). The loopback fake enforces the same schemas (REPLICATE_SCHEMAS), strictly.
Values a model cannot take are fitted and noted.
"""
from __future__ import annotations

from collections.abc import Mapping

from ltx_editor.core.catalog import get_model
from ltx_editor.core.settings import ASPECT_RATIOS, round_to_multiple
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

LTXV_LENGTHS = (97, 129, 161, 193, 225, 257)
LTXV_TARGET_SIZES = (512, 576, 640, 704, 768, 832, 896, 960, 1024)
LTX23_RESOLUTIONS = {"1080p": "1080p", "1440p": "2k", "2160p": "4k"}


def replicate_model(request: GenerationRequest) -> str:
    model = get_model(request.settings.model_id)
    endpoint = model.endpoint("replicate", request.mode)
    if endpoint is None:
        modes = ", ".join(sorted(m.value for m in model.replicate)) or "none"
        raise InvalidRequest(f"{model.name} on Replicate cannot do {request.mode.value} (it does: {modes}).",
                             hint="Pick another model or mode, or use fal.ai or the local backend.")
    return endpoint.endpoint


def files_to_upload(request: GenerationRequest) -> list[str]:
    paths = [c.path for c in request.conditions]
    return [p for p in dict.fromkeys(paths) if not p.startswith(("http://", "https://", "data:"))]


def build_replicate_call(request: GenerationRequest, urls: Mapping[str, str] | None = None) -> CloudCall:
    name = replicate_model(request)
    no_loras(request, name)
    builders = {"lightricks/ltx-video": _ltxv, "lightricks/ltx-video-0.9.7-distilled": _ltxv_097,
                "lightricks/ltx-2-distilled": _ltx2_distilled, "lightricks/ltx-2.3-pro": _ltx23,
                "lightricks/ltx-2.3-fast": _ltx23, "lightricks/ltx-2-retake": _retake,
                "lightricks/audio-to-video": _a2v}
    if name not in builders:
        raise InvalidRequest(f"LTX Editor does not know the inputs of the Replicate model {name}.")
    return builders[name](request, name, urls)


def _retake(request: GenerationRequest, name: str, urls: Mapping[str, str] | None) -> CloudCall:
    from .replicate_retake import replicate_retake_call  # via fal_retake, which imports the fal provider

    return replicate_retake_call(request, name, urls)


def _a2v(request: GenerationRequest, name: str, urls: Mapping[str, str] | None) -> CloudCall:
    from .replicate_a2v import replicate_a2v_call

    return replicate_a2v_call(request, name, urls)


def _image(request: GenerationRequest, urls: Mapping[str, str] | None) -> dict:
    return {"image": url_for(one(request, "image").path, urls)} if request.mode is M.IMAGE_TO_VIDEO else {}


def _ltxv(request: GenerationRequest, name: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    length = int(nearest(s.num_frames, LTXV_LENGTHS))
    if length != s.num_frames:
        notes.append(f"{name} makes {', '.join(map(str, LTXV_LENGTHS))} frames: used {length}.")
    target = int(nearest(max(s.width, s.height), LTXV_TARGET_SIZES))
    args = {"prompt": request.prompt, "negative_prompt": s.negative_prompt, "aspect_ratio": s.aspect_ratio,
            "target_size": target, "cfg": s.guidance_scale, "steps": s.steps, "length": length, "seed": s.seed,
            **_image(request, urls)}
    a, b = ASPECT_RATIOS[s.aspect_ratio]
    long_side, short_side = target, round_to_multiple(target * min(a, b) / max(a, b), 32)
    width, height = (long_side, short_side) if a >= b else (short_side, long_side)
    return CloudCall(name, args, Shape(width=width, height=height, num_frames=length, fps=24.0), notes)


def _ltxv_097(request: GenerationRequest, name: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    resolution = fit_resolution(s.resolution, ("480p", "720p"), notes, name)
    aspect = fit_aspect(s.aspect_ratio, ("16:9", "9:16", "1:1"), notes, name)
    frames = int(fit_number("num_frames", s.num_frames, 9, 257, notes, name))
    fps = int(fit_number("fps", s.fps, 1, 60, notes, name))
    args = {"prompt": request.prompt, "negative_prompt": s.negative_prompt, "resolution": int(resolution[:-1]),
            "aspect_ratio": aspect, "num_frames": frames, "fps": fps, "num_inference_steps": s.steps,
            "guidance_scale": s.guidance_scale, "seed": s.seed, **_image(request, urls)}
    return CloudCall(name, args, sized_shape(resolution, aspect, frames, fps), notes)


def _ltx2_distilled(request: GenerationRequest, name: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    aspect = fit_aspect(s.aspect_ratio, ("16:9", "9:16", "4:3", "3:4", "1:1", "21:9"), notes, name)
    frames = int(fit_number("num_frames", s.num_frames, 9, 481, notes, name))
    args = {"prompt": request.prompt, "aspect_ratio": aspect, "num_frames": frames, "seed": s.seed,
            "enhance_prompt": s.enhance_prompt}
    if request.mode is M.IMAGE_TO_VIDEO:
        image = one(request, "image")
        args.update(image=url_for(image.path, urls), image_strength=image.strength)
    notes.append(f"{name} picks the frame size itself; the recipe records what was asked.")
    shape = Shape(width=s.width, height=s.height, num_frames=frames, fps=s.fps, resolution=s.resolution,
                  has_audio=True)
    return CloudCall(name, args, shape, notes)


def _ltx23(request: GenerationRequest, name: str, urls: Mapping[str, str] | None) -> CloudCall:
    s, notes = request.settings, []
    fps = float(nearest(s.fps, (24, 25, 48, 50)))
    if fps != s.fps:
        notes.append(f"{name} makes {fps:g} fps video: used it instead of {s.fps:g}.")
    allowed = tuple(range(6, 21, 2)) if name.endswith("-fast") else (6, 8, 10)
    duration = fit_duration(s.num_frames / s.fps, allowed, notes, name, s.fps)
    resolution = fit_resolution(s.resolution, tuple(LTX23_RESOLUTIONS), notes, name)
    aspect = fit_aspect(s.aspect_ratio, ("16:9", "9:16"), notes, name)
    args = {"prompt": request.prompt, "duration": duration, "resolution": LTX23_RESOLUTIONS[resolution],
            "aspect_ratio": aspect, "fps": int(fps), "generate_audio": s.generate_audio, **_image(request, urls)}
    if name.endswith("-pro"):
        args["task"] = "image_to_video" if request.mode is M.IMAGE_TO_VIDEO else "text_to_video"
    notes.append(f"{name} takes no seed: the clip cannot be regenerated exactly.")
    shape = sized_shape(resolution, aspect, int(round(duration * fps)), fps, has_audio=s.generate_audio)
    return CloudCall(name, args, shape, notes, seed_honoured=False)
