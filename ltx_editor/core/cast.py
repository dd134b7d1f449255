"""The cast: named characters, objects and places that `@name` in any prompt brings in.

Parsing and expansion are pure text work: `expand(prompt, cast)` swaps each `@name` for that entry's
description and says which entries were used; an unknown name is refused, in words, before anything is
submitted. Editing the cast (add, rename, describe, remove, add/remove a reference image, set the voice sample)
is a core Edit of cast entities, one undo step each, like the storyboard's shots. A rename also rewrites
`@old` to `@new` in every prompt the project holds (shots, keyframe spans) in the same undo step; prompts of
queued jobs and clip recipes were expanded when they were queued, so they hold descriptions, not `@names`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import ValidationError

from .edits import Changes, entity_changes
from .errors import EditRefused
from .ids import new_id
from .project import CastEntry, Project

KINDS = ("cast",)
# Not after a word character or another '@' (an e-mail address, '@@name' stays literal); the name as
# project.CAST_NAME_PATTERN allows it, so "@Mara." and "@Mara's" name Mara.
MENTION = re.compile(r"(?<![\w@])@([A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)")


class CastError(EditRefused):
    """A prompt names someone the cast does not have, or a cast edit cannot be made."""


@dataclass(frozen=True)
class Expansion:
    prompt: str  # with every @name replaced by its entry's description (its name when it has none)
    entries: tuple[CastEntry, ...]  # the entries used, in the order the prompt first names them


def mentions(prompt: str) -> list[str]:
    """The names `@name` in the prompt, first mention first, each once (as written)."""
    seen: dict[str, str] = {}
    for m in MENTION.finditer(prompt):
        seen.setdefault(m.group(1).casefold(), m.group(1))
    return list(seen.values())


def find(cast: list[CastEntry], name: str) -> CastEntry | None:
    """The entry with this name (names are unique regardless of case)."""
    key = name.casefold()
    return next((c for c in cast if c.name.casefold() == key), None)


def expand(prompt: str, cast: list[CastEntry]) -> Expansion:
    """The prompt with each `@name` replaced by that entry's description; CastError naming every unknown one."""
    names = mentions(prompt)
    unknown = [n for n in names if find(cast, n) is None]
    if unknown:
        listed = ", ".join(f"@{n}" for n in unknown)
        known = ", ".join(f"@{c.name}" for c in cast) or "nobody yet"
        raise CastError(f"The prompt names {listed}, who {'is' if len(unknown) == 1 else 'are'} not in the cast.",
                        hint=f"The cast has {known}. Add {'it' if len(unknown) == 1 else 'them'} in the Cast panel "
                             "or fix the spelling.")
    if not names:
        return Expansion(prompt, ())
    used = tuple(find(cast, n) for n in names)

    def words(m: re.Match) -> str:
        entry = find(cast, m.group(1))
        return entry.description.strip() or entry.name

    return Expansion(MENTION.sub(words, prompt), used)


# --- editing: each function applies the change and returns its undoable Edit ------------------------------
def entry(project: Project, entry_id: str) -> CastEntry:
    for c in project.cast:
        if c.id == entry_id:
            return c
    raise CastError(f"There is no cast entry {entry_id!r}.")


def _valid(data: dict) -> CastEntry:
    try:
        return CastEntry.model_validate(data)
    except ValidationError as e:
        err = e.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(x) for x in err["loc"]) or "entry"
        if where == "name" and err["type"] == "string_pattern_mismatch":
            raise CastError(f"“{data.get('name')}” cannot follow an @.",
                            hint="Use letters, digits, _ and - (starting with a letter), e.g. Mara or red-car.") from None
        raise CastError(f"Invalid cast {where}: {err['msg'].removeprefix('Value error, ')}.") from None


def _check_name_free(project: Project, name: str, keep_id: str | None = None) -> None:
    other = find(project.cast, name)
    if other is not None and other.id != keep_id:
        raise CastError(f"The cast already has @{other.name}.", hint="Pick another name.")


def _commit(project: Project, label: str, cast: list[CastEntry], changed: list[str], created=()) -> Changes:
    step = entity_changes("cast", project.cast, cast, changed)
    project.cast = cast
    return Changes(label, [step], created=list(created), affected=list(changed), kinds=KINDS)


def _replace(project: Project, label: str, new: CastEntry) -> Changes:
    cast = [new if c.id == new.id else c for c in project.cast]
    return _commit(project, label, cast, [new.id])


def add_entry(project: Project, name: str, kind: str = "character", description: str = "") -> Changes:
    """A new entry at the end of the cast; its id is in `edit.created`."""
    new = _valid({"id": new_id("cast"), "name": name.strip().lstrip("@"), "kind": kind, "description": description})
    _check_name_free(project, new.name)
    return _commit(project, f"Add @{new.name} to the cast", [*project.cast, new], [new.id], created=[new.id])


def rename_mentions(text: str, old: str, new: str) -> str:
    """`text` with every `@old` (any case, whole names only: `@ann` leaves `@anna` and `@ann-b` alone) as
    `@new`."""
    key = old.casefold()
    return MENTION.sub(lambda m: f"@{new}" if m.group(1).casefold() == key else m.group(0), text)


def _renamed(items: list, fields: tuple[str, ...], old: str, new: str) -> tuple[list, list[str]]:
    """`items` with `@old` renamed in `fields` (entities are replaced, never changed: snapshots share them),
    and the ids of those that changed."""
    out, changed = [], []
    for item in items:
        update = {f: rename_mentions(v, old, new) for f in fields if (v := getattr(item, f))}
        update = {f: v for f, v in update.items() if v != getattr(item, f)}
        if update:
            item = item.model_copy(update=update)
            changed.append(item.id)
        out.append(item)
    return out, changed


# The project's prompts: (list, fields). Its kind of edit is the list's name.
_PROMPTS: tuple[tuple[str, tuple[str, ...]], ...] = (("shots", ("prompt", "enhanced_prompt")),
                                                     ("keyframes", ("prompt",)))


def rename_entry(project: Project, entry_id: str, name: str) -> Changes:
    """Rename the entry and rewrite `@old` as `@new` in every prompt of the project: one undo step."""
    old = entry(project, entry_id)
    new = _valid({**old.model_dump(), "name": name.strip().lstrip("@")})
    _check_name_free(project, new.name, keep_id=entry_id)
    label = f"Rename @{old.name} to @{new.name}"
    edit = _replace(project, label, new)
    kinds, affected = list(edit.kinds), list(edit.affected)
    for collection, fields in _PROMPTS:
        items, changed = _renamed(getattr(project, collection), fields, old.name, new.name)
        if changed:
            edit.steps.append(entity_changes(collection, getattr(project, collection), items, changed))
            setattr(project, collection, items)
            kinds.append(collection)
            affected.extend(changed)
    if "keyframes" in kinds:
        kinds.append("timeline")  # the keyframe lane's tooltips show the prompts
    edit.kinds, edit.affected = tuple(dict.fromkeys(kinds)), affected
    return edit


def update_entry(project: Project, entry_id: str, *, description: str | None = None,
                 kind: str | None = None) -> Changes:
    old = entry(project, entry_id)
    data = old.model_dump()
    if description is not None:
        data["description"] = description
    if kind is not None:
        data["kind"] = kind
    return _replace(project, f"Edit @{old.name}", _valid(data))


def remove_entry(project: Project, entry_id: str) -> Changes:
    old = entry(project, entry_id)
    return _commit(project, f"Remove @{old.name} from the cast", [c for c in project.cast if c.id != entry_id],
                   [entry_id])


def add_image(project: Project, entry_id: str, stored_path: str) -> Changes:
    """Add a reference image (a stored media path: project_io.store_path)."""
    old = entry(project, entry_id)
    if stored_path in old.images:
        raise CastError(f"@{old.name} already has this image.")
    new = _valid({**old.model_dump(), "images": [*old.images, stored_path]})
    return _replace(project, f"Add a reference image to @{old.name}", new)


def remove_image(project: Project, entry_id: str, index: int) -> Changes:
    old = entry(project, entry_id)
    if not 0 <= index < len(old.images):
        raise CastError(f"@{old.name} has no reference image {index + 1}.")
    images = [p for i, p in enumerate(old.images) if i != index]
    return _replace(project, f"Remove a reference image from @{old.name}", _valid({**old.model_dump(), "images": images}))


def set_voice(project: Project, entry_id: str, stored_path: str | None) -> Changes:
    """Set (or clear, with None) the entry's voice-line sample."""
    old = entry(project, entry_id)
    new = _valid({**old.model_dump(), "voice": stored_path})
    return _replace(project, f"{'Set' if stored_path else 'Clear'} @{old.name}'s voice sample", new)
