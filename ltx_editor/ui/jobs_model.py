"""The job queue as a list model: state, progress, place in line or step i/n, elapsed/ETA, errors in words."""
from __future__ import annotations

import base64
from datetime import datetime, timezone
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.generation.landing import model_label
from ltx_editor.generation.queue import Job

from .list_model import RoleListModel

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1

STATE_TEXT = {"queued": "Queued", "running": "Running", "finished": "Done", "failed": "Failed",
              "cancelled": "Cancelled", "interrupted": "Interrupted"}


def _parse(ts: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(ts) if ts else None
    except ValueError:
        return None


def format_duration(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds < 3600 else f"{seconds // 3600}h{seconds % 3600 // 60:02d}"


def elapsed_s(job: Job, now: datetime | None = None) -> float | None:
    start = _parse(job.started)
    if start is None:
        return None
    end = _parse(job.finished) or now or datetime.now(timezone.utc)
    return max(0.0, (end - start).total_seconds())


def fraction(job: Job) -> float:
    """0..1, or -1 when unknown (an indeterminate bar)."""
    if job.state == "finished":
        return 1.0
    p = job.progress
    if p is None or job.state != "running":
        return -1.0 if job.state == "running" else 0.0
    if p.fraction is not None:
        return max(0.0, min(1.0, p.fraction))
    if p.step is not None and p.total:
        return max(0.0, min(1.0, p.step / p.total))
    return -1.0


def detail_text(job: Job) -> str:
    p = job.progress
    if job.state == "queued":
        return f"#{job.queue_position} in line" if job.queue_position else "waiting"
    if job.state == "running" and p is not None:
        if p.step is not None and p.total:
            return f"{p.stage.value} · step {p.step}/{p.total}"
        if p.queue_position:
            return f"{p.stage.value} · #{p.queue_position} at the service"
        return p.message or p.stage.value
    if job.state == "finished" and job.result is not None:
        r = job.result
        return f"{r.width}×{r.height} · {r.num_frames / r.fps:.1f} s · seed {r.seed}"
    return ""


def preview_url(job: Job) -> str:
    """The running job's newest live picture as a data: URL ("" when there is none). A data URL, not an image
    provider: a Python QQuickImageProvider can deadlock against Qt's pixmap thread, and nothing goes to disk."""
    shot = job.preview
    if shot is None or job.state != "running":
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(shot.image).decode("ascii")


class JobRow:
    """What one row shows; recomputed from a Job snapshot."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.id = job.id


@QmlElement
@QmlUncreatable("JobsModel is made by the app controller from the generation worker.")
class JobsModel(RoleListModel):
    # "jobState"/"modelId", not "state"/"model": those names would clash with Item.state and the delegate's model.
    ROLES = ("jobId", "label", "jobState", "stateText", "backend", "modelId", "progress", "detail", "elapsed",
             "eta", "error", "errorHint", "errorType", "canCancel", "canRetry", "canOpen", "costText",
             "resultAssetId", "resultPath", "previewUrl")
    finishedJob = Signal(str)  # a job id that just finished (the bin adds its result)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._refresh_clocks)

    def key(self, item: JobRow) -> str:
        return item.id

    def job(self, job_id: str) -> Job | None:
        row = self.item(job_id)
        return row.job if row else None

    @Slot(object)
    def on_job_changed(self, job: Job) -> None:
        before = self.job(job.id)
        self.upsert(JobRow(job), at=0)  # newest first
        if job.state == "finished" and (before is None or before.state != "finished"):
            self.finishedJob.emit(job.id)
        self._update_timer()

    @Slot(str)
    def on_job_removed(self, job_id: str) -> None:
        self.remove(job_id)
        self._update_timer()

    def _update_timer(self) -> None:
        running = any(r.job.state == "running" for r in self._items)
        if running and not self._tick.isActive():
            self._tick.start()
        elif not running:
            self._tick.stop()

    def _refresh_clocks(self) -> None:
        roles = [self._role_of["elapsed"], self._role_of["eta"]]
        for row, item in enumerate(self._items):
            if item.job.state == "running":
                self.dataChanged.emit(self.index(row), self.index(row), roles)

    def role_value(self, item: JobRow, name: str) -> Any:
        job = item.job
        err = job.error
        if name == "jobId":
            return job.id
        if name == "label":
            return job.label
        if name == "jobState":
            return job.state
        if name == "stateText":
            return STATE_TEXT.get(job.state, job.state)
        if name == "backend":
            return job.backend
        if name == "modelId":  # the model that ran (a custom folder by its name), once it came back
            if job.result is not None:
                return model_label(job.result.model_id, job.result.model_path)
            return model_label(job.request.settings.model_id,
                               job.request.model_path if job.request.backend == "local" else None)
        if name == "progress":
            return fraction(job)
        if name == "detail":
            return detail_text(job)
        if name == "elapsed":
            return format_duration(elapsed_s(job))
        if name == "eta":
            f, spent = fraction(job), elapsed_s(job)
            if job.state != "running" or f <= 0.02 or spent is None:
                return ""
            return format_duration(spent * (1 - f) / f)
        if name == "error":
            return err.message if err else ""
        if name == "errorHint":
            return err.hint if err else ""
        if name == "errorType":
            return err.type if err else ""
        if name == "canCancel":
            return job.state in ("queued", "running")
        if name == "canRetry":
            return job.state in ("failed", "cancelled", "interrupted")  # e.g. after fixing a key
        if name == "canOpen":
            return job.state == "finished" and bool(job.result_asset_id or job.result)
        if name == "costText":
            c = job.cost_estimate
            return "" if c is None else ("free (local)" if c == 0 else f"~${c:.2f}")
        if name == "resultAssetId":
            return job.result_asset_id or ""
        if name == "resultPath":
            return str(job.result.video_path) if job.result else ""
        if name == "previewUrl":
            return preview_url(job)
        raise KeyError(name)
