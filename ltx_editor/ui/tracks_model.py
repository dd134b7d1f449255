"""The timeline's tracks, top to bottom, each with a model of its visible clips (see timeline_model).

Following an edit costs the number of tracks plus the clips on screen, not the clips on the timeline."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.project import Project, Track

from .list_model import RoleListModel
from .timeline_model import TrackClipsModel

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


class TrackRow:
    __slots__ = ("id", "kind", "name", "locked", "muted", "hidden", "clip_count", "number")

    def __init__(self, track: Track, number: int) -> None:
        self.id, self.kind, self.name = track.id, track.kind, track.name
        self.locked, self.muted, self.hidden = track.locked, track.muted, track.hidden
        self.clip_count = len(track.clips)
        self.number = number  # 1-based among tracks of its kind

    def signature(self) -> tuple:
        return (self.kind, self.name, self.locked, self.muted, self.hidden, self.clip_count, self.number)


@QmlElement
@QmlUncreatable("TracksModel is made by TimelineController.")
class TracksModel(RoleListModel):
    ROLES = ("trackId", "kind", "name", "locked", "muted", "hidden", "clipCount", "number", "clips")

    def __init__(self, media_path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._media_path = media_path
        self._clip_models: dict[str, TrackClipsModel] = {}
        self._project: Project | None = None
        self._first, self._last = 0, 0  # frames whose clips the clip models hold

    def clips_model(self, track_id: str) -> TrackClipsModel | None:
        return self._clip_models.get(track_id)

    @property
    def window(self) -> tuple[int, int]:
        return self._first, self._last

    def rebuild(self, project: Project, bin_changed: bool | set[str] = True) -> None:
        """Follow the project's tracks (row-level changes) and refresh every track's visible clips. Clip rows
        are read again only where a clip changed (a new clip object), or for clips of the assets that
        changed (`bin_changed`: their ids, or True for every asset)."""
        self._project = project
        counts: dict[str, int] = {}
        rows = []
        for t in project.tracks:
            counts[t.kind] = counts.get(t.kind, 0) + 1
            rows.append(TrackRow(t, counts[t.kind]))
            if t.id not in self._clip_models:
                self._clip_models[t.id] = TrackClipsModel(t.id, self._media_path, self)
        self.sync(rows, same=lambda a, b: a.signature() == b.signature())
        if len(self._clip_models) != len(project.tracks):
            for gone in set(self._clip_models) - {t.id for t in project.tracks}:
                self._clip_models.pop(gone).deleteLater()
        if bin_changed:
            ids = None if bin_changed is True else set(bin_changed)
            for model in self._clip_models.values():
                model.invalidate(ids)
        self._refresh_clips()

    def set_window(self, first: int, last: int) -> None:
        if (first, last) != (self._first, self._last):
            self._first, self._last = first, last
            self._refresh_clips()

    def _refresh_clips(self) -> None:
        if self._project is None:
            return
        for t in self._project.tracks:
            self._clip_models[t.id].refresh(self._project, t, self._first, self._last)

    def role_value(self, row: TrackRow, name: str) -> Any:
        if name == "trackId":
            return row.id
        if name == "clipCount":
            return row.clip_count
        if name == "clips":
            return self._clip_models.get(row.id)
        return getattr(row, name)

    @Slot(int, result=str)
    def trackIdAt(self, row: int) -> str:
        return self._items[row].id if 0 <= row < len(self._items) else ""
