"""When local generation cannot run (no GPU, out of memory after the fallback chain): the same job in the cloud.

`cloud_fallback` picks the first cloud model that can really run the job — the same model first, on the
preferred service, then the other service, then the same model family, then any family — and returns the
rewritten request with its estimated cost, so the UI can show the price before offering it.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from ltx_editor.core.catalog import CATALOG, Backend, ModelInfo, get_model

from .cost import estimate
from .errors import GenerationError
from .request import GenerationRequest

CLOUD_BACKENDS: tuple[Backend, ...] = ("fal", "replicate")


def _candidates(model: ModelInfo, backends: tuple[Backend, ...]) -> Iterator[tuple[Backend, ModelInfo]]:
    for backend in backends:
        yield backend, model
    same_family = [m for m in CATALOG.values() if m.family == model.family and m.id != model.id]
    other_family = [m for m in CATALOG.values() if m.family != model.family]
    for group in (same_family, other_family):
        for backend in backends:
            for candidate in group:
                yield backend, candidate


def _moved(request: GenerationRequest, backend: Backend, model: ModelInfo) -> GenerationRequest:
    old = get_model(request.settings.model_id)
    update: dict = {"model_id": model.id}
    if model.id != old.id and request.settings.steps == old.default_steps:
        # distilled and full models want different step counts; keep a custom count as the person set it
        update.update(steps=model.default_steps, guidance_scale=model.default_guidance)
    settings = request.settings.model_copy(update=update)
    return request.model_copy(update={"backend": backend, "settings": settings, "model_path": None})


def _runnable(request: GenerationRequest) -> bool:
    try:
        if request.backend == "fal":
            from .cloud.fal_fields import build_fal_call

            build_fal_call(request)
        else:
            from .cloud.replicate_fields import build_replicate_call

            build_replicate_call(request)
    except GenerationError:  # e.g. LoRAs on an endpoint that takes none
        return False
    return True


def cloud_fallback(request: GenerationRequest, preferred: Backend = "fal",
                   backends: Iterable[Backend] | None = None) -> tuple[GenerationRequest, float | None] | None:
    """(the job on a cloud model that supports its mode, estimated USD or None if unpublished), or None.

    `backends` limits the search (e.g. to services with a key); `preferred` is tried first.
    """
    allowed = tuple(backends) if backends is not None else CLOUD_BACKENDS
    order = tuple(dict.fromkeys(b for b in (preferred, *CLOUD_BACKENDS) if b in allowed and b != "local"))
    for backend, model in _candidates(get_model(request.settings.model_id), order):
        if not model.supports(backend, request.mode):
            continue
        moved = _moved(request, backend, model)
        if _runnable(moved):
            return moved, estimate(moved)
    return None
