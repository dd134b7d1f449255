"""Timeline edits: pure, id-addressed functions that validate, apply, and return an undoable Edit.

Each function changes copies of what it touches and swaps them into the project only after every check
passed, so a refused edit (EditRefused) leaves the project exactly as it was. The Edit (core/edits.Changes)
keeps the before and after state of each clip, track, keyframe or marker it touched, and nothing else:
untouched clips are shared, not copied, so an edit costs what it changes.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from operator import attrgetter
from typing import Literal

from pydantic import ValidationError

from .edits import Changes, ClipChanges, Edit, EntityChanges
from .errors import EditRefused
from .ids import new_id
from .project import (
    IMAGE_DEFAULT_SECONDS,
    MAX_FRAME,
    Asset,
    Clip,
    Keyframe,
    Marker,
    Project,
    Take,
    Track,
    TrackKind,
    clip_problem,
    index_of,
    media_length,
    placement_problem,
)
from .snapping import snap_frame, snap_span

__all__ = ["Edit", "add_track", "add_tracks_with_clips", "remove_track", "update_track", "append_clip", "insert_clip", "move_clip", "move_clips",
           "trim_clip", "trim_limits", "split_clip", "split_clips", "delete_clips", "set_clip_take", "place_asset",
           "paste_clips", "unlink_clips", "with_linked", "add_keyframe",
           "move_keyframe", "update_keyframe", "remove_keyframe", "add_marker", "move_marker", "update_marker",
           "remove_marker", "snap_frame"]

_START = attrgetter("start")


# --- drafts -------------------------------------------------------------------------------------------
class _TrackDraft:
    """A working copy of one track's clip list (a shallow copy: clips are shared until one is changed, then
    that one is copied). Remembers each touched clip as it was, so the edit keeps only those."""

    def __init__(self, track: Track) -> None:
        self.track = track
        self.id, self.kind, self.name = track.id, track.kind, track.name
        self.clips: list[Clip] = list(track.clips)  # sorted by start
        self.before: dict[str, Clip | None] = {}  # touched clip id -> the clip before the edit (None: new here)
        self.now: dict[str, Clip | None] = {}  # touched clip id -> the clip now (None: gone from here)
        self.check: set[str] = set()  # clips to check in full (new, moved here, or changed beyond start)
        self.seams: list[Clip] = []  # first clips of shifted runs: only their left neighbours can overlap

    def _touch(self, old: Clip | None, new: Clip | None, cid: str) -> None:
        if cid not in self.before:
            self.before[cid] = old
        self.now[cid] = new
        if new is not None:
            self.check.add(cid)

    def pop(self, clip_id: str, clip: Clip) -> Clip:
        found = self.clips.pop(_position(self.clips, clip_id, clip.start))
        self._touch(found, None, clip_id)
        return found

    def add(self, clip: Clip) -> None:
        self._touch(None, clip, clip.id)
        insort(self.clips, clip, key=_START)

    def change(self, clip: Clip, **update) -> Clip:
        """Replace the clip by a changed copy (and keep the list sorted)."""
        i = _position(self.clips, clip.id, clip.start)
        old = self.clips[i]
        changed = old.model_copy(update=update)
        self._touch(old, changed, clip.id)
        if "start" in update:
            del self.clips[i]
            insort(self.clips, changed, key=_START)
        else:
            self.clips[i] = changed
        return changed

    def shift_from(self, i: int, delta: int, amounts: list[int] | None = None) -> list[str]:
        """Move every clip from position i on by delta frames (or amounts[k] for the k-th one, never less
        than the one before: runs keep their order and gaps). One slice assignment, so the order is kept;
        only where a run starts can a clip meet its neighbour, so only those seams are checked."""
        before, now, seams = self.before, self.now, self.seams
        moved, ids = [], []
        last_step = None
        # The hot loop of a ripple (thousands of clips): each moved clip is copied without pydantic's copy
        # machinery (4x faster; only `start` changes, an int _check_track checks), names bound locally.
        keep, append_moved, append_id = before.setdefault, moved.append, ids.append
        new_clip, set_attr, copy_fields = _new_object, _set, dict.copy
        for k, c in enumerate(self.clips[i:]):
            step = delta if amounts is None else amounts[k]
            if step:
                cid = c.id
                fields = copy_fields(c.__dict__)
                fields["start"] += step
                new = new_clip(Clip)
                set_attr(new, "__dict__", fields)
                set_attr(new, "__pydantic_fields_set__", c.__pydantic_fields_set__)
                set_attr(new, "__pydantic_extra__", None)
                set_attr(new, "__pydantic_private__", None)
                keep(cid, c)
                now[cid] = new
                append_id(cid)
                if step != last_step:
                    seams.append(new)
                c = new
            last_step = step
            append_moved(c)
        self.clips[i:] = moved
        if moved and moved[-1].start > MAX_FRAME:
            seams.append(moved[-1])
        return ids

    def first_at_or_after(self, frame: int) -> int:
        return bisect_left(self.clips, frame, key=_START)

    def part_crossfades(self) -> list[str]:
        """Clear the crossfade of each clip this edit left without a clip ending where it starts (a crossfade
        joins two touching clips; moved apart, trimmed or with the clip before gone, it is over, and undo
        brings it back with the clips). Only the touched clips and the ones after them are looked at, or, when
        the edit touched many (a ripple), every clip in one pass (cheaper than finding each)."""
        clips = self.clips
        near = range(len(clips)) if len(self.now) * 16 > len(clips) else self._near_touched()
        parted = [i for i in near if i < len(clips) and clips[i].crossfade
                  and (i == 0 or clips[i - 1].end != clips[i].start)]
        return [self.change(clips[i], crossfade=0).id for i in parted]

    def _near_touched(self) -> set[int]:
        """Positions of the touched clips, of the clips after them, and of those that followed them before."""
        clips, near = self.clips, set()
        for cid, new in self.now.items():
            if new is not None:
                i = _position(clips, cid, new.start)
                near.update((i, i + 1))
            old = self.before.get(cid)
            if old is not None:  # the clip that followed it where it was
                near.add(bisect_left(clips, old.end, key=_START))
        return near

    def changes(self) -> ClipChanges | None:
        # the draft ends with the edit: its dicts are handed over, not copied
        return ClipChanges(self.id, self.before, self.now) if self.before else None


class _Draft:
    """Working copies of what an edit changes; checked, then committed in one go as per-entity changes."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.tracks: dict[str, _TrackDraft] = {}
        self.new_tracks: dict[str, tuple[int, Track]] = {}  # created tracks, at their position
        self.headers: dict[str, Track] = {}  # tracks whose own fields change
        self.removed_tracks: list[str] = []
        # keyframes / markers: a working copy of the list (sorted by frame) and, per touched id, where it was
        self.lists: dict[str, list] = {}
        self.before: dict[str, dict[str, tuple[int, Keyframe | Marker] | None]] = {}
        self.now: dict[str, dict[str, Keyframe | Marker | None]] = {}

    def new_track(self, kind: TrackKind, name: str | None = None) -> _TrackDraft:
        """A track made by this edit (see add_track for where it goes), ready to take clips."""
        index, track = _track_slot(self.project, kind, name, len(self.new_tracks))
        self.new_tracks[track.id] = (index, track)
        self.tracks[track.id] = _TrackDraft(track)
        return self.tracks[track.id]

    def track(self, track_id: str) -> _TrackDraft:
        if track_id not in self.tracks:
            original = _track(self.project, track_id)
            if original.locked:
                raise EditRefused(f"Track {_name(original)} is locked.", hint="Unlock it to edit its clips.")
            self.tracks[track_id] = _TrackDraft(original)
        return self.tracks[track_id]

    def put(self, collection: str, old: Keyframe | Marker | None, new: Keyframe | Marker | None) -> None:
        """Replace `old` by `new` in a frame-sorted list (old None: add; new None: remove)."""
        items = self.lists.get(collection)
        if items is None:
            items = self.lists[collection] = list(getattr(self.project, collection))
            self.before[collection], self.now[collection] = {}, {}
        touched = self.before[collection]
        if old is not None:
            if old.id not in touched:
                touched[old.id] = (index_of(self.project, collection, old.id), old)
            del items[_at_frame(items, old)]
        elif new is not None:
            touched.setdefault(new.id, None)
        if new is not None:
            insort(items, new, key=_FRAME)
        self.now[collection][(old or new).id] = new

    def _entity_steps(self) -> list[EntityChanges]:
        steps = []
        for collection, items in self.lists.items():
            after = {eid: None if e is None else (_at_frame(items, e), e) for eid, e in self.now[collection].items()}
            if collection == "keyframes":
                _check_unique_frames(items, [s[0] for s in after.values() if s is not None])
            steps.append(EntityChanges(collection, dict(self.before[collection]), after))
        return steps

    def commit(self, label: str, *, created: Iterable[str] = (), affected: Iterable[str] = (),
               kinds: tuple[str, ...] = ("clips", "timeline")) -> Changes:
        p = self.project
        for t in self.tracks.values():
            _check_track(t, p)
        parted = [cid for t in self.tracks.values() for cid in t.part_crossfades()]
        affected = [*affected, *parted]
        entity_steps = self._entity_steps()
        steps: list = []
        if self.new_tracks:
            steps.append(EntityChanges("tracks", dict.fromkeys(self.new_tracks), dict(self.new_tracks)))
        for tid, header in self.headers.items():
            i = _track_position(p, tid)
            steps.append(EntityChanges("tracks", {tid: (i, p.tracks[i])}, {tid: (i, header)}))
        drafted = {}
        for t in self.tracks.values():
            if (ch := t.changes()) is not None:
                steps.append(ch)
                drafted[id(ch)] = t.clips
        for tid in self.removed_tracks:
            track = _track(p, tid)
            if track.clips:
                steps.append(ClipChanges(tid, {c.id: c for c in track.clips}, dict.fromkeys(c.id for c in track.clips)))
            steps.append(EntityChanges("tracks", {tid: (_track_position(p, tid), track)}, {tid: None}))
        steps.extend(entity_steps)
        edit = Changes(label, steps, created=list(created), affected=list(dict.fromkeys(affected)), kinds=kinds)
        for step in steps:  # apply; a drafted track's list is already the result (sorted), so it goes in as is
            clips = drafted.get(id(step))
            if clips is not None:
                step.install(p, clips)
            else:
                step.put(p, True)
        return edit


# --- checks --------------------------------------------------------------------------------------------
def _name(thing: Track | Clip | _TrackDraft) -> str:
    return repr(thing.name or thing.id)


class _Assets:
    """The project's assets by id, for clip_problem (looked up through the project's index, not copied)."""

    def __init__(self, project: Project) -> None:
        self.project = project

    def get(self, asset_id: str) -> Asset | None:
        try:
            return self.project.asset(asset_id)
        except KeyError:
            return None


def _check_track(draft: _TrackDraft, project: Project) -> None:
    """Check the clips this edit touched (the others were valid and have not moved): each one's own rules,
    then that it overlaps neither neighbour."""
    clips = draft.clips
    assets = _Assets(project)
    overlaps = []
    seams = {c.id: c for c in draft.seams}
    for cid in draft.check:
        c = draft.now.get(cid)
        if c is not None:
            seams[cid] = c
            if c.in_frame < 0:
                raise EditRefused(f"Clip {_name(c)} would begin before the first frame of its media.")
            if c.out_frame - c.in_frame < 1:
                raise EditRefused(f"Clip {_name(c)} would be shorter than one frame.")
            problem = clip_problem(draft.track, c, assets)
            if problem:
                raise EditRefused(problem[0].upper() + problem[1:] + ".")
    for cid, c in seams.items():
        if draft.now.get(cid) is not c:
            continue  # changed again or removed after it was shifted
        if c.start < 0:
            raise EditRefused(f"Clip {_name(c)} would start before the beginning of the timeline.")
        if c.start > MAX_FRAME:
            raise EditRefused(f"Clip {_name(c)} would start too far out on the timeline.")
        i = _position(clips, cid, c.start)
        if i > 0 and clips[i - 1].end > c.start:
            overlaps.append(i - 1)
        if i + 1 < len(clips) and c.end > clips[i + 1].start:
            overlaps.append(i)
    if overlaps:
        i = min(overlaps)
        raise EditRefused(f"Clips {_name(clips[i])} and {_name(clips[i + 1])} would overlap on track "
                          f"{_name(draft)}.", hint="Move or trim one of them, or use a ripple edit.")


def _check_unique_frames(items: list[Keyframe], touched: list[int]) -> None:
    """One keyframe per frame: the touched ones (at these positions of the sorted list) and their neighbours."""
    for i in touched:
        for j in (i - 1, i + 1):
            if 0 <= j < len(items) and items[j].frame == items[i].frame:
                raise EditRefused(f"Two keyframes cannot share frame {items[i].frame}.",
                                  hint="Move one of them first.")


_FRAME = attrgetter("frame")


def _at_frame(items: list, entity) -> int:
    """The position of this very entity in a frame-sorted list."""
    i = bisect_left(items, entity.frame, key=_FRAME)
    while i < len(items) and items[i] is not entity:
        i += 1
    return i if i < len(items) else next(n for n, x in enumerate(items) if x is entity)


def _validation_message(e: ValidationError) -> str:
    err = e.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(x) for x in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


# --- lookups (EditRefused: an id from the UI may be stale) ------------------------------------------------
def _track(project: Project, track_id: str) -> Track:
    try:
        return project.track(track_id)
    except KeyError:
        raise EditRefused(f"There is no track {track_id!r}.") from None


def _track_position(project: Project, track_id: str) -> int:
    return next(i for i, t in enumerate(project.tracks) if t.id == track_id)


_new_object, _set = object.__new__, object.__setattr__


def _find_clip(project: Project, clip_id: str) -> tuple[Track, Clip]:
    try:
        return project.find_clip(clip_id)
    except KeyError:
        raise EditRefused(f"There is no clip {clip_id!r}.") from None


def _asset_take(project: Project, asset_id: str, take_id: str | None) -> tuple[Asset, Take]:
    try:
        asset = project.asset(asset_id)
        return asset, asset.take(take_id)
    except KeyError as e:
        raise EditRefused(f"Cannot use that media: {e.args[0]}.") from None


def _position(clips: list[Clip], clip_id: str, start: int) -> int:
    """Where the clip with this id sits in a start-sorted list (found by its start, else by a scan)."""
    i = bisect_left(clips, start, key=_START)
    while i < len(clips) and clips[i].start == start:
        if clips[i].id == clip_id:
            return i
        i += 1
    return next(i for i, c in enumerate(clips) if c.id == clip_id)


def _split(track: _TrackDraft, clip: Clip, frame: int) -> Clip:
    """Cut `clip` at timeline `frame`: it keeps the head; the returned new clip (the tail) is on the track."""
    try:  # in source frames: at another speed the cut goes to a source frame (Clip.split_point)
        source, offset = clip.split_point(frame - clip.start)
    except ValueError:
        raise EditRefused(f"Clip {_name(clip)} plays a single source frame; it cannot be split.") from None
    tail = clip.model_copy(update={"id": new_id("clip"), "start": clip.start + offset,
                                   "in_frame": clip.in_frame + source, "crossfade": 0})
    track.change(clip, out_frame=clip.in_frame + source)
    track.add(tail)
    return tail


# --- tracks --------------------------------------------------------------------------------------------
def add_track(project: Project, kind: TrackKind, name: str | None = None, index: int | None = None) -> Edit:
    """A new empty track. By default a video track goes above the video tracks (the list's upper tracks cover
    the lower ones, as in Shotcut: V2 over V1) and an audio track below the audio tracks (audio under video)."""
    d = _Draft(project)
    if index is None:
        index, track = _track_slot(project, kind, name)
    else:
        order = len(project.tracks)
        if not 0 <= index <= order:
            raise EditRefused(f"Track position {index} is outside 0-{order}.")
        track = _track_slot(project, kind, name)[1]
    d.new_tracks[track.id] = (index, track)
    return d.commit(f"Add track {track.name}", created=[track.id], affected=[track.id], kinds=("tracks", "timeline"))


def _track_slot(project: Project, kind: TrackKind, name: str | None = None, made: int = 0) -> tuple[int, Track]:
    """A new track of this kind and where it goes; `made`: tracks this edit already made (an audio track
    goes after them)."""
    if kind not in ("video", "audio"):
        raise EditRefused(f"Unknown track kind {kind!r}; use 'video' or 'audio'.")
    same = project.tracks_of_kind(kind)
    order = [t.id for t in project.tracks]
    index = (order.index(same[0].id) if same else 0) if kind == "video" else len(order) + made
    return index, Track(id=new_id("track"), kind=kind, name=name or f"{'V' if kind == 'video' else 'A'}{len(same) + 1}")


def add_tracks_with_clips(project: Project, tracks: list[Track], markers: Iterable[Marker] = (),
                          label: str = "Add tracks") -> Edit:
    """New tracks holding their clips (ids new to the project), and markers, as one undo step (an imported
    timeline): the video tracks above the project's, in the order given (the first on top), the audio tracks
    after its audio tracks. Every clip is checked as a placed one is (its media, the track's kind, length)."""
    d, markers = _Draft(project), list(markers)
    top = next((i for i, t in enumerate(project.tracks) if t.kind == "video"), 0)
    videos = [t for t in tracks if t.kind == "video"]
    audios = [t for t in tracks if t.kind != "video"]
    # tracks put at one position stack in the order they go in, each above the last: the bottom one first
    slots = [(top, t) for t in reversed(videos)]
    slots += [(len(project.tracks) + len(videos) + k, t) for k, t in enumerate(audios)]
    for index, track in slots:
        if track.kind not in ("video", "audio"):
            raise EditRefused(f"Unknown track kind {track.kind!r}; use 'video' or 'audio'.")
        empty = track.model_copy(update={"clips": []})
        d.new_tracks[track.id] = (index, empty)
        draft = d.tracks[track.id] = _TrackDraft(empty)
        for clip in track.clips:
            draft.add(clip)
    for marker in markers:
        d.put("markers", None, marker)
    created = [*(t.id for t in tracks), *(c.id for t in tracks for c in t.clips), *(m.id for m in markers)]
    return d.commit(label, created=created, affected=created, kinds=("tracks", "clips", "markers", "timeline"))


def remove_track(project: Project, track_id: str) -> Edit:
    d = _Draft(project)
    track = d.track(track_id).track
    d.removed_tracks.append(track_id)
    return d.commit(f"Remove track {track.name}", affected=[track_id, *(c.id for c in track.clips)],
                    kinds=("tracks", "clips", "timeline"))


def update_track(project: Project, track_id: str, *, name: str | None = None, locked: bool | None = None,
                 muted: bool | None = None, hidden: bool | None = None) -> Edit:
    """Rename a track or switch its lock/mute/visibility (allowed on a locked track: that is how it unlocks)."""
    original = _track(project, track_id)
    changes = {k: v for k, v in {"name": name, "locked": locked, "muted": muted, "hidden": hidden}.items()
               if v is not None}
    d = _Draft(project)
    d.headers[track_id] = original.model_copy(update=changes)
    return d.commit(f"Change track {original.name}", affected=[track_id], kinds=("tracks", "timeline"))


# --- clips ---------------------------------------------------------------------------------------------
def _new_clip(project: Project, track: _TrackDraft, asset_id: str, take_id: str | None, start: int,
              in_frame: int, out_frame: int | None) -> Clip:
    asset, take = _asset_take(project, asset_id, take_id)
    problem = placement_problem(track.kind, asset, take)
    if problem:
        raise EditRefused(problem[0].upper() + problem[1:] + ".")
    if out_frame is None:
        length = media_length(asset, take)
        out_frame = length if length is not None else in_frame + round(IMAGE_DEFAULT_SECONDS * project.settings.fps)
    try:
        return Clip(id=new_id("clip"), asset_id=asset.id, take_id=take.id, start=start, in_frame=in_frame,
                    out_frame=out_frame, name=asset.name)
    except ValidationError as e:
        raise EditRefused(f"Cannot place that clip: {_validation_message(e)}.") from None


def append_clip(project: Project, track_id: str, asset_id: str, take_id: str | None = None, in_frame: int = 0,
                out_frame: int | None = None) -> Edit:
    """Put a clip of the asset (its active take by default, all of it by default) after the track's end."""
    d = _Draft(project)
    track = d.track(track_id)
    start = track.clips[-1].end if track.clips else 0
    clip = _new_clip(project, track, asset_id, take_id, start, in_frame, out_frame)
    track.add(clip)
    return d.commit(f"Add {clip.name or 'clip'}", created=[clip.id], affected=[clip.id, track_id])


def insert_clip(project: Project, track_id: str, asset_id: str, start: int, *, take_id: str | None = None,
                in_frame: int = 0, out_frame: int | None = None, ripple: bool = False) -> Edit:
    """Place a clip at `start`. With ripple, later clips on the track move right to make room (a clip
    under `start` is split); without, the space must be free."""
    d = _Draft(project)
    track = d.track(track_id)
    clip = _new_clip(project, track, asset_id, take_id, start, in_frame, out_frame)
    created = [clip.id]
    shifted: list[str] = []
    if ripple:
        i = track.first_at_or_after(start)
        if i > 0 and track.clips[i - 1].start < start < track.clips[i - 1].end:
            created.append(_split(track, track.clips[i - 1], start).id)
        shifted = track.shift_from(track.first_at_or_after(start), clip.duration)
    track.add(clip)
    return d.commit(f"Insert {clip.name or 'clip'}", created=created,
                    affected=[*created, *shifted, track_id])


def move_clip(project: Project, clip_id: str, track_id: str | None, start: int, snap: int = 0,
              playhead: int | None = None) -> Edit:
    """Move a clip to `start` on `track_id` (None: its own track). snap > 0: its start or end edge snaps to
    clip edges, keyframes, markers or the playhead within that many frames."""
    src, clip = _find_clip(project, clip_id)
    if snap > 0:
        start = snap_span(project, start, clip.duration, snap, exclude_ids={clip_id}, playhead=playhead)
    d = _Draft(project)
    d.track(src.id).pop(clip_id, clip)
    dst = d.track(track_id or src.id)
    dst.add(clip.model_copy(update={"start": start}))
    moved = [clip_id]
    if (partner := _partner(project, clip)) is not None:  # its sound (or picture) keeps its track and distance
        ptrack, pclip = partner
        d.track(ptrack.id).change(pclip, start=pclip.start + start - clip.start)
        moved.append(pclip.id)
    return d.commit(f"Move {clip.name or 'clip'}", affected=[*moved, *d.tracks])


def move_clips(project: Project, clip_ids: Iterable[str], delta_frames: int, track_delta: int = 0) -> Edit:
    """Move several clips together by delta_frames, and track_delta tracks of their own kind."""
    ids = list(dict.fromkeys(clip_ids))
    if not ids:
        raise EditRefused("No clips to move.")
    d = _Draft(project)
    moves = []
    all_ids = with_linked(project, ids)
    moving = set(all_ids)
    for cid in all_ids:
        src, clip = _find_clip(project, cid)
        to_id = src.id
        # A linked sound clip follows its picture in time but stays on its audio track.
        stays = clip.link in moving and src.kind == "audio" and _find_clip(project, clip.link)[0].kind == "video"
        if track_delta and not stays:
            same = project.tracks_of_kind(src.kind)
            to = [t.id for t in same].index(src.id) + track_delta
            if not 0 <= to < len(same):
                raise EditRefused(f"There is no {src.kind} track there to move the clips to.")
            to_id = same[to].id
        moves.append((d.track(src.id).pop(cid, clip), to_id))
    for clip, dst_id in moves:
        d.track(dst_id).add(clip.model_copy(update={"start": clip.start + delta_frames}))
    return d.commit(f"Move {len(ids)} clips" if len(ids) > 1 else "Move clip",
                    affected=[*all_ids, *d.tracks])


def trim_clip(project: Project, clip_id: str, edge: Literal["in", "out"], frame: int) -> Edit:
    """Move the clip's in edge or out edge to timeline `frame` (the other edge stays put on the timeline).
    A linked clip's same edge moves by the same number of frames."""
    if edge not in ("in", "out"):
        raise EditRefused(f"Unknown clip edge {edge!r}; use 'in' or 'out'.")
    src, clip = _find_clip(project, clip_id)
    d = _Draft(project)
    delta = frame - (clip.start if edge == "in" else clip.end)
    trimmed = [(src, clip)]
    if (partner := _partner(project, clip)) is not None:
        trimmed.append(partner)
    for track, c in trimmed:
        if edge == "in":
            if c.in_frame + c.source_frames(delta) < 0:
                raise EditRefused(f"Clip {_name(c)} cannot start earlier: that is the first frame of its media.")
            d.track(track.id).change(c, in_frame=c.in_frame + c.source_frames(delta), start=c.start + delta)
        else:  # in and out are source frames: at another speed an edge moves by delta * speed of them
            d.track(track.id).change(c, out_frame=c.out_frame + c.source_frames(delta))
    return d.commit(f"Trim {clip.name or 'clip'}", affected=[*(c.id for _, c in trimmed), *d.tracks])


def trim_limits(project: Project, clip_id: str, edge: Literal["in", "out"]) -> tuple[int, int]:
    """The timeline frames (inclusive) the given edge may be trimmed to: neighbours, media length, 1 frame
    (of the clip and of its linked clip, whose edge moves with it)."""
    track, clip = _find_clip(project, clip_id)
    lo, hi = _own_trim_limits(project, track, clip, edge)
    if (partner := _partner(project, clip)) is not None:
        plo, phi = _own_trim_limits(project, *partner, edge)
        offset = (clip.start - partner[1].start) if edge == "in" else (clip.end - partner[1].end)
        lo, hi = max(lo, plo + offset), min(hi, phi + offset)
    return lo, hi


def _own_trim_limits(project: Project, track: Track, clip: Clip, edge: str) -> tuple[int, int]:
    i = _position(track.clips, clip.id, clip.start)
    if edge == "in":
        prev_end = track.clips[i - 1].end if i > 0 else 0
        return max(prev_end, clip.start - int(clip.in_frame / clip.speed)), clip.end - 1
    asset, take = _asset_take(project, clip.asset_id, clip.take_id)
    length = media_length(asset, take)
    hi = min(track.clips[i + 1].start if i + 1 < len(track.clips) else MAX_FRAME,
             clip.end + int((length - clip.out_frame) / clip.speed) if length is not None else MAX_FRAME)
    return clip.start + 1, hi


def split_clip(project: Project, clip_id: str, frame: int) -> Edit:
    """Cut a clip (and its linked clip) in two at timeline `frame`; the new right-hand clip's id is first in
    `edit.created`."""
    _, original = _find_clip(project, clip_id)
    if not original.start < frame < original.end:
        raise EditRefused(f"The split point must be inside clip {_name(original)} "
                          f"(frames {original.start + 1}-{original.end - 1}).")
    return split_clips(project, [clip_id], frame, label=f"Split {original.name or 'clip'}")


def split_clips(project: Project, clip_ids: Iterable[str], frame: int, label: str | None = None) -> Edit:
    """Cut each clip under `frame` (and the linked clips under it) in two, as one edit. The right-hand halves
    of a linked pair are linked to each other; created lists the new clips in the order of `clip_ids`."""
    ids = [cid for cid in with_linked(project, clip_ids) if _find_clip(project, cid)[1].start < frame
           < _find_clip(project, cid)[1].end]
    if not ids:
        raise EditRefused("There is no clip under that frame to split.")
    d = _Draft(project)
    tails: dict[str, Clip] = {}
    tracks: dict[str, str] = {}
    for cid in ids:
        src, clip = _find_clip(project, cid)
        tails[cid] = _split(d.track(src.id), clip, frame)
        tracks[cid] = src.id
    for cid, tail in tails.items():  # a tail links to its partner's tail, or to nothing
        partner_tail = tails.get(tail.link) if tail.link is not None else None
        new_link = partner_tail.id if partner_tail is not None else None
        if tail.link != new_link:
            d.track(tracks[cid]).change(tail, link=new_link)
    created = [t.id for t in tails.values()]
    return d.commit(label or f"Split {len(ids)} clips", created=created, affected=[*ids, *created, *d.tracks])


def delete_clips(project: Project, clip_ids: Iterable[str], ripple: bool = False, label: str | None = None) -> Edit:
    """Remove clips (and the clips linked to them); with ripple, later clips on each of their tracks move left
    to close the gaps."""
    ids = list(dict.fromkeys(clip_ids))
    if not ids:
        raise EditRefused("No clips to delete.")
    d = _Draft(project)
    removed: dict[str, list[Clip]] = {}
    for cid in with_linked(project, ids):
        src, clip = _find_clip(project, cid)
        removed.setdefault(src.id, []).append(d.track(src.id).pop(cid, clip))
    shifted: list[str] = []
    if ripple:
        for track_id, gone in removed.items():
            shifted += _close_gaps(d.tracks[track_id], gone)
    label = label or ("Ripple delete" if ripple else "Delete") + (f" {len(ids)} clips" if len(ids) > 1 else " clip")
    gone = [c.id for clips in removed.values() for c in clips]
    return d.commit(label, affected=[*gone, *shifted, *removed])


def _close_gaps(track: _TrackDraft, gone: list[Clip]) -> list[str]:
    """Each clip after a deleted one moves left by the length of every deleted clip that ended before it."""
    gone = sorted(gone, key=lambda c: c.end)
    i = track.first_at_or_after(gone[0].end)
    amounts, shift, g = [], 0, 0
    for c in track.clips[i:]:
        while g < len(gone) and gone[g].end <= c.start:
            shift += gone[g].duration
            g += 1
        amounts.append(-shift)
    return track.shift_from(i, 0, amounts)


def set_clip_take(project: Project, clip_id: str, take_id: str) -> Edit:
    """Show another take of the clip's asset; a shorter take shortens the clip rather than failing."""
    src, clip = _find_clip(project, clip_id)
    asset, take = _asset_take(project, clip.asset_id, take_id)
    d = _Draft(project)
    update: dict[str, object] = {"take_id": take.id}
    length = media_length(asset, take)
    if length is not None and clip.out_frame > length:
        if clip.in_frame >= length:
            raise EditRefused(f"Take {take.id!r} has only {length} frames; the clip starts at frame "
                              f"{clip.in_frame} of its media.")
        update["out_frame"] = length
    d.track(src.id).change(clip, **update)
    return d.commit("Switch take", affected=[clip_id, src.id])


# --- linked clips (a video and its own sound act as one) ------------------------------------------------
def _partner(project: Project, clip: Clip) -> tuple[Track, Clip] | None:
    """The clip linked to this one (None when unlinked, or linked to a clip that is gone)."""
    if clip.link is None:
        return None
    try:
        return project.find_clip(clip.link)
    except KeyError:
        return None


def with_linked(project: Project, clip_ids: Iterable[str]) -> list[str]:
    """The ids, each followed by the clip linked to it (once; stale ids are kept for the caller to refuse)."""
    out: dict[str, None] = {}
    for cid in clip_ids:
        out.setdefault(cid)
        try:
            clip = project.find_clip(cid)[1]
        except KeyError:
            continue
        if (partner := _partner(project, clip)) is not None:
            out.setdefault(partner[1].id)
    return list(out)


def unlink_clips(project: Project, clip_ids: Iterable[str]) -> Edit:
    """Separate linked clips (each named clip and its partner): they move and trim on their own after this."""
    d = _Draft(project)
    changed = []
    for cid in with_linked(project, clip_ids):
        src, clip = _find_clip(project, cid)
        if clip.link is not None:
            d.track(src.id).change(clip, link=None)
            changed.append(cid)
    if not changed:
        raise EditRefused("None of these clips is linked.", hint="Only a video and its own sound are linked.")
    return d.commit("Unlink clips", affected=[*changed, *d.tracks])


def _has_own_sound(asset: Asset, take: Take) -> bool:
    return asset.kind == "video" and take.has_audio


def _free_track(d: _Draft, kind: TrackKind, start: int, end: int) -> _TrackDraft:
    """The first unlocked track of this kind with [start, end) free (A1 first), else a new one."""
    for track in d.project.tracks_of_kind(kind):
        if track.locked:
            continue
        draft = d.track(track.id)
        i = draft.first_at_or_after(start)
        if (i == 0 or draft.clips[i - 1].end <= start) and (i == len(draft.clips) or draft.clips[i].start >= end):
            return draft
    return d.new_track(kind)


def place_asset(project: Project, asset_id: str, track_id: str | None = None, start: int | None = None,
                take_id: str | None = None) -> Edit:
    """Put a clip of the asset on the timeline as one edit: on `track_id` (default: the first unlocked track of
    the asset's kind, made when there is none) at `start` (default: after that track's last clip). An imported
    video with sound also gets its sound as a linked clip on an audio track (A1, or the first one free there;
    made when missing). created: [the clip, its sound clip?, new tracks...]."""
    asset, take = _asset_take(project, asset_id, take_id)
    kind: TrackKind = "audio" if asset.kind == "audio" else "video"
    d = _Draft(project)
    if track_id is None:
        found = next((t for t in project.tracks_of_kind(kind) if not t.locked), None)
        track = d.track(found.id) if found is not None else d.new_track(kind)
    else:
        track = d.track(track_id)
    if start is None:
        start = track.clips[-1].end if track.clips else 0
    clip = _new_clip(project, track, asset.id, take.id, start, 0, None)
    created = [clip.id]
    if track.kind == "video" and _has_own_sound(asset, take):
        sound_track = _free_track(d, "audio", clip.start, clip.end)
        sound = clip.model_copy(update={"id": new_id("clip"), "link": clip.id})
        clip = clip.model_copy(update={"link": sound.id})
        sound_track.add(sound)
        created.append(sound.id)
    track.add(clip)
    created += list(d.new_tracks)
    kinds = ("tracks", "clips", "timeline") if d.new_tracks else ("clips", "timeline")
    return d.commit(f"Add {clip.name or 'clip'}", created=created, affected=[*created, *d.tracks], kinds=kinds)


def paste_clips(project: Project, clips: Iterable[tuple[str, Clip]], frame: int, track_id: str | None = None) -> Edit:
    """Copies of `clips` (each with the id of the track it was copied from) as one edit, the earliest starting
    at `frame` and the others at the same distances in time. With `track_id`, the uppermost copied track of
    that track's kind lands on it and the other tracks of that kind keep their distance; tracks of the other
    kind (a video's linked sound) keep theirs (a track that is gone: the first of its kind, made when
    missing). Links between copied clips are kept, between the copies."""
    items = list(clips)
    if not items:
        raise EditRefused("There is nothing to paste.", hint="Copy or cut clips first.")
    shift = max(0, frame) - min(c.start for _, c in items)
    d = _Draft(project)
    dest = _paste_tracks(d, [tid for tid, _ in items], track_id, _kinds_of(project, items))
    ids = {c.id: new_id("clip") for _, c in items}
    created = []
    for tid, c in items:
        copy = c.model_copy(update={"id": ids[c.id], "start": c.start + shift, "link": ids.get(c.link)})
        dest[tid].add(copy)
        created.append(copy.id)
    created += list(d.new_tracks)
    kinds = ("tracks", "clips", "timeline") if d.new_tracks else ("clips", "timeline")
    label = f"Paste {len(items)} clips" if len(items) > 1 else "Paste clip"
    return d.commit(label, created=created, affected=[*created, *d.tracks], kinds=kinds)


def _kinds_of(project: Project, items: list[tuple[str, Clip]]) -> list[TrackKind]:
    """Each copied clip's track kind: its track's, or (a track removed since) audio when its asset is audio."""
    kinds = []
    for tid, c in items:
        try:
            kinds.append(project.track(tid).kind)
        except KeyError:
            try:
                audio = project.asset(c.asset_id).kind == "audio"
            except KeyError:
                audio = False
            kinds.append("audio" if audio else "video")
    return kinds


def _paste_tracks(d: _Draft, sources: list[str], target_id: str | None, kinds: list[TrackKind]) -> dict[str, _TrackDraft]:
    """Where each source track's clips are pasted (see paste_clips)."""
    project = d.project
    source_kind = dict(zip(sources, kinds, strict=True))
    target = _track(project, target_id) if target_id else None
    shift = 0
    if target is not None:
        same = [t.id for t in project.tracks_of_kind(target.kind)]
        here = [same.index(s) for s in source_kind if s in same]
        shift = same.index(target.id) - (min(here) if here else same.index(target.id))
    dest: dict[str, _TrackDraft] = {}
    fallback: dict[str, _TrackDraft] = {}
    for src, kind in source_kind.items():
        same = [t.id for t in project.tracks_of_kind(kind)]
        if src in same:
            to = same.index(src) + (shift if target is not None and kind == target.kind else 0)
            if not 0 <= to < len(same):
                raise EditRefused(f"There is no {kind} track there to paste onto.",
                                  hint="Select a higher track, or add a track first.")
            dest[src] = d.track(same[to])
        elif target is not None and kind == target.kind:
            dest[src] = d.track(target.id)
        else:
            if kind not in fallback:
                first = next((t for t in project.tracks_of_kind(kind) if not t.locked), None)
                fallback[kind] = d.track(first.id) if first is not None else d.new_track(kind)
            dest[src] = fallback[kind]
    return dest


# --- keyframes -----------------------------------------------------------------------------------------
def _keyframe(project: Project, keyframe_id: str) -> Keyframe:
    try:
        return project.keyframe(keyframe_id)
    except KeyError:
        raise EditRefused(f"There is no keyframe {keyframe_id!r}.") from None


def _valid(model, data: dict):
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise EditRefused(f"Invalid {model.__name__.lower()}: {_validation_message(e)}.") from None


def add_keyframe(project: Project, frame: int, image: str, strength: float = 1.0, prompt: str = "") -> Edit:
    """Pin an image at a frame (one keyframe per frame); the new keyframe's id is in `edit.created`."""
    kf = _valid(Keyframe, {"id": new_id("kf"), "frame": frame, "image": image, "strength": strength,
                           "prompt": prompt})
    d = _Draft(project)
    d.put("keyframes", None, kf)
    return d.commit("Add keyframe", created=[kf.id], affected=[kf.id], kinds=("keyframes", "timeline"))


def move_keyframe(project: Project, keyframe_id: str, frame: int) -> Edit:
    return update_keyframe(project, keyframe_id, frame=frame)


def update_keyframe(project: Project, keyframe_id: str, *, frame: int | None = None, image: str | None = None,
                    strength: float | None = None, prompt: str | None = None) -> Edit:
    old = _keyframe(project, keyframe_id)
    changes = {k: v for k, v in {"frame": frame, "image": image, "strength": strength, "prompt": prompt}.items()
               if v is not None}
    new = _valid(Keyframe, {**old.model_dump(), **changes})
    d = _Draft(project)
    d.put("keyframes", old, new)
    label = "Move keyframe" if set(changes) == {"frame"} else "Change keyframe"
    return d.commit(label, affected=[keyframe_id], kinds=("keyframes", "timeline"))


def remove_keyframe(project: Project, keyframe_id: str) -> Edit:
    old = _keyframe(project, keyframe_id)
    d = _Draft(project)
    d.put("keyframes", old, None)
    return d.commit("Remove keyframe", affected=[keyframe_id], kinds=("keyframes", "timeline"))


# --- markers -------------------------------------------------------------------------------------------
def _marker(project: Project, marker_id: str) -> Marker:
    try:
        return project.marker(marker_id)
    except KeyError:
        raise EditRefused(f"There is no marker {marker_id!r}.") from None


def add_marker(project: Project, frame: int, name: str = "", color: str = "#f5c542") -> Edit:
    marker = _valid(Marker, {"id": new_id("marker"), "frame": frame, "name": name, "color": color})
    d = _Draft(project)
    d.put("markers", None, marker)
    return d.commit("Add marker", created=[marker.id], affected=[marker.id], kinds=("markers", "timeline"))


def move_marker(project: Project, marker_id: str, frame: int) -> Edit:
    return update_marker(project, marker_id, frame=frame)


def update_marker(project: Project, marker_id: str, *, frame: int | None = None, name: str | None = None,
                  color: str | None = None) -> Edit:
    old = _marker(project, marker_id)
    changes = {k: v for k, v in {"frame": frame, "name": name, "color": color}.items() if v is not None}
    new = _valid(Marker, {**old.model_dump(), **changes})
    d = _Draft(project)
    d.put("markers", old, new)
    label = "Move marker" if set(changes) == {"frame"} else "Change marker"
    return d.commit(label, affected=[marker_id], kinds=("markers", "timeline"))


def remove_marker(project: Project, marker_id: str) -> Edit:
    old = _marker(project, marker_id)
    d = _Draft(project)
    d.put("markers", old, None)
    return d.commit("Remove marker", affected=[marker_id], kinds=("markers", "timeline"))
