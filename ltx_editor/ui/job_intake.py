"""The one path for every finished job: into the project folder, the bin, the timeline and the cost total.

Every job update reaches `on_job_changed` (on the GUI thread, which owns the project). A finished result is
taken in exactly once per attempt:
1. its files move into the project's media folder when the job started before the project was saved
   somewhere else (generated media always live inside the project), and its size, length and rate are read
   from the file (landing.as_returned): the bin and the job card show what came back, not what was asked;
2. a workflow's job (keyframe span, extension, storyboard shot) goes through the WorkflowRunner, which adds
   the take and lands it on the timeline (one undo step here); any other job becomes a new bin asset, or a
   new take of the asset it regenerates;
3. its actual cost replaces its budget reservation (generation/cost.BudgetGuard), whatever happened above.
Updates of running/failed workflow jobs also go to the runner (shot status, a paused chain).

The GUI thread takes a result in while other jobs and an export run, so what it does then stays small:
`resultArrived` (the preview switches to the new clip) comes in an event of its own, not in the one that
took the result in, and the modules a landing needs are imported with this one, not when the first result
lands (a first import costs the GUI thread several ms here: PySide's import hook reads each new module's
source).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

# landing.as_returned reads what came back with these two: imported with the intake (see above)
import ltx_editor.core.mp4_header  # noqa: F401
import ltx_editor.generation.returned  # noqa: F401
from ltx_editor.core.project_io import media_dir, store_path
from ltx_editor.generation import landing
from ltx_editor.generation.cost import BudgetGuard
from ltx_editor.generation.queue import Job, JobQueue
from ltx_editor.generation.request import GenerationRequest, GenerationResult
from ltx_editor.generation.sidecar import move_clip
from ltx_editor.generation.workflow_runner import AssetAdded, Landed, Problem, ShotChanged, WorkflowRunner

from .document import ProjectDocument


class JobIntake(QObject):
    resultArrived = Signal(str)  # asset id of a plain (non-workflow) generation that just came in
    landed = Signal(str)  # the label of a workflow landing just pushed onto the undo stack
    error = Signal(str, str)  # message, hint: a result is in the bin but could not be placed
    notice = Signal(str)  # what a failed workflow job means for its workflow
    _arrived = Signal(str)  # resultArrived, queued: the preview's switch runs in an event of its own

    def __init__(self, document: ProjectDocument, queue: JobQueue, budget: BudgetGuard,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc, self._queue, self._budget = document, queue, budget
        self._taken: set[tuple[str, int]] = set()  # (job id, attempt): a retried job finishes again
        self._takes_for: dict[str, str] = {}  # job id -> asset that gets the result as a new take
        self._runner = self._new_runner()
        document.projectReplaced.connect(self._on_replaced)
        self._arrived.connect(self.resultArrived, Qt.ConnectionType.QueuedConnection)

    def _new_runner(self) -> WorkflowRunner:
        return WorkflowRunner(lambda: self._doc.project, lambda: self._doc.working_path, self._queue.submit,
                              self.conditions_dir)

    def conditions_dir(self) -> Path:
        """Where workflows write the media they condition on (cut tails, source frames)."""
        folder = media_dir(self._doc.working_path) / "conditions"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @property
    def runner(self) -> WorkflowRunner:
        """Starts workflows; this intake hears back about their jobs."""
        return self._runner

    def submit(self, request: GenerationRequest, *, takes_to: str | None = None) -> Job:
        """Queue a plain generation (the budget reserves its estimate or refuses: BudgetExceeded); its result
        becomes a new bin asset, or with `takes_to` a new take of that asset (regenerate)."""
        job = self._queue.submit(request)
        if takes_to:
            self._takes_for[job.id] = takes_to
        return job

    def _on_replaced(self) -> None:
        self._runner = self._new_runner()  # the old project's jobs were removed with it
        self._taken.clear()
        self._takes_for.clear()
        self._budget.release_all()

    # -- intake ----------------------------------------------------------------------------------------------
    def on_job_changed(self, job: Job) -> bool:
        """True when this update brought a finished job's result in (the job now names its asset)."""
        if self._queue.get(job.id) is None:
            return False  # removed (or the old project's) while this update was on its way
        owned = self._runner.owns(job.id)
        if job.state != "finished" or job.result is None:
            if owned:
                self._apply(job, self._runner.on_job_changed(job))
            return False
        key = (job.id, job.attempts)
        if key in self._taken:
            return False
        self._taken.add(key)
        try:
            job.result = landing.as_returned(self._into_project_folder(job.result), job.request)
            asset_id = self._apply(job, self._runner.on_job_changed(job)) if owned else self._to_bin(job)
        finally:  # the money was spent whatever became of the result
            self._budget.record(job.result.cost_usd, job.id)
        if owned and asset_id is None:  # a landing refused after the take was added: find that take
            asset_id = self._asset_holding(job.result)
        if asset_id is not None:
            job.result_asset_id = asset_id
            self._queue.set_result_asset(job.id, asset_id)
        self._doc.mark_dirty("bin", *([asset_id] if asset_id else []), "jobs")
        if asset_id is not None and not owned:
            self._arrived.emit(asset_id)
        return True

    def _into_project_folder(self, result: GenerationResult) -> GenerationResult:
        folder = self._doc.output_dir()
        if Path(result.video_path).resolve().is_relative_to(folder.resolve()):
            return result
        return move_clip(result, folder / Path(result.video_path).name)

    def _to_bin(self, job: Job) -> str:
        asset, _take = landing.add_result(self._doc.project, self._doc.working_path, job.result,
                                          job.request.label, self._takes_for.pop(job.id, None))
        return asset.id

    def _asset_holding(self, result: GenerationResult) -> str | None:
        stored = store_path(self._doc.working_path, result.video_path)
        return next((a.id for a in self._doc.project.assets if any(t.path == stored for t in a.takes)), None)

    def _apply(self, job: Job, outcomes: list) -> str | None:
        """Carry out a workflow's outcomes; returns the asset its result went to, if any."""
        asset_id = None
        for outcome in outcomes:
            if isinstance(outcome, AssetAdded):
                asset_id = outcome.asset_id
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
        return asset_id

