"""The editor side of the workflows: keyframe spans, clip/asset extension, "use this frame", the storyboard.

Planning and request building are core/generation code (keyframe_plan, extension, storyboard, workflows);
the WorkflowRunner queues the generations and turns finished jobs into bin takes and landings. This
controller takes the generate panel's recipe (backend, model, size, quality), calls them, and pushes each
landing onto the document's undo stack as one step. Every slot returns False and emits `error` when it
refuses, leaving the project as it was.

Job updates reach the runner through `on_job_changed` (AppController calls it first for every update; a
workflow's finished job is brought into the bin here, not by the BinController).
"""
from __future__ import annotations

import asyncio
import copy
import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core import frame_grab
from ltx_editor.core import storyboard as sb
from ltx_editor.core import timeline as tl
from ltx_editor.core.catalog import get_model
from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.extension import (
    ExtensionError,
    ExtensionPart,
    aligned_down,
    ceil_to,
    plan_extension,
)
from ltx_editor.core.keyframe_plan import KeyframePlan, ModelLimits, plan_keyframes
from ltx_editor.core.placement import combine
from ltx_editor.core.project_io import media_dir, resolve_media, store_path
from ltx_editor.core.settings import GenerationMode
from ltx_editor.generation.queue import Job, JobQueue
from ltx_editor.generation.request import GenerationRequest
from ltx_editor.generation.workflow_runner import AssetAdded, Landed, Problem, ShotChanged, WorkflowRunner
from ltx_editor.generation.workflows import (
    Recipe,
    WorkflowError,
    cut_condition_video,
    estimate_requests,
    extension_request,
    plan_requests,
    shot_request,
)

from . import bin_edits
from .bin_controller import BinController, local_path
from .document import ProjectDocument
from .generate_controller import GenerateController
from .generate_form import MODE_NAMES
from .storyboard_model import ShotsModel

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
ASSET_EXTENSION_S = 2.0  # extendAsset: how much a bin asset grows by
ASSET_CONDITION_FRAMES = 9
SHOT_FIELDS = {"prompt": "prompt", "durationS": "duration_s", "startImage": "start_image", "endImage": "end_image",
               "enhancedPrompt": "enhanced_prompt"}
Refusal = (LtxEditorError, ValueError, KeyError)  # ValueError: pydantic's request checks; KeyError: stale ids


def recipe_of(generate: GenerateController) -> Recipe:
    """The generate panel's backend, model, size, quality, memory options and LoRAs as a workflow recipe.

    The panel's mode and source media do not apply (the workflow brings its own conditions), so the request
    is built as text-to-video; the panel's prompt becomes the base prompt (may be empty)."""
    status = next((b for b in generate.backends if b["id"] == generate.backend), None)
    if status is not None and not status["ready"]:
        raise WorkflowError(f"{status['name']} is not ready: {status['reason']}.",
                            hint="Pick a ready backend in the generate panel, or fix it in Preferences.")
    form = generate.form
    generate.form = dataclasses.replace(form, mode=GenerationMode.TEXT_TO_VIDEO.value,
                                        prompt=form.prompt.strip() or "workflow")
    try:
        request = generate._request()  # noqa: SLF001 (the panel's one way to build its settings)
    finally:
        generate.form = form
    return Recipe(request.backend, request.settings, request.model_path, form.prompt.strip())


def check_supported(requests: list[GenerationRequest]) -> None:
    """Refuse before queueing anything the chosen model/backend cannot run."""
    for r in requests:
        model = get_model(r.settings.model_id)
        if not model.supports(r.backend, r.mode):
            raise WorkflowError(f"{model.name} cannot do {MODE_NAMES[r.mode].lower()} on {r.backend}.",
                                hint="Choose another model or backend in the generate panel.")


@QmlElement
@QmlUncreatable("WorkflowController is made by the app controller.")
class WorkflowController(QObject):
    error = Signal(str, str)  # message, hint
    notice = Signal(str)  # a non-blocking note (queued, enhancement skipped...)
    queued = Signal(list)  # job ids a workflow just queued
    landed = Signal(str)  # the label of a landing just pushed onto the undo stack
    shotEnhanced = Signal(str, bool)  # shot id, whether the prompt was enhanced
    _enhanceDone = Signal(str, str, str, str)  # from the enhancer thread: shot id, original, enhanced, note

    def __init__(self, document: ProjectDocument, generate: GenerateController, queue: JobQueue,
                 bin_actions: BinController | None = None, parent: QObject | None = None, *,
                 enhancer: Callable[[], Any] | None = None) -> None:
        """enhancer() gives a PromptEnhancer or None when enhancement is off (read when asked, so Preferences
        changes apply)."""
        super().__init__(parent)
        self._doc, self._generate, self._queue, self._bin = document, generate, queue, bin_actions
        self._enhancer = enhancer
        self._shots = ShotsModel(self)
        self._taken: set[tuple[str, int]] = set()  # (job id, attempt) already brought into the bin
        self._runner = self._new_runner()
        document.edited.connect(self._on_edited)
        document.projectReplaced.connect(self._on_replaced)
        self._enhanceDone.connect(self._on_enhanced)
        self._refresh_shots()

    def _new_runner(self) -> WorkflowRunner:
        return WorkflowRunner(lambda: self._doc.project, lambda: self._doc.working_path, self._queue.submit,
                              self._work_dir)

    def _work_dir(self) -> Path:
        folder = media_dir(self._doc.working_path) / "conditions"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _fail(self, exc: Exception) -> bool:
        if isinstance(exc, LtxEditorError):
            self.error.emit(exc.message, exc.hint)
        elif isinstance(exc, ValueError):
            self.error.emit("These settings cannot be generated.", str(exc).strip().splitlines()[-1])
        else:
            self.error.emit(f"That is no longer in the project ({exc}).", "Select it again and retry.")
        return False

    @property
    def runner(self) -> WorkflowRunner:
        return self._runner

    # -- job updates -----------------------------------------------------------------------------------------
    @Slot(object, result=bool)
    def on_job_changed(self, job: Job) -> bool:
        """Hand a job update to the runner. True when a workflow's job just finished and its result came into
        the bin here (the caller then records its cost instead of taking it in again)."""
        if not self._runner.owns(job.id):
            return False
        outcomes = self._runner.on_job_changed(job)
        for outcome in outcomes:
            if isinstance(outcome, AssetAdded):
                self._took(job, outcome.asset_id)
            elif isinstance(outcome, Landed):
                self._doc.apply_edit(outcome.edit)
                self.landed.emit(outcome.label)
            elif isinstance(outcome, ShotChanged):
                self._doc.mark_dirty("shots", outcome.shot_id)
            elif isinstance(outcome, Problem):
                if job.state == "finished":  # the result is in the bin but could not be placed
                    self.error.emit(outcome.message, outcome.hint)
                else:  # the app already reports failed jobs; say what it means for the workflow
                    self.notice.emit(f"{outcome.message} — {outcome.hint}")
        if job.state != "finished" or job.result is None:
            return False
        if not job.result_asset_id:  # a landing refused after the take was added: find that take
            stored = store_path(self._doc.working_path, job.result.video_path)
            asset = next((a for a in self._doc.project.assets if any(t.path == stored for t in a.takes)), None)
            if asset is not None:
                self._took(job, asset.id)
        key = (job.id, job.attempts)
        first = key not in self._taken
        self._taken.add(key)
        return first

    def _took(self, job: Job, asset_id: str) -> None:
        job.result_asset_id = asset_id
        self._queue.set_result_asset(job.id, asset_id)
        self._doc.mark_dirty("bin", asset_id, "jobs")

    # -- keyframe animation ----------------------------------------------------------------------------------
    def _span_plan(self, start: int, end: int, recipe: Recipe) -> KeyframePlan:
        """[start, end): end is exclusive, as everywhere on the timeline (the lane passes its range's last
        frame + 1, so a range drawn from one keyframe to another spans both)."""
        return plan_keyframes(self._doc.project.keyframes, ModelLimits(max_frames=recipe.max_frames), span=(start, end),
                              prompt=recipe.prompt)

    def _check_images(self, images: list[str]) -> None:
        for stored in images:
            if not resolve_media(self._doc.working_path, stored).is_file():
                raise WorkflowError(f"The image {Path(stored).name} is missing.",
                                    hint="Pin the image again, or put the file back.")

    @Slot(int, int, result="QVariantMap")
    def spanPreview(self, startFrame: int, endFrame: int) -> dict:
        """What generateSpan would do, for the lane: segments, where each keyframe lands, the cost."""
        try:
            recipe = recipe_of(self._generate)
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
            recipe = recipe_of(self._generate)
            plan = self._span_plan(startFrame, endFrame, recipe)
            self._check_images([c.image for s in plan.segments for c in s.conditions])
            check_supported(plan_requests(plan, project, path, recipe))
            run = self._runner.start_span(plan, recipe)
        except Refusal as exc:
            return self._fail(exc)
        n = len(plan.segments)
        self.queued.emit(list(run.job_ids))
        self.notice.emit(f"Queued the keyframe span ({n} segment{'s' if n > 1 else ''}"
                         f"{', each after the one before' if n > 1 else ''}).")
        return True

    # -- extension -------------------------------------------------------------------------------------------
    @Slot(str, str, float, int, float, str, result=bool)
    def extendClip(self, clipId: str, direction: str, seconds: float, conditioningFrames: int, strength: float,
                   placement: str) -> bool:
        """Extend a timeline clip forward/backward/both by `seconds`, conditioned on its own end frames; the
        result lands next to it (ripple pushes later clips, overwrite covers them)."""
        try:
            if direction not in ("forward", "backward", "both"):
                raise ExtensionError(f"Unknown direction {direction!r}.", hint="Use forward, backward or both.")
            if placement not in ("ripple", "overwrite"):
                raise ExtensionError(f"Unknown placement {placement!r}.", hint="Use ripple or overwrite.")
            recipe = recipe_of(self._generate)
            plan = plan_extension(self._doc.project, clipId, direction, seconds, condition_frames=conditioningFrames,
                                  strength=strength, placement=placement, max_frames=recipe.max_frames)
            self._check_extend_modes(recipe, plan.parts)
            runs = self._runner.start_extension(plan, recipe, prompt=recipe.prompt)
        except Refusal as exc:
            return self._fail(exc)
        self.queued.emit([r.job_id for r in runs])
        return True

    @staticmethod
    def _check_extend_modes(recipe: Recipe, parts: tuple[ExtensionPart, ...]) -> None:
        model = get_model(recipe.settings.model_id)
        for p in parts:
            mode = GenerationMode.EXTEND_FORWARD if p.direction == "forward" else GenerationMode.EXTEND_BACKWARD
            if not model.supports(recipe.backend, mode):
                raise WorkflowError(f"{model.name} cannot extend {p.direction} on {recipe.backend}.",
                                    hint="Choose another model or backend in the generate panel.")

    @Slot(str, result=bool)
    def extendAsset(self, assetId: str) -> bool:
        """Extend a bin asset forward by ASSET_EXTENSION_S into a new asset (the bin takes the result in)."""
        project = self._doc.project
        try:
            recipe = recipe_of(self._generate)
            part = self._asset_part(assetId, recipe.max_frames)
            self._check_extend_modes(recipe, (part,))
            cond = cut_condition_video(part, self._doc.working_path, self._work_dir())
            request = extension_request(part, project, recipe, cond, prompt=recipe.prompt)
            name = project.asset(assetId).name or "clip"
            job = self._queue.submit(request.model_copy(update={"label": f"{name} (extended)"[:80]}))
        except Refusal as exc:
            return self._fail(exc)
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

    # -- use this frame --------------------------------------------------------------------------------------
    def _pin(self, ref: frame_grab.FrameRef, at_frame: int) -> bool:
        try:
            edit = frame_grab.frame_to_keyframe(self._doc.project, self._doc.working_path, ref, at_frame)
        except Refusal as exc:
            return self._fail(exc)
        self._doc.apply_edit(edit)
        return True

    def _to_image_input(self, ref: frame_grab.FrameRef) -> bool:
        try:
            png = frame_grab.grab(self._doc.project, self._doc.working_path, ref)
        except Refusal as exc:
            return self._fail(exc)
        self._generate.use_source_image(str(png))
        return True

    def _frame_at(self, clip_id: str, timeline_frame: int) -> frame_grab.FrameRef | None:
        try:
            return frame_grab.frame_at(self._doc.project, timeline_frame, clip_id or None)
        except Refusal as exc:
            self._fail(exc)
            return None

    def _asset_frame(self, asset_id: str, source_frame: int) -> frame_grab.FrameRef | None:
        try:
            return frame_grab.frame_of_asset(self._doc.project, asset_id, source_frame)
        except Refusal as exc:
            self._fail(exc)
            return None

    @Slot(str, int, result=bool)
    def frameToKeyframe(self, clipId: str, timelineFrame: int) -> bool:
        """Pin the frame shown at `timelineFrame` (of `clipId`, or the topmost clip when "") as a keyframe there."""
        ref = self._frame_at(clipId, timelineFrame)
        return ref is not None and self._pin(ref, timelineFrame)

    @Slot(str, int, result=bool)
    def frameToImageInput(self, clipId: str, timelineFrame: int) -> bool:
        """Make the frame shown at `timelineFrame` the generate panel's image-to-video input."""
        ref = self._frame_at(clipId, timelineFrame)
        return ref is not None and self._to_image_input(ref)

    @Slot(str, int, int, result=bool)
    def assetFrameToKeyframe(self, assetId: str, sourceFrame: int, atFrame: int) -> bool:
        ref = self._asset_frame(assetId, sourceFrame)
        return ref is not None and self._pin(ref, atFrame)

    @Slot(str, int, result=bool)
    def assetFrameToImageInput(self, assetId: str, sourceFrame: int) -> bool:
        ref = self._asset_frame(assetId, sourceFrame)
        return ref is not None and self._to_image_input(ref)

    @Slot(str, str, result=bool)
    def setClipTake(self, clipId: str, takeId: str) -> bool:
        """Show another take of the clip's asset (every take stays in the bin)."""
        try:
            edit = tl.set_clip_take(self._doc.project, clipId, takeId)
        except Refusal as exc:
            return self._fail(exc)
        self._doc.apply_edit(edit)
        return True

    # -- storyboard ------------------------------------------------------------------------------------------
    shots = Property(QObject, lambda self: self._shots, constant=True)

    def _refresh_shots(self) -> None:
        self._shots.refresh(self._doc.project, self._doc.working_path)

    def _on_edited(self, changed: list) -> None:
        ids = {r.shotId for r in self._shots.items}
        if {"shots", "bin"} & set(changed) or ids & set(changed):
            self._refresh_shots()

    def _on_replaced(self) -> None:
        self._runner = self._new_runner()  # the old project's jobs were removed with it
        self._taken.clear()
        self._refresh_shots()

    def _shot_edit(self, make: Callable[[], Any]) -> bool:
        try:
            edit = make()
        except Refusal as exc:
            return self._fail(exc)
        self._doc.apply_edit(edit)
        return True

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
            return self._fail(exc)
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
            return self._fail(exc)
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

    def _shot_requests(self, shot_ids: list[str], recipe: Recipe) -> list[GenerationRequest]:
        project = self._doc.project
        if not shot_ids:
            raise WorkflowError("The storyboard has no shots.", hint="Add a shot first.")
        shots = [sb.shot(project, sid) for sid in shot_ids]
        self._check_images([i for s in shots for i in (s.start_image, s.end_image) if i])
        requests = [shot_request(s, project, self._doc.working_path, recipe) for s in shots]
        check_supported(requests)
        return requests

    @Slot(result=str)
    def estimateAll(self) -> str:
        """The summed cost of generating every shot, shown before anything is queued ("" when refused)."""
        try:
            recipe = recipe_of(self._generate)
            requests = self._shot_requests([s.id for s in self._doc.project.shots], recipe)
        except Refusal as exc:
            self._fail(exc)
            return ""
        return estimate_requests(requests).text

    def _generate_shots(self, shot_ids: list[str]) -> bool:
        try:
            recipe = recipe_of(self._generate)
            self._shot_requests(shot_ids, recipe)
            runs = self._runner.start_shots(shot_ids, recipe)
        except Refusal as exc:
            return self._fail(exc)
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
            parts = [bin_edits.set_active_take(project, shot.asset_id, takeId)]
            for clip in [c.id for t in project.tracks for c in t.clips if c.asset_id == shot.asset_id]:
                try:
                    parts.append(tl.set_clip_take(project, clip, takeId))
                except Refusal:
                    for p in reversed(parts):
                        p.undo(project)
                    raise
        except Refusal as exc:
            return self._fail(exc)
        edit = combine("Switch take", parts)
        edit.kinds = tuple(dict.fromkeys((*edit.kinds, "bin", "shots")))
        self._doc.apply_edit(edit)
        return True
