"""The clip bin's actions: import, delete, takes, add to timeline, regenerate (the JobIntake takes the new
take in), recipe, reveal. Frame actions are FrameActions'; extension is the SpanController's."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core import bin_edits
from ltx_editor.core import timeline as tl
from ltx_editor.core.edits import group
from ltx_editor.core.errors import LtxEditorError

from .document import ProjectDocument
from .generate_controller import GenerateController
from .job_intake import JobIntake
from .urls import local_path

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
log = logging.getLogger(__name__)


@QmlElement
@QmlUncreatable("BinController is made by the app controller.")
class BinController(QObject):
    error = Signal(str, str)  # message, hint
    recipeReady = Signal(str, str)  # title, pretty JSON

    def __init__(self, document: ProjectDocument, generate: GenerateController, intake: JobIntake,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._generate = generate
        self._intake = intake

    def _fail(self, exc: Exception) -> None:
        if isinstance(exc, LtxEditorError):
            self.error.emit(exc.message, exc.hint)
        else:
            self.error.emit(str(exc), "")

    # -- bin contents ------------------------------------------------------------------------------------
    @Slot(list, result=int)
    def importFiles(self, urls: list) -> int:
        """Import media files (file dialog or drag-and-drop) as one undo step; returns how many came in."""
        from ltx_editor.core.media import import_media

        project, path = self._doc.project, self._doc.working_path
        before = list(project.assets)  # the edit keeps only the assets that came in (per entity)
        added, problems = [], []
        for url in urls:
            file = local_path(str(url.toString() if isinstance(url, QUrl) else url))
            try:
                asset = import_media(project, path, file)
            except LtxEditorError as exc:
                problems.append(f"{Path(file).name}: {exc.message}")
                continue
            if all(a.id != asset.id for a in project.assets):
                project.assets.append(asset)
            added.append(asset.id)
        if added:
            edit = bin_edits.AssetsEdit(f"Import {len(added)} file(s)", before, list(project.assets),
                                        affected=added, created=added)
            self._doc.apply_edit(edit)
        if problems:
            self.error.emit("Some files could not be imported.", "\n".join(problems))
        return len(added)

    @Slot(str)
    def deleteAsset(self, asset_id: str) -> None:
        self.deleteAssets([asset_id])

    @Slot(list, result=bool)
    def deleteAssets(self, asset_ids: list) -> bool:
        """Delete the chosen assets as one undo step (none when one of them is still used on the timeline)."""
        try:
            edit = bin_edits.delete_assets(self._doc.project, [str(a) for a in asset_ids])
        except (LtxEditorError, KeyError) as exc:
            self._fail(exc)
            return False
        self._doc.apply_edit(edit)
        return True

    @Slot(str, str)
    def setActiveTake(self, asset_id: str, take_id: str) -> None:
        try:
            self._doc.apply_edit(bin_edits.set_active_take(self._doc.project, asset_id, take_id))
        except KeyError as exc:
            self._fail(exc)

    # -- to the timeline ------------------------------------------------------------------------------------
    @Slot(str, result=str)
    def addToTimeline(self, asset_id: str) -> str:
        """Append the asset's active take to the first unlocked track of the right kind (made when missing), an
        imported video's sound linked on an audio track; returns the clip id."""
        ids = self.addAssetsToTimeline([asset_id])
        return ids[0] if ids else ""

    @Slot(list, result=list)
    def addAssetsToTimeline(self, asset_ids: list) -> list:
        """Append the assets in order (each after the last), as one undo step; returns their clip ids."""
        project = self._doc.project
        try:
            with group(project, "Add to timeline") as g:  # tracks made on the way and the clips: one step
                clip_ids = [g.add(tl.place_asset(project, str(a))).created[0] for a in asset_ids]
        except (LtxEditorError, KeyError) as exc:
            self._fail(exc)
            return []
        if g.edit is not None:
            self._doc.apply_edit(g.edit)
        return clip_ids

    # -- recipes ------------------------------------------------------------------------------------------
    def _sidecar(self, asset_id: str) -> Path | None:
        take = self._doc.project.asset(asset_id).active_take
        return self._doc.media_path(take.sidecar) if take.sidecar else None

    @Slot(str, result=str)
    def regenerate(self, asset_id: str) -> str:
        """Run the asset's recipe again (a new seed unless the panel's seed is locked) as a new take."""
        from ltx_editor.generation.sidecar import regeneration_request

        sidecar = self._sidecar(asset_id)
        if sidecar is None or not sidecar.is_file():
            self.error.emit("This clip has no recipe to regenerate from.", "Only generated clips can be regenerated.")
            return ""
        try:
            request = regeneration_request(sidecar, verify=False)
            if not self._generate.seedLocked:  # a new take should differ; a locked seed reproduces it
                request = request.model_copy(update={"settings": request.settings.model_copy(
                    update={"seed": None})})
            job = self._intake.submit(request, takes_to=asset_id)
        except LtxEditorError as exc:
            self._fail(exc)
            return ""
        return job.id

    @Slot(str)
    def showRecipe(self, asset_id: str) -> None:
        from ltx_editor.generation.secrets import redact
        from ltx_editor.generation.sidecar import read_sidecar

        sidecar = self._sidecar(asset_id)
        if sidecar is None or not sidecar.is_file():
            self.error.emit("This clip has no recipe.", "Imported media have none; generated clips keep theirs "
                            "next to the video as a .json file.")
            return
        try:
            text = json.dumps(read_sidecar(sidecar), indent=2, ensure_ascii=False)
        except LtxEditorError as exc:
            self._fail(exc)
            return
        self.recipeReady.emit(sidecar.name, redact(text))

    @Slot(str)
    def reveal(self, asset_id: str) -> None:
        path = self._doc.media_path(self._doc.project.asset(asset_id).active_take.path)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))
