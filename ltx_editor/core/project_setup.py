"""A new project's settings (size, aspect, rate, audio rate): from its first clip, from a preset, or given;
and a new project assembled from files in order (`ltx-editor new`)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from . import timeline as tl
from .edits import Edit, approx_size
from .errors import MediaError, SettingsError
from .ids import new_id
from .media import MediaInfo, import_media, probe
from .project import Project, ProjectSettings, Track
from .settings import describe_validation_error


@dataclass(frozen=True)
class SettingsPreset:
    name: str
    width: int
    height: int
    fps: float

    @property
    def label(self) -> str:
        return f"{self.name} — {self.width}×{self.height}, {self.fps:g} fps"


SETTINGS_PRESETS: tuple[SettingsPreset, ...] = (
    SettingsPreset("HD 1080p", 1920, 1080, 24), SettingsPreset("HD 1080p 30", 1920, 1080, 30),
    SettingsPreset("HD 720p", 1280, 720, 24), SettingsPreset("UHD 4K", 3840, 2160, 24),
    SettingsPreset("Vertical 1080×1920", 1080, 1920, 30), SettingsPreset("Square 1080", 1080, 1080, 30),
    SettingsPreset("LTX 480p", 768, 512, 24), SettingsPreset("LTX 720p", 1216, 704, 24),
)
SAMPLE_RATES = (44100, 48000, 96000)


def aspect_label(width: int, height: int) -> str:
    """'16:9' for 1920x1080 (the reduced ratio)."""
    from math import gcd

    g = gcd(width, height) or 1
    return f"{width // g}:{height // g}"


def settings_from_media(info: MediaInfo, base: ProjectSettings | None = None) -> ProjectSettings:
    """Settings that fit a clip: its picture size (made even, as encoders need) and rate; its sound's rate.
    Whatever the clip lacks (a still has no rate, a sound no size) stays as in `base`."""
    base = base or ProjectSettings()
    values = base.model_dump()
    if info.video is not None and info.width and info.height:
        values |= {"width": info.width - info.width % 2 or 2, "height": info.height - info.height % 2 or 2}
        if not info.is_image and info.fps:
            values["fps"] = info.fps
    if info.audio is not None and info.audio.sample_rate:
        values["sample_rate"] = info.audio.sample_rate
    return ProjectSettings(**values)


def new_project(path: str | Path, files: Sequence[str | Path], *, size: tuple[int, int] | None = None,
                fps: float | None = None, sample_rate: int | None = None) -> Project:
    """A project with `files` in order on V1 (images held IMAGE_DEFAULT_SECONDS), a video's sound on A1 as a
    linked clip and sound files on A1 at their turn; settings from the first file unless given."""
    if not files:
        raise MediaError("Name at least one media file for the new project.")
    path = Path(path)
    first = probe(files[0], count_frames=False)
    settings = settings_from_media(first)
    overrides = {k: v for k, v in (("width", size and size[0]), ("height", size and size[1]), ("fps", fps),
                                   ("sample_rate", sample_rate)) if v}
    if overrides:
        settings = ProjectSettings(**(settings.model_dump() | overrides))
    project = Project(name=path.stem, settings=settings,
                      tracks=[Track(id=new_id("track"), kind="video", name="V1"),
                              Track(id=new_id("track"), kind="audio", name="A1")])
    v1, a1 = project.tracks
    at, links = 0, {}
    for file in files:
        asset = import_media(project, path, file)
        if all(a is not asset for a in project.assets):
            project.assets.append(asset)
        if asset.kind == "audio":
            clip_id = tl.insert_clip(project, a1.id, asset.id, at).created[0]
            at = project.find_clip(clip_id)[1].end
            continue
        video_clip = tl.insert_clip(project, v1.id, asset.id, at).created[0]
        clip = project.find_clip(video_clip)[1]
        if asset.kind == "video" and asset.active_take.has_audio:
            sound = tl.insert_clip(project, a1.id, asset.id, at, in_frame=clip.in_frame,
                                   out_frame=clip.out_frame).created[0]
            links |= {video_clip: sound, sound: video_clip}
        at = clip.end
    data = project.model_dump()
    for track in data["tracks"]:
        for clip in track["clips"]:
            clip["link"] = links.get(clip["id"])
    return Project.model_validate(data)


# --- changing the settings of an open project ----------------------------------------------------------
class SettingsEdit(Edit):
    """Project settings replaced (one undo step). Clips keep their frames: a new rate re-times them."""

    __slots__ = ("label", "created", "affected", "kinds", "before", "after")

    def __init__(self, label: str, before: ProjectSettings, after: ProjectSettings) -> None:
        self.label, self.created, self.affected, self.kinds = label, [], [], ("settings", "timeline")
        self.before, self.after = before, after

    def apply(self, project: Project) -> None:
        project.settings = self.after

    def revert(self, project: Project) -> None:
        project.settings = self.before

    def kept_bytes(self) -> int:
        return 2 * approx_size(self.after)


def change_settings(project: Project, label: str = "Change project settings", **values: object) -> SettingsEdit:
    """Apply new settings (width, height, fps, sample_rate); SettingsError naming a bad field, project as it was."""
    try:
        after = ProjectSettings(**(project.settings.model_dump() | values))
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc).replace("Invalid settings", "Invalid project settings"),
                            hint="Fix the value and apply again.") from None
    if after.width % 2 or after.height % 2:
        raise SettingsError(f"Invalid project settings — the size must be even in both directions "
                            f"(got {after.width}x{after.height}).", hint="Video encoders need even sizes.")
    edit = SettingsEdit(label, project.settings, after)
    edit.apply(project)
    return edit


def first_clip_settings(project: Project) -> dict | None:
    """Settings matching the timeline's first picture (by start), when the project still has the defaults
    it was created with and that picture differs: a new project takes its first clip's size and rate."""
    if project.settings != ProjectSettings():
        return None
    clips = [c for t in project.tracks if t.kind == "video" for c in t.clips]
    if not clips:
        return None
    first = min(clips, key=lambda c: c.start)
    asset = project.asset(first.asset_id)
    take = asset.take(first.take_id)
    if not (take.width and take.height):
        return None
    values = {"width": take.width - take.width % 2 or 2, "height": take.height - take.height % 2 or 2}
    if asset.kind != "image":
        values["fps"] = take.fps
    return None if all(getattr(project.settings, k) == v for k, v in values.items()) else values
