"""What an export shows and plays, frame by frame: pure arithmetic on the project (no ffmpeg).

Picture: at each timeline frame the top-most visible video track with a clip there wins (a track higher
in the list covers those below it, as in Shotcut and frame_grab.frame_at); frames no clip covers are black. Sound: every clip with
sound on a track that is not muted (audio tracks, and the clips' own sound on video tracks) is mixed.
Timeline frame i of a clip shows source frame in_frame + floor(i * speed) (Clip.source_offset), so a source
of another rate is re-timed frame for frame (its sound follows the picture's speed).

A clip less than fully opaque shows the tracks below it through (its piece's `under`, down to the first
opaque clip or black); the first `crossfade` frames of a clip dissolve from the clip before it on its track
(its piece's `dissolve_from`: that clip played on past its out point). The sound of a crossfade: the clip
before plays on as long, fading out, while this one fades in.
"""
from __future__ import annotations

import bisect
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import MediaError
from .project import Clip, Project, Track, media_length
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
    speed: float = 1.0  # the clip's; source_frame is what piece frame 0 shows (clip frame clip_offset)
    source_frames: int = 0  # source frames read from source_frame on (0: `frames`, one per timeline frame);
    # past the media's end the last one is held (a crossfade's outgoing clip playing on)
    opacity: float = 1.0
    under: VideoPiece | None = None  # what shows through a clip less than opaque (None: black)
    dissolve_from: VideoPiece | None = None  # a crossfade: the clip before, dissolving into this one
    crossfade: int = 0  # that crossfade's length: clip frame i shows this clip at i / crossfade over it

    @property
    def fades(self) -> bool:
        return bool(self.fade_in or self.fade_out)

    @property
    def read_frames(self) -> int:
        return self.source_frames or self.frames

    @property
    def plain(self) -> bool:
        """Frames straight from the source, one per timeline frame, over nothing: no fades, speed, opacity,
        crossfade (the only pieces a stream copy can take)."""
        return not (self.fades or self.speed != 1.0 or self.source_frames or self.under or self.dissolve_from
                    or self.opacity != 1.0)

    def cut(self, skipped: int, frames: int, start: int) -> VideoPiece:
        """The piece's frames [skipped, skipped + frames), starting at timeline frame `start`."""
        whole = self.whole_clip and skipped == 0 and frames == self.frames
        moved = {"start": start, "frames": frames, "whole_clip": whole, "clip_offset": self.clip_offset + skipped}
        if self.path is not None and not self.still:
            held = self.source_frame + self.read_frames - 1 if self.source_frames else None  # the last one read
            first, last = (self._source(i) for i in (skipped, skipped + frames - 1))
            if held is not None:
                first, last = min(first, held), min(last, held)
                moved["source_frames"] = last - first + 1
            moved["source_frame"] = first
        for name in ("under", "dissolve_from"):
            inner = getattr(self, name)
            if inner is not None:
                moved[name] = inner.cut(skipped, frames, start)
        return replace(self, **moved)

    def _source(self, i: int) -> int:
        """The source frame piece frame i shows, not held at the media's end."""
        if self.speed == 1.0:
            return self.source_frame + i
        o = self.clip_offset
        return self.source_frame + math.floor((o + i) * self.speed + 1e-9) - math.floor(o * self.speed + 1e-9)

    def layers(self) -> Iterator[VideoPiece]:
        """This piece and every piece it is drawn from (under it, dissolving into it)."""
        yield self
        for inner in (self.under, self.dissolve_from):
            if inner is not None:
                yield from inner.layers()


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
    speed: float = 1.0
    crossfade_in: int = 0  # fades in over its first frames, a crossfade from the clip before
    crossfade_out: int = 0  # plays on past the clip's end for this many frames, fading out (the crossfade)

    @property
    def fades(self) -> bool:
        return bool(self.fade_in or self.fade_out or self.crossfade_in or self.crossfade_out)

    def cut(self, skipped: int, frames: int, start: int) -> AudioPiece:
        """The piece's frames [skipped, skipped + frames), starting at timeline frame `start`."""
        whole = self.whole_clip and skipped == 0 and frames == self.frames
        return replace(self, start=start, frames=frames, whole_clip=whole, clip_offset=self.clip_offset + skipped,
                       source_frame=self.source_frame + round(skipped * self.speed))


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
        for p in (*(layer for v in self.video for layer in v.layers()), *self.audio):
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


def crossfade_frames(track: Track, i: int) -> int:
    """The crossfade into the track's clip i that is drawn: its `crossfade`, when the clip before ends where
    it starts, cut to fit both clips (an edit that parts them clears it: timeline._TrackDraft.part_crossfades;
    one that shortens them keeps the number, cut here; an older project may hold one unused)."""
    clip = track.clips[i]
    if not clip.crossfade or i == 0 or track.clips[i - 1].end != clip.start:
        return 0
    return min(clip.crossfade, clip.duration, track.clips[i - 1].duration)


def _video_pieces(project: Project, paths: dict[str, Path], total: int) -> list[VideoPiece]:
    tracks = [t for t in project.tracks_of_kind("video") if not t.hidden and t.clips]
    starts = [[c.start for c in t.clips] for t in tracks]
    bounds = {0, total}
    for t in tracks:
        for k, c in enumerate(t.clips):
            bounds.update((c.start, c.end))
            if (n := crossfade_frames(t, k)) > 0:
                bounds.add(c.start + n)
    bounds = sorted(bounds)
    pieces: list[VideoPiece] = []
    keys: list[tuple] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        stack = _stack(tracks, starts, a)
        key = tuple((clip.id, n > a - clip.start) for _t, clip, n in stack)
        if pieces and keys[-1] == key and pieces[-1].start + pieces[-1].frames == a:
            start = pieces[-1].start  # the same clips continue past a boundary of a clip below them
            pieces[-1] = _layered(project, paths, stack, start, b - start)
        else:
            pieces.append(_layered(project, paths, stack, a, b - a))
            keys.append(key)
    return pieces


def _stack(tracks: list[Track], starts: list[list[int]], frame: int) -> list[tuple[Track, Clip, int]]:
    """The clips drawn at `frame`, the upper track first, down to the first opaque one: (track, clip, its
    crossfade's frames)."""
    stack = []
    for track, track_starts in zip(tracks, starts, strict=True):
        i = bisect.bisect_right(track_starts, frame) - 1
        if i >= 0 and track.clips[i].end > frame:
            clip = track.clips[i]
            n = crossfade_frames(track, i)
            stack.append((track, clip, n))
            if clip.opacity >= 1.0:
                break
    return stack


def _layered(project: Project, paths: dict[str, Path], stack: list[tuple[Track, Clip, int]], start: int,
             frames: int) -> VideoPiece:
    """The piece for frames [start, start + frames) drawn from `stack` (its top clip over the rest)."""
    if not stack:
        return VideoPiece(start=start, frames=frames)
    track, clip, n = stack[0]
    piece = _piece(project, paths, clip, start, frames)
    if n > start - clip.start:  # inside the crossfade: the clip before plays on under it
        before = track.clips[track.clips.index(clip) - 1]
        offset = before.duration + start - clip.start
        piece = replace(piece, crossfade=n, dissolve_from=_piece(project, paths, before, start, frames,
                                                                 offset=offset))
    if clip.opacity < 1.0:
        piece = replace(piece, opacity=clip.opacity, under=_layered(project, paths, stack[1:], start, frames))
    return piece


def _piece(project: Project, paths: dict[str, Path], clip: Clip, start: int, frames: int,
           offset: int | None = None) -> VideoPiece:
    """Frames [start, start + frames) of the timeline from `clip`, `offset` frames into it (by default where
    the timeline puts it; past its end for a crossfade, where the media's last frame is held and a clip that
    faded out stays black)."""
    asset = project.asset(clip.asset_id)
    take = asset.take(clip.take_id)
    offset = start - clip.start if offset is None else offset
    first = clip.in_frame + played_offset(clip, offset)
    still = asset.kind == "image"
    count = 0
    if clip.speed != 1.0 or offset + frames > clip.duration:
        last = clip.in_frame + played_offset(clip, offset + frames - 1)
        available = media_length(asset, take) or clip.out_frame
        first, last = min(first, available - 1), min(last, available - 1)
        count = last - first + 1
    whole = first == 0 and frames == take.frame_count and not still and not count
    fade_in, fade_out = clip.fitted_fades()
    return VideoPiece(start=start, frames=frames, clip_id=clip.id, path=paths[clip.id], source_frame=first,
                      still=still, whole_clip=whole, clip_offset=offset, clip_frames=clip.duration,
                      fade_in=fade_in, fade_out=fade_out, speed=clip.speed,
                      source_frames=0 if still or count == frames and clip.speed == 1.0 else count)


def played_offset(clip: Clip, i: int) -> int:
    """Clip.source_offset without holding the clip's last frame (a crossfade plays the clip on past it)."""
    return i if clip.speed == 1.0 else math.floor(i * clip.speed + 1e-9)


def _audio_pieces(project: Project, paths: dict[str, Path]) -> list[AudioPiece]:
    pieces = []
    for track in project.tracks:
        if track.muted:
            continue
        for k, clip in enumerate(track.clips):
            asset = project.asset(clip.asset_id)
            take = asset.take(clip.take_id)
            if asset.kind == "image" or not (take.has_audio or asset.kind == "audio"):
                continue
            if (track.kind == "video" and clip.link is not None) or clip.volume == 0:
                continue  # its sound plays from the linked clip on an audio track, or it is muted
            after = crossfade_frames(track, k + 1) if k + 1 < len(track.clips) else 0
            pieces.append(AudioPiece(start=clip.start, frames=clip.duration + after, clip_id=clip.id,
                                     path=paths[clip.id], source_frame=clip.in_frame, take_fps=take.fps,
                                     on_video_track=track.kind == "video",
                                     whole_clip=clip.in_frame == 0 and clip.out_frame == take.frame_count
                                     and clip.speed == 1.0 and not after,
                                     volume=clip.volume, clip_frames=clip.duration,
                                     fade_in=clip.fitted_fades()[0], fade_out=clip.fitted_fades()[1],
                                     speed=clip.speed, crossfade_in=crossfade_frames(track, k),
                                     crossfade_out=after))
    return pieces
