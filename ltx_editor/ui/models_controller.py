"""The model manager's controller: this machine's hardware, the models on disk with their downloads, the LoRA
library, and the local readiness context the generate panel judges with.

The hardware probe runs on a thread (nvidia-smi can take a few hundred ms); downloads run in child processes
(model_store.Download) whose reader threads report through a queued signal, so the GUI thread never waits.
"""
from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement, QmlUncreatable

from ltx_editor.core.catalog import CATALOG
from ltx_editor.core.errors import LtxEditorError
from ltx_editor.generation import hardware, lora_library
from ltx_editor.generation.hardware import GIB, Hardware
from ltx_editor.generation.model_store import Download, ModelEntry, ModelStore, Progress

from .list_model import RoleListModel
from .preferences import Preferences

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
STATE_NAMES = {"absent": "Not downloaded", "partial": "Partly downloaded", "downloaded": "Downloaded",
               "in_use": "In use"}


def _gb(n: int | float | None) -> str:
    return f"{n / 1e9:.1f} GB" if n else "—"


class ModelRow:
    def __init__(self, entry: ModelEntry) -> None:
        self.entry = entry
        self.progress: Progress | None = None

    @property
    def downloading(self) -> bool:
        return self.progress is not None and self.progress.stage in ("planning", "downloading")


@QmlElement
@QmlUncreatable("ManagedModels belongs to the ModelsController.")
class ManagedModels(RoleListModel):
    ROLES = ("modelId", "name", "family", "modelState", "stateText", "sizeText", "downloadText", "vramText", "fits",
             "verdict", "precision", "where", "path", "downloading", "paused", "fraction", "progressText",
             "problem")

    def key(self, row: ModelRow) -> str:
        return row.entry.model_id

    def role_value(self, row: ModelRow, name: str) -> Any:
        e, p = row.entry, row.progress
        if name == "fraction":
            return p.fraction if p is not None and p.fraction is not None else (
                (e.size_bytes + e.partial_bytes) / e.download_bytes if e.download_bytes else 0.0)
        values = {
            "modelId": e.model_id, "name": e.name, "family": e.family, "modelState": e.state,
            "stateText": STATE_NAMES[e.state] + (f" ({e.where})" if e.where and e.state != "absent" else ""),
            "sizeText": _gb(e.size_bytes + e.partial_bytes), "downloadText": _gb(e.download_bytes),
            "vramText": f"{e.vram_gb:.0f} GB VRAM", "fits": e.fits, "verdict": e.verdict,
            "precision": e.precision, "where": e.where, "path": e.path, "downloading": row.downloading,
            "paused": e.paused and not row.downloading,
            "progressText": p.describe() if p is not None else "",
            "problem": f"{p.message} {p.hint}".strip() if p is not None and p.stage == "failed" else "",
        }
        return values[name]


@QmlElement
@QmlUncreatable("LoraLibrary belongs to the ModelsController.")
class LoraLibrary(RoleListModel):
    ROLES = ("name", "path", "family", "triggers", "sizeText", "problem")

    def key(self, info: lora_library.LoraInfo) -> str:
        return info.path

    def role_value(self, info: lora_library.LoraInfo, name: str) -> Any:
        return {"name": info.name, "path": info.path, "family": info.family, "triggers": ", ".join(info.triggers),
                "sizeText": f"{info.size_bytes / 1e6:.0f} MB", "problem": info.error}[name]


@QmlElement
@QmlUncreatable("ModelsController is made by the app controller.")
class ModelsController(QObject):
    hardwareChanged = Signal()
    modelsChanged = Signal()
    error = Signal(str, str)  # message, hint
    _progressed = Signal(object)  # a Progress, from a download's reader thread (queued to the GUI thread)
    _probed = Signal(int, object)  # (probe number, Hardware), from the probe thread

    def __init__(self, preferences: Preferences, parent: QObject | None = None, *,
                 endpoint: str | None = None) -> None:
        super().__init__(parent)
        self._prefs = preferences
        self._endpoint = endpoint  # the Hub's address (tests: the fake hub); None = HF_ENDPOINT / huggingface.co
        self._hw: Hardware | None = None
        self._models = ManagedModels(self)
        self._loras = LoraLibrary(self)
        self._downloads: dict[str, Download] = {}
        self._running: dict[str, str] = {}  # running local job id -> its model id
        self._installer: Any = None
        self._install_text, self._install_ok = "", False
        self._installLine.connect(self._on_install_line)
        self._installDone.connect(self._on_install_done)
        self._progressed.connect(self._on_progress)
        self._probe_count = 0  # a probe's result counts only if no newer probe or set_hardware came since
        self._probed.connect(self._on_probed)
        self._store = self._make_store()
        preferences.changed.connect(self._prefs_changed)
        self.rescan()
        self.scanLoras()

    # -- hardware -----------------------------------------------------------------------------------------
    @Slot()
    def refreshHardware(self) -> None:
        """Probe again on a thread (a driver was installed, VRAM or disk was freed)."""
        folder = str(self._store.models_dir)
        self._probe_count += 1
        number = self._probe_count
        threading.Thread(target=lambda: self._probed.emit(number, hardware.probe(folder, refresh=True)),
                         name="hardware-probe", daemon=True).start()

    def probe_now(self, refresh: bool = False) -> Hardware:
        """Probe on this thread (cached unless `refresh`): the CLI-like path, and tests."""
        self.set_hardware(hardware.probe(str(self._store.models_dir), refresh=refresh))
        assert self._hw is not None
        return self._hw

    def set_hardware(self, hw: Hardware) -> None:
        self._probe_count += 1
        self._on_probed(self._probe_count, hw)

    @Slot(int, object)
    def _on_probed(self, number: int, hw: Hardware) -> None:
        if number != self._probe_count:  # a slower, older probe: what came since stands
            return
        self._hw = hw
        self.hardwareChanged.emit()
        self.rescan()

    @property
    def hardware(self) -> Hardware | None:
        return self._hw

    def _summary(self) -> str:
        return self._hw.summary() if self._hw is not None else "Checking this machine…"

    def _details(self) -> list[str]:
        hw = self._hw
        if hw is None:
            return ["Checking this machine…"]
        lines = [f"{g.vendor.upper()} {g.describe()}" + (f", driver {g.driver}" if g.driver else "") for g in hw.gpus]
        lines = lines or ["No GPU found" + (f" ({hw.notes[0]})" if hw.notes else "")]
        lines.append(hw.torch.describe() + ("" if hw.torch.build == "absent" or not hw.gpus
                                            else " — can use this GPU" if hw.torch_can_use_gpu
                                            else " — cannot use this GPU"))
        lines.append(f"RAM {hw.ram_total_bytes / GIB:.1f} GB ({hw.ram_available_bytes / GIB:.1f} GB available)")
        lines.append(f"Models folder {self._store.models_dir}: {hw.disk_free_bytes / GIB:.1f} GB free")
        lines.append(f"{hw.system}; probed in {hw.probe_ms:.0f} ms")
        return lines

    hardwareSummary = Property(str, _summary, notify=hardwareChanged)
    hardwareDetails = Property(list, _details, notify=hardwareChanged)
    hasGpu = Property(bool, lambda self: bool(self._hw and self._hw.gpus), notify=hardwareChanged)

    # -- the models ---------------------------------------------------------------------------------------
    def _make_store(self) -> ModelStore:
        v = self._prefs.values
        return ModelStore(v.model_cache_dir or None, v.model_dirs)

    def _prefs_changed(self) -> None:
        fresh = self._make_store()
        if (fresh.models_dir, fresh.extra_dirs) != (self._store.models_dir, self._store.extra_dirs):
            moved = fresh.models_dir != self._store.models_dir
            fresh.in_use = self._store.in_use
            self._store = fresh
            self.rescan()
            if moved:  # the free disk shown (and checked before downloads) is the new folder's
                self.refreshHardware()
        self.scanLoras()

    @property
    def store(self) -> ModelStore:
        return self._store

    @Slot()
    def rescan(self) -> None:
        rows = {r.entry.model_id: r for r in self._models.items}
        fresh = []
        for entry in self._store.scan(self._hw):
            row = rows.get(entry.model_id) or ModelRow(entry)
            row.entry = entry
            fresh.append(row)
        self._models.sync(fresh, same=lambda a, b: False)
        self.modelsChanged.emit()

    def entries(self) -> dict[str, ModelEntry]:
        return {r.entry.model_id: r.entry for r in self._models.items}

    def set_in_use(self, model_ids: set[str]) -> None:
        """Mark the models local jobs are running with. Only those rows' state changes, so no folder is scanned:
        a full rescan here ran on the GUI thread at every local job's start and end (seen in stall traces).
        Not modelsChanged either: "in use" and "downloaded" are the same to every backend verdict
        (local_readiness), and that signal made the generate panel judge every backend again (5-13 ms of GUI
        thread per job start and end, measured in the GUI stall bench)."""
        if model_ids == self._store.in_use:
            return
        self._store.in_use = set(model_ids)
        for row in self._models.items:
            if row.entry.state in ("downloaded", "in_use"):
                state = "in_use" if row.entry.model_id in model_ids else "downloaded"
                if state != row.entry.state:
                    row.entry = replace(row.entry, state=state)
                    self._models.upsert(row)

    @Slot(object)
    def on_job_changed(self, job: Any) -> None:
        """A local job running with a catalog model marks it "in use" (it cannot be deleted meanwhile)."""
        running = dict(self._running)
        request = getattr(job, "request", None)
        if job.state == "running" and request is not None and request.backend == "local":
            running[job.id] = request.settings.model_id
        else:
            running.pop(job.id, None)
        if running != self._running:
            self._running = running
            self.set_in_use(set(running.values()))

    models = Property(ManagedModels, lambda self: self._models, constant=True)
    loras = Property(LoraLibrary, lambda self: self._loras, constant=True)
    modelsFolder = Property(str, lambda self: str(self._store.models_dir), notify=modelsChanged)
    modelFolders = Property(list, lambda self: [str(d) for d in self._store.extra_dirs], notify=modelsChanged)
    downloading = Property(bool, lambda self: any(d.running for d in self._downloads.values()), notify=modelsChanged)

    # -- downloads ----------------------------------------------------------------------------------------
    @Slot(str)
    def download(self, model_id: str) -> None:
        """Start (or resume) a download; progress arrives in the row. A running one is left alone."""
        if model_id in self._downloads and self._downloads[model_id].running:
            return
        if model_id not in CATALOG:
            self.error.emit(f"Unknown model {model_id!r}.", "")
            return
        dl = Download(self._store, model_id, self._progressed.emit, endpoint=self._endpoint)
        self._downloads[model_id] = dl
        try:
            dl.start()
        except (OSError, LtxEditorError) as exc:
            self._downloads.pop(model_id, None)
            self.error.emit(f"The download of {CATALOG[model_id].name} could not start: {exc}", "")
            return
        self._set_progress(model_id, Progress(model_id, "planning", message="Starting…"))
        self.modelsChanged.emit()

    resume = download

    @Slot(str)
    def pause(self, model_id: str) -> None:
        if (dl := self._downloads.get(model_id)) is not None:
            dl.pause()

    @Slot(str)
    def cancel(self, model_id: str) -> None:
        """Stop at once and throw the unfinished bytes away (the child is killed; cleaning is on a thread)."""
        dl = self._downloads.get(model_id)
        if dl is not None:
            threading.Thread(target=dl.cancel, name=f"cancel-{model_id}", daemon=True).start()
        else:  # paused (maybe before a restart): nothing runs, only its bytes and journal entry to drop
            self._store.discard_partial(model_id)
            self.rescan()

    @Slot(str, result=str)
    def remove(self, model_id: str) -> str:
        """Delete a downloaded model; returns "" or what went wrong, in words."""
        if (dl := self._downloads.get(model_id)) is not None and dl.running:
            return "Cancel its download first."
        try:
            freed = self._store.remove(model_id)
        except (LtxEditorError, OSError) as exc:
            return str(exc)
        self.rescan()
        self.refreshHardware()  # free disk changed
        return f"Freed {freed / 1e9:.1f} GB." if freed else ""

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        self._set_progress(progress.model_id, progress)
        if progress.stage in ("done", "paused", "cancelled", "failed"):
            self._downloads.pop(progress.model_id, None)  # a paused one resumes with a new child
            self.rescan()
            self.modelsChanged.emit()
            if progress.stage == "done":
                self.refreshHardware()

    def _set_progress(self, model_id: str, progress: Progress) -> None:
        row = self._models.item(model_id)
        if row is not None:
            row.progress = progress
            self._models.upsert(row)

    def shutdown(self) -> None:
        """Quit: stop every download at once (each resumes next time from what it wrote)."""
        for dl in list(self._downloads.values()):
            dl.pause()

    # -- installing local generation (the [local] extra) ------------------------------------------------------
    LOCAL_MODULES = ("torch", "diffusers", "transformers")  # all importable = local generation is installed
    install_requirements: list[str] | None = None  # None = the [local] extra (tests: a tiny local package)
    install_args: tuple[str, ...] = ()  # extra pip arguments (tests: --no-index --target DIR)
    installChanged = Signal()
    _installLine = Signal(str)  # from the installer's thread (queued)
    _installDone = Signal(bool, str)

    def _local_installed(self) -> bool:
        import importlib.util

        return all(importlib.util.find_spec(m) is not None for m in self.LOCAL_MODULES)

    @Slot()
    def installLocal(self) -> None:
        """pip install the [local] extra (torch from the CUDA index this GPU's driver can use) in a child."""
        if self._installer is not None:
            return
        from ltx_editor.generation.local_install import Installer, install_commands, torch_index

        self._install_text, self._install_ok = "Starting pip…", False
        hw = self._hw
        cpu_wheel_on_nvidia = hw is not None and hw.torch.build == "cpu" and any(g.vendor == "nvidia" for g in hw.gpus)
        commands = install_commands(self.install_requirements, index=torch_index(), extra_args=self.install_args,
                                    replace_torch=cpu_wheel_on_nvidia)
        self._installer = Installer(commands, self._installLine.emit, self._installDone.emit).start()
        self.installChanged.emit()

    @Slot()
    def cancelInstall(self) -> None:
        if self._installer is not None:
            self._installer.cancel()

    @Slot(str)
    def _on_install_line(self, line: str) -> None:
        self._install_text = line[-200:]
        self.installChanged.emit()

    @Slot(bool, str)
    def _on_install_done(self, ok: bool, message: str) -> None:
        self._installer = None
        self._install_text, self._install_ok = message, ok
        self.installChanged.emit()
        if ok:
            self.refreshHardware()  # the torch build changed; readiness is judged again (no restart)
        else:
            self.error.emit(message, "Run `pip install 'ltx-editor[local]'` in a terminal to see every line.")

    localInstalled = Property(bool, _local_installed, notify=installChanged)
    installing = Property(bool, lambda self: self._installer is not None, notify=installChanged)
    installText = Property(str, lambda self: self._install_text, notify=installChanged)

    # -- folders and LoRAs ----------------------------------------------------------------------------------
    @Slot(str)
    def addModelFolder(self, path: str) -> None:
        from PySide6.QtCore import QUrl

        url = QUrl(path)
        path = url.toLocalFile() if url.isLocalFile() else path
        if path and path not in self._prefs.values.model_dirs:
            self._prefs.values.model_dirs = [*self._prefs.values.model_dirs, path]
            self._prefs.changed.emit()
            self._prefs.save()

    @Slot(str)
    def removeModelFolder(self, path: str) -> None:
        if path in self._prefs.values.model_dirs:
            self._prefs.values.model_dirs = [p for p in self._prefs.values.model_dirs if p != path]
            self._prefs.changed.emit()
            self._prefs.save()

    @Slot()
    def scanLoras(self) -> None:
        folders = [self._prefs.values.lora_dir, *self._prefs.values.model_dirs]
        found: dict[str, lora_library.LoraInfo] = {}
        for folder in folders:
            if folder:
                for info in lora_library.scan(folder):
                    found.setdefault(info.path, info)
        self._loras.sync(sorted(found.values(), key=lambda i: i.name.lower()))

    # -- readiness for the generate panel --------------------------------------------------------------------
    def local_context(self, model_id: str, cloud_offer: tuple[str, str] | None = None, *,
                      steps: int | None = None, work: int | None = None) -> dict | None:
        """local_readiness.judge's arguments for `model_id` (None until the hardware is known); `steps` and `work`
        (width x height x frames) size the CPU time estimate."""
        info = CATALOG.get(model_id)
        if info is None:
            return None
        return {"info": info, "hw": self._hw, "entries": self.entries(), "allow_cpu": self._prefs.values.allow_cpu,
                "cloud_offer": cloud_offer, "steps": steps, "work": work}


__all__ = ["LoraLibrary", "ManagedModels", "ModelsController"]
