"""Keyframe spans and extensions: generate clip(s) through the keyframes of a timeline range, extend a
timeline clip or a bin asset.

Planning and request building are core/generation code (keyframe_plan, extension, workflows); the
JobIntake's WorkflowRunner queues the generations and lands them when they finish. A keyframe span takes the
generate panel's recipe (backend, model, quality) at the project's size; an extension takes the source clip's
own recipe (generation/extend_context.py), as edited in the extend popup. Every slot returns False and emits
`error` when it refuses, leaving the project as it was.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.catalog import get_model
from ltx_editor.core.extension import ExtensionError, ExtensionPart, aligned_down, ceil_to, plan_extension
from ltx_editor.core.generation_size import shape_for
from ltx_editor.core.keyframe_plan import KeyframePlan, ModelLimits, plan_keyframes
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.extend_context import clip_take, extend_context, extend_models, with_choices
from ltx_editor.generation.workflows import (
    Recipe,
    WorkflowError,
    check_images,
    check_supported,
    cut_condition_video,
    estimate_requests,
    extension_request,
    plan_requests,
)

from .document import ProjectDocument
from .generate_controller import GenerateController
from .job_intake import JobIntake
from .refusals import Refusal, refuse

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
ASSET_EXTENSION_S = 2.0  # extendAsset: how much a bin asset grows by
ASSET_CONDITION_FRAMES = 9


@QmlElement
@QmlUncreatable("SpanController is made by the app controller.")
class SpanController(QObject):
    error = Signal(str, str)  # message, hint
    notice = Signal(str)  # a non-blocking note (queued...)
    queued = Signal(list)  # job ids just queued

    def __init__(self, document: ProjectDocument, generate: GenerateController, intake: JobIntake,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc, self._generate, self._intake = document, generate, intake

    # -- keyframe animation ----------------------------------------------------------------------------------
    def _span_recipe(self) -> Recipe:
        return span_recipe(self._generate.recipe(), self._doc.project)

    def _span_plan(self, start: int, end: int, recipe: Recipe) -> KeyframePlan:
        """[start, end): end is exclusive, as everywhere on the timeline (the lane passes its range's last
        frame + 1, so a range drawn from one keyframe to another spans both)."""
        return plan_keyframes(self._doc.project.keyframes, ModelLimits(max_frames=recipe.max_frames, family=_pin_family(recipe)),
                              span=(start, end), prompt=recipe.prompt)

    @Slot(int, int, result="QVariantMap")
    def spanPreview(self, startFrame: int, endFrame: int) -> dict:
        """What generateSpan would do, for the lane: segments, where each keyframe lands, the cost."""
        try:
            recipe = self._span_recipe()
            plan = self._span_plan(startFrame, endFrame, recipe)
            estimate = estimate_requests(plan_requests(plan, self._doc.project, self._doc.working_path, recipe))
        except Refusal as exc:
            return {"ok": False, "problem": getattr(exc, "message", str(exc)), "segments": [], "landings": []}
        return {"ok": True, "problem": "", "estimate": estimate.text,
                "segments": [{"start": s.timeline_start, "end": s.timeline_end, "frames": s.num_frames}
                             for s in plan.segments],
                "landings": [{"keyframeId": lnd.keyframe_id, "requested": lnd.requested, "landed": lnd.landed}
                             for lnd in plan.landings]}

    @Slot(int, int, result=bool)
    def generateSpan(self, startFrame: int, endFrame: int) -> bool:
        """Generate clip(s) through the keyframes in [startFrame, endFrame): one conditioned generation when the
        span fits the model, else chained segments; they land back to back over the span as one undo step."""
        project, path = self._doc.project, self._doc.working_path
        try:
            recipe = self._span_recipe()
            plan = self._span_plan(startFrame, endFrame, recipe)
            check_images(path, [c.image for s in plan.segments for c in s.conditions])
            check_supported(plan_requests(plan, project, path, recipe))
            run = self._intake.runner.start_span(plan, recipe)
        except Refusal as exc:
            return refuse(self.error, exc)
        n = len(plan.segments)
        self.queued.emit(list(run.job_ids))
        self.notice.emit(f"Queued the keyframe span ({n} segment{'s' if n > 1 else ''}"
                         f"{', each after the one before' if n > 1 else ''}).")
        return True

    # -- extension -------------------------------------------------------------------------------------------
    @Slot(str, result="QVariantMap")
    def extendContext(self, clipId: str) -> dict:  # noqa: N802 (a QML slot)
        """What extending `clipId` runs with before any change: the clip's recipe (backend, model, prompt) at
        its size and rate, for the extend popup; {"ok": False, "problem": ...} when there is no such clip."""
        if self._doc is None:
            return {"ok": False, "problem": "No project."}
        try:
            take = clip_take(self._doc.project, clipId)
            context = extend_context(self._doc.project, self._doc.working_path, take, self._generate.recipe())
        except Refusal as exc:
            return {"ok": False, "problem": getattr(exc, "message", str(exc))}
        return {"ok": True, "problem": "", **context.as_map()}

    @Slot(str, str, result="QVariantList")
    def extendModels(self, backend: str, direction: str) -> list[dict]:  # noqa: N802 (a QML slot)
        """The models that extend in `direction` on `backend` (the popup's model list)."""
        return extend_models(backend, direction) if direction in ("forward", "backward", "both") else []

    @Slot(str, str, float, int, float, str, result=bool)
    def extendClip(self, clipId: str, direction: str, seconds: float, conditioningFrames: int, strength: float,
                   placement: str) -> bool:
        """Extend a timeline clip forward/backward/both by `seconds` with the clip's own recipe, size and rate
        (extendContext), conditioned on its own end frames; the result lands next to it (ripple pushes later
        clips, overwrite covers them)."""
        return self.extendClipWith(clipId, direction, seconds, conditioningFrames, strength, placement, {})

    @Slot(str, str, float, int, float, str, "QVariantMap", result=bool)
    def extendClipWith(self, clipId: str, direction: str, seconds: float, conditioningFrames: int,  # noqa: N802
                       strength: float, placement: str, choices: dict) -> bool:
        """extendClip with the popup's changes to the context: prompt, modelId, width, height, fps."""
        try:
            if direction not in ("forward", "backward", "both"):
                raise ExtensionError(f"Unknown direction {direction!r}.", hint="Use forward, backward or both.")
            if placement not in ("ripple", "overwrite"):
                raise ExtensionError(f"Unknown placement {placement!r}.", hint="Use ripple or overwrite.")
            panel = self._generate.recipe()
            take = clip_take(self._doc.project, clipId)
            context = extend_context(self._doc.project, self._doc.working_path, take, panel)
            recipe, size, fps = with_choices(context, dict(choices or {}), panel)
            plan = plan_extension(self._doc.project, clipId, direction, seconds, condition_frames=conditioningFrames,
                                  strength=strength, placement=placement, max_frames=recipe.max_frames,
                                  family=_pin_family(recipe))
            _check_extend_modes(recipe, plan.parts)
            runs = self._intake.runner.start_extension(plan, recipe, prompt=recipe.prompt, size=size, fps=fps)
        except Refusal as exc:
            return refuse(self.error, exc)
        self.queued.emit([r.job_id for r in runs])
        return True

    @Slot(str, result=bool)
    def extendAsset(self, assetId: str) -> bool:
        """Extend a bin asset forward by ASSET_EXTENSION_S into a new asset (the intake takes the result in),
        with the asset's own recipe, size and rate like a clip's."""
        project = self._doc.project
        try:
            panel = self._generate.recipe()
            asset = project.asset(assetId)
            context = extend_context(project, self._doc.working_path, asset.active_take, panel)
            recipe, size, fps = with_choices(context, {}, panel)
            part = self._asset_part(assetId, recipe.max_frames)
            _check_extend_modes(recipe, (part,))
            cond = cut_condition_video(part, self._doc.working_path, self._intake.conditions_dir())
            request = extension_request(part, project, recipe, cond, prompt=recipe.prompt, size=size, fps=fps)
            name = asset.name or "clip"
            job = self._intake.submit(request.model_copy(update={"label": f"{name} (extended)"[:80]}))
        except Refusal as exc:
            return refuse(self.error, exc)
        self.queued.emit([job.id])
        return True

    def _asset_part(self, asset_id: str, max_frames: int) -> ExtensionPart:
        project = self._doc.project
        asset = project.asset(asset_id)
        if asset.kind in ("image", "audio"):
            raise ExtensionError(f"{asset.name or 'This asset'} is {'a still image' if asset.kind == 'image' else 'audio'}"
                                 "; only video can be extended.", hint="Generate a clip from it instead.")
        take = asset.active_take
        n = aligned_down(min(ASSET_CONDITION_FRAMES, take.frame_count))
        new = ceil_to(round(ASSET_EXTENSION_S * project.settings.fps))
        new = min(new, aligned_down(max_frames) - n)  # stay within the model's length
        return ExtensionPart(direction="forward", clip_id=f"asset-{asset.id}", asset_id=asset.id, take_id=take.id,
                             source_path=take.path, source_start=take.frame_count - n, condition_frames=n,
                             strength=1.0, new_frames=new, num_frames=n + new, placement="ripple")


def span_recipe(recipe: Recipe, project) -> Recipe:
    """The panel's recipe at the project's size and rate (rounded to what its model takes): a span fills part of
    the project's picture, whatever size the panel was last set to. (TakesController's N takes of a span too.)"""
    s = project.settings
    shape = shape_for(s.width, s.height, s.fps, get_model(recipe.settings.model_id))
    settings = recipe.settings.model_copy(update={"width_override": shape.width, "height_override": shape.height})
    return replace(recipe, settings=settings)


def _pin_family(recipe: Recipe) -> str:
    """Local LTX-2 pins conditions on its own frames (core/extension.py); everything else on F - N."""
    model = get_model(recipe.settings.model_id)
    return model.family if recipe.backend == "local" else "ltx-video"


def _check_extend_modes(recipe: Recipe, parts: tuple[ExtensionPart, ...]) -> None:
    model = get_model(recipe.settings.model_id)
    for p in parts:
        mode = GenerationMode.EXTEND_FORWARD if p.direction == "forward" else GenerationMode.EXTEND_BACKWARD
        if not model.supports(recipe.backend, mode):
            raise WorkflowError(f"{model.name} cannot extend {p.direction} on {recipe.backend}.",
                                hint="Choose another model or backend in the generate panel.")
