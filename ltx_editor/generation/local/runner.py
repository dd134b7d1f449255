"""Run one pipeline call: per-step progress, cancel within a step, and the multi-scale (upsampler) pass."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import Cancelled
from ..request import CancelToken, ProgressEvent, Stage
from .loader import LoadedModel
from .modes import PipeFacts, PipelineCall, as_conditions

Emit = Callable[[ProgressEvent], None]
REFINE_STRENGTH = 0.4  # how much of the upsampled video the refine pass re-noises (diffusers' 0.9.7 recipe)


class _StopNow(Exception):
    """Raised from the step callback: leaves the pipeline at once instead of decoding a cancelled video."""


@dataclass
class PipelineOutput:
    frames: np.ndarray  # (N, H, W, 3) float in 0..1
    audio: tuple[np.ndarray, int] | None  # ([channels, samples] float32, sample rate)


class StepReporter:
    """callback_on_step_end: reports step i/n (across both passes of a multi-scale run) and honours cancel."""

    def __init__(self, emit: Emit, cancel: CancelToken, total: int, label: str = "") -> None:
        self.emit, self.cancel, self.total, self.label = emit, cancel, total, label
        self.done = 0

    def __call__(self, pipe: Any, step: int, timestep: Any, callback_kwargs: dict) -> dict:
        self.done += 1
        total = max(self.total, self.done)
        self.emit(ProgressEvent(stage=Stage.GENERATING, step=self.done, total=total, fraction=self.done / total,
                                message=f"{self.label}step {self.done}/{total}"))
        if self.cancel.cancelled:
            pipe._interrupt = True  # the pipeline's own stop flag, in case the exception is swallowed
            raise _StopNow
        if self.done == self.total:
            self.emit(ProgressEvent(stage=Stage.DECODING, fraction=1.0, message="decoding"))
        return {}


def _call(pipe: Any, kwargs: dict, reporter: StepReporter) -> Any:
    try:
        return pipe(**kwargs, callback_on_step_end=reporter, callback_on_step_end_tensor_inputs=["latents"])
    except _StopNow:
        raise Cancelled("Generation cancelled.") from None
    finally:
        if hasattr(pipe, "maybe_free_model_hooks"):
            pipe.maybe_free_model_hooks()


def _audio(out: Any, pipe: Any) -> tuple[np.ndarray, int] | None:
    audio = getattr(out, "audio", None)
    if audio is None:
        return None
    wave = audio[0] if audio.ndim == 3 else audio
    rate = int(getattr(pipe.vocoder.config, "output_sampling_rate", 24000))
    return wave.detach().float().cpu().numpy(), rate


def run_call(loaded: LoadedModel, call: PipelineCall, reporter: StepReporter,
             hook: Callable[[str, dict], None] | None = None) -> PipelineOutput:
    pipe = loaded.pipe(call.pipe)
    if hook is not None:
        hook(call.pipe, call.kwargs)
    out = _call(pipe, call.kwargs, reporter)
    return PipelineOutput(frames=np.asarray(out.frames[0]), audio=_audio(out, pipe))


def refine_steps(steps: int) -> int:
    return max(1, round(steps * REFINE_STRENGTH))


def half_size(width: int, height: int, multiple: int) -> tuple[int, int]:
    """The first pass's size: half of the target, on the VAE's grid (at least one latent)."""
    def half(v: int) -> int:
        return max(multiple, (v // 2) // multiple * multiple)
    return half(width), half(height)


def run_multiscale(loaded: LoadedModel, call: PipelineCall, facts: PipeFacts, reporter: StepReporter,
                   generator_factory: Callable[[], Any], spatial_ratio: int,
                   hook: Callable[[str, dict], None] | None = None) -> PipelineOutput:
    """Generate at half size, upsample the latents 2x, refine at full size with the condition pipeline
    (re-noising REFINE_STRENGTH of it), then resize to the exact requested size if the grid forced a
    slightly different one."""
    from PIL import Image

    width, height = call.kwargs["width"], call.kwargs["height"]
    w1, h1 = half_size(width, height, spatial_ratio)
    # Both passes use the condition pipeline: it covers every mode and returns unpacked latents
    # (the text/image-to-video pipelines return packed ones).
    base = {k: v for k, v in call.kwargs.items() if k not in ("image", "image_crf", "conditions")}
    base["conditions"] = as_conditions(call, facts) or None
    first = dict(base, width=w1, height=h1, output_type="latent", generator=generator_factory())
    pipe = loaded.pipe("cond")
    if hook is not None:
        hook("cond", first)
    latents = _call(pipe, first, reporter).frames
    upsampled = loaded.upsampler(latents=latents, adain_factor=1.0, output_type="latent",
                                 generator=generator_factory()).frames
    refine = dict(base, width=w1 * 2, height=h1 * 2, latents=upsampled, denoise_strength=REFINE_STRENGTH,
                  generator=generator_factory())
    if hook is not None:
        hook("cond", refine)
    frames = np.asarray(_call(pipe, refine, reporter).frames[0])
    if frames.shape[1:3] != (height, width):
        frames = np.stack([np.asarray(Image.fromarray((f * 255).round().astype(np.uint8)).resize(
            (width, height), Image.LANCZOS)) for f in frames]).astype(np.float32) / 255.0
    return PipelineOutput(frames=frames, audio=None)
