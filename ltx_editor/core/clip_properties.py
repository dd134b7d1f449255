"""Clip properties (sound level / mute, fade in and out, opacity, speed, the crossfade from the clip before)
changed as one undoable edit, checked by field.

A clip's fades fade its own picture and sound; a video whose sound is a linked clip on an audio track (an
imported video's) is heard through that clip, so its picture fades and its sound fades are two properties, as
in Shotcut and Kdenlive. `link_fades` sets both at once (the properties popup's "Sound too")."""
from __future__ import annotations

from pydantic import ValidationError

from .edits import Changes, ClipChanges, Edit
from .errors import EditRefused
from .project import Clip, Project, Track
from .settings import describe_validation_error

PROPERTIES = ("volume", "fade_in", "fade_out", "opacity", "speed", "crossfade")
LINKED = ("speed", "crossfade")  # what a linked clip (a video's own sound) follows, so the two stay together
FADES = ("fade_in", "fade_out")  # what it takes too when asked (link_fades)


def set_clip_properties(project: Project, clip_id: str, *, link_fades: bool = False, **values: object) -> Edit:
    """Change `volume` (0-4, 0 = muted), `fade_in` / `fade_out` (frames), `opacity` (0-1), `speed` (0.25-4:
    the clip's length on the timeline follows, its in and out stay in source frames) and `crossfade` (frames
    of a dissolve from the clip just before it on its track; 0 removes it) of one clip. Its linked clip takes
    the same speed, and the same crossfade where a clip ends where it starts; with `link_fades`, the same
    fades too (a video's picture fades and its sound's). A clip a speed change leaves without the clip before
    touching it loses its crossfade. EditRefused naming the field when a value is out of range or does not
    fit, the project unchanged."""
    unknown = set(values) - set(PROPERTIES)
    if unknown:
        raise EditRefused(f"Unknown clip properties: {', '.join(sorted(unknown))} (known: {', '.join(PROPERTIES)}).")
    try:
        track, clip = project.find_clip(clip_id)
    except KeyError:
        raise EditRefused(f"There is no clip {clip_id!r}.") from None
    steps = [_changed(track, clip, values)]
    linked = {k: v for k, v in values.items() if k in LINKED or (link_fades and k in FADES)}
    if linked and clip.link is not None:
        try:
            partner_track, partner = project.find_clip(clip.link)
        except KeyError:
            partner_track = None
        if partner_track is not None:
            if linked.get("crossfade") and not _touches_clip_before(partner_track, partner):
                linked.pop("crossfade")  # its sound has no clip right before it: the picture crossfades alone
            if linked:
                steps.append(_changed(partner_track, partner, linked, partner=True))
    steps += _parted(steps)
    edit = Changes("Clip properties", [ClipChanges(t.id, {before.id: before}, {after.id: after})
                                       for t, before, after in steps],
                   affected=[x for t, before, _ in steps for x in (before.id, t.id)], kinds=("clips", "timeline"))
    edit.apply(project)
    return edit


def _changed(track: Track, clip: Clip, values: dict, partner: bool = False) -> tuple[Track, Clip, Clip]:
    """(track, the clip, the clip with `values`), checked; EditRefused naming what does not fit (`partner`: the
    linked clip, named as such)."""
    try:
        changed = clip.model_validate(clip.model_dump() | values)
    except ValidationError as exc:
        message = describe_validation_error(exc).replace("Invalid settings", "Invalid clip properties")
        raise EditRefused(message.replace("— settings: Value error, ", "— ") + ".") from None
    if changed.fade_in + changed.fade_out > changed.duration:
        whose = f"its linked {track.kind} clip {clip.name or clip.id!r}" if partner else "a clip"
        raise EditRefused(f"Invalid clip properties — fades of {changed.fade_in} + {changed.fade_out} frames do not "
                          f"fit in {whose} of {changed.duration} frames.",
                          hint="Shorten the fades, or untick the linked clip's box to fade this one alone."
                          if partner else "")
    i = next(k for k, c in enumerate(track.clips) if c.id == clip.id)
    if changed.end > clip.end and i + 1 < len(track.clips) and track.clips[i + 1].start < changed.end:
        after = track.clips[i + 1]
        raise EditRefused(f"Invalid clip properties — at {changed.speed:g}x the clip lasts {changed.duration} frames "
                          f"and would overlap {after.name or after.id!r}, which starts {after.start - clip.start} "
                          "frames after it.", hint="Make room after the clip first, or choose a higher speed.")
    if "crossfade" in values and changed.crossfade:
        _check_crossfade(track, i, changed)
    return track, clip, changed


def _parted(steps: list[tuple[Track, Clip, Clip]]) -> list[tuple[Track, Clip, Clip]]:
    """The crossfades a new length ends: the clip after a changed one, which touched it and no longer does."""
    out = []
    for track, before, after in steps:
        if after.end == before.end:
            continue
        i = next(k for k, c in enumerate(track.clips) if c.id == before.id)
        if i + 1 < len(track.clips) and (nxt := track.clips[i + 1]).crossfade and nxt.start == before.end:
            out.append((track, nxt, nxt.model_copy(update={"crossfade": 0})))
    return out


def _touches_clip_before(track: Track, clip: Clip) -> bool:
    i = next(k for k, c in enumerate(track.clips) if c.id == clip.id)
    return i > 0 and track.clips[i - 1].end == clip.start


def _check_crossfade(track: Track, i: int, clip: Clip) -> None:
    """A crossfade needs a clip just before this one (touching it) and fits in both clips."""
    before = track.clips[i - 1] if i > 0 else None
    if before is None or before.end != clip.start:
        raise EditRefused("Invalid clip properties — crossfade: there is no clip right before this one on its track.",
                          hint="A crossfade joins two clips that touch; move this one against the clip before.")
    longest = min(clip.duration, before.duration)
    if clip.crossfade > longest:
        raise EditRefused(f"Invalid clip properties — crossfade: {clip.crossfade} frames do not fit; the clips are "
                          f"{before.duration} and {clip.duration} frames long (at most {longest}).")
