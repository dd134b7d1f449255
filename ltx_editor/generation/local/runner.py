"""Run one pipeline call: per-step progress, cancel within a step, and the recipe's multi-scale (upsampler) pass."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np

from ltx_editor.core.recipes import Recipe

from ..errors import Cancelled
from ..preview import PreviewEvent
from ..request import CancelToken, ProgressEvent, Stage
from .loader import LoadedModel
from .modes import PipeFacts, PipelineCall, as_conditions

Emit = Callable[[ProgressEvent], None]


class _StopNow(Exception):
    """Raised from the step callback: leaves the pipeline at once instead of decoding a cancelled video."""


@dataclass
class PipelineOutput:
    frames: np.ndarray  # (N, H, W, 3) float in 0..1
    audio: tuple[np.ndarray, int] | None  # ([channels, samples] float32, sample rate)


class StepReporter:
    """callback_on_step_end: reports step i/n (across both passes of a multi-scale run) and honours cancel.
    With a `previewer` (latent_preview.LatentPreviewer), a step's event now and then carries a small picture."""

    def __init__(self, emit: Emit, cancel: CancelToken, total: int, label: str = "",
                 previewer: Any | None = None) -> None:
        self.emit, self.cancel, self.total, self.label = emit, cancel, total, label
        self.previewer = previewer
        self.done = 0

    def begin(self, pipe: Any, kwargs: dict) -> None:
        """Before each pipeline call: the previewer learns the call's latent grid."""
        if self.previewer is not None:
            self.previewer.begin(pipe, kwargs)

    def __call__(self, pipe: Any, step: int, timestep: Any, callback_kwargs: dict) -> dict:
        self.done += 1
        total = max(self.total, self.done)
        event = ProgressEvent(stage=Stage.GENERATING, step=self.done, total=total, fraction=self.done / total,
                              message=f"{self.label}step {self.done}/{total}")
        shot = None
        if self.previewer is not None and not self.cancel.cancelled:
            shot = self.previewer(pipe, callback_kwargs.get("latents"))
        if shot is not None:
            event = PreviewEvent(**event.model_dump(), image=shot[0], width=shot[1], height=shot[2])
        self.emit(event)
        if self.cancel.cancelled:
            pipe._interrupt = True  # the pipeline's own stop flag, in case the exception is swallowed
            raise _StopNow
        if self.done == self.total:
            self.emit(ProgressEvent(stage=Stage.DECODING, fraction=1.0, message="decoding"))
        return {}


def _call(pipe: Any, kwargs: dict, reporter: StepReporter) -> Any:
    reporter.begin(pipe, kwargs)
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


def refine_steps(steps: int, recipe: Recipe | None = None) -> int:
    """Steps the refine pass runs: its schedule's length times denoise_strength (how diffusers' condition
    pipeline cuts the schedule), or the whole stage-2 schedule for LTX-2."""
    if recipe is None or recipe.multiscale is None:
        return max(1, round(steps * 0.4))
    refine = recipe.multiscale.refine_kwargs
    n = len(refine.get("timesteps") or refine.get("sigmas") or ()) or int(refine.get("num_inference_steps", steps))
    strength = refine.get("denoise_strength", 1.0)
    return max(1, min(n, int(n * strength)))


def first_pass_size(width: int, height: int, scale: float, multiple: int) -> tuple[int, int]:
    """The first pass's size: `scale` of the target, snapped down to the VAE's grid (at least one latent)."""
    def snap(v: int) -> int:
        return max(multiple, int(v * scale) // multiple * multiple)
    return snap(width), snap(height)


def half_size(width: int, height: int, multiple: int) -> tuple[int, int]:
    return first_pass_size(width, height, 0.5, multiple)


def _resize(frames: np.ndarray, width: int, height: int) -> np.ndarray:
    from PIL import Image

    if frames.shape[1:3] == (height, width):
        return frames
    return np.stack([np.asarray(Image.fromarray((f * 255).round().astype(np.uint8)).resize(
        (width, height), Image.LANCZOS)) for f in frames]).astype(np.float32) / 255.0


_SCHEDULE_KEYS = ("num_inference_steps", "timesteps", "sigmas", "denoise_strength", "noise_scale")


def run_multiscale(loaded: LoadedModel, call: PipelineCall, facts: PipeFacts, reporter: StepReporter,
                   generator_factory: Callable[[], Any], spatial_ratio: int, recipe: Recipe,
                   hook: Callable[[str, dict], None] | None = None,
                   refine_lora: Callable[[Any], Any] | None = None) -> PipelineOutput:
    """The recipe's multi-scale pass: first pass at `first_pass_scale` of the size (latents out), the 2x latent
    upsampler, a refine pass at the upsampled size with the recipe's refine schedule, then a resize to the exact
    requested size when the VAE grid forced another one (as the makers' examples do).

    LTX-Video refines with the condition pipeline (it takes `latents` + `denoise_strength` and returns unpacked
    latents); LTX-2.x runs both stages on the mode's own pipeline, carrying the audio latents into stage 2
    (ltx2.md "Two-stages Generation"). `refine_lora` wraps stage 2 (dev checkpoints: the distilled LoRA)."""
    ms = recipe.multiscale
    assert ms is not None
    width, height = call.kwargs["width"], call.kwargs["height"]
    w1, h1 = first_pass_size(width, height, ms.first_pass_scale, spatial_ratio)
    if facts.family == "ltx-video":
        name = "cond"
        base = {k: v for k, v in call.kwargs.items() if k not in ("image", "image_crf", "conditions")}
        base["conditions"] = as_conditions(call, facts) or None
    else:
        name, base = call.pipe, dict(call.kwargs)
    pipe = loaded.pipe(name)
    first = dict(base, width=w1, height=h1, output_type="latent", generator=generator_factory())
    if hook is not None:
        hook(name, first)
    out1 = _call(pipe, first, reporter)
    upsampled = loaded.upsampler(latents=out1.frames, output_type="latent", **ms.upsampler_kwargs).frames
    refine = {k: v for k, v in base.items() if k not in _SCHEDULE_KEYS}
    refine.update(ms.refine_kwargs, width=w1 * 2, height=h1 * 2, latents=upsampled, generator=generator_factory())
    if facts.family == "ltx-2":
        refine.pop("conditions", None)  # ltx2.md: stage 2 refines the upsampled latents without conditions
        refine["audio_latents"] = getattr(out1, "audio", None)
    if hook is not None:
        hook(name, refine)
    with _refine_scheduler(pipe, ms.refine_scheduler), (refine_lora(pipe) if refine_lora else nullcontext()):
        out2 = _call(pipe, refine, reporter)
    return PipelineOutput(frames=_resize(np.asarray(out2.frames[0]), width, height), audio=_audio(out2, pipe))


@contextmanager
def _refine_scheduler(pipe: Any, overrides: dict[str, Any]) -> Iterator[None]:
    """Stage 2 uses the distilled sigmas as given (no dynamic shifting); the first pass's scheduler comes back
    afterwards. Every mode's pipeline shares one scheduler object, so all of them are switched together."""
    if not overrides or all(pipe.scheduler.config.get(k) == v for k, v in overrides.items()):
        yield
        return
    old = pipe.scheduler
    pipe.scheduler = type(old).from_config(old.config, **overrides)
    try:
        yield
    finally:
        pipe.scheduler = old
