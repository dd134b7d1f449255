"""Export off the GUI thread: core export_timeline on a Python thread; progress comes back as queued signals.

The Export dialog reads the presets and the project's defaults from here and starts an export with its
choices (`startWith(target, options)`); the options are checked by core's ExportOptions before anything runs."""
from __future__ import annotations

import queue
import threading
from pathlib import Path

from PySide6.QtCore import Property, QObject, QUrl, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

# The checks at Export are imported with the controller, not at the first Export: a first import costs the GUI
# thread several ms (PySide's import hook reads each new module's source).
from ltx_editor.core.errors import ExportCancelled, LtxEditorError
from ltx_editor.core.export_presets import PRESETS, ExportOptions
from ltx_editor.core.limits import export_question
from ltx_editor.core.output_guard import check_export_target
from ltx_editor.core.project_snapshot import detached_copy

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
    timelineExported = Signal(str)  # the timeline written for another editor (.otio, FCP XML, EDL)
    timelineImported = Signal(str)  # what came in from another editor's timeline, in words
    _progress = Signal(float)  # from the export thread; delivered queued on the GUI thread
    _done = Signal(str, str, str)  # outcome ("ok" | "cancelled" | "failed"), path or message, hint

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._running = False
        self._fraction = 0.0
        self._target = ""
        self._written = ""
        self._options: ExportOptions | None = None  # the dialog's choices for the export being started
        self._cancel: threading.Event | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._progress.connect(self._on_progress)
        self._done.connect(self._on_done)
        # One export thread, started with the editor: Thread.start() waits until the new thread runs, which
        # took up to 145 ms on a loaded machine when it was started at the moment Export was pressed.
        threading.Thread(target=self._serve, name="ltx-export", daemon=True).start()

    @Slot(str, result=bool)
    def start(self, url_or_path: str) -> bool:
        """Export with the defaults (H.264 MP4 at the project's settings)."""
        self._options = None
        return self._start(url_or_path, confirmed=False)

    @Slot(str, "QVariantMap", result=bool)
    def startWith(self, url_or_path: str, options: dict) -> bool:  # noqa: N802 (a QML slot)
        """Export with the Export dialog's choices: preset, width/height, fps, crf, rangeStart/rangeEnd
        (timeline frames, end exclusive; absent = the whole timeline), audio."""
        if self._running:
            return False
        keys = {"preset": "preset", "width": "width", "height": "height", "fps": "fps", "crf": "crf",
                "rangeStart": "range_start", "rangeEnd": "range_end", "audio": "audio"}
        values = {keys[k]: v for k, v in dict(options).items() if k in keys and v is not None and v != ""}
        try:
            self._options = ExportOptions.checked(**values)
        except LtxEditorError as exc:
            self.failed.emit(exc.message, exc.hint)
            return False
        return self._start(url_or_path, confirmed=False)

    @Slot(result="QVariantList")
    def presets(self) -> list[dict]:
        return [{"name": p.name, "label": p.label, "suffix": p.suffix, "hasQuality": p.has_quality,
                 "crf": p.crf if p.crf is not None else -1, "crfMin": p.crf_range[0], "crfMax": p.crf_range[1]}
                for p in PRESETS.values()]

    @Slot(result="QVariantMap")
    def defaults(self) -> dict:
        """What the dialog starts from: the project's size, rate and length, and a file name beside it."""
        s, base = self._doc.project.settings, self._doc.file_path or self._doc.working_path
        return {"width": s.width, "height": s.height, "fps": s.fps, "duration": self._doc.project.duration(),
                "target": str(base.with_suffix(""))}

    @Slot(result="QVariantList")
    def timelineFormats(self) -> list[dict]:  # noqa: N802 (a QML slot)
        """The interchange formats this installation writes (suffix, name) for File → Export timeline as…"""
        from ltx_editor.core.otio_io import formats

        return formats()

    @Slot(str, result=bool)
    def exportTimeline(self, url_or_path: str) -> bool:  # noqa: N802 (a QML slot)
        """Write the timeline for another editor: .otio, FCP XML (.xml) or EDL (.edl) by the file's suffix (a
        name without a known suffix gets .otio). Never over the project or one of its files."""
        from ltx_editor.core.otio_io import export_otio, formats

        out = Path(local_path(url_or_path))
        if not out.is_absolute() or not out.stem:  # a dialog accepted with no name gives ".otio"
            self.failed.emit("Choose a file name for the timeline.", "Type a name, e.g. edit.xml, edit.edl or edit.otio.")
            return False
        if out.suffix.lower() not in [f["suffix"] for f in formats()]:
            out = out.with_name(out.name + ".otio")
        try:
            check_export_target(self._doc.project, self._doc.working_path, out)
            written = export_otio(self._doc.project, self._doc.working_path, out)
        except LtxEditorError as exc:
            self.failed.emit(exc.message, exc.hint)
            return False
        self.timelineExported.emit(str(written))
        return True

    @Slot(str, result=bool)
    def importTimeline(self, url_or_path: str) -> bool:  # noqa: N802 (a QML slot)
        """File → Import timeline…: another editor's timeline (.otio, FCP XML .xml, EDL .edl) added to the project
        as new tracks, its media in the bin and its markers, as one undo step (core.otio_io.import_otio_into).
        Refused in words with the project unchanged: every missing media file is listed."""
        from ltx_editor.core.otio_io import import_otio_into
        from ltx_editor.core.safe_files import check_regular

        source = Path(local_path(url_or_path))
        project = self._doc.project
        tracks_before = {t.id for t in project.tracks}
        try:
            check_regular(source, what="timeline file")
            edit = import_otio_into(project, self._doc.working_path, source)
        except LtxEditorError as exc:
            self.failed.emit(exc.message, exc.hint)
            return False
        self._doc.apply_edit(edit)
        new = [t for t in project.tracks if t.id not in tracks_before]
        clips = sum(len(t.clips) for t in new)
        self.timelineImported.emit(f"Imported {source.name}: {clips} clip(s) on {len(new)} new track(s)")
        return True

    @Slot(str, result=bool)
    def startConfirmed(self, url_or_path: str) -> bool:  # noqa: N802 (a QML slot)
        """Start an export the person confirmed after confirmationNeeded."""
        return self._start(url_or_path, confirmed=True)

    def _start(self, url_or_path: str, *, confirmed: bool) -> bool:
        if self._running:
            return False
        project = self._doc.project
        if project.duration() == 0:
            self.failed.emit("The timeline is empty.", "Put some clips on the timeline, then export.")
            return False
        out = Path(local_path(url_or_path))
        if self._options is not None:  # the preset decides the container, so it decides the suffix
            out = out.with_suffix(self._options.chosen_preset.suffix)
        elif out.suffix.lower() not in (".mp4", ".mov", ".mkv"):
            out = out.with_suffix(".mp4")
        try:  # refused before anything starts: the target is one of the project's own files
            check_export_target(project, self._doc.working_path, out)
        except LtxEditorError as exc:
            self.failed.emit(exc.message, exc.hint)
            return False
        frames, fps = (self._options.extent(project.duration(), project.settings.fps) if self._options is not None
                       else (project.duration(), project.settings.fps))
        question = None if confirmed else export_question(project, frames=frames, fps=fps)
        if question is not None:
            self.confirmationNeeded.emit(question, str(out))
            return False
        # The export reads a copy, so editing during a long export cannot change what is being written; not a
        # deep copy, which took 7 ms for 12 clips and 270 ms for 1,000 on the GUI thread (project_snapshot.py).
        snapshot, project_path = detached_copy(project), self._doc.working_path
        self._cancel = threading.Event()
        self._running, self._fraction, self._target = True, 0.0, str(out)
        self.changed.emit()
        self._idle.clear()
        self._jobs.put((snapshot, project_path, out, self._cancel, self._options))
        return True

    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                self._run(*job)
            finally:
                self._idle.set()

    def _run(self, project, project_path: Path, out: Path, cancel: threading.Event,
             options: ExportOptions | None = None) -> None:
        from ltx_editor.core.export import export_timeline

        try:
            written = export_timeline(project, project_path, out, progress=self._progress.emit, cancel=cancel,
                                      options=options)
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
        self._idle.wait(timeout_s)

    def _on_progress(self, fraction: float) -> None:
        self._fraction = max(0.0, min(1.0, fraction))
        self.changed.emit()

    def _on_done(self, outcome: str, text: str, hint: str) -> None:
        self._running = False
        self._cancel = None
        self.changed.emit()
        if outcome == "ok":
            self._written = text
            self.changed.emit()
            self.finished.emit(text)
        elif outcome == "cancelled":
            self.cancelled.emit()
        else:
            self.failed.emit(text, hint)

    running = Property(bool, lambda self: self._running, notify=changed)
    progress = Property(float, lambda self: self._fraction, notify=changed)
    target = Property(str, lambda self: self._target, notify=changed)
    written = Property(str, lambda self: self._written, notify=changed)  # the last file an export wrote
    # For "Open folder": the written file's folder as a URL (QML hands it to Qt.openUrlExternally)
    folderUrl = Property(str, lambda self: QUrl.fromLocalFile(str(Path(self._written).parent)).toString()
                         if self._written else "", notify=changed)
