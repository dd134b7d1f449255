"""Defaults that fit: the model a backend offers first for a mode, so choosing a backend (CLI or GUI) never
leaves a model that backend cannot run. Local: the Auto table's pick for this machine's VRAM (auto_model.py).
Cloud: hosted LTX-2.3/LTX-2 first (audio, 1080p+), then the LTX-Video endpoints; the first that serves the mode.
Torch-free, Qt-free.
"""
from __future__ import annotations

from .catalog import CATALOG, Backend, ModelInfo
from .settings import GenerationMode

CLOUD_PREFERENCE = ("ltx-2.3-fast", "ltx-2-fast", "ltx-2.3-pro", "ltx-2-pro", "ltx-2-19b-distilled",
                    "ltxv-13b-0.9.8-distilled", "ltxv-13b-0.9.7-distilled", "ltx-2-19b", "ltxv-2b-0.9.5")


def models_for(backend: Backend, mode: GenerationMode | None = None) -> list[ModelInfo]:
    """Catalog models `backend` can run (for `mode` when given), in catalog order."""
    return [m for m in CATALOG.values() if backend in m.backends and (mode is None or m.supports(backend, mode))]


def best_model(backend: Backend, mode: GenerationMode = GenerationMode.TEXT_TO_VIDEO,
               vram_gb: float | None = None) -> ModelInfo | None:
    """The model to preselect for `backend` and `mode` (None when the backend runs no model in that mode)."""
    offered = models_for(backend, mode)
    if not offered:
        return None
    # Matched by id: `model in offered` compares pydantic models field by field (about 1 ms a call for the
    # cloud list, and the Generate panel asks on the GUI thread whenever the hardware or the models change).
    by_id = {m.id: m for m in offered}
    if backend == "local":
        from .auto_model import choose_auto

        auto = by_id.get(choose_auto(vram_gb).model_id)
        return auto if auto is not None else min(offered, key=lambda m: m.vram_gb or 1e9)
    return next((by_id[i] for i in CLOUD_PREFERENCE if i in by_id), offered[0])

__all__ = ["CLOUD_PREFERENCE", "best_model", "models_for"]
