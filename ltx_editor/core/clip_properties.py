"""Clip properties (sound level / mute, fade in and out) changed as one undoable edit, checked by field."""
from __future__ import annotations

from pydantic import ValidationError

from .edits import Changes, ClipChanges, Edit
from .errors import EditRefused
from .project import Project
from .settings import describe_validation_error

PROPERTIES = ("volume", "fade_in", "fade_out")


def set_clip_properties(project: Project, clip_id: str, **values: object) -> Edit:
    """Change `volume` (0-4, 0 = muted), `fade_in` / `fade_out` (frames) of one clip; EditRefused naming the
    field when a value is out of range or the fades do not fit, the project unchanged."""
    unknown = set(values) - set(PROPERTIES)
    if unknown:
        raise EditRefused(f"Unknown clip properties: {', '.join(sorted(unknown))} (known: {', '.join(PROPERTIES)}).")
    try:
        track, clip = project.find_clip(clip_id)
    except KeyError:
        raise EditRefused(f"There is no clip {clip_id!r}.") from None
    try:
        changed = clip.model_validate(clip.model_dump() | values)
    except ValidationError as exc:
        message = describe_validation_error(exc).replace("Invalid settings", "Invalid clip properties")
        raise EditRefused(message.replace("— settings: Value error, ", "— ") + ".") from None
    if changed.fade_in + changed.fade_out > changed.duration:
        raise EditRefused(f"Invalid clip properties — fades of {changed.fade_in} + {changed.fade_out} frames do not "
                          f"fit in a clip of {changed.duration} frames.")
    edit = Changes("Clip properties", [ClipChanges(track.id, {clip.id: clip}, {clip.id: changed})],
                   affected=[clip.id, track.id], kinds=("clips", "timeline"))
    edit.apply(project)
    return edit
