"""Cost before and after: estimates from the catalog's price rules, and the project's budget cap.

An estimate prices what the endpoint will really make (after its fields were fitted: LTX-2 Pro bills 6, 8 or
10 s; a detail pass doubles the billed seconds), so the figure shown before submitting is the one billed.
Replicate bills by GPU time and publishes no per-video price: its estimates are None ("unknown").
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ltx_editor.core.catalog import get_model

from .cloud.shape import Shape
from .errors import BudgetExceeded, GenerationError
from .request import GenerationRequest


def _cloud_call(request: GenerationRequest):
    if request.backend == "fal":
        from .cloud.fal_fields import build_fal_call

        return build_fal_call(request)
    from .cloud.replicate_fields import build_replicate_call

    return build_replicate_call(request)


def estimate(request: GenerationRequest) -> float | None:
    """USD for one job: 0.0 locally, None when the service publishes no price or cannot run the job."""
    if request.backend == "local":
        return 0.0
    try:
        shape = _cloud_call(request).shape
    except GenerationError:
        return None
    return cost_of(request, shape)


def cost_of(request: GenerationRequest, shape: Shape) -> float | None:
    """USD for the video `shape` (expected, or as the service reported it) on the request's endpoint."""
    if request.backend == "local":
        return 0.0
    endpoint = get_model(request.settings.model_id).endpoint(request.backend, request.mode)
    if endpoint is None:
        return None
    usd = endpoint.price.estimate(width=shape.width, height=shape.height, num_frames=shape.num_frames,
                                  fps=shape.fps, resolution=shape.resolution)
    return None if usd is None else round(usd * shape.price_multiplier, 4)


@dataclass(frozen=True)
class BatchEstimate:
    """The summed cost of several jobs, shown before any is queued (a workflow's segments, every shot)."""

    total_usd: float  # sum of the known prices
    per_job: list[float | None] = field(default_factory=list)

    @property
    def usd(self) -> float:
        return self.total_usd

    @property
    def count(self) -> int:
        return len(self.per_job)

    @property
    def unknown(self) -> int:
        """Jobs whose price is not published (billed by GPU time)."""
        return sum(1 for usd in self.per_job if usd is None)

    def describe(self) -> str:
        text = f"≈ ${self.total_usd:.2f} for {self.count} job{'s' if self.count != 1 else ''}"
        return text + (f" (+ {self.unknown} billed by GPU time)" if self.unknown else "")

    @property
    def text(self) -> str:
        """The workflow panels' wording: free locally, else the estimate and what has no published price."""
        if self.count and self.total_usd == 0 and not self.unknown:
            return f"{self.count} generation(s) · free (runs on this machine)"
        known = f"≈ ${self.total_usd:.2f} (estimate)"
        if self.unknown:
            known += f", {self.unknown} with no published price"
        return f"{self.count} generation(s) · {known}"


def estimate_batch(requests: Iterable[GenerationRequest]) -> BatchEstimate:
    per_job = [estimate(r) for r in requests]
    return BatchEstimate(total_usd=round(sum(u for u in per_job if u is not None), 4), per_job=per_job)


class BudgetGuard:
    """The one owner of the project's spending: its running total and optional cap (project.spent_usd /
    project.budget_usd), and what the queue has promised on top of it.

    A job's estimate is reserved when it is queued (`reserve`, which refuses past the cap) and stays reserved
    while it waits or runs, so the cap holds across concurrent and queued jobs; a finished job's actual cost
    replaces its reservation (`record`), a failed, cancelled or removed one gives it back (`release`).
    `project` is the project or a callable giving the current one (the editor replaces it on open/new).
    Thread-safe: jobs are queued from the GUI thread and settled from the queue's loop.
    """

    def __init__(self, project: Any) -> None:
        self._project = project if callable(project) else (lambda: project)
        self._lock = threading.Lock()
        self._reserved: dict[str, float] = {}

    @property
    def project(self) -> Any:
        return self._project()

    @property
    def reserved_usd(self) -> float:
        with self._lock:
            return sum(self._reserved.values())

    def reserved_for(self, job_id: str) -> float | None:
        with self._lock:
            return self._reserved.get(job_id)

    @property
    def remaining_usd(self) -> float | None:
        cap = self.project.budget_usd
        return None if cap is None else cap - self.project.spent_usd - self.reserved_usd

    def _refuse_past_cap(self, estimate_usd: float | None, job_id: str | None) -> None:
        """Raise BudgetExceeded when the job would go past the cap (caller holds the lock). A job's own earlier
        reservation (a retry) does not count against it; unknown prices pass (none published)."""
        project = self.project
        cap = project.budget_usd
        if cap is None or not estimate_usd:
            return
        queued = sum(usd for jid, usd in self._reserved.items() if jid != job_id)
        committed = project.spent_usd + queued
        if committed + estimate_usd > cap + 1e-9:
            left = max(0.0, cap - committed)
            raise BudgetExceeded(
                f"This job (≈ ${estimate_usd:.2f}) would go past the project budget of ${cap:.2f}: "
                f"${project.spent_usd:.2f} spent, ${queued:.2f} in the queue, ${left:.2f} left.",
                hint="Raise the budget in the project settings, or make the clip shorter or smaller.")

    def check(self, estimate_usd: float | None) -> None:
        """Raise BudgetExceeded when a job of this estimate would go past the cap now (reserves nothing)."""
        with self._lock:
            self._refuse_past_cap(estimate_usd, None)

    def reserve(self, job_id: str, estimate_usd: float | None) -> None:
        """Check and hold in one step, so two jobs queued at once cannot both take the last dollar."""
        with self._lock:
            self._refuse_past_cap(estimate_usd, job_id)
            self._reserved[job_id] = estimate_usd or 0.0

    def hold(self, job_id: str, estimate_usd: float | None) -> None:
        """Reserve without refusing: a job accepted in an earlier session and restored queued still runs."""
        with self._lock:
            self._reserved[job_id] = estimate_usd or 0.0

    def release(self, job_id: str) -> None:
        with self._lock:
            self._reserved.pop(job_id, None)

    def release_all(self) -> None:
        """The project was replaced: its jobs went with it."""
        with self._lock:
            self._reserved.clear()

    def record(self, actual_usd: float | None, job_id: str | None = None) -> None:
        """Add a finished job's cost to the project total and drop its reservation."""
        with self._lock:
            if job_id is not None:
                self._reserved.pop(job_id, None)
            if actual_usd:
                project = self.project
                project.spent_usd = round(project.spent_usd + actual_usd, 6)

    def before_submit(self, job: Any) -> None:
        """JobQueue's before_submit hook: refuses (BudgetExceeded) or reserves the job's estimate."""
        self.reserve(job.id, job.cost_estimate)
