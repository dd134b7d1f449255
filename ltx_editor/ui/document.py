"""The open project as QML sees it: the core Project, its file path, the dirty flag, undo/redo, the playhead.

Every timeline edit is applied by a core function (which validates and applies it) and then pushed here
with `apply_edit`, so it becomes exactly one undo step. Views listen to `edited(ids_or_kinds)` and refresh
only what changed; `projectReplaced` means "reload everything" (new/open/revert).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtQml import QmlElement

from ltx_editor.core import project_lock
from ltx_editor.core.errors import ProjectReadOnly
from ltx_editor.core.ids import new_id
from ltx_editor.core.project import Project, Track
from ltx_editor.core.project_saver import BackgroundSaver

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1

# Kinds a listener may receive in `edited` besides concrete ids (clip/track/asset/keyframe/marker ids).
EDIT_KINDS = ("timeline", "tracks", "clips", "keyframes", "markers", "bin", "jobs", "settings")


def blank_project(name: str = "Untitled") -> Project:
    """A new project with one video and one audio track, ready to receive clips."""
    return Project(name=name, tracks=[Track(id=new_id("track"), kind="video", name="V1"),
                                      Track(id=new_id("track"), kind="audio", name="A1")])


def affected_by(edit: Any) -> list[str]:
    """The ids/kinds an Edit touched: its `affected` list when it has one, plus the timeline kind."""
    found = [str(x) for x in (getattr(edit, "affected", None) or ())]
    found += [str(x) for x in (getattr(edit, "created", None) or ()) if str(x) not in found]
    kinds = getattr(edit, "kinds", None) or ("timeline",)
    return found + [k for k in kinds if k not in found]


@QmlElement
class ProjectDocument(QObject):
    projectReplaced = Signal()
    # ids and/or EDIT_KINDS that changed: a Python list passed as is (Signal(list) converted it to a
    # QVariantList and back for every receiver: 7 ms for a ripple naming 5,000 clips)
    edited = Signal(object)
    dirtyChanged = Signal()
    pathChanged = Signal()
    nameChanged = Signal()
    fpsChanged = Signal()
    durationChanged = Signal()
    playheadFrameChanged = Signal()
    undoStateChanged = Signal()
    readOnlyChanged = Signal()
    autosaveFailed = Signal(str)  # emitted from the save worker; Qt queues it to the GUI thread

    def __init__(self, parent: QObject | None = None, project: Project | None = None,
                 path: str | Path | None = None) -> None:
        super().__init__(parent)
        self._project = project if project is not None else blank_project()
        self._path: Path | None = Path(path) if path else None
        self._extra_dirty = False  # changes outside the undo stack (bin additions, job records)
        self._playhead = 0
        self._duration = self._project.duration()
        self._saver = BackgroundSaver()
        self._lock: project_lock.ProjectLock | None = None
        self._read_only = False  # opened read-only because another editor has the file
        self._undo = QUndoStack(self)
        from .undo_commands import UNDO_STEPS

        self._undo.setUndoLimit(UNDO_STEPS)  # and a memory budget: undo_commands.keep_within_budget
        for sig in (self._undo.canUndoChanged, self._undo.canRedoChanged, self._undo.undoTextChanged,
                    self._undo.redoTextChanged):
            sig.connect(self.undoStateChanged)
        self._undo.cleanChanged.connect(self._on_clean_changed)  # a bound slot: disconnected with us
        self.edited.connect(self._refresh_duration)

    def _on_clean_changed(self, _clean: bool) -> None:
        self.dirtyChanged.emit()

    # -- the project ------------------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        return self._project

    @property
    def undo_stack(self) -> QUndoStack:
        return self._undo

    @property
    def file_path(self) -> Path | None:
        return self._path

    @property
    def working_path(self) -> Path:
        """The project file, or for an unsaved project a stand-in inside this session's scratch folder, so
        media paths resolve and media folders exist the same way before and after the first save."""
        from ltx_editor.core.media_place import scratch_project_path

        return self._path or scratch_project_path()

    def media_path(self, stored: str) -> Path:
        """The file a stored media path names (relative paths are relative to the project file)."""
        from ltx_editor.core.project_io import resolve_media

        return resolve_media(self.working_path, stored)

    def output_dir(self) -> Path:
        """Where generated clips and grabbed frames go: the project's media folder."""
        from ltx_editor.core.project_io import media_dir

        return media_dir(self.working_path)

    def replace(self, project: Project, path: str | Path | None, *, dirty: bool = False,
                access: str = "edit") -> None:
        """Swap in another project (new/open/recover): the undo history starts over.

        `access` for a project file: "edit" locks it (ProjectLocked, nothing changed, when another editor
        has it), "anyway" opens it beside that editor, "read-only" opens it without the right to save over it.
        """
        lock = self._lock_for(Path(path)) if path and access == "edit" else None
        self.wait_for_saves()
        self._swap_lock(lock)
        self._set_read_only(bool(path) and access == "read-only")
        self._project = project
        self._undo.clear()
        self._undo.setClean()
        self._extra_dirty = dirty
        self._set_path(Path(path) if path else None)
        self._playhead = 0
        self._duration = project.duration()
        self.projectReplaced.emit()
        for sig in (self.nameChanged, self.fpsChanged, self.durationChanged, self.playheadFrameChanged,
                    self.dirtyChanged):
            sig.emit()

    # -- saving: the snapshot is taken here; encoding and writing run on the save worker ------------------
    def save(self, path: str | Path) -> Path:
        """Save to `path` and wait (after any autosave in flight). Raises ProjectFileError; ProjectReadOnly
        when the document was opened read-only (and `path` is its file) or the file is read-only; ProjectLocked
        when `path` is another editor's open project."""
        path = Path(path)
        same = self._path is not None and path.absolute() == self._path.absolute()
        if same and self._read_only:
            raise ProjectReadOnly(f"{path.name} was opened read-only, so it was not replaced.",
                                  hint="Use Save As to keep your work in another file.")
        lock = None if same else self._lock_for(path)
        try:
            self._saver.save(self._project, path).result()
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        if lock is not None:
            self._swap_lock(lock)
            self._set_read_only(False)
        self.mark_saved(path)
        return path

    def autosave_in_background(self) -> bool:
        """Write `<file>.autosave` on the save worker when there is something to keep; the GUI thread only
        takes the snapshot. False when there was nothing to do or the previous autosave is still running.
        A read-only document does not autosave: the recovery file beside the project is the other editor's."""
        if self._path is None or not self.dirty or self._read_only:
            return False
        future = self._saver.autosave(self._project, self._path)
        if future is None:
            return False
        future.add_done_callback(self._autosave_done)
        return True

    def _autosave_done(self, future) -> None:
        error = future.exception()
        if error is not None:
            self.autosaveFailed.emit(str(error))

    def close(self) -> None:
        """Finish every write, end the save thread and let go of the project's lock (the editor is quitting).
        The document still works afterwards: a later save starts the thread again."""
        self._saver.close()
        self._swap_lock(None)

    def wait_for_saves(self) -> None:
        """Until the writes in flight have landed (before changing what a running autosave shares, e.g. the
        media paths a Save As moves)."""
        self._saver.wait()

    def _lock_for(self, path: Path) -> project_lock.ProjectLock:
        if self._lock is not None and self._lock.path == project_lock.lock_path(path):
            return self._lock  # the file this document already has open (revert, reopen)
        return project_lock.acquire(path)

    def _swap_lock(self, lock: project_lock.ProjectLock | None) -> None:
        old, self._lock = self._lock, lock
        if old is not None and old is not lock:
            old.release()

    def _set_read_only(self, value: bool) -> None:
        if value != self._read_only:
            self._read_only = value
            self.readOnlyChanged.emit()

    @property
    def read_only(self) -> bool:
        return self._read_only

    def mark_saved(self, path: str | Path) -> None:
        self._set_path(Path(path))
        self._extra_dirty = False
        self._undo.setClean()
        self.dirtyChanged.emit()

    def mark_dirty(self, *changed: str) -> None:
        """Record a change that is not an undo step (e.g. a generated asset arrived) and tell listeners."""
        was = self.dirty
        self._extra_dirty = True
        if not was:
            self.dirtyChanged.emit()
        if changed:
            self.edited.emit(list(changed))

    def _set_path(self, path: Path | None) -> None:
        if path != self._path:
            self._path = path
            self.pathChanged.emit()
            self.nameChanged.emit()

    # -- edits ------------------------------------------------------------------------------------------
    def apply_edit(self, edit: Any, merge_id: int = -1) -> None:
        """Push an Edit that a core timeline function has already applied; it becomes one undo step.

        Consecutive pushes with the same merge_id >= 0 merge into one step (a drag committed in parts).
        """
        from .undo_commands import EditCommand  # owned by the timeline half of the UI

        self._undo.push(EditCommand(self, edit, merge_id))
        self.notify_edited(edit)

    def notify_edited(self, edit: Any) -> None:
        """Called after an edit was applied, undone or redone."""
        self.edited.emit(affected_by(edit))

    def _refresh_duration(self, _changed: list) -> None:
        duration = self._project.duration()
        if duration != self._duration:
            self._duration = duration
            self.durationChanged.emit()

    @Slot()
    def undo(self) -> None:
        self._undo.undo()

    @Slot()
    def redo(self) -> None:
        self._undo.redo()

    # -- properties for QML -------------------------------------------------------------------------------
    def _get_dirty(self) -> bool:
        return self._extra_dirty or not self._undo.isClean()

    def _get_path(self) -> str:
        return str(self._path) if self._path else ""

    def _get_name(self) -> str:
        return self._path.stem if self._path else self._project.name

    def _get_fps(self) -> float:
        return float(self._project.settings.fps)

    def _get_duration(self) -> int:
        return self._duration

    def _get_playhead(self) -> int:
        return self._playhead

    def _set_playhead(self, frame: int) -> None:
        frame = max(0, int(frame))
        if frame != self._playhead:
            self._playhead = frame
            self.playheadFrameChanged.emit()

    dirty = Property(bool, _get_dirty, notify=dirtyChanged)
    readOnly = Property(bool, lambda self: self._read_only, notify=readOnlyChanged)
    path = Property(str, _get_path, notify=pathChanged)
    name = Property(str, _get_name, notify=nameChanged)
    fps = Property(float, _get_fps, notify=fpsChanged)
    durationFrames = Property(int, _get_duration, notify=durationChanged)
    playheadFrame = Property(int, _get_playhead, _set_playhead, notify=playheadFrameChanged)
    canUndo = Property(bool, lambda self: self._undo.canUndo(), notify=undoStateChanged)
    canRedo = Property(bool, lambda self: self._undo.canRedo(), notify=undoStateChanged)
    undoText = Property(str, lambda self: self._undo.undoText(), notify=undoStateChanged)
    redoText = Property(str, lambda self: self._undo.redoText(), notify=undoStateChanged)
