"""Audio-to-video from the timeline: plan a sound's range, show what it costs, queue it.

Planning is core (a2v_plan), the request and the landing are generation (audio_to_video, the JobIntake's
WorkflowRunner): the result lands on a video track above the sound, exactly as long as the range, one undo step.
The generate panel gives the recipe (backend, model, quality); the prompt is the person's, else the panel's.
Every slot returns False (or an ok=False map) and emits `error` when it refuses, leaving the project as it was.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.a2v_plan import A2VPlan, AudioToVideoError, plan_a2v
from ltx_editor.core.catalog import get_model
from ltx_editor.generation.audio_to_video import a2v_request
from ltx_editor.generation.request import GenerationRequest
from ltx_editor.generation.workflows import check_supported, estimate_requests

from .document import ProjectDocument
from .generate_controller import GenerateController
from .job_intake import JobIntake
from .refusals import Refusal, refuse, words

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@QmlElement
@QmlUncreatable("AudioToVideoController is made with the retake controller.")
class AudioToVideoController(QObject):
    error = Signal(str, str)  # message, hint
    queued = Signal(list)  # job ids just queued

    def __init__(self, document: ProjectDocument, generate: GenerateController, intake: JobIntake,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc, self._generate, self._intake = document, generate, intake

    def _plan(self, clip_id: str, start: int, end: int, prompt: str) -> tuple[A2VPlan, GenerationRequest]:
        recipe = self._generate.recipe()
        model = get_model(recipe.settings.model_id)
        if model.family != "ltx-2":
            raise AudioToVideoError(f"{model.name} cannot follow a sound; LTX-2.x models can.",
                                    hint="Choose an LTX-2 model in the generate panel.")
        plan = plan_a2v(self._doc.project, clip_id, start, end, max_frames=model.max_frames)
        request = a2v_request(plan, self._doc.working_path, recipe, self._intake.conditions_dir(), prompt)
        if recipe.backend != "local":  # locally every LTX-2 checkpoint follows a sound (generation/local)
            check_supported([request])
        return plan, request

    @Slot(str, result=bool)
    def isSound(self, clipId: str) -> bool:
        """True for a clip on an audio track (the clip menu shows "Generate video from this sound…")."""
        try:
            track, _ = self._doc.project.find_clip(clipId)
        except KeyError:
            return False
        return track.kind == "audio"

    @Slot(str, int, int, result="QVariantMap")
    def preview(self, clipId: str, startFrame: int, endFrame: int) -> dict:
        """What generate would do (frames kept and generated, where it lands) and its cost, before anything is
        queued. startFrame/endFrame < 0: the whole clip."""
        try:
            plan, request = self._plan(clipId, *_range(startFrame, endFrame), "")
            estimate = estimate_requests([request])
        except Refusal as exc:
            message, hint = words(exc)
            return {"ok": False, "problem": message, "hint": hint}
        track = self._doc.project.track(plan.track_id).name if plan.track_id else ""
        return {"ok": True, "problem": "", "hint": "", "estimate": estimate.text, "start": plan.start,
                "end": plan.end, "frames": plan.length, "generated": plan.num_frames, "track": track,
                "backend": request.backend}

    @Slot(str, int, int, str, result=bool)
    def generate(self, clipId: str, startFrame: int, endFrame: int, prompt: str) -> bool:
        """Generate the picture for [startFrame, endFrame) of the sound clip; it lands above it when done."""
        try:
            plan, request = self._plan(clipId, *_range(startFrame, endFrame), prompt)
            run = self._intake.runner.start_a2v(plan, request)
        except Refusal as exc:
            return refuse(self.error, exc)
        self.queued.emit([run.job_id])
        return True


def _range(start: int, end: int) -> tuple[int | None, int | None]:
    return (None, None) if start < 0 or end < 0 else (start, end)
