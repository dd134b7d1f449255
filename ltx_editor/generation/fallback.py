"""When local generation cannot run (no GPU, out of memory after the fallback chain): the same job in the cloud.

`cloud_fallback` picks the first cloud model that can really run the job — the same model first, on the
preferred service, then the other service, then the same model family, then any family — and returns the
rewritten request with its estimated cost, so the UI can show the price before offering it.

`offer_cloud` is the decision the UI asks for after a local failure (or before a local job, from
`local_cannot_run`): given the person's setting ("off", "fal" or "replicate") and which services have a key,
a `CloudOffer` whose text leads with the cost — or None when nothing should be offered.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from ltx_editor.core.catalog import CATALOG, Backend, ModelInfo, get_model

from .cost import estimate
from .errors import BackendUnavailable, GenerationError, OutOfMemory
from .request import GenerationRequest

FallbackSetting = Literal["off", "fal", "replicate"]
SERVICE_NAMES = {"fal": "fal.ai", "replicate": "Replicate"}

CLOUD_BACKENDS: tuple[Backend, ...] = ("fal", "replicate")


def _release(model_id: str) -> str:
    """The version in a catalog id ("0.9.8" in "ltxv-2b-0.9.8-distilled"), "" when it has none."""
    match = re.search(r"\d+\.\d+(?:\.\d+)?", model_id)
    return match.group(0) if match else ""


def _candidates(model: ModelInfo, backends: tuple[Backend, ...]) -> Iterator[tuple[Backend, ModelInfo]]:
    for backend in backends:
        yield backend, model
    same_family = [m for m in CATALOG.values() if m.family == model.family and m.id != model.id]
    # closest first: the same kind (distilled or not) of the same release (2B 0.9.8 distilled -> 13B 0.9.8 distilled)
    same_family.sort(key=lambda m: (m.distilled != model.distilled, _release(m.id) != _release(model.id)))
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


def local_cannot_run(model_id: str, vram_gb: float | None) -> str | None:
    """Why this machine cannot run `model_id` locally (no GPU, too little memory), or None when it can."""
    model = get_model(model_id)
    if not model.hub_id:
        return f"{model.name} runs only in the cloud"
    if not vram_gb:
        return "this machine has no supported GPU"
    if vram_gb < model.vram_gb:
        return f"{model.name} needs about {model.vram_gb:g} GB of GPU memory; this GPU has {vram_gb:g} GB"
    return None


def falls_back(error: BaseException) -> bool:
    """Failures the cloud can fix: out of memory after the whole chain, or no usable local backend."""
    return isinstance(error, OutOfMemory | BackendUnavailable)


@dataclass(frozen=True)
class CloudOffer:
    request: GenerationRequest  # the job as it would run in the cloud
    estimate_usd: float | None  # None: the service bills by GPU time and publishes no price
    reason: str  # why it cannot run here

    @property
    def backend(self) -> str:
        return self.request.backend

    @property
    def cost_text(self) -> str:
        if self.estimate_usd is None:
            return "price not published (billed by GPU time)"
        return f"≈ ${self.estimate_usd:.2f}"

    def describe(self) -> str:
        """Cost first, then where and why: what the person reads before agreeing."""
        model = get_model(self.request.settings.model_id).name
        return (f"{self.cost_text} to run it on {SERVICE_NAMES[self.backend]} ({model}) — "
                f"it cannot run on this computer: {self.reason}.")


def offer_cloud(request: GenerationRequest, why: BaseException | str, setting: FallbackSetting = "fal",
                has_key: Callable[[str], bool] = lambda _backend: True) -> CloudOffer | None:
    """The cloud job to offer after local generation could not run, or None.

    None when the setting is "off", the job was not local, the failure is one the cloud would not fix (bad
    input, cancel), no service has a key, or no cloud model can do the job. `setting` names the service
    tried first; the other is used when the first cannot do the job or has no key.
    """
    if setting == "off" or request.backend != "local":
        return None
    if isinstance(why, BaseException):
        if not falls_back(why):
            return None
        reason = getattr(why, "message", str(why)).rstrip(".")
    else:
        reason = why
    with_keys = [b for b in CLOUD_BACKENDS if has_key(b)]
    if not with_keys:
        return None
    found = cloud_fallback(request, preferred=setting, backends=with_keys)
    if found is None:
        return None
    moved, usd = found
    return CloudOffer(request=moved, estimate_usd=usd, reason=reason)
