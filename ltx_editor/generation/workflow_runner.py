"""Run workflows through the JobQueue: chained keyframe segments, extensions, storyboard shots.

The runner owns the jobs it submits. Feed it every job update (`on_job_changed`, on the thread that owns
the project — the GUI thread in the app); it submits the next segment of a chain when the one before has
finished, adds finished results to the bin, and returns the landings as outcomes the caller applies (the
UI pushes `Landed.edit` on its undo stack). A failed or cancelled job pauses its workflow; retrying that
job in the queue (same id) carries on from there.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ltx_editor.core import storyboard as sb
from ltx_editor.core.a2v_plan import A2VPlan
from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.extension import ExtensionPart, ExtensionPlan
from ltx_editor.core.gap_plan import GapPlan
from ltx_editor.core.ic_plan import ICPlan
from ltx_editor.core.keyframe_plan import KeyframePlan
from ltx_editor.core.project import Project
from ltx_editor.core.retake_plan import RetakePlan

from . import audio_to_video, ic_reference, landing, retake
from .frame_cut import cut_tail
from .queue import Job
from .request import GenerationRequest, GenerationResult
from .workflows import Recipe, cut_condition_video, extension_request, segment_request, shot_request

Submit = Callable[[GenerationRequest], Job]


@dataclass
class Landed:
    edit: Any  # an applied, undoable edit
    label: str


@dataclass
class AssetAdded:
    asset_id: str
    take_id: str


@dataclass
class ShotChanged:
    shot_id: str
    status: str


@dataclass
class Problem:
    message: str
    hint: str = ""


@dataclass
class SpanRun:
    plan: KeyframePlan
    recipe: Recipe
    track_id: str | None
    job_ids: list[str] = field(default_factory=list)
    takes: list[tuple[str, str, int]] = field(default_factory=list)  # (asset, take, frames) per finished segment
    state: str = "running"  # running, paused (a job failed), landed, failed


@dataclass
class ExtensionRun:
    part: ExtensionPart
    job_id: str = ""
    state: str = "running"


@dataclass
class RetakeRun:
    """A retaken range (lands as a new take of the clip) or a gap fill (lands in the gap)."""

    plan: RetakePlan | GapPlan
    job_id: str = ""
    state: str = "running"
    # A cloud retake comes back as the whole clip redone: only these output frames (the range) are spliced in.
    output_range: tuple[int, int] | None = None


@dataclass
class A2VRun:
    """A picture generated to a range of sound: lands on a video track above it (generation/audio_to_video)."""

    plan: A2VPlan
    job_id: str = ""
    state: str = "running"


@dataclass
class ICRun:
    """A clip generated following a reference clip's range (IC-LoRA): lands above it (generation/ic_reference)."""

    plan: ICPlan
    job_id: str = ""
    state: str = "running"


@dataclass
class ShotRun:
    shot_id: str
    job_id: str = ""
    origin: int = 0  # where the storyboard's first result lands (landing.storyboard_origin, or the playhead)


class WorkflowRunner:
    def __init__(self, project: Callable[[], Project], project_path: Callable[[], Path | None], submit: Submit,
                 work_dir: Callable[[], Path]) -> None:
        self._project, self._project_path, self._submit, self._work_dir = project, project_path, submit, work_dir
        self._owner: dict[str, SpanRun | ExtensionRun | ShotRun | RetakeRun] = {}
        self._handled: set[tuple[str, int]] = set()  # (job id, attempt): a retried job finishes again

    # -- queries ------------------------------------------------------------------------------------------
    def owns(self, job_id: str) -> bool:
        return job_id in self._owner

    def run_of(self, job_id: str) -> SpanRun | ExtensionRun | ShotRun | RetakeRun | None:
        return self._owner.get(job_id)

    @property
    def path(self) -> Path:
        return self._project_path() or Path.cwd() / "untitled.ltxproj"

    # -- starting -------------------------------------------------------------------------------------------
    def start_span(self, plan: KeyframePlan, recipe: Recipe, track_id: str | None = None) -> SpanRun:
        """Queue segment 0; the rest follow one by one as each finishes."""
        run = SpanRun(plan, recipe, track_id)
        self._submit_segment(run, 0, None)
        return run

    def start_extension(self, plan: ExtensionPlan, recipe: Recipe, prompt: str = "", *,
                        size: tuple[int, int] | None = None, fps: float | None = None) -> list[ExtensionRun]:
        """Queue every part (forward and backward run independently); each lands when it finishes."""
        project, work = self._project(), self._work_dir()
        requests = [extension_request(p, project, recipe, cut_condition_video(p, self.path, work), prompt,
                                      size=size, fps=fps)
                    for p in plan.parts]  # all built before any is queued: a bad source queues nothing
        runs = []
        for part, request in zip(plan.parts, requests, strict=True):
            run = ExtensionRun(part)
            run.job_id = self._submit_owned(request, run)
            runs.append(run)
        return runs

    def start_retake(self, plan: RetakePlan | GapPlan, recipe: Recipe, prompt: str = "") -> RetakeRun:
        """Queue a retake of a clip's range or a gap fill (generation/retake builds the request)."""
        work = self._work_dir()
        request = (retake.retake_request(plan, self._project(), self.path, recipe, work, prompt)
                   if isinstance(plan, RetakePlan) else retake.gap_request(plan, self.path, recipe, work, prompt))
        run = RetakeRun(plan)
        run.job_id = self._submit_owned(request, run)
        return run

    def start_shots(self, shot_ids: list[str], recipe: Recipe, origin: int | None = None) -> list[ShotRun]:
        """Queue the shots in storyboard order (a regenerated shot gets a new take when it finishes); the first
        to land on an empty storyboard track lands at `origin` (default: after the existing edit)."""
        project = self._project()
        origin = landing.storyboard_origin(project) if origin is None else origin
        order = [s.id for s in project.shots]
        wanted = sorted(dict.fromkeys(shot_ids), key=order.index)
        requests = [shot_request(sb.shot(project, sid), project, self.path, recipe,
                                 label=f"Shot {order.index(sid) + 1}: {sb.shot(project, sid).prompt[:50]}")
                    for sid in wanted]
        runs = []
        for sid, request in zip(wanted, requests, strict=True):
            run = ShotRun(sid, origin=origin)
            run.job_id = self._submit_owned(request, run)
            sb.set_shot_result(project, sid, status="queued")
            runs.append(run)
        return runs

    def start_cloud_retake(self, plan: RetakePlan, request: GenerationRequest) -> RetakeRun:
        """Queue a retake on a cloud retake endpoint (cloud/fal_retake.retake_cloud_request): the service returns
        the whole clip, of which only the range's frames land in the new take."""
        run = RetakeRun(plan, output_range=(plan.start, plan.end))
        run.job_id = self._submit_owned(request, run)
        return run

    def start_a2v(self, plan: A2VPlan, request: GenerationRequest) -> A2VRun:
        """Queue an audio-to-video request (generation/audio_to_video.a2v_request); it lands over its sound."""
        run = A2VRun(plan)
        run.job_id = self._submit_owned(request, run)
        return run

    def start_ic(self, plan: ICPlan, request: GenerationRequest) -> ICRun:
        """Queue an IC-LoRA request (generation/ic_reference.ic_request); it lands above its reference's range."""
        run = ICRun(plan)
        run.job_id = self._submit_owned(request, run)
        return run

    def _submit_owned(self, request: GenerationRequest, run: SpanRun | ExtensionRun | ShotRun | RetakeRun) -> str:
        job = self._submit(request)
        self._owner[job.id] = run
        return job.id

    def _submit_segment(self, run: SpanRun, index: int, tail: str | None) -> None:
        request = segment_request(run.plan, index, self._project(), self.path, run.recipe, previous_tail=tail)
        run.job_ids.append(self._submit_owned(request, run))

    # -- progress -----------------------------------------------------------------------------------------
    def on_job_changed(self, job: Job) -> list[Any]:
        run = self._owner.get(job.id)
        if run is None:
            return []
        if job.state == "finished" and job.result is not None:
            key = (job.id, job.attempts)
            if key in self._handled:
                return []
            self._handled.add(key)
            try:
                return self._finished(run, job, job.result)
            except LtxEditorError as exc:
                return [Problem(exc.message, exc.hint)]
        if isinstance(run, ShotRun):
            status = {"running": "generating", "queued": "queued"}.get(job.state, "failed")
            if job.state != "finished":
                sb.set_shot_result(self._project(), run.shot_id, status=status)
                return [ShotChanged(run.shot_id, status)]
        elif job.state in ("failed", "cancelled", "interrupted"):
            run.state = "paused"
            return [Problem(f"{job.label}: {job.error or job.state}", "Retry the job to carry on.")]
        return []

    def _finished(self, run: SpanRun | ExtensionRun | ShotRun | RetakeRun, job: Job,
                  result: GenerationResult) -> list[Any]:
        project = self._project()
        if isinstance(run, RetakeRun):
            if isinstance(run.plan, RetakePlan):
                asset_id, take_id, edit = retake.land_retake(project, self.path, run.plan, result, run.output_range)
            else:
                asset_id, take_id, edit = retake.land_gap(project, self.path, run.plan, result)
            run.state = "landed"
            return [AssetAdded(asset_id, take_id), Landed(edit, edit.label)]
        if isinstance(run, A2VRun):
            asset_id, take_id, edit = audio_to_video.land_a2v(project, self.path, run.plan, result)
            run.state = "landed"
            return [AssetAdded(asset_id, take_id), Landed(edit, edit.label)]
        if isinstance(run, ICRun):
            asset_id, take_id, edit = ic_reference.land_ic(project, self.path, run.plan, result, job.label)
            run.state = "landed"
            return [AssetAdded(asset_id, take_id), Landed(edit, edit.label)]
        if isinstance(run, ShotRun):
            return self._shot_finished(run, result)
        if isinstance(run, ExtensionRun):
            asset, take = landing.add_result(project, self.path, result, job.label)
            out: list[Any] = [AssetAdded(asset.id, take.id)]
            edit = landing.land_extension(project, run.part, asset.id, take.id, result.num_frames)
            run.state = "landed"
            return [*out, Landed(edit, edit.label)]
        return self._segment_finished(run, job, result)

    def _segment_finished(self, run: SpanRun, job: Job, result: GenerationResult) -> list[Any]:
        index = run.job_ids.index(job.id)
        asset, take = landing.add_result(self._project(), self.path, result, job.label)
        run.takes[index:] = [(asset.id, take.id, result.num_frames)]
        run.state = "running"
        out: list[Any] = [AssetAdded(asset.id, take.id)]
        nxt = index + 1
        if nxt < len(run.plan.segments):
            if len(run.job_ids) <= nxt:  # not yet queued (a retried earlier segment does not queue it twice)
                n = run.plan.segments[nxt].overlap_frames
                tail = cut_tail(Path(result.video_path), result.num_frames, n,
                                self._work_dir() / f"tail_{job.id}_{n}.mp4")
                self._submit_segment(run, nxt, str(tail))
            return out
        edit = landing.land_span(self._project(), run.plan, run.takes, run.track_id)
        run.state = "landed"
        return [*out, Landed(edit, edit.label)]

    def _shot_finished(self, run: ShotRun, result: GenerationResult) -> list[Any]:
        project = self._project()
        try:
            shot = sb.shot(project, run.shot_id)
        except LtxEditorError:  # the shot was deleted while generating: keep the result in the bin
            asset, take = landing.add_result(project, self.path, result, "Shot")
            return [AssetAdded(asset.id, take.id)]
        asset, take = landing.add_result(project, self.path, result, f"Shot: {shot.prompt[:60]}", shot.asset_id)
        sb.set_shot_result(project, shot.id, status="done", asset_id=asset.id)
        edit = landing.land_shot(project, shot.id, asset.id, take.id, run.origin)
        return [AssetAdded(asset.id, take.id), ShotChanged(shot.id, "done"), Landed(edit, edit.label)]
