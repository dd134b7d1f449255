"""The project: a bin of assets (with takes and folders), tracks of clips, keyframes, markers, shots and the
persisted generation queue.

Units: timeline positions and durations are integer frames at the project fps. A clip covers
[start, start + out_frame - in_frame) on its track; in_frame/out_frame are source frames (out exclusive).
Media paths are posix strings, relative to the project file's folder (absolute only for imported media
outside it); core/project_io.py resolves them.
"""
from __future__ import annotations

import math
import weakref
from bisect import bisect_left
from operator import attrgetter
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1
MAX_FRAME = 1_000_000_000  # ~1.3 years at 24 fps; bounds absurd numbers from damaged files
IMAGE_DEFAULT_SECONDS = 5.0  # an image placed without an explicit out point lasts this long

Frame = Annotated[int, Field(ge=0, le=MAX_FRAME)]
Id = Annotated[str, Field(min_length=1, max_length=128)]
Text = Annotated[str, Field(max_length=100_000)]
MediaPath = Annotated[str, Field(min_length=1, max_length=4096)]

AssetKind = Literal["generated", "video", "image", "audio"]
TrackKind = Literal["video", "audio"]


class _Model(BaseModel):
    # Unknown fields are refused (a typo must not silently drop data); NaN/inf never enter a project.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ProjectSettings(_Model):
    fps: float = Field(24.0, gt=0.0, le=1000.0)
    width: int = Field(768, ge=1, le=16384)
    height: int = Field(512, ge=1, le=16384)
    sample_rate: int = Field(48000, ge=1000, le=384000)


class Take(_Model):
    """One rendering of an asset: a generated variant, or the single file of imported media."""

    id: Id
    path: MediaPath
    sidecar: MediaPath | None = None  # the generation recipe (<video>.json) for generated takes
    backend: str | None = None
    model: str | None = None
    seed: int | None = None
    frame_count: int = Field(ge=1, le=MAX_FRAME)  # source frames at `fps` (1 for a still image)
    fps: float = Field(24.0, gt=0.0, le=1000.0)
    width: int = Field(0, ge=0, le=65536)  # 0 = no picture (audio)
    height: int = Field(0, ge=0, le=65536)
    has_audio: bool = False
    created: str = ""  # ISO 8601


class Folder(_Model):
    id: Id
    name: Text = ""
    parent_id: Id | None = None


class Asset(_Model):
    id: Id
    name: Text = ""
    kind: AssetKind
    takes: list[Take] = Field(min_length=1)
    active_take_id: Id
    folder_id: Id | None = None
    offline: bool = False  # recomputed on load: the active take's file is missing

    @model_validator(mode="after")
    def _check_takes(self) -> Asset:
        ids = [t.id for t in self.takes]
        if len(set(ids)) != len(ids):
            raise ValueError("take ids must be unique within an asset")
        if self.active_take_id not in ids:
            raise ValueError(f"active_take_id {self.active_take_id!r} is not one of the asset's takes")
        return self

    def take(self, take_id: str | None = None) -> Take:
        """The take with this id (the active take when None); KeyError if the asset has no such take."""
        wanted = self.active_take_id if take_id is None else take_id
        for t in self.takes:
            if t.id == wanted:
                return t
        raise KeyError(f"asset {self.id!r} has no take {wanted!r}")

    @property
    def active_take(self) -> Take:
        return self.take()


class Clip(_Model):
    id: Id
    asset_id: Id
    take_id: Id
    start: Frame
    in_frame: Frame = 0
    out_frame: Frame
    name: Text = ""
    # The clip this one belongs with (a video and its own sound on an audio track): the video's sound is
    # then heard through the linked audio clip only.
    link: Id | None = None
    volume: float = Field(1.0, ge=0.0, le=4.0)  # the clip's sound level (0 = muted)
    fade_in: Frame = 0  # frames fading up from black and silence at the clip's start
    fade_out: Frame = 0  # frames fading down to black and silence at its end (a trim may leave fades longer
    # than the clip: they are not refused on load, the export and preview cut them to fit: fitted_fades)
    opacity: float = Field(1.0, ge=0.0, le=1.0)  # the picture over the tracks below it (0 = see-through)
    # Playback speed: the clip's source frames [in_frame, out_frame) play in `duration` timeline frames
    # (source frame in_frame + floor(i * speed) at clip frame i: source_offset); sound follows (atempo).
    speed: float = Field(1.0, ge=0.25, le=4.0)
    # A dissolve of this many frames from the clip just before this one on its track (0: a cut). It takes
    # the first `crossfade` frames of this clip, over which the clip before plays on past its out point
    # (its last frame held where its media ends); kept only while the two clips touch (crossfade_frames).
    crossfade: Frame = 0

    def fitted_fades(self) -> tuple[int, int]:
        """(fade_in, fade_out) cut to fit the clip's length, the fade-in first."""
        fade_in = min(self.fade_in, self.duration)
        return fade_in, min(self.fade_out, self.duration - fade_in)

    @model_validator(mode="after")
    def _check_range(self) -> Clip:
        if self.out_frame <= self.in_frame:
            raise ValueError(f"out_frame ({self.out_frame}) must be greater than in_frame ({self.in_frame})")
        return self

    @property
    def duration(self) -> int:
        """Timeline frames: the source frames at the clip's speed (whole frames, rounded up)."""
        n = self.out_frame - self.in_frame
        return n if self.speed == 1.0 else timeline_frames(n, self.speed)

    @property
    def end(self) -> int:
        """First timeline frame after the clip."""
        return self.start + self.duration

    def source_offset(self, i: int) -> int:
        """Source frames from in_frame to what the clip shows at its frame i (i timeline frames after start)."""
        return i if self.speed == 1.0 else source_offset(i, self.speed, self.out_frame - self.in_frame)

    def source_frames(self, timeline_frames: int) -> int:
        """Source frames that `timeline_frames` frames of this clip play (a trim moves the edge by these)."""
        return timeline_frames if self.speed == 1.0 else round(timeline_frames * self.speed)

    def split_point(self, i: int) -> tuple[int, int]:
        """Where a cut at clip frame i (0 < i < duration) falls: (source frames in the head, timeline frames in
        the head). At another speed the cut goes to a source frame within 4 timeline frames of i, preferring
        one on a whole timeline frame (both halves then show exactly the frames the clip showed), else one at
        which the halves together last exactly as long as the clip, else the nearest."""
        if self.speed == 1.0:
            return i, i
        n, s = self.out_frame - self.in_frame, self.speed
        near = range(max(1, math.floor((i - 4) * s)), min(n, math.ceil((i + 4) * s) + 1))
        if not near:
            raise ValueError("the clip plays a single source frame")

        def rank(k: int) -> tuple:
            aligned = abs(k / s - round(k / s)) < 1e-9
            exact = timeline_frames(k, s) + timeline_frames(n - k, s) == self.duration
            return not aligned, not exact, abs(k / s - i), k

        k = min(near, key=rank)
        return k, timeline_frames(k, s)


def timeline_frames(source_frames: int, speed: float) -> int:
    """Timeline frames that `source_frames` last at `speed` (at least one)."""
    return max(1, math.ceil(source_frames / speed - 1e-9))


def source_offset(i: int, speed: float, source_frames: int) -> int:
    """The source frame (from the clip's in point) shown at clip frame i at `speed`: floor(i * speed), held
    on the last one (the export's fps filter picks the same: export_graph._speed)."""
    return min(source_frames - 1, math.floor(i * speed + 1e-9))


class Track(_Model):
    id: Id
    kind: TrackKind
    name: Text = ""
    locked: bool = False
    muted: bool = False
    hidden: bool = False
    clips: list[Clip] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sorted_without_overlaps(self) -> Track:
        # Order is derived data, so it is repaired; an overlap is not (which clip wins?), so it is refused.
        self.clips.sort(key=lambda c: c.start)
        overlap = first_overlap(self.clips)
        if overlap:
            a, b = overlap
            raise ValueError(f"clips {a.id!r} and {b.id!r} overlap on track {self.id!r} "
                             f"(frames {b.start}-{min(a.end, b.end)})")
        return self


class Keyframe(_Model):
    id: Id
    frame: Frame
    image: MediaPath
    strength: float = Field(1.0, ge=0.0, le=1.0)
    prompt: Text = ""


class Marker(_Model):
    id: Id
    frame: Frame
    name: Text = ""
    color: str = Field("#f5c542", pattern=r"^#[0-9a-fA-F]{6}$")


class Shot(_Model):
    id: Id
    prompt: Text = ""
    duration_s: float = Field(5.0, gt=0.0, le=3600.0)
    start_image: MediaPath | None = None
    end_image: MediaPath | None = None
    status: str = "draft"
    asset_id: Id | None = None
    enhanced_prompt: Text | None = None


CastKind = Literal["character", "object", "place"]
# `@name` in a prompt: a letter, then letters/digits/underscores, hyphens only between them (core/cast.py)
CAST_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*$"


class CastEntry(_Model):
    """A named character, object or place: `@name` in any prompt brings in its description and its reference
    images (core/cast.py expands, generation/cast_apply.py conditions)."""

    id: Id
    name: str = Field(min_length=1, max_length=64, pattern=CAST_NAME_PATTERN)
    kind: CastKind = "character"
    description: Text = ""
    images: list[MediaPath] = Field(default_factory=list, max_length=32)
    voice: MediaPath | None = None  # a voice-line sample, kept for backends that document audio conditioning


class JobRecord(_Model):
    """A generation job as persisted with the project; the generation queue owns `request`'s meaning."""

    id: Id
    request: dict
    state: str
    priority: int = 0
    created: str = ""
    error: Text | None = None
    result_asset_id: Id | None = None

    @field_validator("request")
    @classmethod
    def _shallow(cls, request: dict) -> dict:
        # A real request is a few levels deep; a deeply nested one would load but could never be saved again.
        if _depth(request) > MAX_REQUEST_DEPTH:
            raise ValueError(f"the job request is nested more than {MAX_REQUEST_DEPTH} levels deep")
        return request


MAX_REQUEST_DEPTH = 32


def _depth(value: object) -> int:
    """How deeply dicts/lists nest in `value`, without recursion (so no RecursionError on hostile input)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level <= MAX_REQUEST_DEPTH:
                stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


class Project(_Model):
    schema_version: int = SCHEMA_VERSION
    name: Text = "Untitled"
    settings: ProjectSettings = Field(default_factory=ProjectSettings)
    folders: list[Folder] = Field(default_factory=list)
    assets: list[Asset] = Field(default_factory=list)
    tracks: list[Track] = Field(default_factory=list)
    keyframes: list[Keyframe] = Field(default_factory=list)
    markers: list[Marker] = Field(default_factory=list)
    shots: list[Shot] = Field(default_factory=list)
    jobs: list[JobRecord] = Field(default_factory=list)
    cast: list[CastEntry] = Field(default_factory=list)
    budget_usd: float | None = Field(None, ge=0.0)
    spent_usd: float = Field(0.0, ge=0.0)

    @model_validator(mode="after")
    def _check_references(self) -> Project:
        check_references(self)
        return self

    # --- lookups (KeyError when absent: callers address things by ids they were given) ---
    # Each lookup goes through an index by id (see _Index): an edit costs what it changes, not a scan.
    def find_clip(self, clip_id: str) -> tuple[Track, Clip]:
        return _index(self).clip(self, clip_id)

    def asset(self, asset_id: str) -> Asset:
        return _index(self).entity(self, "assets", asset_id)

    def track(self, track_id: str) -> Track:
        for t in self.tracks:
            if t.id == track_id:
                return t
        raise KeyError(f"no track {track_id!r}")

    def keyframe(self, keyframe_id: str) -> Keyframe:
        return _index(self).entity(self, "keyframes", keyframe_id)

    def marker(self, marker_id: str) -> Marker:
        return _index(self).entity(self, "markers", marker_id)

    def duration(self) -> int:
        """Frames from 0 to the end of the last clip on any track (clips are sorted and never overlap, so
        each track's last clip ends last)."""
        return max((t.clips[-1].end for t in self.tracks if t.clips), default=0)

    def tracks_of_kind(self, kind: TrackKind) -> list[Track]:
        return [t for t in self.tracks if t.kind == kind]


# --- indexes by id -------------------------------------------------------------------------------------
class _Index:
    """Where entities sit, by id. Kept outside the model (pydantic compares and copies private fields), keyed
    by the project object. Every hit is verified against the live lists, so a stale index is never wrong,
    only slower: a miss rebuilds it once."""

    def __init__(self) -> None:
        self.clips: dict[str, tuple[str, Clip]] = {}  # clip id -> (track id, the clip object)
        # collection -> (the list's length as the index knows it, id -> position in the list). Positions may
        # be off by a step or two (checked on use); the ids are exact while the length matches.
        self.positions: dict[str, tuple[int, dict[str, int]]] = {}

    def clip(self, project: Project, clip_id: str) -> tuple[Track, Clip]:
        found = self._verified_clip(project, clip_id)
        if found is None:
            self.clips = {c.id: (t.id, c) for t in project.tracks for c in t.clips}
            found = self._verified_clip(project, clip_id)
            if found is None:
                raise KeyError(f"no clip {clip_id!r}")
        return found

    def _verified_clip(self, project: Project, clip_id: str) -> tuple[Track, Clip] | None:
        hit = self.clips.get(clip_id)
        if hit is None:
            return None
        track_id, clip = hit
        track = next((t for t in project.tracks if t.id == track_id), None)
        if track is None:
            return None
        clips = track.clips
        i = bisect_left(clips, clip.start, key=_START)
        return (track, clip) if i < len(clips) and clips[i] is clip else None

    def entity(self, project: Project, collection: str, eid: str):
        return getattr(project, collection)[self.position(project, collection, eid)]

    def position(self, project: Project, collection: str, eid: str) -> int:
        items = getattr(project, collection)
        known = self.positions.get(collection)
        if known is None:
            known = self._reindex(items, collection)
        length, where = known
        i = where.get(eid)
        if i is not None:
            # An insert or removal before it moves it by a step or two: look nearby before indexing again.
            for j in (i, i - 1, i + 1, i - 2, i + 2):
                if 0 <= j < len(items) and items[j].id == eid:
                    where[eid] = j
                    return j
        elif items and items[-1].id == eid:  # appended outside an edit (a job's new asset)
            where[eid] = len(items) - 1
            return len(items) - 1
        elif length == len(items):  # the index holds every id of this list: it is not here
            raise KeyError(f"no {collection[:-1]} {eid!r}")
        length, where = self._reindex(items, collection)
        if eid in where:
            return where[eid]
        raise KeyError(f"no {collection[:-1]} {eid!r}")

    def _reindex(self, items: list, collection: str) -> tuple[int, dict[str, int]]:
        known = self.positions[collection] = (len(items), {x.id: n for n, x in enumerate(items)})
        return known

    def note(self, collection: str, length: int, gone: list[str], placed: list[tuple[int, str]]) -> None:
        known = self.positions.get(collection)
        if known is None:
            return
        where = known[1]
        for eid in gone:
            where.pop(eid, None)
        for at, eid in placed:
            where[eid] = at
        self.positions[collection] = (length, where)


def index_of(project: Project, collection: str, entity_id: str) -> int:
    """Where the entity with this id sits in project.<collection> (assets, keyframes, markers, shots);
    KeyError when absent. Indexed: O(1) while the list keeps its order."""
    return _index(project).position(project, collection, entity_id)


_START = attrgetter("start")
_INDEXES: dict[int, tuple[weakref.ref, _Index]] = {}


def _index(project: Project) -> _Index:
    hit = _INDEXES.get(id(project))
    if hit is not None and hit[0]() is project:
        return hit[1]
    index = _Index()
    key = id(project)
    _INDEXES[key] = (weakref.ref(project, lambda _ref: _INDEXES.pop(key, None)), index)
    return index


def note_entities(project: Project, collection: str, gone: list[str], placed: list[tuple[int, str]]) -> None:
    """Tell the index what an edit changed in a list (core/edits calls this after each restore)."""
    _index(project).note(collection, len(getattr(project, collection)), gone, placed)


def note_clips(project: Project, track_id: str, gone: list[str], placed: list[Clip]) -> None:
    """Tell the clip index what an edit changed on a track (core/edits calls this after each restore)."""
    clips = _index(project).clips
    for cid in gone:
        clips.pop(cid, None)
    for c in placed:
        clips[c.id] = (track_id, c)


def first_overlap(clips: list[Clip]) -> tuple[Clip, Clip] | None:
    """The first pair of overlapping clips in a start-sorted list, or None."""
    for a, b in zip(clips, clips[1:], strict=False):
        if b.start < a.end:
            return a, b
    return None


def media_length(asset: Asset, take: Take) -> int | None:
    """How many source frames a clip of this take may use; None = unbounded (a still image)."""
    return None if asset.kind == "image" else take.frame_count


def placement_problem(track_kind: TrackKind, asset: Asset, take: Take) -> str | None:
    """Why this take cannot go on a track of this kind, or None when it can."""
    if track_kind == "video" and asset.kind == "audio":
        return f"{asset.name or asset.id!r} is audio only; put it on an audio track"
    if track_kind == "audio" and asset.kind == "image":
        return f"{asset.name or asset.id!r} is an image; put it on a video track"
    if track_kind == "audio" and asset.kind != "audio" and not take.has_audio:
        return f"{asset.name or asset.id!r} has no sound; put it on a video track"
    return None


def clip_problem(track: Track, clip: Clip, assets: dict[str, Asset]) -> str | None:
    """Why this clip is invalid on this track (missing asset/take, wrong kind, past the media's end)."""
    asset = assets.get(clip.asset_id)
    if asset is None:
        return f"clip {clip.id!r} refers to a missing asset {clip.asset_id!r}"
    take = next((t for t in asset.takes if t.id == clip.take_id), None)
    if take is None:
        return f"clip {clip.id!r} refers to take {clip.take_id!r}, which asset {asset.id!r} does not have"
    problem = placement_problem(track.kind, asset, take)
    if problem:
        return problem
    length = media_length(asset, take)
    if length is not None and clip.out_frame > length:
        return f"clip {clip.id!r} ends at source frame {clip.out_frame}, past the media's {length} frames"
    return None


def check_references(project: Project) -> None:
    """Raise ValueError on duplicate ids or references to things the project does not have."""
    _unique("folder", [f.id for f in project.folders])
    _unique("asset", [a.id for a in project.assets])
    _unique("track", [t.id for t in project.tracks])
    _unique("clip", [c.id for t in project.tracks for c in t.clips])
    _unique("keyframe", [k.id for k in project.keyframes])
    _unique("marker", [m.id for m in project.markers])
    _unique("cast entry", [c.id for c in project.cast])
    names = [c.name.casefold() for c in project.cast]  # @Mara and @mara are one name
    if len(set(names)) != len(names):
        raise ValueError(f"the cast has two entries named {next(n for n in names if names.count(n) > 1)!r}")
    folders = {f.id: f for f in project.folders}
    for f in project.folders:
        _check_folder_chain(f, folders)
    assets = {a.id: a for a in project.assets}
    for a in project.assets:
        if a.folder_id is not None and a.folder_id not in folders:
            raise ValueError(f"asset {a.id!r} is in a missing folder {a.folder_id!r}")
    for t in project.tracks:
        for c in t.clips:
            problem = clip_problem(t, c, assets)
            if problem:
                raise ValueError(problem)


def _unique(what: str, ids: list[str]) -> None:
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        dup = next(i for i in ids if i in seen or seen.add(i))
        raise ValueError(f"{what} id {dup!r} is used more than once")


def _check_folder_chain(folder: Folder, folders: dict[str, Folder]) -> None:
    seen = {folder.id}
    parent = folder.parent_id
    while parent is not None:
        if parent not in folders:
            raise ValueError(f"folder {folder.id!r} has a missing parent {parent!r}")
        if parent in seen:
            raise ValueError(f"folder {folder.id!r} is inside itself")
        seen.add(parent)
        parent = folders[parent].parent_id
