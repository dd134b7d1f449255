"""Whether each backend can run right now, and if not, why — checked without importing torch."""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

NAMES = {"local": "Local", "fal": "fal.ai", "replicate": "Replicate"}
KEY_SERVICES = {"fal": "fal", "replicate": "replicate"}


@dataclass(frozen=True)
class BackendStatus:
    id: str
    name: str
    ready: bool
    reason: str  # why not ready, or a short note when ready

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "ready": self.ready, "reason": self.reason}


def _installed(*modules: str) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in modules)


def _api_key(service: str) -> str | None:
    try:
        from ltx_editor.generation import secrets
    except ImportError:
        return None
    return secrets.get_api_key(service)


def local_status(local_model_path: str = "") -> BackendStatus:
    if not _installed("torch", "diffusers", "transformers"):
        return BackendStatus("local", NAMES["local"], False,
                             "torch/diffusers are not installed: pip install 'ltx-editor[local]'")
    path = local_model_path.strip()
    if path and (path.startswith(("/", "~", ".")) or Path(path).exists()) and not Path(path).expanduser().exists():
        return BackendStatus("local", NAMES["local"], False, f"model folder {path} does not exist (Preferences)")
    return BackendStatus("local", NAMES["local"], True, f"model: {path}" if path else "ready")


def cloud_status(backend: str) -> BackendStatus:
    module = {"fal": "fal_client", "replicate": "replicate"}[backend]
    if not _installed(module):
        return BackendStatus(backend, NAMES[backend], False,
                             f"{module} is not installed: pip install 'ltx-editor[cloud]'")
    if not _api_key(KEY_SERVICES[backend]):
        return BackendStatus(backend, NAMES[backend], False, f"no {NAMES[backend]} API key (Preferences)")
    return BackendStatus(backend, NAMES[backend], True, "ready")


def all_statuses(local_model_path: str = "") -> list[BackendStatus]:
    return [local_status(local_model_path), cloud_status("fal"), cloud_status("replicate")]
