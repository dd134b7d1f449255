"""A project as it was at one moment, cheap enough to take on the GUI thread and safe to encode on another.

Entities (assets with their takes, clips, keyframes, markers, shots, cast, folders, job records) are never
changed in place once they are in a project: the edits that change them swap in new versions (core/edits,
bin_edits, generation/landing.add_result), so the snapshot shares them. What does change in place is copied:
the project's own fields, its settings, its lists (an import appends to `assets`), and each track's clip
list (core/edits.ClipChanges edits small tracks in place). At 10,000 clips that is a few lists, well under a
millisecond, and it allocates almost nothing the garbage collector would have to walk (copying each of the
5,000 assets cost 3-9 ms and set off collections).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .project import SCHEMA_VERSION, Project


@dataclass(frozen=True)
class ProjectSnapshot:
    fields: dict[str, Any]  # the project's fields in file order, ready for pydantic's JSON encoder

    @property
    def name(self) -> str:
        return self.fields["name"]


def take_snapshot(project: Project) -> ProjectSnapshot:
    fields = _own_lists(project.__dict__.copy())
    fields["schema_version"] = SCHEMA_VERSION
    fields["settings"] = project.settings.__dict__.copy()
    fields["tracks"] = [{**t.__dict__, "clips": list(t.clips)} for t in project.tracks]
    return ProjectSnapshot(fields)


def detached_copy(project: Project) -> Project:
    """The project as it is now, as a Project that later edits do not reach, for work on another thread (an
    export): the same sharing as take_snapshot, at a fraction of a deep copy's cost on the GUI thread."""
    copy = project.model_copy()  # its own field dict; the values are still shared
    _own_lists(copy.__dict__)
    copy.__dict__["settings"] = project.settings.model_copy()
    copy.__dict__["tracks"] = [t.model_copy(update={"clips": list(t.clips)}) for t in project.tracks]
    return copy


def _own_lists(fields: dict[str, Any]) -> dict[str, Any]:
    for name, value in fields.items():
        if type(value) is list:
            fields[name] = list(value)
    return fields

