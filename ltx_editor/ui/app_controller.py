"""The application: owns the document, the models and controllers, the generation worker, the budget and the
job intake, and the project lifecycle (new/open/recover/save/save as/autosave). QML gets it as Main.qml's
one required property."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QObject, QTimer, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.media_place import adopt_media
from ltx_editor.core.project import JobRecord
from ltx_editor.generation.cost import BudgetGuard
from ltx_editor.generation.queue import Job

from .bin_controller import BinController
from .bin_model import BinModel
from .cast_controller import CastController
from .cloud_fallback import CloudFallback
from .document import ProjectDocument, blank_project
from .export_controller import ExportController
from .frame_actions import FrameActions
from .generate_controller import GenerateController
from .job_intake import JobIntake
from .jobs_model import JobsModel
from .models_controller import ModelsController
from .preferences import Preferences
from .preview_controller import PreviewController
from .retake_controller import RetakeController
from .span_controller import SpanController
from .storyboard_controller import StoryboardController
from .takes_controller import TakesController
from .urls import local_path
from .worker import GenerationWorker

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
log = logging.getLogger(__name__)
PROJECT_SUFFIX = ".ltxproj"


def provider_options(backend: str, prefs: Preferences) -> dict[str, Any]:
    """The factory's keyword options for a backend, from the preferences (cloud keys come from the keychain)."""
    v = prefs.values
    if backend != "local":
        return {}
    # allow_cpu: the local workers come from the hardware probe (one per GPU; a CPU one only when allowed).
    options: dict[str, Any] = {"cache_dir": v.model_cache_dir or None, "allow_cpu": v.allow_cpu}
    if v.remote_worker:  # local jobs run on another machine's worker (its token: secrets, service "worker")
        options["remote_worker"] = {"address": v.remote_worker, "verify": v.remote_worker_ca or True}
    if v.enhance_endpoint and v.enhance_model:
        from ltx_editor.generation.enhance import PromptEnhancer

        options["enhancer"] = PromptEnhancer(v.enhance_endpoint, v.enhance_model)
    return options


@QmlElement
@QmlUncreatable("AppController is made by ltx_editor.app.main().")
class AppController(QObject):
    errorOccurred = Signal(str, str)  # message, hint: shown in a dialog
    noticeOccurred = Signal(str)  # a non-blocking note (saved, exported...)
    recoveryOffered = Signal(str)  # a project whose autosave is newer than the file
    projectLocked = Signal(str, str)  # a project another editor has open, who has it (open read-only/anyway?)
    saveAsOffered = Signal(str, str)  # the file cannot be replaced (read-only): message, hint; QML offers Save As
    recentChanged = Signal()
    cloudFallbackOffered = Signal(str, str)  # failed local job id, the cloud offer in words (cost first)

    def __init__(self, preferences: Preferences | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._prefs = preferences or Preferences(self)
        self._doc = ProjectDocument(self)
        # The one cost owner: every job reserves its estimate when queued, so the cap holds across them all.
        self._budget = BudgetGuard(lambda: self._doc.project)
        self._cast = CastController(self._doc, self)  # its hook expands @names in every job's prompt
        self._worker = GenerationWorker(lambda backend: provider_options(backend, self._prefs),
                                        self._doc.output_dir, before_submit=self._cast.expand_job, parent=self,
                                        budget=self._budget)
        self._intake = JobIntake(self._doc, self._worker.queue, self._budget, self)
        self._jobs = JobsModel(self)
        self._machine = ModelsController(self._prefs, self)  # hardware, models on disk, downloads
        self._generate = GenerateController(self._prefs, self._worker.queue.submit, self)
        self._generate.use_machine(self._machine)
        self._generate.follow_project(self._doc)  # new projects' size and rate become the generation defaults
        self._bin_actions = BinController(self._doc, self._generate, self._intake, self)
        self._bin = BinModel(self, self._doc)
        self._frames = FrameActions(self._doc, self._generate, self)
        self._spans = SpanController(self._doc, self._generate, self._intake, self)
        self._retakes = RetakeController(self._doc, self._generate, self._intake, self,
                                         enhancer=lambda: provider_options("local", self._prefs).get("enhancer"))
        self._takes = TakesController(self._doc, self._generate, self._intake, self)
        self._storyboard = StoryboardController(
            self._doc, self._generate, self._intake, self,
            enhancer=lambda: provider_options("local", self._prefs).get("enhancer"))
        self._preview = PreviewController(self, self._doc)
        self._export = ExportController(self._doc, self)
        self._fallback = CloudFallback(self._prefs, self._worker.queue.submit, self)
        self._open_access = "edit"  # how the project being opened is opened (the lock dialog's answer)
        self._autosave = QTimer(self)
        self._autosave.timeout.connect(self.autosaveNow)
        self._wire()
        self._apply_autosave_interval()

    def _wire(self) -> None:
        self._worker.jobChanged.connect(self._jobs.on_job_changed)
        self._worker.jobRemoved.connect(self._jobs.on_job_removed)
        self._worker.jobChanged.connect(self._on_job_changed)
        self._worker.jobChanged.connect(self._takes.on_job_changed)  # after the intake took the result in
        self._worker.jobChanged.connect(self._machine.on_job_changed)  # a running local model is "in use"
        self._intake.resultArrived.connect(self._show_result)
        for source in (self._generate, self._bin_actions, self._intake, self._frames, self._spans, self._storyboard,
                       self._retakes, self._cast, self._takes):
            source.error.connect(self.errorOccurred)
        for source in (self._intake, self._spans, self._storyboard):
            source.notice.connect(self.noticeOccurred)
        self._fallback.offered.connect(self.cloudFallbackOffered)
        self._fallback.error.connect(self.errorOccurred)
        self._export.failed.connect(self.errorOccurred)
        self._export.finished.connect(lambda path: self.noticeOccurred.emit(f"Exported {Path(path).name}"))
        self._export.timelineExported.connect(
            lambda path: self.noticeOccurred.emit(f"Exported the timeline to {Path(path).name}"))
        self._export.timelineImported.connect(self.noticeOccurred)
        self._prefs.error.connect(lambda msg: self.errorOccurred.emit(msg, ""))
        self._prefs.changed.connect(self._apply_autosave_interval)
        self._doc.autosaveFailed.connect(self._autosave_failed)
        self._prefs.changed.connect(self._worker.reset_providers)
        self._prefs.keysChanged.connect(self._worker.reset_providers)

    # -- lifetime ------------------------------------------------------------------------------------------
    def start(self) -> None:
        self._worker.start()
        self._machine.refreshHardware()  # on a thread: nvidia-smi may take a moment

    @Slot()
    def shutdown(self) -> None:
        self._autosave.stop()
        self._export.cancel()
        self._export.wait(10)
        self._machine.shutdown()  # downloads stop at once; each resumes next time
        self._worker.stop()
        self._doc.close()  # finishes the last autosave, lets go of the project's lock

    # -- jobs ----------------------------------------------------------------------------------------------
    @Slot(result=int)
    def activeJobCount(self) -> int:
        """Jobs running or waiting (Quit asks about them first)."""
        return sum(1 for j in self._worker.queue.jobs if j.state in ("queued", "running"))

    def _show_result(self, asset_id: str) -> None:
        """A new result shows in the preview, and plays by itself when it is the last one: nothing else queued
        or running, no export. Playing decodes and draws on the CPUs the other work uses, and each result of a
        batch taking the player over would stop the one before (bench_gui_stall: with 3 generations and an
        export, auto-playing each result made the GUI's longest gap 50-111 ms, against 22-38 ms shown paused)."""
        self._preview.showAsset(asset_id, self.activeJobCount() == 0 and not self._export.running)

    @Slot()
    def cancelAllJobs(self) -> None:
        for job in self._worker.queue.jobs:
            if job.state in ("queued", "running"):
                self._worker.queue.cancel(job.id)

    def _on_job_changed(self, job: Job) -> None:
        if self._intake.on_job_changed(job):  # its result came into the project just now
            self._jobs.on_job_changed(job)  # shows "open result" now that the asset exists
        # `finished` is set only when it failed in this session (a restored failed job has none).
        if job.state == "failed" and job.error is not None and job.finished:
            self._fallback.on_failed(job)  # offered in the cloud (cost first), or reported

    @Slot(str, result=str)
    def acceptCloudFallback(self, job_id: str) -> str:
        """Queue the offered cloud job (the budget applies); its id, or "" when refused (errorOccurred says why)."""
        return self._fallback.accept(job_id)

    @Slot(str)
    def declineCloudFallback(self, job_id: str) -> None:
        self._fallback.forget(job_id)

    @Slot(str)
    def cancelJob(self, job_id: str) -> None:
        self._worker.queue.cancel(job_id)

    @Slot(str)
    def retryJob(self, job_id: str) -> None:
        self._fallback.forget(job_id)  # retried locally: the cloud offer no longer stands
        try:
            self._worker.queue.retry(job_id)
        except (LtxEditorError, ValueError, KeyError) as exc:
            self.errorOccurred.emit(f"Cannot retry: {exc}", "")

    @Slot(str)
    def removeJob(self, job_id: str) -> None:
        self._fallback.forget(job_id)
        self._worker.queue.remove(job_id)
        self._doc.mark_dirty("jobs")

    @Slot(str)
    def openJobResult(self, job_id: str) -> None:
        job = self._jobs.job(job_id)
        if job is not None and job.result_asset_id:
            self._preview.showAsset(job.result_asset_id, True)

    # -- project lifecycle ---------------------------------------------------------------------------------
    @Slot()
    def newProject(self) -> None:
        self._replace(blank_project(), None)

    @Slot(str, result=bool)
    def openProject(self, url_or_path: str) -> bool:
        """Open a project; when another editor has it (projectLocked) or its autosave is newer
        (recoveryOffered), ask first instead of opening."""
        from ltx_editor.core.project_lock import owner

        path = Path(local_path(url_or_path))
        holder = owner(path)
        if holder is not None:
            self.projectLocked.emit(str(path), holder.describe())
            return False
        return self.openProjectWith(str(path), "edit")

    @Slot(str, str, result=bool)
    def openProjectWith(self, path: str, access: str) -> bool:
        """Open with `access`: "edit" (locked for this editor), "read-only" or "anyway" (the lock dialog's
        answers); a newer autosave is still offered first."""
        from ltx_editor.core.project_io import recovery_available

        self._open_access = access if access in ("edit", "read-only", "anyway") else "edit"
        path = Path(path)
        if recovery_available(path) is not None and path.exists():
            self.recoveryOffered.emit(str(path))
            return False
        return self.openProjectFile(str(path), False)

    @Slot(str, bool, result=bool)
    def openProjectFile(self, path: str, recover: bool) -> bool:
        from ltx_editor.core.project_io import discard_recovery, load_project

        try:
            if not recover and Path(path).exists():
                discard_recovery(path)  # the person chose the saved file over the autosave
            loaded = load_project(path, recover=recover)
        except LtxEditorError as exc:
            self.errorOccurred.emit(exc.message, exc.hint)
            return False
        access, self._open_access = self._open_access, "edit"
        try:
            self._replace(loaded.project, loaded.path, dirty=loaded.recovered_from is not None, access=access)
        except LtxEditorError as exc:  # another editor took the lock meanwhile: nothing was replaced
            self.errorOccurred.emit(exc.message, exc.hint)
            return False
        self._prefs.add_recent(loaded.path)
        self.recentChanged.emit()
        if loaded.missing_media:
            names = ", ".join(Path(m).name for m in loaded.missing_media[:5])
            more = f" and {len(loaded.missing_media) - 5} more" if len(loaded.missing_media) > 5 else ""
            self.errorOccurred.emit(f"{len(loaded.missing_media)} media file(s) are missing: {names}{more}.",
                                    "Their clips show as offline until the files are back.")
        return True

    def _replace(self, project, path: Path | None, dirty: bool = False, access: str = "edit") -> None:
        if path is not None and access == "edit":
            from ltx_editor.core.project_lock import acquire

            acquire(path).release()  # refused (ProjectLocked) before the old project's jobs are dropped
        queue = self._worker.queue
        self._fallback.forget_all()  # offers belong to the old project's jobs
        for job in queue.jobs:  # the old project's jobs go with it (a running one is cancelled)
            queue.remove(job.id)
        records = [r.model_dump() for r in project.jobs]
        self._doc.replace(project, path, dirty=dirty, access=access)
        if records:
            queue.restore(records)

    @Slot(result=bool)
    def save(self) -> bool:
        """Save to the current file; False when there is none yet (QML then asks for one) or it failed."""
        if self._doc.file_path is None:
            return False
        return self._save_to(self._doc.file_path)

    @Slot(str, result=bool)
    def saveAs(self, url_or_path: str) -> bool:
        path = Path(local_path(url_or_path))
        stem = path.name[: -len(PROJECT_SUFFIX)] if path.name.endswith(PROJECT_SUFFIX) else path.name
        if not stem or stem.startswith(".") or not path.is_absolute():
            # e.g. a file dialog accepted with an empty name: never write a hidden file in the working folder
            self.errorOccurred.emit(f"“{path.name}” is not a project file name.",
                                    "Type a name for the project, e.g. my-film.ltxproj.")
            return False
        if path.suffix != PROJECT_SUFFIX:
            path = path.with_name(path.name + PROJECT_SUFFIX)
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        from ltx_editor.core.errors import ProjectReadOnly

        project = self._doc.project
        try:
            self._doc.wait_for_saves()  # an autosave in flight shares the takes whose paths adopt_media moves
            adopt_media(project, self._doc.working_path, path)
            project.jobs = [JobRecord.model_validate(r) for r in self._worker.queue.to_records()]
            self._doc.save(path)  # snapshot here; encoded and written on the save worker
        except ProjectReadOnly as exc:
            self.saveAsOffered.emit(exc.message, exc.hint)
            return False
        except (LtxEditorError, OSError) as exc:
            message, hint = (exc.message, exc.hint) if isinstance(exc, LtxEditorError) else (str(exc), "")
            self.errorOccurred.emit(f"Could not save the project: {message}", hint)
            return False
        self._doc.edited.emit(["bin"])  # media paths may have moved in
        self._prefs.add_recent(path)
        self.recentChanged.emit()
        self.noticeOccurred.emit(f"Saved {path.name}")
        return True

    @Slot()
    def autosaveNow(self) -> None:
        """Autosave off the GUI thread: only the snapshot is taken here (a failure comes back as a note)."""
        if self._doc.file_path is None or not self._doc.dirty:
            return
        try:
            project = self._doc.project
            project.jobs = [JobRecord.model_validate(r) for r in self._worker.queue.to_records()]
        except (LtxEditorError, ValueError) as exc:
            self._autosave_failed(str(exc))
            return
        self._doc.autosave_in_background()

    def _autosave_failed(self, reason: str) -> None:  # worth a note, not a modal dialog
        log.warning("autosave failed: %s", reason)
        self.noticeOccurred.emit("Autosave failed; save the project to keep your work.")

    def _apply_autosave_interval(self) -> None:
        minutes = self._prefs.values.autosave_minutes
        if minutes <= 0:
            self._autosave.stop()
        elif self._autosave.interval() != minutes * 60_000 or not self._autosave.isActive():
            self._autosave.start(minutes * 60_000)

    @Slot(str, result=str)
    def suggestedExportPath(self, _unused: str = "") -> str:
        base = self._doc.file_path or self._doc.working_path
        return str(base.with_suffix(".mp4"))

    # -- what QML binds to -------------------------------------------------------------------------------------
    document = Property(ProjectDocument, lambda self: self._doc, constant=True)
    preferences = Property(Preferences, lambda self: self._prefs, constant=True)
    binModel = Property(BinModel, lambda self: self._bin, constant=True)
    binActions = Property(BinController, lambda self: self._bin_actions, constant=True)
    jobs = Property(JobsModel, lambda self: self._jobs, constant=True)
    generate = Property(GenerateController, lambda self: self._generate, constant=True)
    modelManager = Property(ModelsController, lambda self: self._machine, constant=True)
    preview = Property(PreviewController, lambda self: self._preview, constant=True)
    exporter = Property(ExportController, lambda self: self._export, constant=True)
    frames = Property(FrameActions, lambda self: self._frames, constant=True)
    spans = Property(SpanController, lambda self: self._spans, constant=True)
    retakes = Property(RetakeController, lambda self: self._retakes, constant=True)
    storyboard = Property(StoryboardController, lambda self: self._storyboard, constant=True)
    cast = Property(CastController, lambda self: self._cast, constant=True)
    takes = Property(TakesController, lambda self: self._takes, constant=True)
    recentFiles = Property(list, lambda self: list(self._prefs.values.recent_files), notify=recentChanged)

    @property
    def worker(self) -> GenerationWorker:
        return self._worker

    @property
    def budget(self) -> BudgetGuard:
        return self._budget

    @property
    def intake(self) -> JobIntake:
        return self._intake
