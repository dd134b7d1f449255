"""Editor preferences: a JSON file in the platform's config folder (never API keys: see generation/secrets.py).

QML edits the Properties (one per field); `save()` writes the file atomically.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Literal

from platformdirs import user_cache_dir, user_config_dir
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from PySide6.QtCore import Property, QObject, Signal, Slot
from PySide6.QtQml import QmlElement

QML_IMPORT_NAME = "LtxEditor"
QML_IMPORT_MAJOR_VERSION = 1
log = logging.getLogger(__name__)
MAX_RECENT = 10


class PreferenceValues(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    model_cache_dir: str = ""  # "" = Hugging Face's default cache
    model_dirs: list[str] = Field(default_factory=list)  # ComfyUI trees / folders of loose weights, used in place
    allow_cpu: bool = False  # the person chose to run local models on the CPU (slow) without a GPU
    lora_dir: str = ""
    local_model_path: str = ""  # a folder / file / hub id used instead of the catalog's hub id ("" = catalog)
    default_backend: Literal["local", "fal", "replicate"] = "local"
    # when a local job cannot run (no GPU, out of memory after the chain): the service offered, cost first
    cloud_fallback: Literal["off", "fal", "replicate"] = "fal"
    fp8: bool = False
    vae_tiling: bool = True
    cpu_offload: Literal["none", "model", "sequential", "group"] = "none"
    enhance_endpoint: str = ""  # an OpenAI-compatible base URL ("" = prompt enhancement off)
    enhance_model: str = ""
    autosave_minutes: int = Field(1, ge=0, le=120)  # 0 = off; every minute by default (Kdenlive: 60 s)
    # A worker on another machine (`ltx-editor worker --listen`): HOST:PORT or an http(s):// URL ("" = this
    # machine), and for TLS the CA bundle / certificate that signed it ("" = the system's). Its token is a secret.
    remote_worker: str = ""
    remote_worker_ca: str = ""
    recent_files: list[str] = Field(default_factory=list)


def default_path() -> Path:
    return Path(user_config_dir("ltx-editor", appauthor=False)) / "preferences.json"


def thumbnail_cache_dir() -> Path:
    return Path(user_cache_dir("ltx-editor", appauthor=False)) / "thumbnails"


def _field(name: str, kind: type, notify: Signal):
    def fget(self: Preferences):
        return getattr(self.values, name)

    def fset(self: Preferences, value) -> None:
        if getattr(self.values, name) == value:
            return
        try:
            setattr(self.values, name, value)
        except ValidationError as exc:
            self.error.emit(f"{name.replace('_', ' ')}: {exc.errors()[0]['msg']}")
            return
        self.changed.emit()

    return Property(kind, fget, fset, notify=notify)


@QmlElement
class Preferences(QObject):
    changed = Signal()
    error = Signal(str)
    keysChanged = Signal()
    remoteWorkerTested = Signal(str, str)  # "ok" | "refused" | "unreachable", what was found in words

    def __init__(self, parent: QObject | None = None, path: str | Path | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path) if path else default_path()
        self.values = self._read()

    def _read(self) -> PreferenceValues:
        try:
            return PreferenceValues.model_validate(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return PreferenceValues()
        except (OSError, ValueError, ValidationError) as exc:  # a broken file must not stop the editor
            log.warning("ignoring unreadable preferences %s: %s", self.path, exc)
            return PreferenceValues()

    @Slot()
    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".prefs-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(self.values.model_dump_json(indent=2))
        os.replace(tmp, self.path)

    def add_recent(self, path: str | Path) -> None:
        path = str(Path(path).resolve())
        self.values.recent_files = [path, *[p for p in self.values.recent_files if p != path]][:MAX_RECENT]
        self.changed.emit()
        self.save()

    # -- API keys: the keychain only ---------------------------------------------------------------------
    @Slot(str, result=bool)
    def hasApiKey(self, service: str) -> bool:
        from ltx_editor.generation import secrets

        return bool(secrets.get_api_key(service))

    @Slot(str, str, result=str)
    def setApiKey(self, service: str, key: str) -> str:
        """Use (or with an empty key, forget) a key; returns "" on success or what went wrong, in words.
        Without a keychain the key is held in memory until the editor closes."""
        return self._set_key(service, key, save_to_file=False)

    @Slot(str, str, result=str)
    def saveApiKeyToFile(self, service: str, key: str) -> str:
        """Use a key and save it in the private 0600 key file (after the dialog showed keyFileWarning)."""
        return self._set_key(service, key, save_to_file=True)

    def _set_key(self, service: str, key: str, *, save_to_file: bool) -> str:
        from ltx_editor.generation import secrets

        try:
            if key.strip():
                secrets.set_api_key(service, key.strip(), save_to_file=save_to_file)
            else:
                secrets.delete_api_key(service)
        except Exception as exc:  # key errors carry no key material (secrets.py guarantees it)
            self.keysChanged.emit()  # a refused store may still have taken the key for this session
            return str(exc)
        self.keysChanged.emit()
        return ""

    @Slot(str, result=str)
    def apiKeySource(self, service: str) -> str:
        """Where the key in use comes from, in words ("" without one); never the key."""
        from ltx_editor.generation import secrets

        where = secrets.key_source(service)[0]
        return {"environment": f"from {secrets.ENV_VARS[service]} (the environment wins)",
                "session": "until LTX Editor closes (not saved)", "keychain": "saved in the system keychain",
                "file": "saved in the private key file", None: ""}[where]

    @Property(str, constant=True)
    def keyFileWarning(self) -> str:
        from ltx_editor.generation import secrets

        return secrets.FILE_WARNING.format(path=secrets.key_file_path())

    def _keychain(self) -> tuple[bool, str]:
        from ltx_editor.generation import secrets

        return secrets.keychain_status()

    keychainAvailable = Property(bool, lambda self: self._keychain()[0], notify=keysChanged)
    keychainStatus = Property(str, lambda self: self._keychain()[1], notify=keysChanged)

    # -- the remote worker: address and TLS file here, its token a secret (service "worker") -----------------
    @Slot()
    def testRemoteWorker(self) -> None:
        """Try the remote worker's address with its token off the GUI thread; answers remoteWorkerTested."""
        from ltx_editor.generation import secrets
        from ltx_editor.generation.worker.remote import check_connection

        address, ca, token = self.values.remote_worker, self.values.remote_worker_ca, secrets.get_api_key("worker")

        def run() -> None:
            try:
                state, words = asyncio.run(check_connection(address, token, ca or True))
            except Exception as exc:  # a bug must still answer the button, without the token
                state, words = "unreachable", f"The test failed: {type(exc).__name__}"
            with contextlib.suppress(RuntimeError):  # the dialog (and this object) may be gone by now
                self.remoteWorkerTested.emit(state, words)

        threading.Thread(target=run, name="ltx-test-worker", daemon=True).start()

    remoteWorker = _field("remote_worker", str, changed)
    remoteWorkerCa = _field("remote_worker_ca", str, changed)
    modelCacheDir = _field("model_cache_dir", str, changed)
    loraDir = _field("lora_dir", str, changed)
    localModelPath = _field("local_model_path", str, changed)
    defaultBackend = _field("default_backend", str, changed)
    cloudFallback = _field("cloud_fallback", str, changed)
    fp8 = _field("fp8", bool, changed)
    vaeTiling = _field("vae_tiling", bool, changed)
    cpuOffload = _field("cpu_offload", str, changed)
    enhanceEndpoint = _field("enhance_endpoint", str, changed)
    enhanceModel = _field("enhance_model", str, changed)
    autosaveMinutes = _field("autosave_minutes", int, changed)
    recentFiles = Property(list, lambda self: list(self.values.recent_files), notify=changed)
    modelDirs = Property(list, lambda self: list(self.values.model_dirs), notify=changed)
    allowCpu = _field("allow_cpu", bool, changed)
