"""Control with a reference (IC-LoRA) from the timeline: a clip's frames become a Canny control map (OpenCV,
cached beside the media: generation/control_maps.py) that conditions a new LTX-2 generation through an IC-LoRA
file the person picks; the result arrives in the bin like any generation.

Local only: LTX2InContextPipeline runs in the local provider (generation/local/in_context.py). The generate
panel gives the recipe (model, quality, seed); the prompt is the person's, else the panel's. Every slot refuses
in words (`error`, or an ok=False map) and leaves the project as it was.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.catalog import get_model
from ltx_editor.core.extension import ceil_to
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.retake_plan import RetakeError
from ltx_editor.core.settings import GenerationMode, LoraSpec
from ltx_editor.generation.lora import check_lora_file
from ltx_editor.generation.request import Condition, GenerationRequest
from ltx_editor.generation.workflows import DEFAULT_PROMPT, estimate_requests

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

    def __init__(self, document: ProjectDocument, generate: GenerateController, intake: JobIntake,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc, self._generate, self._intake = document, generate, intake

    def _request(self, clip_id: str, lora_path: str, prompt: str, with_map: bool) -> GenerationRequest:
        recipe = self._generate.recipe()
        model = get_model(recipe.settings.model_id)
        if recipe.backend != "local" or model.family != "ltx-2":
            raise RetakeError("Control with a reference runs on a local LTX-2 model.",
                              hint="Choose the local backend and an LTX-2 model in the generate panel.")
        track, clip = self._doc.project.find_clip(clip_id)
        asset = self._doc.project.asset(clip.asset_id)
        if track.kind != "video" or asset.kind == "image":
            raise RetakeError("The reference must be a video clip.", hint="Right-click a clip with moving pictures.")
        if not lora_path:
            raise RetakeError("Choose the IC-LoRA file (.safetensors) to control with.",
                              hint="Canny IC-LoRAs for LTX-2 are published by Lightricks.")
        check_lora_file(Path(lora_path))
        take = asset.take(clip.take_id)
        src = resolve_media(self._doc.working_path, take.path)
        if not src.is_file():
            raise RetakeError(f"The clip's media {src.name} is missing.", hint="Relink it in the bin first.")
        reference = str(src)
        if with_map:
            from ltx_editor.generation.control_maps import canny_map

            reference = str(canny_map(src))
        frames = min(ceil_to(clip.duration - 1) + 1, model.max_frames)
        size = (take.width, take.height) if take.width % 32 == 0 and take.height % 32 == 0 else None
        settings = recipe.settings_for(frames, self._doc.project.settings.fps, size,
                                       loras=[LoraSpec(path=lora_path, name=Path(lora_path).stem)])
        text = prompt or recipe.prompt
        return recipe.request(GenerationMode.TEXT_TO_VIDEO, text, settings, [Condition(kind="reference",
                              path=reference)], label=f"Canny reference: {text or DEFAULT_PROMPT}")

    @Slot(str, str, result="QVariantMap")
    def preview(self, clipId: str, loraPath: str) -> dict:
        """What generate would make (frames) and its cost, before the map is computed or anything queued."""
        try:
            request = self._request(clipId, loraPath, "", with_map=False)
            estimate = estimate_requests([request])
        except Refusal as exc:
            message, hint = words(exc)
            return {"ok": False, "problem": message, "hint": hint}
        return {"ok": True, "problem": "", "hint": "", "estimate": estimate.text,
                "generated": request.settings.num_frames, "control": "canny"}

    @Slot(str, str, str, result=bool)
    def generate(self, clipId: str, loraPath: str, prompt: str) -> bool:
        """Compute (or reuse) the clip's Canny map and queue the IC-LoRA generation; the result goes to the bin."""
        try:
            job = self._intake.submit(self._request(clipId, loraPath, prompt, with_map=True))
        except Refusal as exc:
            return refuse(self.error, exc)
        self.queued.emit([job.id])
        return True
