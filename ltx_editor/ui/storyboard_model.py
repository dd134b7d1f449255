"""The storyboard's shots as a QML list model: one row per shot, with its takes read from the bin.

Rows are immutable snapshots (ShotRow), so re-syncing after an edit only signals the rows that changed.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QUrl
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.project import Project, Shot
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.safe_files import is_special

from .list_model import RoleListModel

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@dataclass(frozen=True)
class ShotRow:
    shotId: str  # noqa: N815 (QML role names)
    number: int  # 1-based position in the storyboard
    prompt: str
    enhancedPrompt: str  # noqa: N815
    durationS: float  # noqa: N815
    startImage: str  # noqa: N815 (stored path, "" when none)
    endImage: str  # noqa: N815
    startImageUrl: str  # noqa: N815 (file URL for an Image element)
    endImageUrl: str  # noqa: N815
    status: str
    assetId: str  # noqa: N815
    takeCount: int  # noqa: N815
    takes: tuple[tuple[str, str], ...]  # (take id, label) oldest first
    activeTakeId: str  # noqa: N815


def _url(project_path, stored: str | None) -> str:
    if not stored or is_special(path := resolve_media(project_path, stored)):  # Qt would block on a FIFO
        return ""
    return QUrl.fromLocalFile(str(path)).toString()


def _asset(project: Project, asset_id: str | None):
    """The shot's asset through the project's index (a bin of thousands is not scanned per shot)."""
    if not asset_id:
        return None
    try:
        return project.asset(asset_id)
    except KeyError:
        return None


def shot_row(project: Project, project_path, shot: Shot, number: int) -> ShotRow:
    asset = _asset(project, shot.asset_id)
    takes = tuple((t.id, f"Take {i + 1}" + (f" · seed {t.seed}" if t.seed is not None else ""))
                  for i, t in enumerate(asset.takes)) if asset else ()
    return ShotRow(shotId=shot.id, number=number, prompt=shot.prompt, enhancedPrompt=shot.enhanced_prompt or "",
                   durationS=shot.duration_s, startImage=shot.start_image or "", endImage=shot.end_image or "",
                   startImageUrl=_url(project_path, shot.start_image), endImageUrl=_url(project_path, shot.end_image),
                   status=shot.status, assetId=shot.asset_id or "", takeCount=len(takes), takes=takes,
                   activeTakeId=asset.active_take_id if asset else "")


@QmlElement
@QmlUncreatable("ShotsModel belongs to the workflow controller.")
class ShotsModel(RoleListModel):
    ROLES = ("shotId", "number", "prompt", "enhancedPrompt", "durationS", "startImage", "endImage", "startImageUrl",
             "endImageUrl", "status", "assetId", "takeCount", "takes", "activeTakeId")

    def key(self, item: ShotRow) -> str:
        return item.shotId

    def role_value(self, item: ShotRow, name: str):
        if name == "takes":  # QML reads a list of {takeId, label}
            return [{"takeId": t, "label": label} for t, label in item.takes]
        return getattr(item, name)

    def refresh(self, project: Project, project_path) -> None:
        rows = [shot_row(project, project_path, s, i + 1) for i, s in enumerate(project.shots)]
        self.sync(rows, same=lambda a, b: a == b)
