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
    fix: str = ""  # the fix offered, in words ("Download LTXV 2B (6.3 GB)")
    action: str = ""  # what the fix does: see local_readiness.py ("download:<id>", "backend:fal", ...)

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "ready": self.ready, "reason": self.reason, "fix": self.fix,
                "action": self.action}


def _installed(*modules: str) -> bool:
    return all(importlib.util.find_spec(m) is not None for m in modules)


def _api_key(service: str) -> str | None:
    try:
        from ltx_editor.generation import secrets
    except ImportError:
        return None
    return secrets.get_api_key(service)


def local_status(local_model_path: str = "", *, context: dict | None = None) -> BackendStatus:
    """Local readiness. With `context` (local_readiness.judge's arguments: info, hw, entries, allow_cpu,
    cloud_offer) it is honest about the GPU, the torch build, the download and the fit; without, it only
    checks that the local extra is installed (the CLI and old callers)."""
    if not _installed("torch", "diffusers", "transformers"):
        return BackendStatus("local", NAMES["local"], False, "torch/diffusers are not installed",
                             "Install local generation (pip install 'ltx-editor[local]')", "install-local")
    path = local_model_path.strip()
    if path and (path.startswith(("/", "~", ".")) or Path(path).exists()) and not Path(path).expanduser().exists():
        return BackendStatus("local", NAMES["local"], False, f"model folder {path} does not exist (Preferences)")
    if context is not None and context.get("info") is not None and context.get("hw") is None:
        return BackendStatus("local", NAMES["local"], False, "checking this machine's GPU…")
    if context is not None and context.get("info") is not None:
        from .local_readiness import judge

        v = judge(**context, custom_path=bool(path))
        return BackendStatus("local", NAMES["local"], v.ready, v.reason, v.fix, v.action)
    return BackendStatus("local", NAMES["local"], True, f"model: {path}" if path else "ready")


def cloud_status(backend: str) -> BackendStatus:
    module = {"fal": "fal_client", "replicate": "replicate"}[backend]
    if not _installed(module):
        return BackendStatus(backend, NAMES[backend], False,
                             f"{module} is not installed: pip install 'ltx-editor[cloud]'")
    if not _api_key(KEY_SERVICES[backend]):
        return BackendStatus(backend, NAMES[backend], False, f"no {NAMES[backend]} API key (Preferences)")
    return BackendStatus(backend, NAMES[backend], True, "ready")


def all_statuses(local_model_path: str = "", *, context: dict | None = None) -> list[BackendStatus]:
    return [local_status(local_model_path, context=context), cloud_status("fal"), cloud_status("replicate")]
