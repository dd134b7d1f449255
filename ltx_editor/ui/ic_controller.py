"""Control with a reference (IC-LoRA) from the timeline: a clip's frames become a Canny control map (OpenCV,
cached beside the media: generation/control_maps.py) that conditions a new LTX-2 generation through an IC-LoRA
file the person picks; the result arrives in the bin like any generation.

Local only: LTX2InContextPipeline runs in the local provider (generation/local/in_context.py). The generate
panel gives the recipe (model, quality, seed); the prompt is the person's, else the panel's. Every slot refuses
in words (`error`, or an ok=False map) and leaves the project as it was.
"""
from __future__ import annotations

import threading
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
    _mapped = Signal(str, str, str, str, str, str)  # clip, lora, prompt, map path, error, hint (from the map thread)

    def __init__(self, document: ProjectDocument, generate: GenerateController, intake: JobIntake,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc, self._generate, self._intake = document, generate, intake
        self._mapped.connect(self._on_mapped)  # queued: emitted from the thread that computes the map

    def _source(self, clip_id: str) -> Path:
        """The media of the clip's take (its Canny map is made from it)."""
        clip = self._doc.project.find_clip(clip_id)[1]
        return resolve_media(self._doc.working_path, self._doc.project.asset(clip.asset_id).take(clip.take_id).path)

    def _request(self, clip_id: str, lora_path: str, prompt: str, control_map: str = "") -> GenerationRequest:
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
        take, src = asset.take(clip.take_id), self._source(clip_id)
        if not src.is_file():
            raise RetakeError(f"The clip's media {src.name} is missing.", hint="Relink it in the bin first.")
        reference = control_map or str(src)
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
            request = self._request(clipId, loraPath, "")
            estimate = estimate_requests([request])
        except Refusal as exc:
            message, hint = words(exc)
            return {"ok": False, "problem": message, "hint": hint}
        return {"ok": True, "problem": "", "hint": "", "estimate": estimate.text,
                "generated": request.settings.num_frames, "control": "canny"}

    @Slot(str, str, str, result=bool)
    def generate(self, clipId: str, loraPath: str, prompt: str) -> bool:
        """Check the request, then compute (or reuse) the clip's Canny map on a thread — decoding a long clip
        would freeze the editor — and queue the IC-LoRA generation when it is ready; the result goes to the bin.
        False (with `error`) when refused at once; a map that cannot be made is reported through `error`."""
        try:
            self._request(clipId, loraPath, prompt)
            src = self._source(clipId)
        except Refusal as exc:
            return refuse(self.error, exc)
        threading.Thread(target=self._make_map, args=(clipId, loraPath, prompt, src), name="canny-map",
                         daemon=True).start()
        return True

    def _make_map(self, clip_id: str, lora_path: str, prompt: str, src: Path) -> None:
        from ltx_editor.generation.control_maps import canny_map

        try:
            self._mapped.emit(clip_id, lora_path, prompt, str(canny_map(src)), "", "")
        except Refusal as exc:
            self._mapped.emit(clip_id, lora_path, prompt, "", *words(exc))
        except Exception as exc:  # noqa: BLE001 - a thread has no caller: say it in the editor
            self._mapped.emit(clip_id, lora_path, prompt, "", f"The control map could not be made: {exc}", "")

    def _on_mapped(self, clip_id: str, lora_path: str, prompt: str, control_map: str, message: str,
                   hint: str) -> None:
        if message:
            self.error.emit(message, hint)
            return
        try:  # the project may have changed while the map was computed: checked again
            job = self._intake.submit(self._request(clip_id, lora_path, prompt, control_map))
        except Refusal as exc:
            refuse(self.error, exc)
            return
        self.queued.emit([job.id])
