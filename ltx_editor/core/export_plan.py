"""What an export shows and plays, frame by frame: pure arithmetic on the project (no ffmpeg).

Picture: at each timeline frame the top-most visible video track with a clip there wins (a track higher
in the list covers those below it, as in Shotcut and frame_grab.frame_at); frames no clip covers are black. Sound: every clip with
sound on a track that is not muted (audio tracks, and the clips' own sound on video tracks) is mixed.
Timeline frame i of a clip shows source frame in_frame + i, so a source of another rate is re-timed frame
for frame (its sound follows the picture's speed).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

from .errors import MediaError
from .project import Clip, Project, Track
from .project_io import resolve_media
from .safe_files import describe


@dataclass(frozen=True)
class VideoPiece:
    start: int  # timeline frame
    frames: int
    clip_id: str | None = None  # None: a black gap
    path: Path | None = None
    source_frame: int = 0  # the first source frame shown
    still: bool = False  # an image held for `frames`
    whole_clip: bool = False  # the piece shows the clip's source from its first to its last frame
    # The clip's fades, for a piece that may show only part of it: where the piece starts in the clip
    clip_offset: int = 0
    clip_frames: int = 0
    fade_in: int = 0
    fade_out: int = 0

    @property
    def fades(self) -> bool:
        return bool(self.fade_in or self.fade_out)


@dataclass(frozen=True)
class AudioPiece:
    start: int  # timeline frame
    frames: int
    clip_id: str
    path: Path
    source_frame: int  # in the take's frames (at `take_fps`)
    take_fps: float
    on_video_track: bool
    whole_clip: bool
    volume: float = 1.0
    clip_offset: int = 0
    clip_frames: int = 0
    fade_in: int = 0
    fade_out: int = 0

    @property
    def fades(self) -> bool:
        return bool(self.fade_in or self.fade_out)


@dataclass(frozen=True)
class ExportPlan:
    fps: float
    width: int
    height: int
    sample_rate: int
    total_frames: int
    video: tuple[VideoPiece, ...]
    audio: tuple[AudioPiece, ...]

    @property
    def sources(self) -> list[Path]:
        """Every media file the export reads, once each, in first-use order."""
        seen: dict[Path, None] = {}
        for p in (*self.video, *self.audio):
            if p.path is not None:
                seen.setdefault(p.path, None)
        return list(seen)


def plan_export(project: Project, project_path: str | Path) -> ExportPlan:
    """The export's pieces; MediaError when the timeline is empty or a clip's media file is missing."""
    total = project.duration()
    if total == 0:
        raise MediaError("The timeline is empty.", hint="Put some clips on the timeline, then export.")
    s = project.settings
    paths = _media_paths(project, project_path)
    return ExportPlan(fps=s.fps, width=s.width, height=s.height, sample_rate=s.sample_rate, total_frames=total,
                      video=tuple(_video_pieces(project, paths, total)), audio=tuple(_audio_pieces(project, paths)))


def _media_paths(project: Project, project_path: str | Path) -> dict[str, Path]:
    """clip id -> its media file, for every clip the export uses; MediaError naming a missing one."""
    used = [(t, c) for t in project.tracks for c in t.clips if not (t.kind == "video" and t.hidden and t.muted)
            and not (t.kind == "audio" and t.muted)]
    paths: dict[str, Path] = {}
    for track, clip in used:
        asset = project.asset(clip.asset_id)
        path = resolve_media(project_path, asset.take(clip.take_id).path)
        if not path.is_file():  # missing, or a FIFO/device/folder that ffmpeg must never be handed
            label = f"{clip.name or asset.name or asset.id!r} ({clip.id}, at frame {clip.start})"
            raise MediaError(f"Clip {label} on track {track.name or track.id!r} uses {path}, which is "
                             f"{describe(path)}.",
                             hint="Relink the media in the bin, or remove the clip, then export again.")
        paths[clip.id] = path
    return paths


def _video_pieces(project: Project, paths: dict[str, Path], total: int) -> list[VideoPiece]:
    tracks = [t for t in project.tracks_of_kind("video") if not t.hidden and t.clips]
    starts = [[c.start for c in t.clips] for t in tracks]
    bounds = sorted({0, total, *(x for t in tracks for c in t.clips for x in (c.start, c.end))})
    pieces: list[VideoPiece] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        clip = _top_clip(tracks, starts, a)
        if pieces and pieces[-1].start + pieces[-1].frames == a and pieces[-1].clip_id == (clip.id if clip else None):
            last = pieces[-1]  # the same clip (or gap) continues past a boundary of a clip below it
            pieces[-1] = _piece(project, paths, clip, last.start, last.frames + b - a)
        else:
            pieces.append(_piece(project, paths, clip, a, b - a))
    return pieces


def _top_clip(tracks: list[Track], starts: list[list[int]], frame: int) -> Clip | None:
    for track, track_starts in zip(tracks, starts, strict=True):  # the upper track first
        i = bisect.bisect_right(track_starts, frame) - 1
        if i >= 0 and track.clips[i].end > frame:
            return track.clips[i]
    return None


def _piece(project: Project, paths: dict[str, Path], clip: Clip | None, start: int, frames: int) -> VideoPiece:
    if clip is None:
        return VideoPiece(start=start, frames=frames)
    asset = project.asset(clip.asset_id)
    take = asset.take(clip.take_id)
    first = clip.in_frame + start - clip.start
    whole = first == 0 and frames == take.frame_count and asset.kind != "image"
    return VideoPiece(start=start, frames=frames, clip_id=clip.id, path=paths[clip.id], source_frame=first,
                      still=asset.kind == "image", whole_clip=whole, clip_offset=start - clip.start,
                      clip_frames=clip.duration, fade_in=clip.fitted_fades()[0], fade_out=clip.fitted_fades()[1])


def _audio_pieces(project: Project, paths: dict[str, Path]) -> list[AudioPiece]:
    pieces = []
    for track in project.tracks:
        if track.muted:
            continue
        for clip in track.clips:
            asset = project.asset(clip.asset_id)
            take = asset.take(clip.take_id)
            if asset.kind == "image" or not (take.has_audio or asset.kind == "audio"):
                continue
            if (track.kind == "video" and clip.link is not None) or clip.volume == 0:
                continue  # its sound plays from the linked clip on an audio track, or it is muted
            pieces.append(AudioPiece(start=clip.start, frames=clip.duration, clip_id=clip.id, path=paths[clip.id],
                                     source_frame=clip.in_frame, take_fps=take.fps,
                                     on_video_track=track.kind == "video",
                                     whole_clip=clip.in_frame == 0 and clip.out_frame == take.frame_count,
                                     volume=clip.volume, clip_frames=clip.duration,
                                     fade_in=clip.fitted_fades()[0], fade_out=clip.fitted_fades()[1]))
    return pieces
