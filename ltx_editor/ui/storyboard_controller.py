"""The storyboard: shots (add, edit, move, duplicate, remove, enhance the prompt), their cost, generating them
(through the JobIntake's WorkflowRunner, which lands each on the storyboard's own track, after the existing
edit or at the playhead, never over it), and switching a shot's take. Editing is core/storyboard.py; every change is one undo step. Every slot returns False and emits
`error` when it refuses, leaving the project as it was."""
from __future__ import annotations

import asyncio
import copy
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core import bin_edits
from ltx_editor.core import storyboard as sb
from ltx_editor.core import timeline as tl
from ltx_editor.core.edits import group
from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.project_io import resolve_media, store_path
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.request import GenerationRequest
from ltx_editor.generation.workflows import (
    Recipe,
    WorkflowError,
    check_images,
    check_supported,
    estimate_requests,
    shot_request,
)

from .document import ProjectDocument
from .generate_controller import GenerateController
from .job_intake import JobIntake
from .refusals import Refusal, refuse
from .storyboard_model import ShotsModel
from .urls import local_path

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
SHOT_FIELDS = {"prompt": "prompt", "durationS": "duration_s", "startImage": "start_image", "endImage": "end_image",
               "enhancedPrompt": "enhanced_prompt"}


@QmlElement
@QmlUncreatable("StoryboardController is made by the app controller.")
class StoryboardController(QObject):
    error = Signal(str, str)  # message, hint
    notice = Signal(str)  # a non-blocking note (enhancement skipped...)
    queued = Signal(list)  # job ids just queued
    shotEnhanced = Signal(str, bool)  # shot id, whether the prompt was enhanced
    _enhanceDone = Signal(str, str, str, str)  # from the enhancer thread: shot id, original, enhanced, note
    placementChanged = Signal()
    PLACEMENTS = ("end", "playhead")  # where the first result lands: after the existing edit, or the playhead

    def __init__(self, document: ProjectDocument, generate: GenerateController, intake: JobIntake,
                 parent: QObject | None = None, *, enhancer: Callable[[], Any] | None = None) -> None:
        """enhancer() gives a PromptEnhancer or None when enhancement is off (read when asked, so Preferences
        changes apply)."""
        super().__init__(parent)
        self._doc, self._generate, self._intake = document, generate, intake
        self._enhancer = enhancer
        self._shots = ShotsModel(self)
        self._placement = "end"
        document.edited.connect(self._on_edited)
        document.projectReplaced.connect(self._refresh_shots)
        self._enhanceDone.connect(self._on_enhanced)
        self._refresh_shots()

    shots = Property(ShotsModel, lambda self: self._shots, constant=True)

    def _set_placement(self, value: str) -> None:
        if value not in self.PLACEMENTS:
            self.error.emit(f"Unknown placement {value!r}.", "Use end or playhead.")
            return
        if value != self._placement:
            self._placement = value
            self.placementChanged.emit()

    # "end": the first result lands after the existing edit; "playhead": at the playhead. Either way on the
    # storyboard's own track, so the edit is never covered.
    placement = Property(str, lambda self: self._placement, _set_placement, notify=placementChanged)

    def _refresh_shots(self) -> None:
        self._shots.refresh(self._doc.project, self._doc.working_path)

    def _on_edited(self, changed: list) -> None:
        ids = {r.shotId for r in self._shots.items}
        if {"shots", "bin"} & set(changed) or ids & set(changed):
            self._refresh_shots()

    def _shot_edit(self, make: Callable[[], Any]) -> bool:
        try:
            edit = make()
        except Refusal as exc:
            return refuse(self.error, exc)
        self._doc.apply_edit(edit)
        return True

    # -- editing -------------------------------------------------------------------------------------------
    @Slot(str, float, result=bool)
    def addShot(self, prompt: str, durationS: float) -> bool:
        return self._shot_edit(lambda: sb.add_shot(self._doc.project, prompt, durationS))

    @Slot(str, "QVariantMap", result=bool)
    def updateShot(self, shotId: str, changes: dict) -> bool:
        """Change a shot's prompt, durationS, startImage/endImage (path or file URL, "" = none) or
        enhancedPrompt. A new prompt drops the old enhanced one unless that is given too."""
        try:
            unknown = set(changes) - set(SHOT_FIELDS)
            if unknown:
                raise WorkflowError(f"Unknown shot field(s): {', '.join(sorted(unknown))}.")
            shot = sb.shot(self._doc.project, shotId)
            values = {SHOT_FIELDS[k]: self._shot_value(k, v) for k, v in changes.items()}
            if "prompt" in values and values["prompt"] != shot.prompt and "enhanced_prompt" not in values:
                values["enhanced_prompt"] = None
            values = {k: v for k, v in values.items() if getattr(shot, k) != v}
        except Refusal as exc:
            return refuse(self.error, exc)
        return True if not values else self._shot_edit(lambda: sb.update_shot(self._doc.project, shotId, **values))

    def _shot_value(self, key: str, value: Any) -> Any:
        if key == "durationS":
            return float(value)
        if key in ("startImage", "endImage"):
            if not value:
                return None
            file = Path(local_path(str(value)))
            if not file.is_file():
                raise WorkflowError(f"The image {file.name} does not exist.", hint="Choose another image.")
            return store_path(self._doc.working_path, file)
        if key == "enhancedPrompt":
            return str(value).strip() or None
        return str(value)

    @Slot(str, int, result=bool)
    def moveShot(self, shotId: str, index: int) -> bool:
        return self._shot_edit(lambda: sb.move_shot(self._doc.project, shotId, index))

    @Slot(str, result=bool)
    def duplicateShot(self, shotId: str) -> bool:
        return self._shot_edit(lambda: sb.duplicate_shot(self._doc.project, shotId))

    @Slot(str, result=bool)
    def removeShot(self, shotId: str) -> bool:
        return self._shot_edit(lambda: sb.delete_shots(self._doc.project, [shotId]))

    # -- prompt enhancement ----------------------------------------------------------------------------------
    @Slot(str, result=bool)
    def enhanceShotPrompt(self, shotId: str) -> bool:
        """Expand the shot's prompt through the prompt-enhancement endpoint, off the GUI thread; the result
        becomes the shot's enhanced prompt (one undo step) and is what the shot generates from."""
        enhancer = self._enhancer() if self._enhancer else None
        try:
            if enhancer is None:
                raise WorkflowError("Prompt enhancement is off.",
                                    hint="Set an OpenAI-compatible endpoint and model in Preferences.")
            shot = sb.shot(self._doc.project, shotId)
            if not shot.prompt.strip():
                raise WorkflowError("The shot has no prompt to enhance.", hint="Write one first.")
        except Refusal as exc:
            return refuse(self.error, exc)
        enhancer = copy.copy(enhancer)
        enhancer.short_prompt_words = 1 << 30  # asked for explicitly: enhance whatever its length
        mode = GenerationMode.IMAGE_TO_VIDEO if shot.start_image else GenerationMode.TEXT_TO_VIDEO
        image = resolve_media(self._doc.working_path, shot.start_image) if shot.start_image else None
        original = shot.prompt

        def work() -> None:
            try:
                outcome = asyncio.run(enhancer.enhance(original.strip(), mode, image))
                self._enhanceDone.emit(shotId, original, outcome.enhanced or "", outcome.note or "")
            except Exception as exc:  # a thread must not die silently: report it like any other failure
                self._enhanceDone.emit(shotId, original, "", f"Prompt enhancement failed: {exc}")

        threading.Thread(target=work, name="shot-enhance", daemon=True).start()
        return True

    def _on_enhanced(self, shot_id: str, original: str, enhanced: str, note: str) -> None:
        try:
            shot = sb.shot(self._doc.project, shot_id)
        except LtxEditorError:
            return  # deleted meanwhile
        if not enhanced or shot.prompt != original:
            self.notice.emit(note or "The shot's prompt changed while it was being enhanced; enhance it again.")
            self.shotEnhanced.emit(shot_id, False)
            return
        self._shot_edit(lambda: sb.update_shot(self._doc.project, shot_id, enhanced_prompt=enhanced))
        self.shotEnhanced.emit(shot_id, True)

    # -- generating ------------------------------------------------------------------------------------------
    def _shot_requests(self, shot_ids: list[str], recipe: Recipe) -> list[GenerationRequest]:
        project = self._doc.project
        if not shot_ids:
            raise WorkflowError("The storyboard has no shots.", hint="Add a shot first.")
        shots = [sb.shot(project, sid) for sid in shot_ids]
        check_images(self._doc.working_path, [i for s in shots for i in (s.start_image, s.end_image) if i])
        requests = [shot_request(s, project, self._doc.working_path, recipe) for s in shots]
        check_supported(requests)
        return requests

    @Slot(result=str)
    def estimateAll(self) -> str:
        """The summed cost of generating every shot, shown before anything is queued ("" when refused)."""
        try:
            requests = self._shot_requests([s.id for s in self._doc.project.shots], self._generate.recipe())
        except Refusal as exc:
            refuse(self.error, exc)
            return ""
        return estimate_requests(requests).text

    def _generate_shots(self, shot_ids: list[str]) -> bool:
        try:
            recipe = self._generate.recipe()
            self._shot_requests(shot_ids, recipe)
            origin = self._doc.playheadFrame if self._placement == "playhead" else None
            runs = self._intake.runner.start_shots(shot_ids, recipe, origin)
        except Refusal as exc:
            return refuse(self.error, exc)
        self._doc.mark_dirty("shots")
        self.queued.emit([r.job_id for r in runs])
        return True

    @Slot(result=bool)
    def generateAll(self) -> bool:
        """Queue every shot in storyboard order; each lands on the Storyboard track in order as it finishes."""
        return self._generate_shots([s.id for s in self._doc.project.shots])

    @Slot(str, result=bool)
    def generateShot(self, shotId: str) -> bool:
        """Generate one shot; for a shot already generated this adds a take and its clip switches to it."""
        return self._generate_shots([shotId])

    @Slot(str, str, result=bool)
    def setShotTake(self, shotId: str, takeId: str) -> bool:
        """Make `takeId` the shot's shown take: the bin's active take and every clip of the shot, one undo step."""
        project = self._doc.project
        try:
            shot = sb.shot(project, shotId)
            if not shot.asset_id:
                raise WorkflowError("The shot has not been generated yet.", hint="Generate it first.")
            with group(project, "Switch take") as switch:  # all or nothing: a refusal reverts what was done
                switch.add(bin_edits.set_active_take(project, shot.asset_id, takeId))
                for clip in [c.id for t in project.tracks for c in t.clips if c.asset_id == shot.asset_id]:
                    switch.add(tl.set_clip_take(project, clip, takeId))
        except Refusal as exc:
            return refuse(self.error, exc)
        edit = switch.edit
        edit.kinds = tuple(dict.fromkeys((*edit.kinds, "bin", "shots")))
        self._doc.apply_edit(edit)
        return True
