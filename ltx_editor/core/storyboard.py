"""Storyboard edits: add, reorder, duplicate, delete and change shots, each an undoable edit.

A core Edit (core/edits.Changes) like every timeline edit, so the UI pushes it onto the same undo stack. It
snapshots only the shots it touched (per entity, with their positions). Generation bookkeeping (status,
result asset) goes through `set_shot_result`, which is deliberately not an undo step, and restoring a shot
keeps it: undo must never lose a take.
"""
from __future__ import annotations

from pydantic import ValidationError

from .edits import Changes, entity_changes
from .errors import EditRefused
from .ids import new_id
from .project import Project, Shot

KINDS = ("shots",)
EDITABLE = ("prompt", "duration_s", "start_image", "end_image", "enhanced_prompt")


ShotsEdit = Changes  # a storyboard edit is a core Edit of shot entities


def _commit(project: Project, label: str, shots: list[Shot], created=(), affected=()) -> Changes:
    """Swap in the new shot list; the edit keeps only the shots named in created/affected (per entity), and
    restoring one keeps the generation bookkeeping (status, result asset) it has by then."""
    changed = list(dict.fromkeys([*created, *affected]))
    step = entity_changes("shots", project.shots, shots, changed)
    project.shots = shots
    return Changes(label, [step], created=list(created), affected=list(affected), kinds=KINDS)


def shot(project: Project, shot_id: str) -> Shot:
    for s in project.shots:
        if s.id == shot_id:
            return s
    raise EditRefused(f"There is no shot {shot_id!r}.")


def _index(project: Project, shot_id: str) -> int:
    return project.shots.index(shot(project, shot_id))


def _valid_shot(data: dict) -> Shot:
    try:
        return Shot.model_validate(data)
    except ValidationError as e:
        err = e.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(x) for x in err["loc"])
        raise EditRefused(f"Invalid shot {where}: {err['msg'].removeprefix('Value error, ')}.") from None


def add_shot(project: Project, prompt: str = "", duration_s: float = 5.0, *, index: int | None = None,
             start_image: str | None = None, end_image: str | None = None) -> ShotsEdit:
    """A new draft shot at `index` (default: the end); its id is in `edit.created`."""
    new = _valid_shot({"id": new_id("shot"), "prompt": prompt, "duration_s": duration_s,
                       "start_image": start_image, "end_image": end_image})
    shots = list(project.shots)
    at = len(shots) if index is None else max(0, min(index, len(shots)))
    shots.insert(at, new)
    return _commit(project, "Add shot", shots, created=[new.id], affected=[new.id])


def move_shot(project: Project, shot_id: str, index: int) -> ShotsEdit:
    """Move a shot to position `index` (clamped) in the list."""
    shots = list(project.shots)
    moving = shots.pop(_index(project, shot_id))
    shots.insert(max(0, min(index, len(shots))), moving)
    return _commit(project, "Reorder shots", shots, affected=[shot_id])


def duplicate_shot(project: Project, shot_id: str) -> ShotsEdit:
    """A draft copy right after the shot: same prompt, duration and images; no result yet."""
    i = _index(project, shot_id)
    copy = project.shots[i].model_copy(update={"id": new_id("shot"), "status": "draft", "asset_id": None})
    shots = list(project.shots)
    shots.insert(i + 1, copy)
    return _commit(project, "Duplicate shot", shots, created=[copy.id], affected=[copy.id])


def delete_shots(project: Project, shot_ids: list[str]) -> ShotsEdit:
    """Remove shots from the storyboard. Their generated assets stay in the bin (and on the timeline)."""
    gone = {shot(project, sid).id for sid in shot_ids}
    if not gone:
        raise EditRefused("No shots to delete.")
    shots = [s for s in project.shots if s.id not in gone]
    label = "Delete shot" if len(gone) == 1 else f"Delete {len(gone)} shots"
    return _commit(project, label, shots, affected=sorted(gone))


def update_shot(project: Project, shot_id: str, **changes: object) -> ShotsEdit:
    """Change a shot's prompt, duration, start/end image or enhanced prompt (one undo step)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise EditRefused(f"Cannot change shot field(s) {', '.join(sorted(unknown))}.")
    i = _index(project, shot_id)
    new = _valid_shot({**project.shots[i].model_dump(), **changes})
    shots = list(project.shots)
    shots[i] = new
    return _commit(project, "Change shot", shots, affected=[shot_id])


def set_shot_result(project: Project, shot_id: str, *, status: str, asset_id: str | None = None) -> Shot:
    """Record generation progress on a shot (queued/generating/done/failed) and its asset. Not undoable."""
    i = _index(project, shot_id)
    update: dict[str, object] = {"status": status}
    if asset_id is not None:
        update["asset_id"] = asset_id
    shots = list(project.shots)  # a new list: snapshots and saves may share the old one
    shots[i] = shots[i].model_copy(update=update)
    project.shots = shots
    return shots[i]
