"""Generation settings: the plan's LTXVideoConfig, validated, with derived size and frame count.

Width/height are derived from resolution + aspect ratio and kept at multiples of 32 (the VAE's spatial
compression); the frame count is derived from duration x fps and kept at 8k+1 (its temporal one).
"""
from __future__ import annotations

import random
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import SettingsError

# Nominal short side of each resolution label; the real size is rounded to multiples of 32.
RESOLUTIONS: dict[str, int] = {"480p": 480, "540p": 540, "720p": 720, "1080p": 1080, "1440p": 1440,
                               "2160p": 2160}
ASPECT_RATIOS: dict[str, tuple[int, int]] = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1), "4:3": (4, 3),
                                             "3:4": (3, 4), "3:2": (3, 2), "2:3": (2, 3), "21:9": (21, 9)}
DEFAULT_NEGATIVE_PROMPT = "worst quality, inconsistent motion, blurry, jittery, distorted"
MAX_SEED = 2**32 - 1


class GenerationMode(str, Enum):
    TEXT_TO_VIDEO = "text-to-video"
    IMAGE_TO_VIDEO = "image-to-video"
    KEYFRAMES = "keyframes"
    EXTEND_FORWARD = "extend-forward"
    EXTEND_BACKWARD = "extend-backward"
    VIDEO_TO_VIDEO = "video-to-video"
    AUDIO_TO_VIDEO = "audio-to-video"  # a sound drives the picture (LTX-2.x; core/a2v_plan.py)


def round_to_multiple(value: float, multiple: int, minimum: int | None = None) -> int:
    rounded = int(round(value / multiple)) * multiple
    return max(rounded, minimum if minimum is not None else multiple)


def frames_for(duration_s: float, fps: float) -> int:
    """The 8k+1 frame count closest to duration x fps (at least 9)."""
    k = max(1, round((duration_s * fps - 1) / 8))
    return 8 * k + 1


def size_for(resolution: str, aspect_ratio: str) -> tuple[int, int]:
    """(width, height): the short side from the resolution, the long side from the ratio, both /32."""
    short = RESOLUTIONS[resolution]
    a, b = ASPECT_RATIOS[aspect_ratio]
    if a >= b:
        return round_to_multiple(short * a / b, 32), round_to_multiple(short, 32)
    return round_to_multiple(short, 32), round_to_multiple(short * b / a, 32)


class LoraSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str
    scale: float = Field(1.0, ge=-4.0, le=4.0)
    sha256: str | None = None  # filled in when the file is loaded, so a recipe names the exact weights
    name: str | None = None


class GenerationSettings(BaseModel):
    """Everything that shapes one generation besides the prompt and the conditions."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    model_id: str = "ltxv-2b-0.9.8-distilled"
    resolution: Literal["480p", "540p", "720p", "1080p", "1440p", "2160p"] = "480p"
    aspect_ratio: Literal["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9"] = "16:9"
    # An explicit size overrides resolution/aspect (e.g. the tiny test model's 32x32).
    width_override: int | None = Field(None, ge=32, le=4096, multiple_of=32)
    height_override: int | None = Field(None, ge=32, le=4096, multiple_of=32)
    duration_s: float = Field(5.0, gt=0.0, le=60.0)
    fps: float = Field(24.0, ge=1.0, le=60.0)
    num_frames_override: int | None = Field(None, ge=9, le=1441)
    steps: int = Field(8, ge=1, le=200)
    guidance_scale: float = Field(3.0, ge=0.0, le=20.0)
    seed: int | None = Field(None, ge=0, le=MAX_SEED)  # None = random; resolve_seed() records the one used
    negative_prompt: str = Field(DEFAULT_NEGATIVE_PROMPT, max_length=4000)
    enhance_prompt: bool = False
    vae_tiling: bool = True
    fp8: bool = False
    cpu_offload: Literal["none", "model", "sequential", "group"] = "none"
    upscale: bool = False  # multi-scale: latent upsampler pass (the high-quality option)
    generate_audio: bool = True  # LTX-2 only
    loras: list[LoraSpec] = Field(default_factory=list, max_length=8)
    # Speed preset that filled these settings (core/presets.py; draft also turns on First Block Cache locally).
    preset: Literal["draft", "standard", "final"] | None = None
    auto_choice: str | None = Field(None, max_length=500)  # why the "Auto" model choice picked model_id

    @model_validator(mode="after")
    def _check_frames(self) -> GenerationSettings:
        n = self.num_frames_override
        if n is not None and (n - 1) % 8:
            raise ValueError(f"num_frames_override must be 8k+1 (9, 17, 25, ...), got {n}")
        if (self.width_override is None) != (self.height_override is None):
            raise ValueError("width_override and height_override must be set together")
        return self

    @property
    def width(self) -> int:
        return self.width_override or size_for(self.resolution, self.aspect_ratio)[0]

    @property
    def height(self) -> int:
        return self.height_override or size_for(self.resolution, self.aspect_ratio)[1]

    @property
    def num_frames(self) -> int:
        return self.num_frames_override or frames_for(self.duration_s, self.fps)

    def resolve_seed(self, rng: random.Random | None = None) -> GenerationSettings:
        """A copy whose seed is concrete, so the recipe records the seed actually used."""
        if self.seed is not None:
            return self
        return self.model_copy(update={"seed": (rng or random.SystemRandom()).randint(0, MAX_SEED)})

    @classmethod
    def checked(cls, **values: object) -> GenerationSettings:
        """Build settings, turning pydantic's errors into one SettingsError naming each bad field."""
        try:
            return cls(**values)
        except ValidationError as exc:
            raise SettingsError(describe_validation_error(exc), hint="Fix the setting and try again.") from None


def describe_validation_error(exc: ValidationError) -> str:
    """'steps: must be at most 200 (got 500)' — field names and allowed ranges, never a traceback."""
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        ctx = err.get("ctx") or {}
        limits = {"ge": "at least", "gt": "more than", "le": "at most", "lt": "less than",
                  "multiple_of": "a multiple of"}
        bound = next((f"must be {word} {ctx[key]}" for key, word in limits.items() if key in ctx), None)
        msg = bound or err["msg"]
        got = err.get("input")
        if isinstance(got, int | float | str) and not isinstance(got, bool) and len(str(got)) < 60:
            msg += f" (got {got!r})"
        parts.append(f"{field}: {msg}")
    return "Invalid settings — " + "; ".join(parts)
