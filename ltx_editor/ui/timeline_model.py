"""The clips of one track that fall inside the visible frame range (plus some overscan).

Only these rows exist, so QML instantiates clip delegates for what can be seen: a 1,000-clip timeline costs
about as much to scroll as a 10-clip one. Rows follow edits and scrolling with row-level inserts/removes.
"""
from __future__ import annotations

from bisect import bisect_right
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, QUrl
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.project import Asset, Clip, Project, Track

from .list_model import RoleListModel
from .thumbnails import thumb_url, thumbnails

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
THUMB_WIDTH = 160


_END = attrgetter("end")


def visible_range(track: Track, first: int, last: int, ends: list[int] | None = None) -> tuple[int, int]:
    """Indexes [lo, hi) of the clips of a track that overlap frames [first, last). Clips are sorted and never
    overlap, so their ends are sorted too and a bisection finds the first one (`ends` may be given)."""
    clips = track.clips
    lo = hi = bisect_right(ends, first) if ends is not None else bisect_right(clips, first, key=_END)
    while hi < len(clips) and clips[hi].start < last:
        hi += 1
    return lo, hi


def held_range(count: int, lo: int, hi: int, held: int) -> tuple[int, int]:
    """The clip indexes a track's model holds: the visible [lo, hi) and the next clips beyond its edges, as many
    as the model already has rows for (up to half as many again plus 4; two spare when it needs more). The row
    count then stays put while clips scroll in and out or the zoom changes a step, so QML rebinds the delegates
    it has instead of destroying some and creating others (creating a clip delegate costs far more)."""
    need = hi - lo
    keep = min(count, need + 2 if held < need else min(held, need * 3 // 2 + 4))
    while hi - lo < keep:  # the clips about to scroll in, on both sides
        if hi < count:
            hi += 1
        if lo > 0 and hi - lo < keep:
            lo -= 1
    return lo, hi


def visible_clips(track: Track, first: int, last: int) -> list[Clip]:
    lo, hi = visible_range(track, first, last)
    return track.clips[lo:hi]


def badges(take_index: int, take_count: int, speed: float, opacity: float) -> str:
    """ "T1/2 · 0.5× · 40 %": the take (when there are several), speed and opacity when not the usual."""
    parts = [f"T{take_index}/{take_count}" if take_count > 1 else "",
             f"{round(speed, 2):g}×" if speed != 1 else "", f"{round(opacity * 100)} %" if opacity < 1 else ""]
    return " · ".join(p for p in parts if p)


class ClipRow:
    """A clip with what its delegate shows (asset kind, take number, thumbnail), read once per change."""

    __slots__ = ("id", "clip", "track_id", "asset", "thumbnail", "take_index", "values")

    def __init__(self, clip: Clip, track_id: str, asset: Asset | None, thumbnail: str) -> None:
        self.id = clip.id
        self.clip = clip
        self.track_id = track_id
        self.asset = asset
        self.thumbnail = thumbnail
        self.take_index = 0
        if asset is not None:
            self.take_index = next((i for i, t in enumerate(asset.takes) if t.id == clip.take_id), -1) + 1
        self.values: tuple = ()  # role values in ROLES order, filled by the model (read on every rebind)

    def same_as(self, other: ClipRow) -> bool:
        return self is other or (self.clip == other.clip and self.asset is other.asset
                                 and self.track_id == other.track_id and self.thumbnail == other.thumbnail)


@QmlElement
@QmlUncreatable("Each track's clips model is made by TracksModel.")
class TrackClipsModel(RoleListModel):
    ROLES = ("clipId", "trackId", "name", "start", "end", "duration", "inFrame", "outFrame", "assetId", "takeId",
             "takeIndex", "takeCount", "assetKind", "thumbnail", "offline", "crossfade", "speed", "clipOpacity",
             "badges")

    def __init__(self, track_id: str, media_path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.track_id = track_id
        self._media_path = media_path  # stored media path -> absolute Path (ProjectDocument.media_path)
        self._thumbs: dict[tuple[str, str, int], str] = {}
        # Scrolling re-filters every frame; rows stay valid while their clip object is the same (edits swap
        # in new clip objects for what they change) and the bin has not changed (see invalidate).
        self._rows: dict[str, ClipRow] = {}
        self._track: Track | None = None  # the track version the shown range was read from
        self._shown: tuple[int, int] | None = None  # the clip index range the rows hold
        thumbnails().ready.connect(self._on_thumbnail_ready)

    def _on_thumbnail_ready(self, _media_path: str) -> None:
        """A thumbnail file now exists: rows still showing none look again (only rows on screen exist)."""
        changed = []
        for i, row in enumerate(self._items):
            if row.thumbnail == "" and row.asset is not None:
                row.thumbnail = self._thumbnail(row.clip, row.asset)
                if row.thumbnail:
                    row.values = tuple(self.role_value(row, name) for name in self.ROLES)
                    changed.append(i)
        self.role_changed("thumbnail", changed)

    def invalidate(self, asset_ids: set[str] | None = None) -> None:
        """The bin changed (takes, offline media): rows of clips of these assets (all rows when None) must
        be read again."""
        if asset_ids is None:
            self._rows.clear()
        else:
            stale = [cid for cid, row in self._rows.items() if row.clip.asset_id in asset_ids]
            if not stale:
                return
            for cid in stale:
                del self._rows[cid]
        self._track = None
        self._shown = None

    def refresh(self, project: Project, track: Track, first: int, last: int) -> None:
        """Show the clips of `track` overlapping [first, last)."""
        if self._track is not track:
            self._track = track
            self._shown = None
        lo, hi = held_range(len(track.clips), *visible_range(track, first, last), len(self._items))
        if (lo, hi) == self._shown:
            return  # scrolled, but the same clips are on screen
        self._shown = (lo, hi)
        rows = []
        for c in track.clips[lo:hi]:
            row = self._rows.get(c.id)
            if row is None or row.clip is not c:
                try:
                    asset = project.asset(c.asset_id)
                except KeyError:
                    asset = None
                row = ClipRow(c, track.id, asset, self._thumbnail(c, asset))
                row.values = tuple(self.role_value(row, name) for name in self.ROLES)
                self._rows[c.id] = row
            rows.append(row)
        self.recycle(rows)

    def recycle(self, rows: list[ClipRow]) -> None:
        """Make the model hold `rows` (in any order: delegates place themselves by frame). A row whose clip
        scrolled away takes a clip that scrolled in (one dataChanged), so QML rebinds the delegate it has
        instead of destroying one and creating another; rows are inserted or removed only for the
        difference in count."""
        wanted = {r.id: r for r in rows}
        here = {r.id for r in self._items}
        incoming = [r for r in rows if r.id not in here]
        free = []
        for i, old in enumerate(self._items):
            new = wanted.get(old.id)
            if new is None:
                free.append(i)
            elif not old.same_as(new):
                self._rebind(i, new)
        if free and incoming:
            self._invalidate_index()
        while free and incoming:
            self._rebind(free.pop(0), incoming.pop(0))
        if incoming:
            at = len(self._items)
            self.beginInsertRows(QModelIndex(), at, at + len(incoming) - 1)
            self._items.extend(incoming)
            self._invalidate_index()
            self.endInsertRows()
        self._remove_rows(free)

    def _rebind(self, i: int, new: ClipRow) -> None:
        """Row `i` shows `new` now; the view reads again only the roles whose values differ (a clip that took
        over a row of its track often keeps its length, kind, take count and properties)."""
        old, self._items[i] = self._items[i], new
        roles = [role for role, a, b in zip(self._role_ids, old.values, new.values, strict=True) if a != b]
        if roles:
            self.dataChanged.emit(self.index(i), self.index(i), roles)

    def _thumbnail(self, clip: Clip, asset: Asset | None) -> str:
        if asset is None or asset.kind == "audio":
            return ""
        key = (asset.id, clip.take_id, clip.in_frame)
        if key not in self._thumbs:
            try:
                take = asset.take(clip.take_id)
            except KeyError:
                return ""
            path = self._media_path(take.path)
            if asset.kind == "image":
                self._thumbs[key] = QUrl.fromLocalFile(str(path)).toString()
            else:
                url = thumb_url(path, clip.in_frame / take.fps, THUMB_WIDTH)
                if not url:
                    return ""  # not made yet: asked again when the service says it is ready
                self._thumbs[key] = url
        return self._thumbs[key]

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Scrolling rebinds delegates often: serve the values computed once per row.
        at = role - Qt.ItemDataRole.UserRole - 1
        if index.isValid() and 0 <= index.row() < len(self._items) and 0 <= at < len(self.ROLES):
            return self._items[index.row()].values[at]
        return super().data(index, role)

    def role_value(self, row: ClipRow, name: str) -> Any:
        c, asset = row.clip, row.asset
        if name == "clipId":
            return c.id
        if name == "trackId":
            return row.track_id
        if name == "name":
            return c.name or (asset.name if asset else "") or c.id
        if name == "start":
            return c.start
        if name == "end":
            return c.end
        if name == "duration":
            return c.duration
        if name == "inFrame":
            return c.in_frame
        if name == "outFrame":
            return c.out_frame
        if name == "assetId":
            return c.asset_id
        if name == "takeId":
            return c.take_id
        if name == "takeIndex":
            return row.take_index
        if name == "takeCount":
            return len(asset.takes) if asset else 0
        if name == "assetKind":
            return asset.kind if asset else ""
        if name == "thumbnail":
            return row.thumbnail
        if name == "crossfade":  # frames of the dissolve from the clip before (drawn only while they touch)
            return c.crossfade
        if name == "speed":
            return c.speed
        if name == "clipOpacity":  # not "opacity": the delegate's own Item.opacity
            return c.opacity
        if name == "offline":
            return bool(asset.offline) if asset else True
        if name == "badges":  # take, speed and opacity when they are not the usual, as one short text
            return badges(row.take_index, len(asset.takes) if asset else 0, c.speed,
                          c.opacity if asset is None or asset.kind != "audio" else 1.0)
        raise KeyError(name)
