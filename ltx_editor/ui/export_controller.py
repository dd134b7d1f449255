"""Export off the GUI thread: core export_timeline on a Python thread; progress comes back as queued signals."""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.errors import ExportCancelled, LtxEditorError

from .document import ProjectDocument
from .urls import local_path

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1


@QmlElement
@QmlUncreatable("ExportController is made by the app controller.")
class ExportController(QObject):
    changed = Signal()
    finished = Signal(str)  # the written file
    failed = Signal(str, str)  # message, hint
    # The export is past a sanity limit (limits.export_question): ask, then call startConfirmed(target).
    confirmationNeeded = Signal(str, str)  # question, the target to pass to startConfirmed
    cancelled = Signal()
    _progress = Signal(float)  # from the export thread; delivered queued on the GUI thread
    _done = Signal(str, str, str)  # outcome ("ok" | "cancelled" | "failed"), path or message, hint

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._running = False
        self._fraction = 0.0
        self._target = ""
        self._cancel: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self._progress.connect(self._on_progress)
        self._done.connect(self._on_done)

    @Slot(str, result=bool)
    def start(self, url_or_path: str) -> bool:
        return self._start(url_or_path, confirmed=False)

    @Slot(str, result=bool)
    def startConfirmed(self, url_or_path: str) -> bool:  # noqa: N802 (a QML slot)
        """Start an export the person confirmed after confirmationNeeded."""
        return self._start(url_or_path, confirmed=True)

    def _start(self, url_or_path: str, *, confirmed: bool) -> bool:
        from ltx_editor.core.limits import export_question
        from ltx_editor.core.output_guard import check_export_target

        if self._running:
            return False
        project = self._doc.project
        if project.duration() == 0:
            self.failed.emit("The timeline is empty.", "Put some clips on the timeline, then export.")
            return False
        out = Path(local_path(url_or_path))
        if out.suffix.lower() not in (".mp4", ".mov", ".mkv"):
            out = out.with_suffix(".mp4")
        try:  # refused before anything starts: the target is one of the project's own files
            check_export_target(project, self._doc.working_path, out)
        except LtxEditorError as exc:
            self.failed.emit(exc.message, exc.hint)
            return False
        question = None if confirmed else export_question(project)
        if question is not None:
            self.confirmationNeeded.emit(question, str(out))
            return False
        # The export reads a copy, so editing during a long export cannot change what is being written.
        snapshot, project_path = project.model_copy(deep=True), self._doc.working_path
        self._cancel = threading.Event()
        self._running, self._fraction, self._target = True, 0.0, str(out)
        self.changed.emit()
        self._thread = threading.Thread(target=self._run, args=(snapshot, project_path, out, self._cancel),
                                        name="ltx-export", daemon=True)
        self._thread.start()
        return True

    def _run(self, project, project_path: Path, out: Path, cancel: threading.Event) -> None:
        from ltx_editor.core.export import export_timeline

        try:
            written = export_timeline(project, project_path, out, progress=self._progress.emit, cancel=cancel)
            self._done.emit("ok", str(written), "")
        except ExportCancelled:
            self._done.emit("cancelled", "", "")
        except LtxEditorError as exc:
            self._done.emit("failed", exc.message, exc.hint)
        except Exception as exc:  # anything else still ends the export with words, not a stuck dialog
            self._done.emit("failed", f"Export failed: {exc}", "")

    @Slot()
    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def wait(self, timeout_s: float = 30.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _on_progress(self, fraction: float) -> None:
        self._fraction = max(0.0, min(1.0, fraction))
        self.changed.emit()

    def _on_done(self, outcome: str, text: str, hint: str) -> None:
        self._running = False
        self._cancel = None
        self.changed.emit()
        if outcome == "ok":
            self.finished.emit(text)
        elif outcome == "cancelled":
            self.cancelled.emit()
        else:
            self.failed.emit(text, hint)

    running = Property(bool, lambda self: self._running, notify=changed)
    progress = Property(float, lambda self: self._fraction, notify=changed)
    target = Property(str, lambda self: self._target, notify=changed)
