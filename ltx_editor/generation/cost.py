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
    total_usd: float  # sum of the known prices
    per_job: list[float | None] = field(default_factory=list)

    @property
    def unknown(self) -> int:
        """Jobs whose price is not published (billed by GPU time)."""
        return sum(1 for usd in self.per_job if usd is None)

    def describe(self) -> str:
        text = f"≈ ${self.total_usd:.2f} for {len(self.per_job)} job{'s' if len(self.per_job) != 1 else ''}"
        return text + (f" (+ {self.unknown} billed by GPU time)" if self.unknown else "")


def estimate_batch(requests: Iterable[GenerationRequest]) -> BatchEstimate:
    per_job = [estimate(r) for r in requests]
    return BatchEstimate(total_usd=round(sum(u for u in per_job if u is not None), 4), per_job=per_job)


class BudgetGuard:
    """The project's running total and optional cap (project.spent_usd / project.budget_usd).

    `check` refuses a job whose estimate would take spent + reserved past the cap; `reserve` holds a
    submitted job's estimate until `record` (actual cost) or `release` (failed/cancelled). Thread-safe.
    """

    def __init__(self, project: Any) -> None:
        self.project = project
        self._lock = threading.Lock()
        self._reserved: dict[str, float] = {}

    @property
    def reserved_usd(self) -> float:
        with self._lock:
            return sum(self._reserved.values())

    @property
    def remaining_usd(self) -> float | None:
        cap = self.project.budget_usd
        return None if cap is None else cap - self.project.spent_usd - self.reserved_usd

    def check(self, estimate_usd: float | None) -> None:
        """Raise BudgetExceeded when the job would go past the cap. Unknown prices pass (none published)."""
        cap = self.project.budget_usd
        if cap is None or not estimate_usd:
            return
        with self._lock:
            committed = self.project.spent_usd + sum(self._reserved.values())
        if committed + estimate_usd > cap + 1e-9:
            left = max(0.0, cap - committed)
            raise BudgetExceeded(
                f"This job (≈ ${estimate_usd:.2f}) would go past the project budget of ${cap:.2f}: "
                f"${self.project.spent_usd:.2f} spent, ${committed - self.project.spent_usd:.2f} in the queue, "
                f"${left:.2f} left.",
                hint="Raise the budget in the project settings, or make the clip shorter or smaller.")

    def reserve(self, job_id: str, estimate_usd: float | None) -> None:
        self.check(estimate_usd)
        with self._lock:
            self._reserved[job_id] = estimate_usd or 0.0

    def release(self, job_id: str) -> None:
        with self._lock:
            self._reserved.pop(job_id, None)

    def record(self, actual_usd: float | None, job_id: str | None = None) -> None:
        """Add a finished job's cost to the project total and drop its reservation."""
        with self._lock:
            if job_id is not None:
                self._reserved.pop(job_id, None)
            if actual_usd:
                self.project.spent_usd = round(self.project.spent_usd + actual_usd, 6)

    def before_submit(self, job: Any) -> None:
        """JobQueue's before_submit hook: refuses (BudgetExceeded) or reserves the job's estimate."""
        self.reserve(job.id, job.cost_estimate)
