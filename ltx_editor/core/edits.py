"""One typed Edit for every undoable change, built from per-entity snapshots, and grouping.

An Edit is applied when it is made; `revert` and `apply` then take the project back and forth. It keeps, for
each entity it touched (a clip, track, asset, take, shot, keyframe or marker), the entity before and after
and where it sat in its list, and nothing else: restoring puts back exactly those entities and leaves
everything else alone. So an asset or take that a job added after the edit survives its undo and redo, and
an edit costs what it changed rather than the size of the project. Entities are never mutated once they are
in a project (edits swap in copies), which is what lets snapshots share them instead of copying.

`group`/`compose` make several edits one undo step, all or nothing (Kdenlive's push-or-compose `request*`
overloads and Meshroom's GroupedGraphModification are the models).
"""
from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from .project import Asset, Clip, Project, Shot, Track, index_of, note_clips, note_entities

__all__ = ["Edit", "Changes", "ClipChanges", "EntityChanges", "Group", "combine", "compose", "group",
           "entity_changes", "replace_asset", "approx_size"]

_start = attrgetter("start")
_BATCH = 48  # above this many clips a restore filters and re-sorts the track instead of bisecting per clip


# --- the interface --------------------------------------------------------------------------------------
class Edit(ABC):
    """An applied, undoable change. `affected`/`created` name the ids it touched; `kinds` the views to refresh
    (see ui.document.EDIT_KINDS)."""

    __slots__ = ()  # subclasses use slots: a history of small edits should be small

    label: str
    created: list[str]
    affected: list[str]
    kinds: tuple[str, ...]

    @abstractmethod
    def apply(self, project: Project) -> None:
        """Make the project show this edit (again)."""

    @abstractmethod
    def revert(self, project: Project) -> None:
        """Take this edit back out of the project."""

    @abstractmethod
    def kept_bytes(self) -> int:
        """About how much memory the undo history keeps alive for this edit (the snapshots it alone holds)."""

    def redo(self, project: Project) -> None:
        self.apply(project)

    def undo(self, project: Project) -> None:
        self.revert(project)

    def merged_with(self, later: Edit) -> Edit:
        """One edit doing this one then `later` (a drag committed in several parts)."""
        return combine(self.label, [self, later])


# --- snapshots of entities ------------------------------------------------------------------------------
def approx_size(model: Any) -> int:
    """Bytes an entity holds (the object, its field dict and its field values), counted one level deep
    plus the items of list fields (an asset's takes)."""
    d = model.__dict__
    size = sys.getsizeof(model) + sys.getsizeof(d)
    for v in d.values():
        size += sys.getsizeof(v)
        if isinstance(v, list):
            size += sum(approx_size(x) if hasattr(x, "__dict__") else sys.getsizeof(x) for x in v)
    return size


def _sampled_size(entities: list, extra: int = 0) -> int:
    """approx_size summed over entities; past 32 of them, estimated from an even sample (a ripple keeps
    thousands of clips of one shape, and measuring each would cost more than the edit)."""
    if len(entities) <= 32:
        return sum(approx_size(e) + extra for e in entities)
    sample = entities[:: len(entities) // 16][:16]
    return round(sum(approx_size(e) + extra for e in sample) * len(entities) / len(sample))


@dataclass(slots=True)
class ClipChanges:
    """Clips of one track before and after (None: not on the track)."""

    track_id: str
    before: dict[str, Clip | None]
    after: dict[str, Clip | None]

    def put(self, project: Project, forward: bool) -> None:
        want, live = (self.after, self.before) if forward else (self.before, self.after)
        tracks = project.tracks
        ti = next(i for i, t in enumerate(tracks) if t.id == self.track_id)
        track = tracks[ti]
        if len(want) > _BATCH:
            clips = [c for c in track.clips if c.id not in want]
            clips.extend(c for c in want.values() if c is not None)
            clips.sort(key=_start)
        else:
            # In place (no copy of the track's list): only the live track holds its list (a new Track wraps
            # it below; snapshots for saving copy lists, edit drafts copy them).
            clips = track.clips
            for cid, expected in live.items():
                if expected is not None:
                    del clips[_position(clips, cid, expected.start)]
            for c in want.values():
                if c is not None:
                    insort(clips, c, key=_start)
        self.install(project, clips, ti, want)

    def install(self, project: Project, clips: list[Clip], at: int | None = None,
                want: dict[str, Clip | None] | None = None) -> None:
        """Put this clip list (the track with these changes made) into the project as a new track version."""
        tracks = project.tracks
        ti = at if at is not None else next(i for i, t in enumerate(tracks) if t.id == self.track_id)
        new_tracks = list(tracks)
        new_tracks[ti] = tracks[ti].model_copy(update={"clips": clips})
        project.tracks = new_tracks
        want = self.after if want is None else want
        note_clips(project, self.track_id, [cid for cid, c in want.items() if c is None],
                   [c for c in want.values() if c is not None])

    def kept_bytes(self) -> int:
        # The history alone keeps the side that is not live (the project shares the other): count the larger.
        return max(self._bytes(self.before), self._bytes(self.after))

    @staticmethod
    def _bytes(side: dict[str, Clip | None]) -> int:
        return sys.getsizeof(side) + _sampled_size([c for c in side.values() if c is not None])


def _position(clips: list[Clip], clip_id: str, start: int) -> int:
    """Where the clip with this id sits in a start-sorted list (found by its start, else by a scan)."""
    i = bisect_left(clips, start, key=_start)
    while i < len(clips) and clips[i].start == start:
        if clips[i].id == clip_id:
            return i
        i += 1
    return next(i for i, c in enumerate(clips) if c.id == clip_id)


Slot = tuple[int, Any] | None  # (position in its list, entity), or None: not in the list


@dataclass(slots=True)
class EntityChanges:
    """Entities of one project list (assets, shots, tracks, keyframes, markers) before and after, with their
    positions. Restoring removes and re-inserts only these ids; the rest of the list is left as it is."""

    collection: str
    before: dict[str, Slot]
    after: dict[str, Slot]

    def put(self, project: Project, forward: bool) -> None:
        want, live = (self.after, self.before) if forward else (self.before, self.after)
        items = list(getattr(project, self.collection))
        present: dict[str, tuple[int, Any]] = {}
        for eid, slot in live.items():
            i = _index_of(project, self.collection, items, eid, slot[0] if slot is not None else None)
            if i is not None:
                present[eid] = (i, items[i])
        for i, _ in sorted(present.values(), key=lambda s: s[0], reverse=True):
            del items[i]
        merge = _MERGE.get(self.collection)
        placed = []
        for eid, slot in want.items():
            entity = slot[1] if slot is not None else None
            here = present.get(eid)
            if merge is not None:
                entity = merge(entity, here[1] if here else None, self)
            if entity is not None:  # where it belongs, or (kept by a merge) where it was
                placed.append((slot[0] if slot is not None else here[0], entity))
        spots = []
        for at, entity in sorted(placed, key=lambda s: s[0]):
            at = min(at, len(items))
            items.insert(at, entity)
            spots.append((at, entity.id))
        setattr(project, self.collection, items)
        if self.collection != "tracks":
            back = {eid for _, eid in spots}
            note_entities(project, self.collection, [e for e in present if e not in back], spots)

    def known_take_ids(self, asset_id: str) -> set[str]:
        ids: set[str] = set()
        for side in (self.before, self.after):
            slot = side.get(asset_id)
            if slot is not None:
                ids.update(t.id for t in slot[1].takes)
        return ids

    def kept_bytes(self) -> int:
        return max(self._bytes(self.before), self._bytes(self.after))

    @staticmethod
    def _bytes(side: dict[str, Slot]) -> int:
        return sys.getsizeof(side) + _sampled_size([s[1] for s in side.values() if s is not None], 64)


def _index_of(project: Project, collection: str, items: list, eid: str, hint: int | None) -> int | None:
    """Where the entity is in `items` (the project's list), or None: at its hint, else by the project's index
    (tracks are few: scanned)."""
    if hint is not None and hint < len(items) and items[hint].id == eid:
        return hint
    if collection == "tracks":
        return next((i for i, x in enumerate(items) if x.id == eid), None)
    try:
        return index_of(project, collection, eid)
    except KeyError:
        return None


def _merge_asset(wanted: Asset | None, live: Asset | None, change: EntityChanges) -> Asset | None:
    """Takes this edit never saw (a job that finished after it) stay, whatever state is restored."""
    if live is None:
        return _fresh(wanted)
    known = change.known_take_ids(live.id)
    extra = [t for t in live.takes if t.id not in known]
    if not extra:
        return _fresh(wanted)
    if wanted is None:  # the asset goes, but not the takes added since: it stays with just those
        active = live.active_take_id if any(t.id == live.active_take_id for t in extra) else extra[-1].id
        return live.model_copy(update={"takes": extra, "active_take_id": active})
    return wanted.model_copy(update={"takes": [*wanted.takes, *extra]})


def _fresh(asset: Asset | None) -> Asset | None:
    # A take list of its own: code that appends a take in place must not reach into a snapshot.
    return None if asset is None else asset.model_copy(update={"takes": list(asset.takes)})


def _merge_shot(wanted: Shot | None, live: Shot | None, _change: EntityChanges) -> Shot | None:
    """Generation bookkeeping (status, result asset) is not undone: undo must never lose a take."""
    if wanted is None or live is None:
        return wanted
    if (wanted.status, wanted.asset_id) == (live.status, live.asset_id):
        return wanted
    return wanted.model_copy(update={"status": live.status, "asset_id": live.asset_id})


def _merge_track(wanted: Track | None, live: Track | None, _change: EntityChanges) -> Track | None:
    """A track snapshot holds the track's own fields; its clips are restored by ClipChanges."""
    if wanted is None:
        return None
    clips = live.clips if live is not None else []
    return wanted if wanted.clips is clips else wanted.model_copy(update={"clips": clips})


_MERGE: dict[str, Callable[[Any, Any, EntityChanges], Any]] = {
    "assets": _merge_asset, "shots": _merge_shot, "tracks": _merge_track}


def entity_changes(collection: str, before_items: list, after_items: list, ids: Iterable[str]) -> EntityChanges:
    """The changes of `ids` between two versions of a project list (positions read from both)."""
    wanted = set(ids)
    before = {x.id: (i, x) for i, x in enumerate(before_items) if x.id in wanted}
    after = {x.id: (i, x) for i, x in enumerate(after_items) if x.id in wanted}
    return EntityChanges(collection, {i: before.get(i) for i in wanted}, {i: after.get(i) for i in wanted})


# --- edits made of changes ------------------------------------------------------------------------------
Step = ClipChanges | EntityChanges


@dataclass(slots=True)
class Changes(Edit):
    """An edit as a list of per-entity changes, applied in order and reverted in reverse order."""

    label: str
    steps: list[Step]
    created: list[str] = field(default_factory=list)
    affected: list[str] = field(default_factory=list)
    kinds: tuple[str, ...] = ("timeline",)

    def apply(self, project: Project) -> None:
        for step in self.steps:
            step.put(project, True)

    def revert(self, project: Project) -> None:
        for step in reversed(self.steps):
            step.put(project, False)

    def kept_bytes(self) -> int:
        return sys.getsizeof(self) + sum(s.kept_bytes() for s in self.steps)

    def merged_with(self, later: Edit) -> Edit:
        if not isinstance(later, Changes):
            return Edit.merged_with(self, later)
        return Changes(self.label, [*self.steps, *later.steps], _union(self.created, later.created),
                       _union(self.affected, later.affected), tuple(dict.fromkeys(self.kinds + later.kinds)))


def _union(a: Iterable[str], b: Iterable[str]) -> list[str]:
    return list(dict.fromkeys([*a, *b]))


@dataclass(slots=True)
class Group(Edit):
    """Several applied edits as one undo step: reverted in reverse order, applied in order."""

    label: str
    parts: list[Edit]
    created: list[str] = field(default_factory=list)
    affected: list[str] = field(default_factory=list)
    kinds: tuple[str, ...] = ("clips", "timeline")
    primary: str | None = None  # the entity this edit is about (place_clip: the placed clip)

    def apply(self, project: Project) -> None:
        for part in self.parts:
            part.redo(project)

    def revert(self, project: Project) -> None:
        for part in reversed(self.parts):
            part.undo(project)

    def kept_bytes(self) -> int:
        return sys.getsizeof(self) + sum(getattr(p, "kept_bytes", lambda: 0)() for p in self.parts)


def combine(label: str, parts: Iterable[Edit | None]) -> Group:
    """Edits already applied, as one (nested groups are flattened)."""
    flat: list[Edit] = []
    for p in parts:
        if p is None:
            continue
        flat.extend(p.parts if isinstance(p, Group) and p.primary is None else [p])
    return Group(label, flat, created=_union([], (x for p in flat for x in getattr(p, "created", ()))),
                 affected=_union([], (x for p in flat for x in getattr(p, "affected", ()))),
                 kinds=tuple(dict.fromkeys(k for p in flat for k in getattr(p, "kinds", ("timeline",)))))


def compose(project: Project, label: str, steps: Iterable[Callable[[], Edit | None]]) -> Group:
    """Apply each step (a callable returning an applied Edit or None) in order, all or nothing: when one
    fails, the ones already applied are reverted and the error propagates."""
    done: list[Edit] = []
    try:
        for step in steps:
            edit = step()
            if edit is not None:
                done.append(edit)
    except BaseException:
        for edit in reversed(done):
            edit.undo(project)
        raise
    return combine(label, done)


class group:  # noqa: N801 (used as a context manager, like a function)
    """`with group(project, "Split") as g: g.add(tl.split_clip(...))`: one undo step; an exception inside
    reverts every edit added so far. `g.edit` is the combined Edit (None when nothing was added)."""

    def __init__(self, project: Project, label: str) -> None:
        self.project, self.label = project, label
        self.parts: list[Edit] = []
        self.edit: Group | None = None

    def add(self, edit: Edit | None) -> Edit | None:
        if edit is not None:
            self.parts.append(edit)
        return edit

    def __enter__(self) -> group:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            for part in reversed(self.parts):
                part.undo(self.project)
            return False
        self.edit = combine(self.label, self.parts) if self.parts else None
        return False


# --- assets ---------------------------------------------------------------------------------------------
def replace_asset(project: Project, asset: Asset) -> None:
    """Swap in a new version of an asset (entities in a project are never changed in place: snapshots share
    them). Not an undo step."""
    items = list(project.assets)
    items[index_of(project, "assets", asset.id)] = asset
    project.assets = items
