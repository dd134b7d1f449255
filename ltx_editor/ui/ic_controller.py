"""Control with a reference (IC-LoRA) from the timeline: a video clip, or its in/out range, guides a new clip through
an IC-LoRA file the person picks, with one control (canny, depth, pose, motion tracks, detailer:
generation/control_maps);
the result lands on a video track above the range, aligned to it, as one undo step, and in the bin.

Planning is core (ic_plan); the map, the range's reference and the landing are generation (control_maps,
ic_reference, the JobIntake's WorkflowRunner). The map is made on a thread (decoding a long clip would freeze the
editor; depth and pose run in a child process: torch never enters the editor) and cached beside the media; the job is
queued when it is ready. Local LTX-2 only: LTX2InContextPipeline runs in the local provider. The generate panel
gives the recipe (model, quality, seed); the prompt is the person's, else the panel's. Every slot refuses in words
(`error`, or an ok=False map) and leaves the project as it was.
"""
from __future__ import annotations

import itertools
import threading
from pathlib import Path

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.catalog import get_model
from ltx_editor.core.ic_plan import ICPlan, InContextError, plan_ic
from ltx_editor.core.project_io import resolve_media
from ltx_editor.generation.control_maps import CONTROLS, ESTIMATORS, control
from ltx_editor.generation.lora import check_lora_file
from ltx_editor.generation.request import GenerationRequest
from ltx_editor.generation.workflows import estimate_requests

from .document import ProjectDocument
from .generate_controller import GenerateController
from .job_intake import JobIntake
from .refusals import Refusal, refuse, words

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@QmlElement
@QmlUncreatable("InContextController is made with the retake controller.")
class InContextController(QObject):
    error = Signal(str, str)  # message, hint
    queued = Signal(list)  # job ids just queued
    estimatorsChanged = Signal()
    _mapped = Signal(int, str, str, str)  # ticket, reference path, error, hint (from the map thread)

    def __init__(self, document: ProjectDocument, generate: GenerateController, intake: JobIntake,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc, self._generate, self._intake = document, generate, intake
        self._estimators = dict(ESTIMATORS)
        self._tickets = itertools.count(1)
        self._pending: dict[int, tuple[ICPlan, str, str, str, str]] = {}  # ticket -> plan, clip, control, lora, prompt
        self._mapped.connect(self._on_mapped)  # queued: emitted from the thread that computes the map

    # -- what QML shows -----------------------------------------------------------------------------------------
    @Property(list, constant=True)
    def controls(self) -> list:
        """[{id, label, reference, lora}] for the control picker; `lora` names an IC-LoRA of that kind on the hub."""
        return [{"id": c.id, "label": c.label, "reference": c.reference, "lora": c.lora} for c in CONTROLS.values()]

    # The transformers models the depth and pose maps are made with, by role (depth, pose, detector): Hugging Face
    # ids or downloaded folders (default: control_maps.ESTIMATORS).
    estimators = Property("QVariantMap", lambda self: dict(self._estimators), notify=estimatorsChanged)

    @Slot(str, str, result=bool)
    def setEstimator(self, role: str, model: str) -> bool:
        """Use `model` (a hub id or a folder; "" = the default) for `role`; False (with `error`) for a role that
        does not exist."""
        if role not in ESTIMATORS:
            self.error.emit(f"There is no {role!r} model to set.", f"Set one of {', '.join(ESTIMATORS)}.")
            return False
        self._estimators[role] = model or ESTIMATORS[role]
        self.estimatorsChanged.emit()
        return True

    # -- planning -----------------------------------------------------------------------------------------------
    def _source(self, plan: ICPlan) -> Path:
        return resolve_media(self._doc.working_path, plan.source_path)

    def _plan(self, clip_id: str, start: int, end: int, control_id: str, lora_path: str,
              prompt: str = "", reference: str = "") -> tuple[ICPlan, GenerationRequest]:
        from ltx_editor.generation.ic_reference import ic_request

        recipe = self._generate.recipe()
        model = get_model(recipe.settings.model_id)
        if recipe.backend != "local" or model.family != "ltx-2":
            raise InContextError("Control with a reference runs on a local LTX-2 model.",
                                 hint="Choose the local backend and an LTX-2 model in the generate panel.")
        kind = control(control_id)
        whole = start < 0 or end < 0
        plan = plan_ic(self._doc.project, clip_id, None if whole else start, None if whole else end,
                       max_frames=model.max_frames)
        if not lora_path:
            raise InContextError("Choose the IC-LoRA file (.safetensors) to control with.",
                                 hint=f"{kind.label} IC-LoRAs for LTX-2: {kind.lora} on Hugging Face.")
        check_lora_file(Path(lora_path))
        src = self._source(plan)
        if not src.is_file():
            raise InContextError(f"The clip's media {src.name} is missing.", hint="Relink it in the bin first.")
        return plan, ic_request(plan, recipe, kind.id, lora_path, reference or str(src), prompt)

    @Slot(str, int, int, str, str, result="QVariantMap")
    def preview(self, clipId: str, startFrame: int, endFrame: int, controlId: str, loraPath: str) -> dict:
        """What generate would make (frames, range, where it lands) and its cost, before any map is computed or
        anything queued. startFrame/endFrame < 0: the whole clip."""
        try:
            plan, request = self._plan(clipId, startFrame, endFrame, controlId, loraPath)
            estimate = estimate_requests([request])
        except Refusal as exc:
            message, hint = words(exc)
            return {"ok": False, "problem": message, "hint": hint}
        kind = control(controlId)
        track = self._doc.project.track(plan.track_id).name if plan.track_id else ""
        return {"ok": True, "problem": "", "hint": "", "estimate": estimate.text, "start": plan.start,
                "end": plan.end, "frames": plan.length, "generated": plan.num_frames, "track": track,
                "control": kind.label, "reference": kind.reference}

    # -- generating ---------------------------------------------------------------------------------------------
    @Slot(str, int, int, str, str, str, result=bool)
    def generate(self, clipId: str, startFrame: int, endFrame: int, controlId: str, loraPath: str,
                 prompt: str) -> bool:
        """Check the request, then make (or reuse) the clip's control map on a thread and queue the IC-LoRA job
        when it is ready; the result lands above the range. False (with `error`) when refused at once; a map that
        cannot be made is reported through `error`."""
        try:
            plan, _ = self._plan(clipId, startFrame, endFrame, controlId, loraPath, prompt)
        except Refusal as exc:
            return refuse(self.error, exc)
        ticket = next(self._tickets)
        self._pending[ticket] = (plan, clipId, control(controlId).id, loraPath, prompt)
        args = (ticket, plan, self._source(plan), control(controlId).id, dict(self._estimators),
                self._intake.conditions_dir())
        threading.Thread(target=self._make_reference, args=args, name=f"{controlId}-map", daemon=True).start()
        return True

    def _make_reference(self, ticket: int, plan: ICPlan, src: Path, control_id: str, models: dict[str, str],
                        work_dir: Path) -> None:
        from ltx_editor.generation import control_maps
        from ltx_editor.generation.ic_reference import reference_range

        try:
            whole = control_maps.reference_video(src, control_id, models)
            self._mapped.emit(ticket, str(reference_range(plan, whole, work_dir)), "", "")
        except Refusal as exc:
            self._mapped.emit(ticket, "", *words(exc))
        except Exception as exc:  # noqa: BLE001 - a thread has no caller: say it in the editor
            self._mapped.emit(ticket, "", f"The control map could not be made: {exc}", "")

    def _on_mapped(self, ticket: int, reference: str, message: str, hint: str) -> None:
        made_for, clip_id, control_id, lora_path, prompt = self._pending.pop(ticket)
        if message:
            self.error.emit(message, hint)
            return
        try:  # the project may have changed while the map was made: planned again, and the same range wanted
            plan, request = self._plan(clip_id, made_for.start, made_for.end, control_id, lora_path, prompt,
                                       reference)
            if (plan.media_start, plan.reference_frames) != (made_for.media_start, made_for.reference_frames):
                raise InContextError("The reference clip was trimmed while its map was made.", hint="Try again.")
            run = self._intake.runner.start_ic(plan, request)
        except Refusal as exc:
            refuse(self.error, exc)
            return
        self.queued.emit([run.job_id])
