"""Takes in bulk and the takes compare strip.

"N takes" of a storyboard shot or a keyframe span: the same recipe with seeds base, base + 1, ... or a sweep
over one setting (generation/takes_batch.py), the batch's total cost shown first, then queued as one batch.
A shot's takes all land as takes of the shot's clip (the workflow runner switches the clip to each as it
lands). A span's takes run with the keyframe span's recipe (the panel's at the project's size): the first lands
on the timeline; the others are queued as takes of the landed clip's asset once it has landed (so a
single-segment span: a chained one has one clip per segment, and is refused), and the clip switches to each as
it lands, one undo step each ("Take 2 of the span", ...), so undo steps back through them.
N takes of a retake are the retake popup's (RetakeController.retakeTakes).

The compare strip (qml/TakesCompare.qml) shows 2–4 takes of a clip side by side, every player following one
clock (ui/takes_clock.py); Pick makes one the clip's take and the asset's active take, one undo step.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Property, QObject, QUrl, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core import bin_edits
from ltx_editor.core import storyboard as sb
from ltx_editor.core import timeline as tl
from ltx_editor.core.edits import group
from ltx_editor.core.keyframe_plan import KeyframePlan, ModelLimits, plan_keyframes
from ltx_editor.core.project_io import resolve_media, store_path
from ltx_editor.core.safe_files import is_special
from ltx_editor.generation.takes_batch import parse_values, take_recipes
from ltx_editor.generation.workflows import (
    Recipe,
    WorkflowError,
    check_images,
    check_supported,
    estimate_requests,
    plan_requests,
    segment_request,
    shot_request,
)

from .document import ProjectDocument
from .generate_controller import GenerateController
from .job_intake import JobIntake
from .refusals import Refusal, refuse, words
from .span_controller import _pin_family, span_recipe
from .takes_clock import TakesClock

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
MAX_COMPARED = 4


@dataclass
class _SpanTakes:
    """A span's takes after the first: queued as takes of the first one's asset once it has landed."""

    plan: KeyframePlan
    rest: list[Recipe]
    job_ids: list[str] = field(default_factory=list)


@QmlElement
@QmlUncreatable("TakesController is made by the app controller.")
class TakesController(QObject):
    error = Signal(str, str)  # message, hint
    queued = Signal(list)  # job ids just queued
    compareChanged = Signal()  # the compared clip or its takes changed
    compareRequested = Signal()  # a clip's takes are ready to compare: the view opens

    def __init__(self, document: ProjectDocument, generate: GenerateController, intake: JobIntake,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc, self._generate, self._intake = document, generate, intake
        self._clock = TakesClock(self)
        self._clip_id = ""
        self._asset_id = ""
        self._takes: list[dict[str, Any]] = []
        self._waiting: dict[str, _SpanTakes] = {}  # first span job id -> the takes queued after it lands
        self._switching: dict[str, int] = {}  # a later span take's job id -> its number (the clip shows it)
        document.edited.connect(self._on_edited)
        document.projectReplaced.connect(self._forget)

    clock = Property(TakesClock, lambda self: self._clock, constant=True)
    clipId = Property(str, lambda self: self._clip_id, notify=compareChanged)
    takes = Property(list, lambda self: list(self._takes), notify=compareChanged)

    # -- the compare strip -------------------------------------------------------------------------------
    @Slot(str, result=bool)
    def compareClip(self, clipId: str) -> bool:
        """Show the clip's takes (the newest four, the one it shows included) side by side."""
        try:
            _track, clip = self._doc.project.find_clip(clipId)
            asset = self._doc.project.asset(clip.asset_id)
            if len(asset.takes) < 2:
                raise WorkflowError(f"{asset.name or 'This clip'} has one take: nothing to compare.",
                                    hint="Generate more takes of it first (N takes).")
        except Refusal as exc:
            return refuse(self.error, exc)
        self._clip_id, self._asset_id, self._takes = clipId, asset.id, []
        self._refresh()
        self.compareRequested.emit()
        return True

    def _refresh(self) -> None:
        project = self._doc.project
        try:
            _track, clip = project.find_clip(self._clip_id)
            asset = project.asset(self._asset_id)
        except KeyError:
            return self._forget()
        chosen = asset.takes[-MAX_COMPARED:]
        if all(t.id != clip.take_id for t in chosen):  # the clip's own take is always among them
            chosen = [*asset.takes[-(MAX_COMPARED - 1):], asset.take(clip.take_id)]
        rows = [self._take_row(asset.takes.index(t) + 1, t, clip.take_id) for t in chosen]
        if rows == self._takes:
            return  # an edit elsewhere on the timeline: playback goes on
        same_media = [r["url"] for r in rows] == [r["url"] for r in self._takes]
        self._takes = rows
        if not same_media:  # other takes (a new one landed): from the start, paused
            self._clock.set_media(min(round(t.frame_count * 1000 / t.fps) for t in chosen), chosen[0].fps)
        self.compareChanged.emit()

    def _take_row(self, number: int, take, shown: str) -> dict[str, Any]:
        path = resolve_media(self._doc.working_path, take.path)
        url = "" if not path.is_file() or is_special(path) else QUrl.fromLocalFile(str(path)).toString()
        label = f"Take {number}" + (f" · seed {take.seed}" if take.seed is not None else "")
        return {"takeId": take.id, "url": url, "label": label, "shown": take.id == shown}

    def _forget(self) -> None:
        self._clock.pause()
        self._clip_id, self._asset_id, self._takes = "", "", []
        self._waiting.clear()
        self._switching.clear()
        self.compareChanged.emit()

    def _on_edited(self, changed: list) -> None:
        if self._clip_id and ({"bin", "timeline", "clips", self._clip_id, self._asset_id} & set(changed)):
            self._refresh()

    @Slot(str, result=bool)
    def pick(self, takeId: str) -> bool:
        """Make `takeId` the compared clip's take and its asset's active take: one undo step."""
        project = self._doc.project
        try:
            if not self._clip_id:
                raise WorkflowError("No clip is being compared.", hint="Open a clip's takes first.")
            with group(project, "Pick take") as pick:  # all or nothing
                pick.add(bin_edits.set_active_take(project, self._asset_id, takeId))
                pick.add(tl.set_clip_take(project, self._clip_id, takeId))
        except Refusal as exc:
            return refuse(self.error, exc)
        edit = pick.edit
        edit.kinds = tuple(dict.fromkeys((*edit.kinds, "bin", "shots")))
        self._doc.apply_edit(edit)
        return True

    # -- N takes -----------------------------------------------------------------------------------------------
    def _recipes(self, n: int, setting: str, values: str, base: Recipe | None = None) -> list[Recipe]:
        return take_recipes(base or self._generate.recipe(), n, setting=setting,
                            values=parse_values(values, setting))

    @staticmethod
    def _preview(requests) -> dict:
        return {"ok": True, "problem": "", "hint": "", "estimate": estimate_requests(requests).text,
                "takes": len(requests)}

    @staticmethod
    def _refused(exc: Exception) -> dict:
        message, hint = words(exc)
        return {"ok": False, "problem": message, "hint": hint}

    def _shot_batch(self, shot_id: str, n: int, setting: str, values: str):
        project = self._doc.project
        shot = sb.shot(project, shot_id)
        check_images(self._doc.working_path, [i for i in (shot.start_image, shot.end_image) if i])
        recipes = self._recipes(n, setting, values)
        requests = [shot_request(shot, project, self._doc.working_path, r) for r in recipes]
        check_supported(requests)
        return recipes, requests

    @Slot(str, int, str, str, result="QVariantMap")
    def shotTakesPreview(self, shotId: str, n: int, setting: str, values: str) -> dict:
        """What `n` takes of the shot cost, before anything is queued."""
        try:
            return self._preview(self._shot_batch(shotId, n, setting, values)[1])
        except Refusal as exc:
            return self._refused(exc)

    @Slot(str, int, str, str, result=bool)
    def generateShotTakes(self, shotId: str, n: int, setting: str, values: str) -> bool:
        """Queue `n` takes of the shot (seeds base, base + 1, ... or `values` of `setting`, comma-separated);
        each lands as a take of the shot's clip."""
        try:
            recipes, _ = self._shot_batch(shotId, n, setting, values)
            runs = [run for r in recipes for run in self._intake.runner.start_shots([shotId], r)]
        except Refusal as exc:
            return refuse(self.error, exc)
        self._doc.mark_dirty("shots")
        self.queued.emit([r.job_id for r in runs])
        return True

    def _span_batch(self, start: int, end: int, n: int, setting: str, values: str):
        recipes = self._recipes(n, setting, values, span_recipe(self._generate.recipe(), self._doc.project))
        base = recipes[0]
        plan = plan_keyframes(self._doc.project.keyframes,
                              ModelLimits(max_frames=base.max_frames, family=_pin_family(base)),
                              span=(start, end), prompt=base.prompt)
        if n > 1 and len(plan.segments) > 1:
            raise WorkflowError(f"This span needs {len(plan.segments)} chained generations; takes of it would "
                                "not be takes of one clip.", hint="Take a shorter span (one generation) for N takes.")
        path = self._doc.working_path
        check_images(path, [c.image for s in plan.segments for c in s.conditions])
        requests = [q for r in recipes for q in plan_requests(plan, self._doc.project, path, r)]
        check_supported(requests)
        return plan, recipes, requests

    @Slot(int, int, int, str, str, result="QVariantMap")
    def spanTakesPreview(self, startFrame: int, endFrame: int, n: int, setting: str, values: str) -> dict:
        try:
            return self._preview(self._span_batch(startFrame, endFrame, n, setting, values)[2])
        except Refusal as exc:
            return self._refused(exc)

    @Slot(int, int, int, str, str, result=bool)
    def generateSpanTakes(self, startFrame: int, endFrame: int, n: int, setting: str, values: str) -> bool:
        """`n` takes of the keyframe span [startFrame, endFrame): the first lands on the timeline, the others
        become takes of its clip (queued when the first has landed)."""
        try:
            plan, recipes, _ = self._span_batch(startFrame, endFrame, n, setting, values)
            run = self._intake.runner.start_span(plan, recipes[0])
        except Refusal as exc:
            return refuse(self.error, exc)
        if len(recipes) > 1:
            self._waiting[run.job_ids[0]] = _SpanTakes(plan, recipes[1:])
        self.queued.emit(list(run.job_ids))
        return True

    def on_job_changed(self, job: Any) -> None:
        """Connected after the intake: when a span's first take has landed, queue the rest as its takes; when
        one of those has landed, show it on the span's clip."""
        number = self._switching.get(job.id)
        if number is not None and job.state in ("finished", "failed", "cancelled", "interrupted"):
            del self._switching[job.id]
            if job.state == "finished" and job.result_asset_id:
                self._show_take(job, number)
            return
        waiting = self._waiting.get(job.id)
        if waiting is None or job.state != "finished" or not job.result_asset_id:
            return
        del self._waiting[job.id]
        project, path = self._doc.project, self._doc.working_path
        try:
            requests = [segment_request(waiting.plan, 0, project, path, r) for r in waiting.rest]
            jobs = [self._intake.submit(r, takes_to=job.result_asset_id) for r in requests]
        except Refusal as exc:
            refuse(self.error, exc)
            return
        self._switching.update({j.id: i for i, j in enumerate(jobs, start=2)})
        self.queued.emit([j.id for j in jobs])

    def _show_take(self, job: Any, number: int) -> None:
        """Switch the clips showing the span's asset to this job's take: one undo step."""
        project = self._doc.project
        try:
            asset = project.asset(job.result_asset_id)
        except KeyError:
            return  # the asset went (its clip was deleted and the bin emptied): the take has nowhere to show
        stored = store_path(self._doc.working_path, job.result.video_path)
        take = next((t for t in asset.takes if t.path == stored), None)
        showing = [c.id for t in project.tracks for c in t.clips if c.asset_id == asset.id]
        if take is None or not showing:
            return
        try:
            with group(project, f"Take {number} of the span") as switch:
                for clip_id in showing:
                    switch.add(tl.set_clip_take(project, clip_id, take.id))
        except Refusal as exc:
            refuse(self.error, exc)
            return
        self._doc.apply_edit(switch.edit)
