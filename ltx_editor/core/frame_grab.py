""""Use this frame": any frame of any clip (a bin asset, or the timeline at the playhead) as a PNG, then as a
keyframe on the lane (here) or an image-to-video input (generation/workflows.image_condition).

PNGs go in the project's media folder under frames/, named by asset, take and frame, so grabbing the same
frame twice reuses the file and a keyframe's image stays with the project.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import timeline as tl
from .errors import MediaError
from .project import Clip, Project
from .project_io import media_dir, resolve_media, store_path


@dataclass(frozen=True)
class FrameRef:
    asset_id: str
    take_id: str
    source_frame: int  # frame index in the take's media


def frame_of_asset(project: Project, asset_id: str, source_frame: int = 0, take_id: str | None = None) -> FrameRef:
    """A frame of a bin asset (its active take unless `take_id`); source_frame -1 means the last one."""
    try:
        asset = project.asset(asset_id)
        take = asset.take(take_id)
    except KeyError as e:
        raise MediaError(f"Cannot grab a frame: {e.args[0]}.") from None
    if asset.kind == "audio":
        raise MediaError(f"{asset.name or asset.id!r} is audio; it has no frames.")
    last = 0 if asset.kind == "image" else take.frame_count - 1
    frame = last if source_frame < 0 else source_frame
    if not 0 <= frame <= last:
        raise MediaError(f"{asset.name or asset.id!r} has frames 0-{last}, not {source_frame}.")
    return FrameRef(asset.id, take.id, frame)


def topmost_clip(project: Project, frame: int) -> Clip | None:
    """The clip shown at `frame`: the topmost visible video clip covering it (a track higher in the list
    covers those below it, as in the export)."""
    for track in project.tracks_of_kind("video"):
        if track.hidden:
            continue
        clip = next((c for c in track.clips if c.start <= frame < c.end), None)
        if clip is not None:
            return clip
    return None


def frame_at(project: Project, timeline_frame: int, clip_id: str | None = None) -> FrameRef:
    """The frame shown at `timeline_frame`: of `clip_id`, else of the topmost visible video clip there
    (upper tracks cover lower ones, as in the export)."""
    if clip_id is not None:
        try:
            _, clip = project.find_clip(clip_id)
        except KeyError:
            raise MediaError("That clip is no longer on the timeline.") from None
    else:
        clip = topmost_clip(project, timeline_frame)
    if clip is None:
        raise MediaError(f"No video clip at frame {timeline_frame}.", hint="Move the playhead over a clip.")
    if not clip.start <= timeline_frame < clip.end:
        raise MediaError(f"The playhead (frame {timeline_frame}) is not over that clip.")
    return frame_of_asset(project, clip.asset_id, clip.in_frame + clip.source_offset(timeline_frame - clip.start),
                          clip.take_id)


def grab(project: Project, project_path: Path | str, ref: FrameRef) -> Path:
    """The frame as a PNG in the project's media folder (an image asset is used as it is)."""
    from .media import extract_frame

    asset = project.asset(ref.asset_id)
    src = resolve_media(project_path, asset.take(ref.take_id).path)
    if asset.kind == "image":
        if not src.is_file():
            raise MediaError(f"The image {src.name} is missing.", hint="Relink it in the bin.")
        return src
    out = media_dir(project_path) / "frames" / f"{ref.asset_id}_{ref.take_id}_f{ref.source_frame}.png"
    if out.is_file() and out.stat().st_size > 0:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(extract_frame(src, ref.source_frame, out))


def frame_to_keyframe(project: Project, project_path: Path | str, ref: FrameRef, at_frame: int,
                      strength: float = 1.0, prompt: str = "") -> tl.Edit:
    """Grab the frame and pin it on the keyframe lane at `at_frame` in one undoable edit (a keyframe already
    there gets the new image)."""
    image = store_path(project_path, grab(project, project_path, ref))
    existing = next((k for k in project.keyframes if k.frame == at_frame), None)
    if existing is not None:
        return tl.update_keyframe(project, existing.id, image=image, strength=strength)
    return tl.add_keyframe(project, at_frame, image, strength=strength, prompt=prompt)
