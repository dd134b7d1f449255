"""What the preview draws at one timeline frame, by the export's rules (export_plan): the clip on top, its
source frame (at its speed), its fade, how opaque it is, and the one picture under it — the clip it
dissolves from during a crossfade (played on past its out point), else the clip on the track below when it
is see-through (None: black).

The preview draws two layers: a see-through clip over another see-through clip shows only the upper two.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from .export_plan import crossfade_frames, played_offset
from .project import Clip, Project, Track, media_length


@dataclass(frozen=True)
class Layer:
    clip: Clip
    source_frame: int  # in the take's frames
    shown: float  # 1 - the fade to black at this frame (1.0: not faded)


@dataclass(frozen=True)
class Picture:
    top: Layer | None  # None: no clip at the frame (black)
    opacity: float = 1.0  # of the top layer over `under`
    under: Layer | None = None


def faded(clip: Clip, i: int) -> float:
    """How much of the clip shows at its frame i (its fades, as the export draws them; past its end, where a
    crossfade plays it on, a clip that faded out stays black)."""
    n = clip.duration
    fade_in, fade_out = clip.fitted_fades()
    f = 1.0
    if fade_in and i < fade_in:
        f = min(f, i / fade_in)
    if fade_out and i >= n - fade_out:
        f = min(f, (n - i) / fade_out)
    return max(0.0, min(1.0, f))


def picture_at(project: Project, frame: int) -> Picture:
    """The layers drawn at timeline `frame`."""
    covering: list[tuple[Track, int]] = []
    for track in project.tracks_of_kind("video"):
        if track.hidden:
            continue
        k = _clip_index(track, frame)
        if k is not None:
            covering.append((track, k))
            if track.clips[k].opacity >= 1.0 and len(covering) == 1:
                break
            if len(covering) == 2:
                break
    if not covering:
        return Picture(top=None)
    track, k = covering[0]
    clip = track.clips[k]
    i = frame - clip.start
    top = Layer(clip, clip.in_frame + clip.source_offset(i), faded(clip, i))
    n = crossfade_frames(track, k)
    if i < n:  # dissolving from the clip before, which plays on past its out point (held at its media's end)
        before = track.clips[k - 1]
        asset = project.asset(before.asset_id)
        last = (media_length(asset, asset.take(before.take_id)) or before.out_frame) - 1
        offset = before.duration + i
        source = before.in_frame + played_offset(before, offset)
        return Picture(top=top, opacity=i / n, under=Layer(before, min(source, last), faded(before, offset)))
    if clip.opacity >= 1.0:
        return Picture(top=top)
    under = None
    if len(covering) > 1:
        below_track, j = covering[1]
        below = below_track.clips[j]
        under = Layer(below, below.in_frame + below.source_offset(frame - below.start), faded(below, frame - below.start))
    return Picture(top=top, opacity=clip.opacity, under=under)


def _clip_index(track: Track, frame: int) -> int | None:
    k = bisect_right(track.clips, frame, key=lambda c: c.start) - 1
    return k if k >= 0 and track.clips[k].end > frame else None
