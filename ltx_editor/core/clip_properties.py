"""Clip properties (sound level / mute, fade in and out, opacity, speed, the crossfade from the clip before)
changed as one undoable edit, checked by field."""
from __future__ import annotations

from pydantic import ValidationError

from .edits import Changes, ClipChanges, Edit
from .errors import EditRefused
from .project import Clip, Project, Track
from .settings import describe_validation_error

PROPERTIES = ("volume", "fade_in", "fade_out", "opacity", "speed", "crossfade")
LINKED = ("speed", "crossfade")  # what a linked clip (a video's own sound) follows, so the two stay together


def set_clip_properties(project: Project, clip_id: str, **values: object) -> Edit:
    """Change `volume` (0-4, 0 = muted), `fade_in` / `fade_out` (frames), `opacity` (0-1), `speed` (0.25-4:
    the clip's length on the timeline follows, its in and out stay in source frames) and `crossfade` (frames
    of a dissolve from the clip just before it on its track; 0 removes it) of one clip. Its linked clip takes
    the same speed, and the same crossfade where a clip ends where it starts. EditRefused naming the field
    when a value is out of range or does not fit, the project unchanged."""
    unknown = set(values) - set(PROPERTIES)
    if unknown:
        raise EditRefused(f"Unknown clip properties: {', '.join(sorted(unknown))} (known: {', '.join(PROPERTIES)}).")
    try:
        track, clip = project.find_clip(clip_id)
    except KeyError:
        raise EditRefused(f"There is no clip {clip_id!r}.") from None
    steps = [_changed(track, clip, values)]
    linked = {k: v for k, v in values.items() if k in LINKED}
    if linked and clip.link is not None:
        try:
            partner_track, partner = project.find_clip(clip.link)
        except KeyError:
            partner_track = None
        if partner_track is not None:
            if linked.get("crossfade") and not _touches_clip_before(partner_track, partner):
                linked.pop("crossfade")  # its sound has no clip right before it: the picture crossfades alone
            if linked:
                steps.append(_changed(partner_track, partner, linked))
    edit = Changes("Clip properties", [ClipChanges(t.id, {before.id: before}, {after.id: after})
                                       for t, before, after in steps],
                   affected=[x for t, before, _ in steps for x in (before.id, t.id)], kinds=("clips", "timeline"))
    edit.apply(project)
    return edit


def _changed(track: Track, clip: Clip, values: dict) -> tuple[Track, Clip, Clip]:
    """(track, the clip, the clip with `values`), checked; EditRefused naming what does not fit."""
    try:
        changed = clip.model_validate(clip.model_dump() | values)
    except ValidationError as exc:
        message = describe_validation_error(exc).replace("Invalid settings", "Invalid clip properties")
        raise EditRefused(message.replace("— settings: Value error, ", "— ") + ".") from None
    if changed.fade_in + changed.fade_out > changed.duration:
        raise EditRefused(f"Invalid clip properties — fades of {changed.fade_in} + {changed.fade_out} frames do not "
                          f"fit in a clip of {changed.duration} frames.")
    i = next(k for k, c in enumerate(track.clips) if c.id == clip.id)
    if changed.end > clip.end and i + 1 < len(track.clips) and track.clips[i + 1].start < changed.end:
        after = track.clips[i + 1]
        raise EditRefused(f"Invalid clip properties — at {changed.speed:g}x the clip lasts {changed.duration} frames "
                          f"and would overlap {after.name or after.id!r}, which starts {after.start - clip.start} "
                          "frames after it.", hint="Make room after the clip first, or choose a higher speed.")
    if "crossfade" in values and changed.crossfade:
        _check_crossfade(track, i, changed)
    return track, clip, changed


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
