"""The generation size and rate closest to a project's that a model accepts: generated clips then fit the
project without letterboxing or re-timing where the model allows it.

LTX-Video and LTX-2 take widths and heights in multiples of 32 (their VAE compresses space 32×; settings.py
enforces it) with the short side up to the model's largest resolution, and a few frame rates each."""
from __future__ import annotations

from dataclasses import dataclass

from .catalog import ModelInfo
from .settings import RESOLUTIONS, round_to_multiple

SIZE_STEP = 32


@dataclass(frozen=True)
class GenerationShape:
    width: int
    height: int
    fps: float
    note: str  # what was rounded and why, in words for the generate panel


def shape_for(width: int, height: int, fps: float, model: ModelInfo) -> GenerationShape:
    """The project's aspect at most at the model's largest resolution, in multiples of 32; the model's rate
    nearest to the project's."""
    limit = RESOLUTIONS[model.max_resolution]
    scale = min(1.0, limit / min(width, height))
    w, h = round_to_multiple(width * scale, SIZE_STEP), round_to_multiple(height * scale, SIZE_STEP)
    rate = min(model.fps_options, key=lambda r: (abs(r - fps), r))
    why = [f"{model.name} takes multiples of {SIZE_STEP}"]
    if scale < 1.0:
        why.append(f"at most {model.max_resolution}")
    if rate != fps:
        why.append(f"{', '.join(f'{r:g}' for r in model.fps_options)} fps")
    same = (w, h, rate) == (width, height, fps)
    note = (f"Project size {width}×{height}, {fps:g} fps" if same else
            f"Project {width}×{height}, {fps:g} fps → {w}×{h}, {rate:g} fps ({'; '.join(why)})")
    return GenerationShape(w, h, rate, note)
