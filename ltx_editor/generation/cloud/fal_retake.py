"""Retake a range of a clip in the cloud: fal's LTX-2 retake endpoint (fal-ai/ltx-2/retake-video).

Fields from https://fal.ai/models/fal-ai/ltx-2/retake-video/llms.txt: video_url, prompt, start_time (0-20 s),
duration (2-20 s), retake_mode (replace_audio | replace_video | replace_audio_and_video). The service sends
back the whole clip with the range redone; only the range's frames are spliced into the new take
(generation/retake.land_retake with `output_range`), so every other frame stays bit-identical to the source.

The price comes first: `retake_estimate` (core/cloud_catalog.FAL_RETAKE) before anything is uploaded.

From the editor the retake is an ordinary queued job: a VIDEO_TO_VIDEO request on LTX-2 Pro/Fast whose one video
condition names the range (`frame_index` = its first frame, `num_frames` = its length; the settings' fps turns
them into seconds). The catalog maps that mode to the retake endpoint on fal (fal-ai/ltx-2/retake-video) and on
Replicate (lightricks/ltx-2-retake, replicate_retake.py); `retake_call` builds fal's fields from it, so the
stock providers, the cost estimate and the budget all handle it like any other job.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ltx_editor.core.cloud_catalog import FAL_RETAKE, CloudEndpoint
from ltx_editor.core.project import Project
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.retake_plan import RetakeError, RetakePlan
from ltx_editor.core.settings import GenerationMode, GenerationSettings

from ..errors import InvalidRequest
from ..request import CancelToken, Condition, GenerationRequest, GenerationResult
from ..retake_sound import SOUND_MODES
from .fal_provider import FalLTXProvider
from .shape import CloudCall, Shape, one, url_for

RetakeMode = Literal["replace_video", "replace_audio", "replace_audio_and_video"]
MIN_S, MAX_S, MAX_START_S = 2.0, 20.0, 20.0
RETAKE_ENDPOINTS = ("fal-ai/ltx-2/retake-video", "lightricks/ltx-2-retake")  # what video-to-video maps to on them


def retake_endpoint(model_id: str) -> CloudEndpoint:
    try:
        return FAL_RETAKE[model_id]
    except KeyError:
        raise RetakeError(f"fal has no retake for {model_id}.",
                          hint=f"Choose one of {', '.join(FAL_RETAKE)} in the generate panel.") from None


@dataclass(frozen=True)
class RetakeWindow:
    """The plan's range in the service's seconds (it takes times, not frames)."""

    start_time: float
    duration: float
    source_frames: int
    fps: float
    width: int
    height: int
    has_audio: bool
    mode: RetakeMode = "replace_video"


def retake_window(plan: RetakePlan, project: Project, mode: RetakeMode = "replace_video") -> RetakeWindow:
    """Refuse, in words, a range the endpoint cannot retake (2-20 s long, starting within its first 20 s)."""
    take = project.asset(plan.asset_id).take(plan.take_id)
    start_s, length_s = plan.start / plan.fps, (plan.end - plan.start) / plan.fps
    if not MIN_S <= length_s <= MAX_S:
        raise RetakeError(f"fal retakes {MIN_S:g}-{MAX_S:g} s at a time; this range is {length_s:.2f} s.",
                          hint="Set the in and out points 2 to 20 seconds apart, or retake locally.")
    if start_s > MAX_START_S:
        raise RetakeError(f"fal retakes ranges starting in a clip's first {MAX_START_S:g} s; this one starts at "
                          f"{start_s:.2f} s.", hint="Split the clip first, or retake locally.")
    return RetakeWindow(start_time=round(start_s, 4), duration=round(length_s, 4), source_frames=plan.source_frames,
                        fps=plan.fps, width=take.width, height=take.height, has_audio=take.has_audio, mode=mode)


def retake_estimate(window: RetakeWindow, model_id: str) -> float:
    """USD before submitting: the whole source clip's seconds at the retake price (see core/cloud_catalog)."""
    usd = retake_endpoint(model_id).price.estimate(width=window.width, height=window.height,
                                                   num_frames=window.source_frames, fps=window.fps)
    return round(usd or 0.0, 4)


def retake_cloud_request(plan: RetakePlan, project_path: Path | str, prompt: str, model_id: str,
                         backend: str = "fal", settings: GenerationSettings | None = None,
                         mode: RetakeMode | None = None) -> GenerationRequest:
    """The source take as the one video input (uploaded by the provider), its range in the condition (first frame,
    length), the prompt, the model; `settings` (the generate panel's) give the rest. `mode` (default: the plan's
    `sound`): the picture, the sound, or both; both services document all three (fal's retake_mode, Replicate's
    mode). Recorded in the request (retake_mode) and as generate_audio when the sound is redone."""
    mode = mode or SOUND_MODES[plan.sound]
    if mode not in SOUND_MODES.values():
        raise RetakeError(f"Retake mode {mode!r} is not offered here.",
                          hint=f"Use one of {', '.join(SOUND_MODES.values())}.")
    if backend == "fal":
        retake_endpoint(model_id)
    src = resolve_media(project_path, plan.source_path)
    if not src.is_file():
        raise RetakeError(f"The clip's media {src.name} is missing.", hint="Relink it in the bin first.")
    frames = max(9, (plan.source_frames - 1) // 8 * 8 + 1)  # the settings want 8k+1; the call sends seconds
    base = settings.model_dump() if settings is not None else {}
    settings = GenerationSettings.model_validate({**base, "model_id": model_id, "num_frames_override": frames,
                                                  "fps": plan.fps, "upscale": False,
                                                  "generate_audio": mode != "replace_video"})
    video = Condition(kind="video", path=str(src), frame_index=plan.start, num_frames=plan.end - plan.start)
    return GenerationRequest(backend=backend, mode=GenerationMode.VIDEO_TO_VIDEO, prompt=prompt, settings=settings,
                             conditions=[video], retake_mode=mode, label=f"Retake {plan.start}-{plan.end}: {prompt}"[:80])


def retake_seconds(request: GenerationRequest, endpoint: str, max_s: float,
                   max_start_s: float | None = None) -> tuple[float, float]:
    """(start_time, duration) in seconds of the range the request's video condition names, refused in words when
    the service cannot retake it."""
    video = one(request, "video")
    fps = request.settings.fps
    start_s = video.frame_index / fps
    length_s = (video.num_frames or request.settings.num_frames - video.frame_index) / fps
    if not MIN_S <= length_s <= max_s:
        raise InvalidRequest(f"{endpoint} retakes {MIN_S:g}-{max_s:g} s at a time; this range is {length_s:.2f} s.",
                             hint=f"Set the in and out points 2 to {max_s:g} seconds apart, or retake locally.")
    if max_start_s is not None and start_s > max_start_s:
        raise InvalidRequest(f"{endpoint} retakes ranges starting in a clip's first {max_start_s:g} s; this one "
                             f"starts at {start_s:.2f} s.", hint="Split the clip first, or retake locally.")
    return round(start_s, 4), round(length_s, 4)


def check_cloud_retake(request: GenerationRequest) -> None:
    """Build the service's call for a queued retake request: InvalidRequest, in words, when it cannot run."""
    if request.backend == "fal":
        from .fal_fields import build_fal_call

        build_fal_call(request)
    else:
        from .replicate_fields import build_replicate_call

        build_replicate_call(request)


def retake_mode(request: GenerationRequest) -> RetakeMode:
    """What the request asks the service to redo; without a recorded mode, the picture only (keeping the clip's
    sound), or both with the panel's audio switch on (LTX-2)."""
    if request.retake_mode is not None:
        return request.retake_mode
    return "replace_audio_and_video" if request.settings.generate_audio else "replace_video"


def retake_call(request: GenerationRequest, endpoint: str, urls: dict[str, str] | None) -> CloudCall:
    """fal-ai/ltx-2/retake-video for a queued retake request (see the module docstring)."""
    return service_retake_call(request, endpoint, urls, video_field="video_url", mode_field="retake_mode",
                               max_s=MAX_S, max_start_s=MAX_START_S)


def service_retake_call(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None, *,
                        video_field: str, mode_field: str, max_s: float,
                        max_start_s: float | None = None) -> CloudCall:
    """A retake service's call: the source video, the prompt, the range in seconds and the mode, under the
    names that service gives them (fal and Replicate differ only there and in their limits)."""
    s = request.settings
    start, duration = retake_seconds(request, endpoint, max_s, max_start_s)
    mode = retake_mode(request)
    args = {video_field: url_for(one(request, "video").path, urls), "prompt": request.prompt, "start_time": start,
            "duration": duration, mode_field: mode}
    shape = Shape(width=s.width, height=s.height, num_frames=s.num_frames, fps=s.fps, resolution=s.resolution,
                  has_audio=True)
    return CloudCall(endpoint, args, shape, [f"retake {start:g}-{start + duration:g} s ({mode}); the service "
                                             "takes no seed"], seed_honoured=False)


class FalRetakeProvider(FalLTXProvider):
    """The fal provider (uploads, queue, polling, cancel, download, recipe) on the retake endpoint."""

    def __init__(self, window: RetakeWindow, **options) -> None:
        super().__init__(**options)
        self.window = window

    def _build(self, request: GenerationRequest, urls: dict[str, str] | None) -> CloudCall:
        w = self.window
        args = {"video_url": url_for(request.conditions[0].path, urls), "prompt": request.prompt,
                "start_time": w.start_time, "duration": w.duration, "retake_mode": w.mode}
        shape = Shape(width=w.width, height=w.height, num_frames=w.source_frames, fps=w.fps, has_audio=w.has_audio)
        return CloudCall(retake_endpoint(request.settings.model_id).endpoint, args, shape,
                         [f"retake {w.start_time:g}-{w.start_time + w.duration:g} s ({w.mode})"])

    def _files(self, request: GenerationRequest) -> list[str]:
        return [request.conditions[0].path]

    def estimate_cost(self, request: GenerationRequest) -> float | None:
        return retake_estimate(self.window, request.settings.model_id)

    async def generate(self, request, output_dir, progress, cancel: CancelToken) -> GenerationResult:
        result = await super().generate(request, output_dir, progress, cancel)
        return result.model_copy(update={"cost_usd": self.estimate_cost(request)})
