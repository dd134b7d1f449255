"""The cast panel's controller: add, rename, describe, remove entries, add/remove reference images, set a voice
sample (each one undo step, core/cast.py; a rename also rewrites `@old` in the project's prompts; files are
copied into the project's media folder, core/cast_media.py), and the queue's hook that expands `@name` in every prompt before a
job is queued (generation/cast_apply.py): shots, spans, retakes, gap fills and the generate panel all go
through JobQueue.submit, so one hook covers them. Every slot returns False and emits `error` when it refuses,
leaving the project as it was."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core import cast
from ltx_editor.core.cast_media import keep_in_project
from ltx_editor.generation.cast_apply import apply_cast

from .cast_model import CastModel
from .document import ProjectDocument
from .refusals import Refusal, refuse
from .urls import local_path

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
# What the panel says about voice samples: no diffusers LTX-2 pipeline (0.42.1: LTX2Pipeline, -ImageToVideo,
# -Condition, -InContext) takes a reference voice, and LTX-2's audio inputs drive a clip's sound rather than
# clone a voice (generation/cast_apply.py).
VOICE_NOTE = "Voice samples are kept but not used by today's models (none takes a reference voice yet)."


@QmlElement
@QmlUncreatable("CastController is made by the app controller.")
class CastController(QObject):
    error = Signal(str, str)  # message, hint
    added = Signal(str)  # the new entry's id

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._entries = CastModel(self)
        document.edited.connect(self._on_edited)
        document.projectReplaced.connect(self._refresh)
        self._refresh()

    entries = Property(CastModel, lambda self: self._entries, constant=True)
    voiceNote = Property(str, lambda self: VOICE_NOTE, constant=True)

    def _refresh(self) -> None:
        self._entries.refresh(self._doc.project, self._doc.working_path)

    def _on_edited(self, changed: list) -> None:
        ids = {r.entryId for r in self._entries.items}
        if "cast" in changed or ids & set(changed):
            self._refresh()

    def _edit(self, make: Callable[[], Any]) -> Any:
        try:
            edit = make()
        except Refusal as exc:
            return refuse(self.error, exc)
        self._doc.apply_edit(edit)
        return edit

    def _stored(self, url_or_path: str, kind: str) -> str:
        """The file copied into the project's media folder (cast/), as a stored path."""
        return keep_in_project(self._doc.working_path, local_path(url_or_path), kind)

    # -- editing (each one undo step) --------------------------------------------------------------------------
    @Slot(str, str, str, result=str)
    def addEntry(self, name: str, kind: str, description: str) -> str:
        """A new entry; its id ("" when refused)."""
        edit = self._edit(lambda: cast.add_entry(self._doc.project, name, kind or "character", description))
        if not edit:
            return ""
        self.added.emit(edit.created[0])
        return edit.created[0]

    @Slot(str, str, result=bool)
    def renameEntry(self, entryId: str, name: str) -> bool:
        """Rename the entry; `@old` becomes `@new` in every prompt of the project (shots, keyframe spans), all in
        one undo step."""
        current = next((c.name for c in self._doc.project.cast if c.id == entryId), None)
        if current == name.strip().lstrip("@"):
            return True
        return bool(self._edit(lambda: cast.rename_entry(self._doc.project, entryId, name)))

    @Slot(str, str, result=bool)
    def setDescription(self, entryId: str, description: str) -> bool:
        if cast.entry(self._doc.project, entryId).description == description:
            return True
        return bool(self._edit(lambda: cast.update_entry(self._doc.project, entryId, description=description)))

    @Slot(str, str, result=bool)
    def setKind(self, entryId: str, kind: str) -> bool:
        if cast.entry(self._doc.project, entryId).kind == kind:
            return True
        return bool(self._edit(lambda: cast.update_entry(self._doc.project, entryId, kind=kind)))

    @Slot(str, result=bool)
    def removeEntry(self, entryId: str) -> bool:
        return bool(self._edit(lambda: cast.remove_entry(self._doc.project, entryId)))

    @Slot(str, str, result=bool)
    def addImage(self, entryId: str, urlOrPath: str) -> bool:
        """Add a reference image (a file URL from the dialog or a path)."""
        return bool(self._edit(lambda: cast.add_image(
            self._doc.project, entryId, self._stored(urlOrPath, "image"))))

    @Slot(str, int, result=bool)
    def removeImage(self, entryId: str, index: int) -> bool:
        return bool(self._edit(lambda: cast.remove_image(self._doc.project, entryId, index)))

    @Slot(str, str, result=bool)
    def setVoice(self, entryId: str, urlOrPath: str) -> bool:
        """Set the voice-line sample ("" clears it), copied into the project. It is kept with the entry and
        recorded in recipes; no model uses it yet (voiceNote)."""
        return bool(self._edit(lambda: cast.set_voice(
            self._doc.project, entryId, self._stored(urlOrPath, "voice") if urlOrPath else None)))

    # -- prompts -------------------------------------------------------------------------------------------------
    @Slot(str, result=str)
    def promptProblem(self, prompt: str) -> str:
        """What is wrong with the prompt's @names ("" when every name is in the cast), for a live hint."""
        try:
            cast.expand(prompt, self._doc.project.cast)
        except cast.CastError as exc:
            return f"{exc.message} {exc.hint}"
        return ""

    @Slot(result=list)
    def names(self) -> list:
        """Every @name, for completing a prompt."""
        return [f"@{c.name}" for c in self._doc.project.cast]

    def expand_job(self, job: Any) -> None:
        """JobQueue's before_submit hook: the job's @names expanded and their references added (CastError, in
        words, refuses it: nothing is queued). A cloud job whose mode changed gets its estimate again."""
        request = apply_cast(job.request, self._doc.project, self._doc.working_path)
        if request is job.request:
            return
        mode_changed = request.mode != job.request.mode
        job.request = request
        if mode_changed and request.backend != "local":
            from ltx_editor.generation.cost import estimate

            job.cost_estimate = estimate(request)
