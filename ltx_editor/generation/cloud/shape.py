"""What a cloud endpoint will produce for a request, after its fields were fitted to what it accepts.

Both field mappers return a `CloudCall`: the endpoint, its input fields, notes on every setting that had to
change (so the recipe says what really ran), and the expected output shape, which prices the job and fills
in the result when the service does not report the video's size.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ltx_editor.core.settings import ASPECT_RATIOS, RESOLUTIONS, size_for

from ..errors import InvalidRequest
from ..request import GenerationRequest


@dataclass(frozen=True)
class Shape:
    width: int
    height: int
    num_frames: int
    fps: float
    resolution: str | None = None
    has_audio: bool = False
    price_multiplier: float = 1.0  # e.g. 2.0 when a detail pass doubles the billed seconds


@dataclass
class CloudCall:
    endpoint: str
    arguments: dict[str, Any]
    shape: Shape
    notes: list[str] = field(default_factory=list)
    seed_honoured: bool = True  # False when the endpoint takes no seed (the recipe cannot pin it)


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def nearest(value: float, options: Sequence[float]) -> float:
    return min(options, key=lambda o: (abs(o - value), o))


def fit_choice(name: str, wanted: str, allowed: Sequence[str], key: Mapping[str, float], notes: list[str],
               endpoint: str) -> str:
    """`wanted` when allowed, else the allowed option nearest by `key`, with a note."""
    if wanted in allowed:
        return wanted
    got = min(allowed, key=lambda o: abs(key[o] - key[wanted]))
    notes.append(f"{endpoint} takes {name} {', '.join(allowed)}: used {got} instead of {wanted}.")
    return got


def fit_resolution(wanted: str, allowed: Sequence[str], notes: list[str], endpoint: str) -> str:
    return fit_choice("resolution", wanted, allowed, RESOLUTIONS, notes, endpoint)


def fit_aspect(wanted: str, allowed: Sequence[str], notes: list[str], endpoint: str) -> str:
    ratios = {name: a / b for name, (a, b) in ASPECT_RATIOS.items()}
    return fit_choice("aspect ratio", wanted, allowed, ratios, notes, endpoint)


def fit_number(name: str, wanted: float, low: float, high: float, notes: list[str], endpoint: str,
               integer: bool = True) -> float:
    got = clamp(wanted, low, high)
    got = int(round(got)) if integer else got
    if got != wanted:
        notes.append(f"{endpoint} takes {name} {low:g}-{high:g}: used {got:g} instead of {wanted:g}.")
    return got


def fit_duration(wanted_s: float, allowed: Sequence[int], notes: list[str], endpoint: str, fps: float = 24.0) -> int:
    """The shortest allowed duration that covers the request (or the longest there is).

    Our frame counts sit on the 8k+1 grid, so "6 s at 25 fps" is 153 frames = 6.12 s: half a grid step of
    slack keeps that at 6 s instead of billing the next size up.
    """
    slack = max(0.05, 4.5 / fps)
    got = next((d for d in sorted(allowed) if d >= wanted_s - slack), max(allowed))
    if abs(got - wanted_s) > slack:
        notes.append(f"{endpoint} makes {', '.join(map(str, allowed))} s clips: used {got} s for {wanted_s:.2f} s.")
    return got


def sized_shape(resolution: str, aspect: str, num_frames: int, fps: float, **extra: Any) -> Shape:
    width, height = size_for(resolution, aspect)
    return Shape(width=width, height=height, num_frames=num_frames, fps=fps, resolution=resolution, **extra)


def url_for(path: str, urls: Mapping[str, str] | None) -> str:
    """The uploaded URL of a local file (the path itself before uploading, for estimates)."""
    if path.startswith(("http://", "https://", "data:")):
        return path
    return (urls or {}).get(path, path)


def one(request: GenerationRequest, kind: str):
    items = [c for c in request.conditions if c.kind == kind]
    if not items:
        raise InvalidRequest(f"{request.mode.value} needs a {kind} condition.")
    return items[0]


def no_loras(request: GenerationRequest, endpoint: str) -> None:
    if request.settings.loras:
        raise InvalidRequest(f"{endpoint} does not take LoRA files.",
                             hint="Remove the LoRAs, or pick an LTX-Video 13B model on fal.ai, which takes them.")
