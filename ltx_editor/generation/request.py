"""What a generation is asked to do, what it reports while running, and what it produces."""
from __future__ import annotations

import threading
from enum import Enum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ltx_editor.core.catalog import Backend, get_model
from ltx_editor.core.settings import GenerationMode, GenerationSettings

__all__ = ["GenerationMode", "Condition", "CastUse", "GenerationRequest", "GenerationResult", "ProgressEvent", "Stage",
           "CancelToken"]


class Condition(BaseModel):
    """An image, or the frames of a video, pinned at a frame index of the output with a strength."""

    model_config = ConfigDict(extra="forbid")

    # audio: the sound that drives an audio-to-video generation; reference: an IC-LoRA reference video (a control
    # map such as Canny edges, the whole clip; strength = how clean its tokens look), LTX-2 only
    kind: Literal["image", "video", "audio", "reference"]
    path: str  # absolute path on this machine (the queue resolves project-relative paths before running)
    frame_index: int = Field(0, ge=0)
    strength: float = Field(1.0, ge=0.0, le=1.0)
    # For video conditions: how many frames of the source to use (the last N for extend-forward, the first
    # N for extend-backward, all for video-to-video when None).
    num_frames: int | None = Field(None, ge=1)


class CastUse(BaseModel):
    """A cast entry that `@name` brought into a request (generation/cast_apply.py): what it added and how."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: str = "character"
    images: list[str] = Field(default_factory=list)  # its reference images (absolute paths)
    applied: str  # how its references were used, in words ("image condition at frame 0, strength 0.6", ...)
    voice: str | None = None  # its voice-line sample (absolute path), when it has one
    voice_applied: str | None = None  # what became of the voice sample, in words


class GenerationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Backend = "local"
    mode: GenerationMode = GenerationMode.TEXT_TO_VIDEO
    prompt: str = Field(..., min_length=1, max_length=20_000)
    settings: GenerationSettings = Field(default_factory=GenerationSettings)
    conditions: list[Condition] = Field(default_factory=list)
    # Local backend: a hub id or a local folder / single-file checkpoint that replaces the catalog's hub id.
    model_path: str | None = None
    label: str = ""  # shown in the job list; defaults to the prompt's start
    # The cast entries `@name` brought in; None until the prompt's @names are expanded (cast_apply.py, run by
    # the editor's queue before submitting), so a retried or replayed request is not expanded twice.
    cast: list[CastUse] | None = None
    # A cloud retake (VIDEO_TO_VIDEO on a retake endpoint): which stream the service redoes; None = from the
    # settings' generate_audio (picture only, or picture and sound). generation/cloud/fal_retake.py.
    retake_mode: Literal["replace_video", "replace_audio", "replace_audio_and_video"] | None = None

    @model_validator(mode="after")
    def _check_mode(self) -> GenerationRequest:
        images = [c for c in self.conditions if c.kind == "image"]
        videos = [c for c in self.conditions if c.kind == "video"]
        m = self.mode
        references = [c for c in self.conditions if c.kind == "reference"]
        if m is GenerationMode.TEXT_TO_VIDEO and len(self.conditions) > len(references):
            raise ValueError("text-to-video takes no conditions (IC-LoRA references aside); use image-to-video or "
                             "keyframes")
        if references and (m not in (GenerationMode.TEXT_TO_VIDEO, GenerationMode.IMAGE_TO_VIDEO,
                                     GenerationMode.KEYFRAMES) or self.model_info().family != "ltx-2"):
            raise ValueError("IC-LoRA references need an LTX-2 model in text-to-video, image-to-video or keyframes")
        if m is GenerationMode.IMAGE_TO_VIDEO and len(images) != 1:
            raise ValueError("image-to-video needs exactly one image condition")
        # Keyframes pin images and/or runs of video frames (a retake or gap fill: the frames around it).
        if m is GenerationMode.KEYFRAMES and not self.conditions:
            raise ValueError("keyframes needs at least one image or video condition")
        if m in (GenerationMode.EXTEND_FORWARD, GenerationMode.EXTEND_BACKWARD,
                 GenerationMode.VIDEO_TO_VIDEO) and len(videos) != 1:
            raise ValueError(f"{m.value} needs exactly one video condition")
        sounds = [c for c in self.conditions if c.kind == "audio"]
        if (m is GenerationMode.AUDIO_TO_VIDEO) != bool(sounds) or len(sounds) > 1 or (sounds and (videos or images[1:])):
            raise ValueError("audio-to-video takes exactly one audio condition (and at most one image); "
                             "other modes take none")
        n = self.settings.num_frames
        for c in self.conditions:
            if c.frame_index >= n:
                raise ValueError(f"condition at frame {c.frame_index} is past the last frame ({n - 1})")
        return self

    def model_info(self):
        return get_model(self.settings.model_id)


class Stage(str, Enum):
    QUEUED = "queued"
    LOADING = "loading model"
    DOWNLOADING = "downloading"
    UPLOADING = "uploading"
    ENCODING_PROMPT = "encoding prompt"
    GENERATING = "generating"
    DECODING = "decoding"
    SAVING = "saving"
    DONE = "done"


class ProgressEvent(BaseModel):
    stage: Stage
    step: int | None = None
    total: int | None = None
    fraction: float | None = None  # 0..1 overall when known
    queue_position: int | None = None
    message: str = ""


class GenerationResult(BaseModel):
    video_path: Path
    audio_path: Path | None = None  # audio is also muxed into video_path; this is the separate track if kept
    sidecar_path: Path | None = None
    num_frames: int
    fps: float
    width: int
    height: int
    seed: int
    has_audio: bool = False
    backend: Backend
    model_id: str
    model_path: str | None = None  # the custom folder or file the local model ran from (None: the catalog's)
    prompt: str
    enhanced_prompt: str | None = None
    timings: dict[str, float] = Field(default_factory=dict)  # seconds per stage, "total" included
    cost_usd: float | None = None
    notes: list[str] = Field(default_factory=list)  # e.g. "out of memory: switched on CPU offload"


class CancelToken:
    """Set from any thread; providers check it between steps (local) or polls (cloud)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            from .errors import Cancelled
            raise Cancelled("Generation cancelled.")
