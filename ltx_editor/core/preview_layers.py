"""What the preview draws at one timeline frame, by the export's rules (export_plan, export_graph._draw): the
clips stacked there, the upper track first, down to the first opaque one (or black under them all). Each
level is a clip's picture (its source frame at its speed, its fade), during a crossfade dissolving in over
the clip before it (played on past its out point), that dissolve drawn as one picture at the clip's opacity
over the levels below:

    level = opacity * (mix * clip + (1 - mix) * clip_before) + (1 - opacity) * levels_below

The export blends any number of levels; the preview plays one decoder per picture, so it draws at most
MAX_PICTURES (a level dissolving from the clip before it counts two) and black under the last level drawn.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from .export_plan import crossfade_frames, played_offset
from .project import Clip, Project, Track, media_length

MAX_PICTURES = 4  # decoders playing at once: four small ones keep up on a two-core laptop


@dataclass(frozen=True)
class Layer:
    clip: Clip
    source_frame: int  # in the take's frames
    shown: float  # 1 - the fade to black at this frame (1.0: not faded)


@dataclass(frozen=True)
class Level:
    """One clip of the stack: `layer` at `mix` over `dissolve_from` (a crossfade), all at `opacity`."""

    layer: Layer
    opacity: float = 1.0  # over the levels below (1.0: they are not drawn)
    dissolve_from: Layer | None = None  # the clip before, during a crossfade into this one
    mix: float = 1.0  # the crossfade's progress: how much of `layer` over `dissolve_from`

    @property
    def pictures(self) -> int:
        return 1 if self.dissolve_from is None else 2


@dataclass(frozen=True)
class Picture:
    levels: tuple[Level, ...] = ()  # the top first; none: black

    @property
    def top(self) -> Layer | None:
        return self.levels[0].layer if self.levels else None

    def weights(self) -> list[tuple[Layer, float]]:
        """Every layer drawn, top first, with its share of the blended picture (the rest is black)."""
        out: list[tuple[Layer, float]] = []
        left = 1.0  # what the levels above leave to this one
        for level in self.levels:
            share = left * level.opacity
            out.append((level.layer, share * level.mix))
            if level.dissolve_from is not None:
                out.append((level.dissolve_from, share * (1.0 - level.mix)))
            left -= share
        return out


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
    """The levels drawn at timeline `frame` (at most MAX_PICTURES pictures)."""
    levels: list[Level] = []
    pictures = 0
    for track in project.tracks_of_kind("video"):
        if track.hidden:
            continue
        k = _clip_index(track, frame)
        if k is None:
            continue
        level = _level(project, track, k, frame)
        if pictures + level.pictures > MAX_PICTURES:
            break  # black under the last level drawn
        levels.append(level)
        pictures += level.pictures
        if level.opacity >= 1.0:
            break
    return Picture(tuple(levels))


def _level(project: Project, track: Track, k: int, frame: int) -> Level:
    clip = track.clips[k]
    i = frame - clip.start
    layer = Layer(clip, clip.in_frame + clip.source_offset(i), faded(clip, i))
    n = crossfade_frames(track, k)
    if i >= n:
        return Level(layer, clip.opacity)
    # dissolving from the clip before, which plays on past its out point (held at its media's end)
    before = track.clips[k - 1]
    asset = project.asset(before.asset_id)
    last = (media_length(asset, asset.take(before.take_id)) or before.out_frame) - 1
    offset = before.duration + i
    source = before.in_frame + played_offset(before, offset)
    return Level(layer, clip.opacity, Layer(before, min(source, last), faded(before, offset)), mix=i / n)


def _clip_index(track: Track, frame: int) -> int | None:
    k = bisect_right(track.clips, frame, key=lambda c: c.start) - 1
    return k if k >= 0 and track.clips[k].end > frame else None
