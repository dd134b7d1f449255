"""What the editor says when a generation fails: a local job that could not run here (out of memory after
the whole fallback chain, no GPU or no torch) is offered in the cloud with its cost first, when the
preference allows it and a key exists; any other failure is reported with a hint (how to get a cloud key,
when that is what would fix it)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ltx_editor.core.errors import LtxEditorError
from ltx_editor.generation.queue import Job

from .preferences import Preferences


class CloudFallback(QObject):
    offered = Signal(str, str)  # failed local job id, the cloud offer in words (cost first)
    error = Signal(str, str)  # message, hint: a failure with no offer, or an offer that was refused

    def __init__(self, preferences: Preferences, submit: Callable[[Any], Job], parent: QObject | None = None) -> None:
        """`submit` is the job queue's (the budget reserves the cloud job's estimate, or refuses it)."""
        super().__init__(parent)
        self._prefs, self._submit = preferences, submit
        self._offers: dict[str, Any] = {}  # failed local job id -> CloudOffer waiting for an answer

    def on_failed(self, job: Job) -> None:
        """A job just failed in this session: offer it in the cloud, or say what went wrong."""
        if not self._offer(job):
            self.error.emit(f"Generation failed: {job.error.message}", self._hint(job))

    def accept(self, job_id: str) -> str:
        """Queue the offered cloud job; its id, or "" when there is no offer or it was refused (`error`)."""
        offer = self._offers.pop(job_id, None)
        if offer is None:
            return ""
        try:
            return self._submit(offer.request).id
        except LtxEditorError as exc:  # e.g. BudgetExceeded: says what is spent and what is left
            self.error.emit(exc.message, exc.hint)
            return ""

    def forget(self, job_id: str) -> None:
        """Declined, retried locally or removed: the offer no longer stands."""
        self._offers.pop(job_id, None)

    def forget_all(self) -> None:
        self._offers.clear()  # offers belong to the old project's jobs

    def _fixable(self, job: Job) -> Exception | None:
        """The job's failure, when the setting allows an offer and the cloud could fix it (OOM, no GPU)."""
        from ltx_editor.generation.fallback import falls_back

        if self._prefs.values.cloud_fallback == "off" or job.backend != "local" or job.error is None:
            return None
        cause = job.error.cause  # None for a job restored from the project file: no offer for old failures
        return cause if cause is not None and falls_back(cause) else None

    def _offer(self, job: Job) -> bool:
        from ltx_editor.generation import secrets
        from ltx_editor.generation.fallback import offer_cloud

        error = self._fixable(job)
        if error is None:
            return False
        offer = offer_cloud(job.request, error, self._prefs.values.cloud_fallback,
                            has_key=lambda service: bool(secrets.get_api_key(service)))
        if offer is None:
            return False
        self._offers[job.id] = offer
        self.offered.emit(job.id, offer.describe())
        return True

    def _hint(self, job: Job) -> str:
        hint = job.error.hint if job.error else ""
        if self._fixable(job) is None:
            return hint
        from ltx_editor.generation import secrets

        if any(secrets.get_api_key(s) for s in ("fal", "replicate")):
            return hint  # keys exist, but no cloud model can do this job (e.g. its mode)
        return (f"{hint} To run it in the cloud, add a fal.ai or Replicate key in Preferences → Cloud API keys "
                f"(or set FAL_KEY / REPLICATE_API_TOKEN).").strip()
