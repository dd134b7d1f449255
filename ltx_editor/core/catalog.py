"""The model catalog: which LTX models exist, who serves them, what they can do and what they cost.

Prices and endpoint ids were read from the services' public docs on 2026-11-24 (see
shared/docs/CLOUD-APIS.md); they change, so every estimate is labelled an estimate in the UI.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .cloud_catalog import CloudEndpoint, PriceRule, with_cloud_endpoints  # noqa: F401 (PriceRule: re-exported)
from .local_registry import LOCAL_WEIGHTS, LocalWeights
from .recipes import RECIPES
from .settings import GenerationMode

Backend = Literal["local", "fal", "replicate"]
BACKENDS: tuple[Backend, ...] = ("local", "fal", "replicate")

M = GenerationMode
ALL_LTXV_MODES = frozenset({M.TEXT_TO_VIDEO, M.IMAGE_TO_VIDEO, M.KEYFRAMES, M.EXTEND_FORWARD,
                            M.EXTEND_BACKWARD, M.VIDEO_TO_VIDEO})


class ModelInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    family: Literal["ltx-video", "ltx-2"]
    params: str
    description: str
    hub_id: str | None = None  # local source (repo, or repo/file): set from local_registry only; None = cloud only
    upsampler_hub_id: str | None = None
    modes: frozenset[GenerationMode] = ALL_LTXV_MODES
    audio: bool = False
    distilled: bool = False
    default_steps: int = 30
    default_guidance: float = 3.0
    max_frames: int = 257
    max_resolution: str = "720p"
    fps_options: tuple[float, ...] = (24.0,)
    vram_gb: float = 0.0  # what the local backend needs at 768x512x121 with our default preset
    local: LocalWeights | None = None  # the verified hub weights (local_registry.py); set below from LOCAL_WEIGHTS
    fal: dict[GenerationMode, CloudEndpoint] = Field(default_factory=dict)
    replicate: dict[GenerationMode, CloudEndpoint] = Field(default_factory=dict)

    @property
    def backends(self) -> tuple[Backend, ...]:
        out: list[Backend] = []
        if self.hub_id:
            out.append("local")
        if self.fal:
            out.append("fal")
        if self.replicate:
            out.append("replicate")
        return tuple(out)

    def supports(self, backend: Backend, mode: GenerationMode) -> bool:
        if backend == "local":
            return self.hub_id is not None and mode in self.modes
        return mode in (self.fal if backend == "fal" else self.replicate)

    def endpoint(self, backend: Backend, mode: GenerationMode) -> CloudEndpoint | None:
        return (self.fal if backend == "fal" else self.replicate).get(mode) if backend != "local" else None


T2V, I2V, KEY, EXT_F, EXT_B, V2V = (M.TEXT_TO_VIDEO, M.IMAGE_TO_VIDEO, M.KEYFRAMES, M.EXTEND_FORWARD,
                                    M.EXTEND_BACKWARD, M.VIDEO_TO_VIDEO)

CATALOG: dict[str, ModelInfo] = {m.id: m for m in [
    ModelInfo(
        id="ltxv-2b-0.9.8-distilled", name="LTXV 2B Distilled", family="ltx-video", params="2B",
        description="Fastest: 8 steps, good quality. Rapid iteration on an 8 GB GPU.", max_frames=257,
    ),
    ModelInfo(
        id="ltxv-2b-0.9.5", name="LTXV 2B 0.9.5", family="ltx-video", params="2B",
        description="Balanced 2B model, guided (CFG).", max_frames=257,
    ),
    ModelInfo(
        id="ltxv-13b-0.9.7-dev", name="LTXV 13B", family="ltx-video", params="13B",
        description="Highest quality LTX-Video 0.9.7, 30 guided steps.", max_frames=257,
    ),
    ModelInfo(
        id="ltxv-13b-0.9.7-distilled", name="LTXV 13B Distilled", family="ltx-video", params="13B",
        description="Quality and speed: 8 steps.", max_frames=257,
    ),
    ModelInfo(
        id="ltx-2-19b", name="LTX-2 19B", family="ltx-2", params="19B",
        description="Synchronized audio + video, LoRAs, up to 481 frames.",
        modes=frozenset({T2V, I2V, KEY, EXT_F, EXT_B, V2V}), audio=True, max_frames=481, max_resolution="1080p",
        fps_options=(24.0, 25.0, 50.0),
    ),
    ModelInfo(
        id="ltx-2-19b-distilled", name="LTX-2 19B Distilled", family="ltx-2", params="19B",
        description="LTX-2 audio + video in 8 steps.",
        modes=frozenset({T2V, I2V, KEY, EXT_F, EXT_B}), audio=True, max_frames=481, max_resolution="1080p",
        fps_options=(24.0, 25.0, 50.0),
    ),
    ModelInfo(
        id="ltx-2-pro", name="LTX-2 Pro (cloud)", family="ltx-2", params="19B",
        description="Lightricks' hosted LTX-2 Pro: 1080p-4K with audio, 6-10 s.",
        modes=frozenset({T2V, I2V}), audio=True, default_steps=30, max_frames=251, max_resolution="2160p",
        fps_options=(25.0, 50.0),
    ),
    ModelInfo(
        id="ltx-2-fast", name="LTX-2 Fast (cloud)", family="ltx-2", params="19B",
        description="Lightricks' hosted LTX-2 Fast: 1080p-4K with audio, up to 20 s.",
        modes=frozenset({T2V, I2V}), audio=True, default_steps=8, max_frames=501, max_resolution="2160p",
        fps_options=(25.0, 50.0),
    ),
    ModelInfo(
        id="ltx-2.3-pro", name="LTX-2.3 Pro (cloud)", family="ltx-2", params="22B",
        description="LTX-2.3 Pro: best hosted quality, audio, extend.",
        modes=frozenset({T2V, I2V, EXT_F, EXT_B}), audio=True, default_steps=30, max_frames=501, max_resolution="2160p",
        fps_options=(25.0, 50.0),
    ),
    ModelInfo(
        id="ltx-2.3-fast", name="LTX-2.3 Fast (cloud)", family="ltx-2", params="22B",
        description="LTX-2.3 Fast: hosted, audio, up to 20 s.",
        modes=frozenset({T2V, I2V}), audio=True, default_steps=8, max_frames=501, max_resolution="2160p",
        fps_options=(25.0, 50.0),
    ),
]}

_LOCAL_ONLY = [  # local checkpoints no cloud service hosts under this exact name
    ModelInfo(id="ltxv-13b-0.9.8-dev", name="LTXV 13B 0.9.8", family="ltx-video", params="13B",
              description="LTX-Video 0.9.8 13B full model: best LTX-Video quality, long clips.", max_frames=257),
    ModelInfo(id="ltxv-13b-0.9.8-distilled", name="LTXV 13B 0.9.8 Distilled", family="ltx-video", params="13B",
              description="LTX-Video 0.9.8 13B distilled: 8 steps, long clips, tone-mapped upscale.",
              distilled=True, max_frames=257),
    ModelInfo(id="ltx-2.3-22b-dev", name="LTX-2.3 22B", family="ltx-2", params="22B",
              description="LTX-2.3 full model with audio; 30 guided steps.", audio=True, max_frames=481,
              max_resolution="1080p", fps_options=(24.0, 25.0, 50.0)),
    ModelInfo(id="ltx-2.3-22b-distilled", name="LTX-2.3 22B Distilled", family="ltx-2", params="22B",
              description="LTX-2.3 distilled with audio: 8 steps, CFG 1.", audio=True, distilled=True,
              max_frames=481, max_resolution="1080p", fps_options=(24.0, 25.0, 50.0)),
    ModelInfo(id="ltx-2.3-22b-dev-fp8", name="LTX-2.3 22B (fp8 file)", family="ltx-2", params="22B",
              description="LTX-2.3 full model, fp8 weights file (~29 GB).", audio=True, max_frames=481,
              max_resolution="1080p", fps_options=(24.0, 25.0, 50.0)),
    ModelInfo(id="ltx-2.3-22b-distilled-fp8", name="LTX-2.3 22B Distilled (fp8 file)", family="ltx-2",
              params="22B", description="LTX-2.3 distilled, fp8 weights file (~29 GB): 8 steps.", audio=True,
              distilled=True, max_frames=481, max_resolution="1080p", fps_options=(24.0, 25.0, 50.0)),
    ModelInfo(id="ltx-2.5-22b-distilled", name="LTX-2.5 22B Distilled", family="ltx-2", params="22B",
              description="LTX-2.5 (Gemma 4 text encoder), 8 steps with audio; gated on the hub.", audio=True,
              distilled=True, max_frames=481, max_resolution="1080p", fps_options=(24.0, 25.0, 50.0)),
    ModelInfo(id="ltx-2.5-22b-dev", name="LTX-2.5 22B", family="ltx-2", params="22B",
              description="LTX-2.5 full (SFT) model with audio, 30 guided steps; gated on the hub.", audio=True,
              max_frames=481, max_resolution="1080p", fps_options=(24.0, 25.0, 50.0)),
]


def _with_local(model: ModelInfo) -> ModelInfo:
    """Local fields come from the registry and the recipes, never from hand-typed defaults."""
    weights, recipe = LOCAL_WEIGHTS.get(model.id), RECIPES.get(model.id)
    if weights is None or recipe is None:
        return model.model_copy(update={"hub_id": None, "upsampler_hub_id": None})
    return model.model_copy(update={
        "local": weights, "hub_id": weights.weights.ref,
        "upsampler_hub_id": weights.upsampler.ref if weights.upsampler else None,
        "distilled": recipe.distilled, "default_steps": recipe.steps, "default_guidance": recipe.guidance,
        "vram_gb": weights.vram_gb(weights.stored_precision, guided=not recipe.distilled)})


CATALOG = {m.id: _with_local(m) for m in [*CATALOG.values(), *_LOCAL_ONLY]}
CATALOG = with_cloud_endpoints(CATALOG)  # fal/Replicate endpoints, fields and prices: cloud_catalog.py


def get_model(model_id: str) -> ModelInfo:
    try:
        return CATALOG[model_id]
    except KeyError:
        known = ", ".join(CATALOG)
        raise KeyError(f"Unknown model {model_id!r}; known models: {known}") from None


def models_for(backend: Backend) -> list[ModelInfo]:
    return [m for m in CATALOG.values() if backend in m.backends]


def choose_local_model(vram_gb: float) -> ModelInfo | None:
    """The model the automatic choice takes for this much VRAM (see auto_model.AUTO_TABLE); None below it."""
    from .auto_model import choose_auto

    choice = choose_auto(vram_gb)
    return CATALOG[choice.model_id] if choice.on_gpu else None


def smaller_local_model(model_id: str) -> ModelInfo | None:
    """The next model down the VRAM ladder (same family), for the out-of-memory fallback chain."""
    ladder = sorted((m for m in CATALOG.values() if m.hub_id and m.family == get_model(model_id).family),
                    key=lambda m: m.vram_gb, reverse=True)
    need = get_model(model_id).vram_gb
    return next((m for m in ladder if m.vram_gb < need), None)
