"""List models for the generate panel: catalog models for a backend, and LoRA files from a folder."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.catalog import CATALOG, ModelInfo
from ltx_editor.core.settings import LoraSpec

from .list_model import RoleListModel

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@QmlElement
@QmlUncreatable("ModelsModel belongs to the GenerateController.")
class ModelsModel(RoleListModel):
    """Catalog models offered by one backend, with whether that backend can run them now."""

    ROLES = ("modelId", "name", "description", "family", "params", "audio", "ready", "reason", "vramText")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ready, self._reason = False, ""

    def show(self, backend: str, ready: bool, reason: str) -> None:
        self._ready, self._reason = ready, reason
        self.reset([m for m in CATALOG.values() if backend in m.backends])

    def role_value(self, m: ModelInfo, name: str) -> Any:
        values = {"modelId": m.id, "name": m.name, "description": m.description, "family": m.family,
                  "params": m.params, "audio": m.audio, "ready": self._ready, "reason": self._reason,
                  "vramText": f"~{m.vram_gb:g} GB VRAM" if m.vram_gb else ""}
        return values[name]


class LoraRow:
    def __init__(self, path: Path) -> None:
        self.id = str(path)
        self.path = path
        self.enabled = False
        self.scale = 1.0


@QmlElement
@QmlUncreatable("LoraModel belongs to the GenerateController.")
class LoraModel(RoleListModel):
    """The .safetensors files of the LoRA folder, each with an on/off switch and a scale."""

    ROLES = ("name", "path", "enabled", "scale")
    folderChanged = Signal()
    selectionChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._folder = ""

    def key(self, item: LoraRow) -> str:
        return item.id

    def role_value(self, row: LoraRow, name: str) -> Any:
        return {"name": row.path.stem, "path": str(row.path), "enabled": row.enabled, "scale": row.scale}[name]

    @Slot(str)
    def scan(self, folder: str) -> None:
        """(Re)read the folder, keeping the switches and scales of files still there."""
        self._folder = folder
        old = {r.id: r for r in self._items}
        files = sorted(Path(folder).glob("*.safetensors")) if folder and Path(folder).is_dir() else []
        self.sync([old.get(str(f)) or LoraRow(f) for f in files])
        self.folderChanged.emit()
        self.selectionChanged.emit()

    folder = Property(str, lambda self: self._folder, notify=folderChanged)

    @Slot(int, bool)
    def setEnabled(self, row: int, enabled: bool) -> None:
        if 0 <= row < len(self._items) and self._items[row].enabled != enabled:
            self._items[row].enabled = enabled
            self.dataChanged.emit(self.index(row), self.index(row))
            self.selectionChanged.emit()

    @Slot(int, float)
    def setScale(self, row: int, scale: float) -> None:
        if 0 <= row < len(self._items):
            self._items[row].scale = round(max(-4.0, min(4.0, scale)), 2)
            self.dataChanged.emit(self.index(row), self.index(row))
            self.selectionChanged.emit()

    def specs(self) -> list[LoraSpec]:
        return [LoraSpec(path=str(r.path), scale=r.scale, name=r.path.stem) for r in self._items if r.enabled]
