"""Export presets (codec + container) and the choices made in the Export dialog or on `render`'s command line.

A preset fixes what is written (H.264 or H.265 in MP4, ProRes 422 in MOV, VP9 + Opus in WebM); ExportOptions
adds size, rate, quality, range and sound. `encoding()` turns both into the ffmpeg encoder settings and
`expected` into what the written file must probe as (export.verify_export checks it).
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import MediaError
from .export_graph import Encoding
from .settings import describe_validation_error


@dataclass(frozen=True)
class ExportPreset:
    name: str  # the command line's --preset NAME
    label: str  # the dialog's
    muxer: str  # ffmpeg's -f
    suffix: str
    video_encoder: str
    video_codec: str  # how probing names the written stream
    audio_encoder: str
    audio_codec: str
    pix_fmt: str
    crf: int | None  # default constant-quality value; None: the codec has fixed-quality profiles (ProRes)
    crf_range: tuple[int, int] = (0, 51)
    audio_bitrate: str | None = "192k"  # None: uncompressed

    @property
    def has_quality(self) -> bool:
        return self.crf is not None


PRESETS: dict[str, ExportPreset] = {p.name: p for p in (
    ExportPreset("h264", "H.264 MP4 (plays everywhere)", "mp4", ".mp4", "libx264", "h264", "aac", "aac",
                 "yuv420p", crf=18),
    ExportPreset("h265", "H.265 / HEVC MP4 (smaller files)", "mp4", ".mp4", "libx265", "hevc", "aac", "aac",
                 "yuv420p", crf=22),
    ExportPreset("prores", "ProRes 422 MOV (for editing and grading)", "mov", ".mov", "prores_ks", "prores",
                 "pcm_s16le", "pcm_s16le", "yuv422p10le", crf=None, audio_bitrate=None),
    ExportPreset("webm", "VP9 + Opus WebM (for the web)", "webm", ".webm", "libvpx-vp9", "vp9", "libopus", "opus",
                 "yuv420p", crf=32, crf_range=(0, 63), audio_bitrate="160k"),
)}
DEFAULT_PRESET = "h264"


def preset(name: str) -> ExportPreset:
    try:
        return PRESETS[name]
    except KeyError:
        raise MediaError(f"There is no export preset {name!r}.",
                         hint="Presets: " + ", ".join(PRESETS) + " (ltx-editor render --preset list).") from None


def preset_for_suffix(suffix: str) -> ExportPreset:
    """The default preset writing files named *`suffix`* (.mp4 -> H.264, .mov -> ProRes, .webm -> VP9)."""
    for p in PRESETS.values():
        if p.suffix == suffix.lower():
            return p
    raise MediaError(f"No export preset writes {suffix or 'files without a suffix'}.",
                     hint="Name the output .mp4, .mov or .webm.")


class ExportOptions(BaseModel):
    """Size, rate, quality, range and sound of one export. Unset fields follow the project (and the preset)."""

    model_config = ConfigDict(extra="forbid")

    preset: str = DEFAULT_PRESET
    width: int | None = Field(None, ge=16, le=8192)
    height: int | None = Field(None, ge=16, le=8192)
    fps: float | None = Field(None, gt=0.0, le=240.0)
    crf: int | None = Field(None, ge=0, le=63)  # constant quality (lower is better); None: the preset's
    video_bitrate: str | None = Field(None, pattern=r"^\d+(\.\d+)?[kM]?$")  # a bitrate target instead of CRF
    range_start: int | None = Field(None, ge=0)  # timeline frames [range_start, range_end)
    range_end: int | None = Field(None, ge=1)
    audio: bool = True

    @model_validator(mode="after")
    def _check(self) -> ExportOptions:
        if self.preset not in PRESETS:
            raise ValueError(f"unknown preset {self.preset!r} (presets: {', '.join(PRESETS)})")
        if (self.width is None) != (self.height is None):
            raise ValueError("width and height go together")
        if self.width is not None and (self.width % 2 or self.height % 2):
            raise ValueError(f"the size must be even in both directions (got {self.width}x{self.height})")
        p = PRESETS[self.preset]
        if self.crf is not None and (p.crf is None or not p.crf_range[0] <= self.crf <= p.crf_range[1]):
            raise ValueError(f"crf {self.crf} does not apply to {p.name}"
                             + (f" (it takes {p.crf_range[0]}-{p.crf_range[1]})" if p.crf is not None else ""))
        if (self.range_start is None) != (self.range_end is None):
            raise ValueError("range_start and range_end go together")
        if self.range_start is not None and self.range_end <= self.range_start:
            raise ValueError(f"the range {self.range_start}-{self.range_end} is empty")
        return self

    @classmethod
    def checked(cls, **values: object) -> ExportOptions:
        try:
            return cls(**values)
        except ValidationError as exc:
            raise MediaError(describe_validation_error(exc).replace("Invalid settings", "Invalid export options"),
                             hint="Fix the option and export again.") from None

    @property
    def chosen_preset(self) -> ExportPreset:
        return PRESETS[self.preset]

    def extent(self, project_frames: int, project_fps: float) -> tuple[int, float]:
        """(frames, fps) really written: the in/out range (or the whole `project_frames`) at the export's rate."""
        frames = self.range_end - self.range_start if self.range_start is not None else project_frames
        fps = self.fps or project_fps
        return round(frames * fps / project_fps), fps

    def encoding(self) -> Encoding:
        p = self.chosen_preset
        return Encoding(codec=p.video_encoder, pix_fmt=p.pix_fmt, crf=self.crf if self.crf is not None else (p.crf or 0),
                        bitrate=self.video_bitrate, audio_codec=p.audio_encoder,
                        audio_bitrate=p.audio_bitrate or "", audio=self.audio, fps=self.fps,
                        copy_allowed=p.name == "h264" and self.crf is None and self.video_bitrate is None)


def parse_size(text: str) -> tuple[int, int]:
    """'1920x1080' -> (1920, 1080); MediaError naming the text otherwise."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise MediaError(f"--size {text!r} is not WIDTHxHEIGHT.", hint="For example --size 1920x1080.") from None
    return w, h


def parse_range(text: str, fps: float) -> tuple[int, int]:
    """'IN-OUT' in frames ('48-96') or seconds ('2s-4.5s') or timecodes ('00:00:02:00-00:00:04:00') ->
    timeline frames [in, out)."""
    parts = text.split("-")
    if len(parts) != 2:
        raise MediaError(f"--range {text!r} is not IN-OUT.", hint="For example --range 48-96 or --range 2s-4s.")
    return _frames(parts[0], fps, text), _frames(parts[1], fps, text)


def _frames(value: str, fps: float, whole: str) -> int:
    value = value.strip()
    try:
        if value.endswith("s"):
            return round(float(value[:-1]) * fps)
        if ":" in value:
            hh, mm, ss, ff = (int(v) for v in value.split(":"))
            return (hh * 3600 + mm * 60 + ss) * max(1, round(fps)) + ff
        return int(value)
    except ValueError:
        raise MediaError(f"--range {whole!r}: {value!r} is not a frame number, seconds (2.5s) or a timecode.",
                         hint="For example --range 48-96 or --range 2s-4s.") from None
