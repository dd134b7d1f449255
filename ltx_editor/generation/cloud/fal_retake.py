"""Retake a range of a clip in the cloud: fal's LTX-2 retake endpoint (fal-ai/ltx-2/retake-video).

Fields from https://fal.ai/models/fal-ai/ltx-2/retake-video/llms.txt: video_url, prompt, start_time (0-20 s),
duration (2-20 s), retake_mode (replace_audio | replace_video | replace_audio_and_video). The service sends
back the whole clip with the range redone; only the range's frames are spliced into the new take
(generation/retake.land_retake with `output_range`), so every other frame stays bit-identical to the source.

The price comes first: `retake_estimate` (core/cloud_catalog.FAL_RETAKE) before anything is uploaded.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ltx_editor.core.cloud_catalog import FAL_RETAKE, CloudEndpoint
from ltx_editor.core.project import Project
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.retake_plan import RetakeError, RetakePlan
from ltx_editor.core.settings import GenerationMode, GenerationSettings

from ..request import CancelToken, Condition, GenerationRequest, GenerationResult
from .fal_provider import FalLTXProvider
from .shape import CloudCall, Shape, url_for

RetakeMode = Literal["replace_video", "replace_audio", "replace_audio_and_video"]
MIN_S, MAX_S, MAX_START_S = 2.0, 20.0, 20.0


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


def retake_cloud_request(plan: RetakePlan, project_path: Path | str, prompt: str, model_id: str) -> GenerationRequest:
    """The source take as the one video input (uploaded by the provider), the prompt, the model."""
    retake_endpoint(model_id)
    src = resolve_media(project_path, plan.source_path)
    if not src.is_file():
        raise RetakeError(f"The clip's media {src.name} is missing.", hint="Relink it in the bin first.")
    frames = max(9, (plan.source_frames - 1) // 8 * 8 + 1)  # the settings want 8k+1; the call sends seconds
    settings = GenerationSettings(model_id=model_id, num_frames_override=frames, fps=plan.fps)
    return GenerationRequest(backend="fal", mode=GenerationMode.VIDEO_TO_VIDEO, prompt=prompt, settings=settings,
                             conditions=[Condition(kind="video", path=str(src))],
                             label=f"Retake {plan.start}-{plan.end}: {prompt}"[:80])


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
