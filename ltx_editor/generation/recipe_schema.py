"""The recipe file (the JSON sidecar beside a generated clip) as a versioned pydantic schema.

Every field is checked when a recipe is read, and a problem is reported by the field's path
(`conditions[0].path: Field required`), never as a traceback. The version is checked first, on its own, so a
recipe from a newer editor says so instead of listing fields it does not know. Seeds must be in the models'
range (0..MAX_SEED): a recipe that passes `Recipe.model_validate` can always be replayed. Fields other helpers
add (e.g. the local recipe's overrides) are kept: the top level allows extra keys.

Version history: 1 — the first recipe format (format, version, model, prompts, seed, settings, LoRAs,
conditions with sha256, output, timings, cost, notes, environment, request, result); later, still 1 (added,
optional): `output.probed` / `output.probe_error` (output read from the file) and `requested`.
"""
from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator

from ltx_editor.core.catalog import Backend
from ltx_editor.core.project_io import describe_validation_error
from ltx_editor.core.settings import MAX_SEED, GenerationMode, GenerationSettings, LoraSpec

from .request import GenerationRequest, GenerationResult

FORMAT = "ltx-editor-sidecar"
VERSION = 1

Seed = Field(ge=0, le=MAX_SEED)


class _Block(BaseModel):
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


class RecipeModel(_Block):
    id: str = Field(min_length=1, max_length=512)
    source: str | None = Field(None, max_length=4096)
    revision: str | None = Field(None, max_length=256)
    kind: str | None = Field(None, max_length=64)


class RecipeCondition(_Block):
    kind: Literal["image", "video", "audio", "reference"]
    path: str = Field(min_length=1, max_length=4096)
    frame_index: int = Field(0, ge=0)
    strength: float = Field(1.0, ge=0.0, le=1.0)
    num_frames: int | None = Field(None, ge=1)
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")


class RecipeOutput(_Block):
    video: str = Field(min_length=1, max_length=4096)
    num_frames: int = Field(ge=1)
    fps: float = Field(gt=0.0, le=1000.0)
    width: int = Field(ge=0, le=65536)
    height: int = Field(ge=0, le=65536)
    has_audio: bool = False
    probed: bool | None = None  # read from the file (True), or the backend's report (False; None: older recipe)
    probe_error: str | None = Field(None, max_length=4096)


class RecipeRequested(_Block):
    """The size, frames and rate the settings asked for (`output`: what came back)."""

    width: int = Field(ge=0, le=65536)
    height: int = Field(ge=0, le=65536)
    num_frames: int = Field(ge=1)
    fps: float = Field(gt=0.0, le=1000.0)


class RecipeHeader(BaseModel):
    """Read first: which format and version this is (so a newer recipe is named as such)."""

    model_config = ConfigDict(extra="allow")
    format: Literal["ltx-editor-sidecar"]
    version: StrictInt = Field(ge=1)


class Recipe(_Block):
    format: Literal["ltx-editor-sidecar"]
    version: StrictInt = Field(ge=1, le=VERSION)
    app_version: str = ""
    created: str = ""
    backend: Backend
    mode: GenerationMode
    model: RecipeModel
    prompt: str
    enhanced_prompt: str | None = None
    negative_prompt: str | None = None
    seed: int = Seed
    settings: GenerationSettings
    loras: list[LoraSpec] = Field(default_factory=list)
    conditions: list[RecipeCondition] = Field(default_factory=list)
    output: RecipeOutput
    requested: RecipeRequested | None = None  # absent from recipes written before it was recorded
    timings: dict[str, float] = Field(default_factory=dict)
    cost_usd: float | None = Field(None, ge=0.0)
    notes: list[str] = Field(default_factory=list)
    environment: dict[str, Any] = Field(default_factory=dict)
    request: GenerationRequest
    result: GenerationResult

    @model_validator(mode="after")
    def _replayable(self) -> Recipe:
        if not 0 <= self.result.seed <= MAX_SEED:
            raise ValueError(f"result.seed must be between 0 and {MAX_SEED}, got {self.result.seed}")
        if self.result.seed != self.seed:
            raise ValueError(f"seed ({self.seed}) and result.seed ({self.result.seed}) differ")
        return self


def describe(error: ValidationError) -> str:
    """Pydantic's errors as 'field.path: problem; ...' (the first few), worded as project files word them."""
    return describe_validation_error(error)


def version_problem(data: dict) -> str | None:
    """Why the header is unusable ("version: ..."), "newer" for a recipe from a newer editor, or None."""
    version = data.get("version")
    if isinstance(version, float) and not math.isfinite(version):
        return f"version: must be a whole number, got {version}"
    try:
        header = RecipeHeader.model_validate(data)
    except ValidationError as exc:
        return describe(exc)
    return "newer" if header.version > VERSION else None
