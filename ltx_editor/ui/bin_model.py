"""The clip bin: the project's assets (generated and imported) with thumbnails, durations, badges and takes."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Property, QObject, QUrl, Signal, Slot
from PySide6.QtQml import QmlElement

from ltx_editor.core.project import Asset, index_of

from .document import EDIT_KINDS, ProjectDocument
from .list_model import RoleListModel
from .thumbnails import thumb_url, thumbnails

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
KINDS = ("all", "generated", "video", "image", "audio")
NOT_IDS = frozenset((*EDIT_KINDS, "shots"))  # the names in `edited` that are kinds, not ids
BACKEND_NAMES = {"local": "Local", "fal": "fal.ai", "replicate": "Replicate"}


def duration_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}.{int((seconds - whole) * 10)}"


class BinRow:
    """One asset as the bin shows it (a snapshot: rebuilt when the asset changes)."""

    def __init__(self, asset: Asset, document: ProjectDocument) -> None:
        self.id = asset.id
        self.asset = asset
        take = asset.active_take
        self.path = document.media_path(take.path)
        self.sidecar = document.media_path(take.sidecar) if take.sidecar else None
        self.has_recipe = self.sidecar is not None and self.sidecar.is_file()
        self.seconds = 0.0 if asset.kind == "image" else take.frame_count / take.fps
        self.signature = asset.model_dump_json()  # rows with equal signatures need no repaint

    def search_text(self) -> str:
        take = self.asset.active_take
        return " ".join(filter(None, (self.asset.name, self.asset.kind, take.model, take.backend))).lower()


@QmlElement
class BinModel(RoleListModel):
    """Give it the document (`BinModel { document: doc }` in QML, or the constructor); it follows edits."""

    ROLES = ("assetId", "name", "kind", "thumbnail", "durationText", "seconds", "frameCount", "backend",
             "backendName", "model", "badge", "takeCount", "takeIndex", "activeTakeId", "takes", "offline",
             "hasAudio", "mediaPath", "mediaUrl", "sidecarPath", "hasRecipe", "width", "height")
    documentChanged = Signal()
    filterChanged = Signal()

    def __init__(self, parent: QObject | None = None, document: ProjectDocument | None = None) -> None:
        super().__init__(parent)
        self._document: ProjectDocument | None = None
        self._filter_text = ""
        self._kind = "all"
        thumbnails().ready.connect(self._on_thumbnail_ready)
        if document is not None:
            self._set_document(document)

    def _on_thumbnail_ready(self, media_path: str) -> None:
        self.role_changed("thumbnail", [i for i, r in enumerate(self._items) if str(r.path) == media_path])

    # -- following the document ---------------------------------------------------------------------------
    def _get_document(self) -> ProjectDocument | None:
        return self._document

    def _set_document(self, document: ProjectDocument | None) -> None:
        if document is self._document:
            return
        if self._document is not None:
            self._document.projectReplaced.disconnect(self.rebuild)
            self._document.edited.disconnect(self._on_edited)
        self._document = document
        if document is not None:
            document.projectReplaced.connect(self.rebuild)
            document.edited.connect(self._on_edited)
        self.rebuild()
        self.documentChanged.emit()

    document = Property(ProjectDocument, _get_document, _set_document, notify=documentChanged)

    def _on_edited(self, changed: list) -> None:
        """Update only the rows of the assets named (an edit lists what it touched); a bare "bin" re-syncs."""
        if "bin" not in changed:
            return  # every change to assets says "bin" (edits' kinds, the job intake's mark_dirty)
        ids = [c for c in changed if c not in NOT_IDS]
        if not ids:
            self.rebuild(reset=False)
            return
        for asset_id in dict.fromkeys(ids):
            self._follow(asset_id)

    def _follow(self, asset_id: str) -> None:
        """Make the asset's row match the project: changed, inserted in project order, or removed."""
        project = self._document.project
        try:
            asset = project.asset(asset_id)
        except KeyError:
            self.remove(asset_id)
            return
        row = BinRow(asset, self._document)
        if not self._accepts(row):
            self.remove(asset_id)
            return
        at = self.row_of(asset_id)
        if at >= 0:
            old = self._items[at]
            if not (old.signature == row.signature and old.path == row.path):
                self._items[at] = row
                self.dataChanged.emit(self.index(at), self.index(at))
            return
        self.upsert(row, at=self._insert_row(project, asset))

    def _insert_row(self, project, asset: Asset) -> int:
        """The row a new asset takes so the bin keeps the project's order: after the row of the nearest
        asset before it in the project that the bin shows (the end, for the usual append)."""
        assets = project.assets
        at = index_of(project, "assets", asset.id)
        if at == len(assets) - 1:
            return len(self._items)
        for before in range(at - 1, -1, -1):
            row = self.row_of(assets[before].id)
            if row >= 0:
                return row + 1
        return 0

    @Slot()
    def rebuild(self, reset: bool = True) -> None:
        doc = self._document
        rows = [BinRow(a, doc) for a in doc.project.assets] if doc is not None else []
        rows = [r for r in rows if self._accepts(r)]
        if reset:
            self.reset(rows)
        else:
            self.sync(rows, same=lambda a, b: a.signature == b.signature and a.path == b.path)

    def _accepts(self, row: BinRow) -> bool:
        if self._kind != "all" and row.asset.kind != self._kind:
            return False
        words = self._filter_text.lower().split()
        text = row.search_text()
        return all(w in text for w in words)

    # -- search / filter ------------------------------------------------------------------------------------
    def _set_filter_text(self, text: str) -> None:
        if text != self._filter_text:
            self._filter_text = text
            self.filterChanged.emit()
            self.rebuild(reset=False)

    def _set_kind(self, kind: str) -> None:
        if kind in KINDS and kind != self._kind:
            self._kind = kind
            self.filterChanged.emit()
            self.rebuild(reset=False)

    filterText = Property(str, lambda self: self._filter_text, _set_filter_text, notify=filterChanged)
    kindFilter = Property(str, lambda self: self._kind, _set_kind, notify=filterChanged)
    kinds = Property(list, lambda self: list(KINDS), constant=True)

    # -- roles ----------------------------------------------------------------------------------------------
    def role_value(self, row: BinRow, name: str) -> Any:
        asset, take = row.asset, row.asset.active_take
        if name == "assetId":
            return asset.id
        if name == "name":
            return asset.name or row.path.name
        if name == "kind":
            return asset.kind
        if name == "thumbnail":
            if asset.kind == "audio" or asset.offline:
                return ""
            return thumb_url(row.path, min(1.0, row.seconds / 3), 224)
        if name == "durationText":
            return "still" if asset.kind == "image" else duration_text(row.seconds)
        if name == "seconds":
            return row.seconds
        if name == "frameCount":
            return take.frame_count
        if name == "backend":
            return take.backend or ""
        if name == "backendName":
            return BACKEND_NAMES.get(take.backend or "", "")
        if name == "model":
            return take.model or ""
        if name == "badge":
            parts = [BACKEND_NAMES.get(take.backend or "", ""), take.model or ""]
            return " · ".join(p for p in parts if p) or asset.kind
        if name == "takeCount":
            return len(asset.takes)
        if name == "takeIndex":
            return next(i for i, t in enumerate(asset.takes) if t.id == asset.active_take_id) + 1
        if name == "activeTakeId":
            return asset.active_take_id
        if name == "takes":
            return [{"takeId": t.id, "label": f"Take {i + 1}", "seed": t.seed if t.seed is not None else -1,
                     "active": t.id == asset.active_take_id} for i, t in enumerate(asset.takes)]
        if name == "offline":
            return asset.offline
        if name == "hasAudio":
            return take.has_audio or asset.kind == "audio"
        if name == "mediaPath":
            return str(row.path)
        if name == "mediaUrl":
            return QUrl.fromLocalFile(str(row.path)).toString()
        if name == "sidecarPath":
            return str(row.sidecar) if row.sidecar else ""
        if name == "hasRecipe":
            return row.has_recipe
        if name == "width":
            return take.width
        if name == "height":
            return take.height
        raise KeyError(name)
