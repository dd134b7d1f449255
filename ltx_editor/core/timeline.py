"""Timeline edits: pure, id-addressed functions that validate, apply, and return an undoable Edit.

Each function changes copies of what it touches and swaps them into the project only after every check
passed, so a refused edit (EditRefused) leaves the project exactly as it was. The Edit keeps the before
and after state of what it touched (tracks, keyframes, markers) and restores either one exactly.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError

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
    first_overlap,
    media_length,
    placement_problem,
)
from .snapping import snap_frame, snap_span

__all__ = ["Edit", "add_track", "remove_track", "update_track", "append_clip", "insert_clip", "move_clip", "move_clips",
           "trim_clip", "trim_limits", "split_clip", "delete_clips", "set_clip_take", "add_keyframe",
           "move_keyframe", "update_keyframe", "remove_keyframe", "add_marker", "move_marker", "update_marker",
           "remove_marker", "snap_frame"]


# --- undo/redo ---------------------------------------------------------------------------------------
def _copy_track(track: Track) -> Track:
    # Clips hold only immutable scalars, so a shallow copy of each is a full copy.
    return track.model_copy(update={"clips": [c.model_copy() for c in track.clips]})


@dataclass(frozen=True)
class _State:
    """What the touched parts of a project looked like at one moment (private copies)."""

    tracks: dict[str, Track]
    order: tuple[str, ...] | None = None  # all track ids in order, when tracks were added/removed
    keyframes: tuple[Keyframe, ...] | None = None
    markers: tuple[Marker, ...] | None = None

    def apply(self, project: Project) -> None:
        by_id = {t.id: t for t in project.tracks}
        for tid, t in self.tracks.items():
            by_id[tid] = _copy_track(t)
        order = self.order if self.order is not None else [t.id for t in project.tracks]
        project.tracks = [by_id[tid] for tid in order]
        if self.keyframes is not None:
            project.keyframes = [k.model_copy() for k in self.keyframes]
        if self.markers is not None:
            project.markers = [m.model_copy() for m in self.markers]


@dataclass
class Edit:
    """One applied edit: `undo(project)` and `redo(project)` restore the state before / after it."""

    label: str
    before: _State
    after: _State
    created: list[str] = field(default_factory=list)  # ids of new clips/tracks/keyframes/markers
    affected: list[str] = field(default_factory=list)  # ids whose state changed
    kinds: tuple[str, ...] = ("timeline",)  # what views need refreshing (see ui.document.EDIT_KINDS)

    def undo(self, project: Project) -> None:
        self.before.apply(project)

    def redo(self, project: Project) -> None:
        self.after.apply(project)

    def merged_with(self, later: Edit) -> Edit:
        """One edit doing this one then `later` (for a drag committed in several parts)."""
        def first(a, b):
            return a if a is not None else b

        order = first(later.after.order, self.after.order)
        after_tracks = {**self.after.tracks, **later.after.tracks}
        if order is not None:  # tracks gone by the end need no after-state
            after_tracks = {k: v for k, v in after_tracks.items() if k in order}
        before = _State({**later.before.tracks, **self.before.tracks}, first(self.before.order, later.before.order),
                        first(self.before.keyframes, later.before.keyframes),
                        first(self.before.markers, later.before.markers))
        after = _State(after_tracks, order, first(later.after.keyframes, self.after.keyframes),
                       first(later.after.markers, self.after.markers))
        return Edit(label=self.label, before=before, after=after,
                    created=list(dict.fromkeys(self.created + later.created)),
                    affected=list(dict.fromkeys(self.affected + later.affected)),
                    kinds=tuple(dict.fromkeys(self.kinds + later.kinds)))


class _Draft:
    """Working copies of what an edit changes; checked, then committed in one go."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.tracks: dict[str, Track] = {}
        self.order: list[str] | None = None
        self.keyframes: list[Keyframe] | None = None
        self.markers: list[Marker] | None = None

    def track(self, track_id: str) -> Track:
        if track_id not in self.tracks:
            original = _track(self.project, track_id)
            if original.locked:
                raise EditRefused(f"Track {_name(original)} is locked.", hint="Unlock it to edit its clips.")
            self.tracks[track_id] = _copy_track(original)
        return self.tracks[track_id]

    def keyframe_list(self) -> list[Keyframe]:
        if self.keyframes is None:
            self.keyframes = list(self.project.keyframes)
        return self.keyframes

    def marker_list(self) -> list[Marker]:
        if self.markers is None:
            self.markers = list(self.project.markers)
        return self.markers

    def commit(self, label: str, *, created: Iterable[str] = (), affected: Iterable[str] = (),
               kinds: tuple[str, ...] = ("clips", "timeline")) -> Edit:
        assets = {a.id: a for a in self.project.assets}
        for t in self.tracks.values():
            _check_track(t, assets)
        if self.keyframes is not None:
            _check_unique_frames(self.keyframes, "keyframes")
        if self.markers is not None:
            self.markers.sort(key=lambda m: m.frame)
        p = self.project
        originals = {t.id: t for t in p.tracks}
        reorder = self.order is not None
        before = _State(
            tracks={tid: _copy_track(originals[tid]) for tid in self.tracks if tid in originals},
            order=tuple(t.id for t in p.tracks) if reorder else None,
            keyframes=tuple(k.model_copy() for k in p.keyframes) if self.keyframes is not None else None,
            markers=tuple(m.model_copy() for m in p.markers) if self.markers is not None else None)
        after = _State(
            tracks={tid: t for tid, t in self.tracks.items() if not reorder or tid in self.order},
            order=tuple(self.order) if reorder else None,
            keyframes=tuple(self.keyframes) if self.keyframes is not None else None,
            markers=tuple(self.markers) if self.markers is not None else None)
        after.apply(p)
        return Edit(label=label, before=before, after=after, created=list(created),
                    affected=list(dict.fromkeys(affected)), kinds=kinds)


# --- checks --------------------------------------------------------------------------------------------
def _name(thing: Track | Clip) -> str:
    return repr(thing.name or thing.id)


def _check_track(track: Track, assets: dict[str, Asset]) -> None:
    track.clips.sort(key=lambda c: c.start)
    for c in track.clips:
        if c.start < 0:
            raise EditRefused(f"Clip {_name(c)} would start before the beginning of the timeline.")
        if c.start > MAX_FRAME:
            raise EditRefused(f"Clip {_name(c)} would start too far out on the timeline.")
        if c.in_frame < 0:
            raise EditRefused(f"Clip {_name(c)} would begin before the first frame of its media.")
        if c.out_frame - c.in_frame < 1:
            raise EditRefused(f"Clip {_name(c)} would be shorter than one frame.")
        problem = clip_problem(track, c, assets)
        if problem:
            raise EditRefused(problem[0].upper() + problem[1:] + ".")
    overlap = first_overlap(track.clips)
    if overlap:
        a, b = overlap
        raise EditRefused(f"Clips {_name(a)} and {_name(b)} would overlap on track {_name(track)}.",
                          hint="Move or trim one of them, or use a ripple edit.")


def _check_unique_frames(items: list[Keyframe], what: str) -> None:
    items.sort(key=lambda k: k.frame)
    for a, b in zip(items, items[1:], strict=False):
        if a.frame == b.frame:
            raise EditRefused(f"Two {what} cannot share frame {a.frame}.", hint="Move one of them first.")


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


def _clip_in(track: Track, clip_id: str) -> Clip:
    return next(c for c in track.clips if c.id == clip_id)


def _pop_clip(track: Track, clip_id: str) -> Clip:
    clip = _clip_in(track, clip_id)
    track.clips.remove(clip)
    return clip


def _split(clip: Clip, frame: int) -> Clip:
    """Cut `clip` at timeline `frame`: it keeps the head; the returned new clip is the tail."""
    offset = frame - clip.start
    tail = clip.model_copy(update={"id": new_id("clip"), "start": frame, "in_frame": clip.in_frame + offset})
    clip.out_frame = clip.in_frame + offset
    return tail


# --- tracks --------------------------------------------------------------------------------------------
def add_track(project: Project, kind: TrackKind, name: str | None = None, index: int | None = None) -> Edit:
    """A new empty track; by default after the last track of its kind (video tracks before audio)."""
    if kind not in ("video", "audio"):
        raise EditRefused(f"Unknown track kind {kind!r}; use 'video' or 'audio'.")
    same = project.tracks_of_kind(kind)
    order = [t.id for t in project.tracks]
    if index is None:
        index = order.index(same[-1].id) + 1 if same else (0 if kind == "video" else len(order))
    if not 0 <= index <= len(order):
        raise EditRefused(f"Track position {index} is outside 0-{len(order)}.")
    track = Track(id=new_id("track"), kind=kind, name=name or f"{'V' if kind == 'video' else 'A'}{len(same) + 1}")
    d = _Draft(project)
    order.insert(index, track.id)
    d.order = order
    d.tracks[track.id] = track
    return d.commit(f"Add track {track.name}", created=[track.id], affected=[track.id], kinds=("tracks", "timeline"))


def remove_track(project: Project, track_id: str) -> Edit:
    d = _Draft(project)
    track = d.track(track_id)
    d.order = [t.id for t in project.tracks if t.id != track_id]
    return d.commit(f"Remove track {track.name}", affected=[track_id, *(c.id for c in track.clips)],
                    kinds=("tracks", "clips", "timeline"))


def update_track(project: Project, track_id: str, *, name: str | None = None, locked: bool | None = None,
                 muted: bool | None = None, hidden: bool | None = None) -> Edit:
    """Rename a track or switch its lock/mute/visibility (allowed on a locked track: that is how it unlocks)."""
    original = _track(project, track_id)
    changes = {k: v for k, v in {"name": name, "locked": locked, "muted": muted, "hidden": hidden}.items()
               if v is not None}
    d = _Draft(project)
    d.tracks[track_id] = _copy_track(original).model_copy(update=changes)
    return d.commit(f"Change track {original.name}", affected=[track_id], kinds=("tracks", "timeline"))


# --- clips ---------------------------------------------------------------------------------------------
def _new_clip(project: Project, track: Track, asset_id: str, take_id: str | None, start: int, in_frame: int,
              out_frame: int | None) -> Clip:
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
    start = max((c.end for c in track.clips), default=0)
    clip = _new_clip(project, track, asset_id, take_id, start, in_frame, out_frame)
    track.clips.append(clip)
    return d.commit(f"Add {clip.name or 'clip'}", created=[clip.id], affected=[clip.id, track_id])


def insert_clip(project: Project, track_id: str, asset_id: str, start: int, *, take_id: str | None = None,
                in_frame: int = 0, out_frame: int | None = None, ripple: bool = False) -> Edit:
    """Place a clip at `start`. With ripple, later clips on the track move right to make room (a clip
    under `start` is split); without, the space must be free."""
    d = _Draft(project)
    track = d.track(track_id)
    clip = _new_clip(project, track, asset_id, take_id, start, in_frame, out_frame)
    created = [clip.id]
    if ripple:
        for c in list(track.clips):
            if c.start < start < c.end:
                tail = _split(c, start)
                track.clips.append(tail)
                created.append(tail.id)
        for c in track.clips:
            if c.start >= start:
                c.start += clip.duration
    track.clips.append(clip)
    return d.commit(f"Insert {clip.name or 'clip'}", created=created,
                    affected=[*created, *(c.id for c in track.clips), track_id])


def move_clip(project: Project, clip_id: str, track_id: str | None, start: int, snap: int = 0,
              playhead: int | None = None) -> Edit:
    """Move a clip to `start` on `track_id` (None: its own track). snap > 0: its start or end edge snaps to
    clip edges, keyframes, markers or the playhead within that many frames."""
    src, clip = _find_clip(project, clip_id)
    if snap > 0:
        start = snap_span(project, start, clip.duration, snap, exclude_ids={clip_id}, playhead=playhead)
    d = _Draft(project)
    moving = _pop_clip(d.track(src.id), clip_id)
    moving.start = start
    dst = d.track(track_id or src.id)
    dst.clips.append(moving)
    return d.commit(f"Move {clip.name or 'clip'}", affected=[clip_id, src.id, dst.id])


def move_clips(project: Project, clip_ids: Iterable[str], delta_frames: int, track_delta: int = 0) -> Edit:
    """Move several clips together by delta_frames, and track_delta tracks of their own kind."""
    ids = list(dict.fromkeys(clip_ids))
    if not ids:
        raise EditRefused("No clips to move.")
    d = _Draft(project)
    moves = []
    for cid in ids:
        src, _ = _find_clip(project, cid)
        same = project.tracks_of_kind(src.kind)
        to = [t.id for t in same].index(src.id) + track_delta
        if not 0 <= to < len(same):
            raise EditRefused(f"There is no {src.kind} track there to move the clips to.")
        moves.append((_pop_clip(d.track(src.id), cid), same[to].id))
    for clip, dst_id in moves:
        clip.start += delta_frames
        d.track(dst_id).clips.append(clip)
    return d.commit(f"Move {len(ids)} clips" if len(ids) > 1 else "Move clip",
                    affected=[*ids, *d.tracks])


def trim_clip(project: Project, clip_id: str, edge: Literal["in", "out"], frame: int) -> Edit:
    """Move the clip's in edge or out edge to timeline `frame` (the other edge stays put on the timeline)."""
    src, _ = _find_clip(project, clip_id)
    d = _Draft(project)
    clip = _clip_in(d.track(src.id), clip_id)
    if edge == "in":
        if frame < clip.start - clip.in_frame:
            raise EditRefused(f"Clip {_name(clip)} cannot start earlier: that is the first frame of its media.")
        clip.in_frame += frame - clip.start
        clip.start = frame
    elif edge == "out":
        clip.out_frame = clip.in_frame + frame - clip.start
    else:
        raise EditRefused(f"Unknown clip edge {edge!r}; use 'in' or 'out'.")
    return d.commit(f"Trim {clip.name or 'clip'}", affected=[clip_id, src.id])


def trim_limits(project: Project, clip_id: str, edge: Literal["in", "out"]) -> tuple[int, int]:
    """The timeline frames (inclusive) the given edge may be trimmed to: neighbours, media length, 1 frame."""
    track, clip = _find_clip(project, clip_id)
    i = track.clips.index(clip)
    if edge == "in":
        prev_end = track.clips[i - 1].end if i > 0 else 0
        return max(prev_end, clip.start - clip.in_frame), clip.end - 1
    asset, take = _asset_take(project, clip.asset_id, clip.take_id)
    length = media_length(asset, take)
    hi = min(track.clips[i + 1].start if i + 1 < len(track.clips) else MAX_FRAME,
             clip.start + (length - clip.in_frame) if length is not None else MAX_FRAME)
    return clip.start + 1, hi


def split_clip(project: Project, clip_id: str, frame: int) -> Edit:
    """Cut a clip in two at timeline `frame`; the new (right-hand) clip's id is in `edit.created`."""
    src, original = _find_clip(project, clip_id)
    if not original.start < frame < original.end:
        raise EditRefused(f"The split point must be inside clip {_name(original)} "
                          f"(frames {original.start + 1}-{original.end - 1}).")
    d = _Draft(project)
    track = d.track(src.id)
    tail = _split(_clip_in(track, clip_id), frame)
    track.clips.append(tail)
    return d.commit(f"Split {original.name or 'clip'}", created=[tail.id], affected=[clip_id, tail.id, src.id])


def delete_clips(project: Project, clip_ids: Iterable[str], ripple: bool = False) -> Edit:
    """Remove clips; with ripple, later clips on each of their tracks move left to close the gaps."""
    ids = list(dict.fromkeys(clip_ids))
    if not ids:
        raise EditRefused("No clips to delete.")
    d = _Draft(project)
    removed: dict[str, list[Clip]] = {}
    for cid in ids:
        src, _ = _find_clip(project, cid)
        removed.setdefault(src.id, []).append(_pop_clip(d.track(src.id), cid))
    shifted: list[str] = []
    if ripple:
        for track_id, gone in removed.items():
            track = d.tracks[track_id]
            # Latest gap first: each later clip moves left by the length of every deleted clip before it.
            for r in sorted(gone, key=lambda c: c.start, reverse=True):
                for c in track.clips:
                    if c.start >= r.end:
                        c.start -= r.duration
                        shifted.append(c.id)
    label = ("Ripple delete" if ripple else "Delete") + (f" {len(ids)} clips" if len(ids) > 1 else " clip")
    return d.commit(label, affected=[*ids, *shifted, *removed])


def set_clip_take(project: Project, clip_id: str, take_id: str) -> Edit:
    """Show another take of the clip's asset; a shorter take shortens the clip rather than failing."""
    src, original = _find_clip(project, clip_id)
    asset, take = _asset_take(project, original.asset_id, take_id)
    d = _Draft(project)
    clip = _clip_in(d.track(src.id), clip_id)
    clip.take_id = take.id
    length = media_length(asset, take)
    if length is not None and clip.out_frame > length:
        if clip.in_frame >= length:
            raise EditRefused(f"Take {take.id!r} has only {length} frames; the clip starts at frame "
                              f"{clip.in_frame} of its media.")
        clip.out_frame = length
    return d.commit("Switch take", affected=[clip_id, src.id])


# --- keyframes -----------------------------------------------------------------------------------------
def _replace(items: list, old, new) -> None:
    items[items.index(old)] = new


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
    d.keyframe_list().append(kf)
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
    _replace(d.keyframe_list(), old, new)
    label = "Move keyframe" if set(changes) == {"frame"} else "Change keyframe"
    return d.commit(label, affected=[keyframe_id], kinds=("keyframes", "timeline"))


def remove_keyframe(project: Project, keyframe_id: str) -> Edit:
    old = _keyframe(project, keyframe_id)
    d = _Draft(project)
    d.keyframe_list().remove(old)
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
    d.marker_list().append(marker)
    return d.commit("Add marker", created=[marker.id], affected=[marker.id], kinds=("markers", "timeline"))


def move_marker(project: Project, marker_id: str, frame: int) -> Edit:
    return update_marker(project, marker_id, frame=frame)


def update_marker(project: Project, marker_id: str, *, frame: int | None = None, name: str | None = None,
                  color: str | None = None) -> Edit:
    old = _marker(project, marker_id)
    changes = {k: v for k, v in {"frame": frame, "name": name, "color": color}.items() if v is not None}
    new = _valid(Marker, {**old.model_dump(), **changes})
    d = _Draft(project)
    _replace(d.marker_list(), old, new)
    label = "Move marker" if set(changes) == {"frame"} else "Change marker"
    return d.commit(label, affected=[marker_id], kinds=("markers", "timeline"))


def remove_marker(project: Project, marker_id: str) -> Edit:
    old = _marker(project, marker_id)
    d = _Draft(project)
    d.marker_list().remove(old)
    return d.commit("Remove marker", affected=[marker_id], kinds=("markers", "timeline"))
