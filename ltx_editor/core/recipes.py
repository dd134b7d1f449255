"""Reference recipes: each local checkpoint called the way its makers call it.

One place per family. A recipe names the diffusers pipeline per mode and the exact keyword arguments the
makers' published example passes (steps or timesteps/sigmas, guidance, rescale, decode timestep/noise,
image-conditioning noise), plus the multi-scale pass (first-pass size, upsampler arguments, refine schedule).
The runner starts from these; anything the person changes is recorded as an override.

Sources (read 2026-12-01; diffusers 0.42.1 is the pinned version):
- LTXV  = diffusers docs/source/en/api/pipelines/ltx_video.md ("Notes": 0.9.5 LoRA example, 0.9.7 dev,
          0.9.7 distilled, 0.9.8 distilled examples).
- LTX2  = diffusers docs/source/en/api/pipelines/ltx2.md ("Two-stages Generation", "Distilled checkpoint
          generation", "Multimodal Guidance", "LTX-2.5", "Full / SFT transformer").
- SIGMAS = diffusers/pipelines/ltx2/utils.py DISTILLED_SIGMA_VALUES / STAGE_2_DISTILLED_SIGMA_VALUES (taken by
          diffusers from Lightricks/LTX-2 ltx-pipelines utils/constants.py); a test checks these copies.
Torch-free: the CLI and the GUI show recipes without importing diffusers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# diffusers/pipelines/ltx2/utils.py (0.42.1)
DISTILLED_SIGMA_VALUES = (1.0, 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875)
STAGE_2_DISTILLED_SIGMA_VALUES = (0.909375, 0.725, 0.421875)
# ltx_video.md, 0.9.7/0.9.8 distilled examples: first pass and the upscaled refine pass.
LTXV_DISTILLED_TIMESTEPS = (1000, 993, 987, 981, 975, 909, 725, 0.03)
LTXV_DISTILLED_REFINE_TIMESTEPS = (1000, 909, 725, 421, 0)

PIPES_LTXV = {"t2v": "LTXPipeline", "i2v": "LTXImageToVideoPipeline", "cond": "LTXConditionPipeline"}
# The makers' examples (0.9.5 LoRA, 0.9.7 dev/distilled, 0.9.8 distilled) all use LTXConditionPipeline, for
# every mode; it is also the only one taking `image_cond_noise_scale`, and in diffusers 0.42.1 LTXPipeline and
# LTXImageToVideoPipeline build their own sigmas and raise when given the distilled `timesteps`.
PIPES_LTXV_COND = {"t2v": "LTXConditionPipeline", "i2v": "LTXConditionPipeline", "cond": "LTXConditionPipeline"}
# LTXConditionPipeline never passes the scheduler a `mu`, so a scheduler config with dynamic shifting on (the
# LTXPipeline-era configs, where LTXPipeline computes `mu` itself) raises there; the makers' examples run this
# pipeline, so their checkpoints' schedulers do not shift dynamically: every LTX-Video recipe pins that.
_LTXV_SCHEDULER = {"use_dynamic_shifting": False}
PIPES_LTX2 = {"t2v": "LTX2Pipeline", "i2v": "LTX2ImageToVideoPipeline", "cond": "LTX2ConditionPipeline"}


@dataclass(frozen=True)
class MultiScale:
    """Generate small, upsample the latents 2x, refine at the upsampled size (then resize to the target)."""

    first_pass_scale: float  # of the target width/height (snapped down to the VAE grid)
    upsampler_kwargs: dict[str, Any]
    refine_kwargs: dict[str, Any]  # replaces the schedule/guidance of the first pass for the refine pass
    refine_scheduler: dict[str, Any] = field(default_factory=dict)  # scheduler config overrides for refine
    refine_lora: str | None = None  # catalog LoRA (dev checkpoints refine with the distilled LoRA)
    source: str = ""


@dataclass(frozen=True)
class Recipe:
    id: str
    family: str  # ltx-video | ltx-2
    pipelines: dict[str, str]  # t2v / i2v / cond -> diffusers class name
    kwargs: dict[str, Any]  # what the makers' example passes besides prompt/size/frames/conditions/seed
    source: str
    distilled: bool = False
    multiscale: MultiScale | None = None
    scheduler: dict[str, Any] = field(default_factory=dict)  # scheduler config overrides at load
    transformer_subfolder: str = "transformer"
    audio: bool = False
    diffusion_decoder: bool = False  # LTX-2.5 ships a diffusion decoder besides the VAE (optional path)
    duration_head: bool = False  # LTX-2.5 can predict the length when num_frames is omitted
    image_crf: int | None = None  # LTX-2.x: H.264 CRF its image conditions were trained with

    @property
    def steps(self) -> int:
        for key in ("timesteps", "sigmas"):
            if self.kwargs.get(key) is not None:
                return len(self.kwargs[key])
        return int(self.kwargs["num_inference_steps"])

    @property
    def guidance(self) -> float:
        return float(self.kwargs["guidance_scale"])

    @property
    def schedule(self) -> str:
        if self.kwargs.get("timesteps") is not None:
            return "timesteps " + ", ".join(f"{t:g}" for t in self.kwargs["timesteps"])
        if self.kwargs.get("sigmas") is not None:
            return "sigmas " + ", ".join(f"{s:g}" for s in self.kwargs["sigmas"])
        return f"{self.steps} steps (the scheduler's own spacing)"

    def summary(self) -> str:
        ms = " + multi-scale" if self.multiscale else ""
        return f"{self.steps} steps, CFG {self.guidance:g}{ms} ({self.source})"


# -- LTX-Video ------------------------------------------------------------------------------------------
_LTXV_DEV_SRC = "diffusers ltx_video.md, LTX-Video 0.9.7 dev example"
_LTXV_DIST_SRC = "diffusers ltx_video.md, LTX-Video 0.9.7 distilled example"
_LTXV_098_SRC = "diffusers ltx_video.md, LTX-Video 0.9.8 distilled example"

_LTXV_DEV_KW = {"num_inference_steps": 30, "guidance_scale": 5.0, "guidance_rescale": 0.7,
                "decode_timestep": 0.05, "decode_noise_scale": 0.025, "image_cond_noise_scale": 0.0}
_LTXV_DIST_KW = {"timesteps": list(LTXV_DISTILLED_TIMESTEPS), "guidance_scale": 1.0, "guidance_rescale": 0.7,
                 "decode_timestep": 0.05, "decode_noise_scale": 0.025, "image_cond_noise_scale": 0.0}


def _ltxv_multiscale(distilled: bool, tone_map: float | None, source: str) -> MultiScale:
    up: dict[str, Any] = {"adain_factor": 1.0} if distilled else {}
    if tone_map is not None:
        up["tone_map_compression_ratio"] = tone_map
    if distilled:
        refine = {"timesteps": list(LTXV_DISTILLED_REFINE_TIMESTEPS), "denoise_strength": 0.999}
    else:
        refine = {"num_inference_steps": 10, "denoise_strength": 0.4}
    return MultiScale(first_pass_scale=2 / 3, upsampler_kwargs=up, refine_kwargs=refine, source=source)


def _ltxv_dev(rid: str) -> Recipe:
    return Recipe(rid, "ltx-video", PIPES_LTXV_COND, dict(_LTXV_DEV_KW), _LTXV_DEV_SRC,
                  multiscale=_ltxv_multiscale(False, None, _LTXV_DEV_SRC), scheduler=dict(_LTXV_SCHEDULER))


def _ltxv_distilled(rid: str, tone_map: float | None, source: str) -> Recipe:
    return Recipe(rid, "ltx-video", PIPES_LTXV_COND, dict(_LTXV_DIST_KW), source, distilled=True,
                  multiscale=_ltxv_multiscale(True, tone_map, source), scheduler=dict(_LTXV_SCHEDULER))


# -- LTX-2.x --------------------------------------------------------------------------------------------
# Multimodal guidance recommended for LTX-2.X (ltx2.md "Multimodal Guidance"); the 19B and 22B dev/SFT
# checkpoints are run with it. STG block: [29] for LTX-2.0, [28] for LTX-2.3 (pipeline docstring).
def _ltx2_guided(stg_block: int) -> dict[str, Any]:
    return {"num_inference_steps": 30, "guidance_scale": 3.0, "stg_scale": 1.0, "modality_scale": 3.0,
            "guidance_rescale": 0.7, "audio_guidance_scale": 7.0, "audio_stg_scale": 1.0,
            "audio_modality_scale": 3.0, "audio_guidance_rescale": 0.7,
            "spatio_temporal_guidance_blocks": [stg_block]}


# Distilled checkpoints run unguided: one transformer pass per step (ltx2.md "LTX-2.5": "runs unguided";
# Lightricks ltx-pipelines distilled.py has no guidance). STG/modality are switched off explicitly because
# diffusers 0.42.1's LTX2Pipeline defaults would otherwise add their passes.
_LTX2_UNGUIDED = {"sigmas": list(DISTILLED_SIGMA_VALUES), "guidance_scale": 1.0, "stg_scale": 0.0,
                  "modality_scale": 1.0, "audio_guidance_scale": 1.0, "audio_stg_scale": 0.0,
                  "audio_modality_scale": 1.0}
_LTX2_STAGE2 = {"sigmas": list(STAGE_2_DISTILLED_SIGMA_VALUES), "noise_scale": STAGE_2_DISTILLED_SIGMA_VALUES[0],
                "guidance_scale": 1.0, "stg_scale": 0.0, "modality_scale": 1.0, "audio_guidance_scale": 1.0,
                "audio_stg_scale": 0.0, "audio_modality_scale": 1.0}
_FIXED_SIGMAS = {"use_dynamic_shifting": False, "shift_terminal": None}  # ltx2.md: "use ... sigmas as is"
_LTX2_SRC = "diffusers ltx2.md, Two-stages Generation / Multimodal Guidance"
_LTX2_DIST_SRC = "diffusers ltx2.md, Distilled checkpoint generation; ltx2/utils.py DISTILLED_SIGMA_VALUES"
_LTX25_SRC = "diffusers ltx2.md, LTX-2.5 / Two-stage generation for LTX-2.5"


def _ltx2_multiscale(lora: str | None, source: str, *, latents_normalized: bool | None = None) -> MultiScale:
    up: dict[str, Any] = {}
    if latents_normalized is not None:
        up["latents_normalized"] = latents_normalized
    return MultiScale(first_pass_scale=0.5, upsampler_kwargs=up, refine_kwargs=dict(_LTX2_STAGE2),
                      refine_scheduler=dict(_FIXED_SIGMAS), refine_lora=lora, source=source)


def _ltx2_dev(rid: str, stg_block: int, lora: str, crf: int, **extra: Any) -> Recipe:
    return Recipe(rid, "ltx-2", PIPES_LTX2, _ltx2_guided(stg_block), _LTX2_SRC, audio=True, image_crf=crf,
                  multiscale=_ltx2_multiscale(lora, _LTX2_SRC), **extra)


def _ltx2_distilled(rid: str, crf: int, source: str = _LTX2_DIST_SRC, **extra: Any) -> Recipe:
    return Recipe(rid, "ltx-2", PIPES_LTX2, dict(_LTX2_UNGUIDED), source, distilled=True, audio=True,
                  image_crf=crf, multiscale=_ltx2_multiscale(None, source), scheduler=dict(_FIXED_SIGMAS),
                  **extra)


_LTX25_EXTRA = {"diffusion_decoder": True, "duration_head": True}

RECIPES: dict[str, Recipe] = {r.id: r for r in [
    # LTX-Video 0.9.5 (2B): the 0.9.5 example passes 50 steps and decode timestep 0.03 / noise 0.025; guidance
    # is the pipelines' default 3.0 (passed explicitly so the call does not depend on defaults).
    Recipe("ltxv-2b-0.9.5", "ltx-video", PIPES_LTXV_COND,
           {"num_inference_steps": 50, "guidance_scale": 3.0, "decode_timestep": 0.03, "decode_noise_scale": 0.025},
           "diffusers ltx_video.md, LTX-Video 0.9.5 LoRA example", scheduler=dict(_LTXV_SCHEDULER)),
    _ltxv_dev("ltxv-13b-0.9.7-dev"),
    _ltxv_distilled("ltxv-13b-0.9.7-distilled", None, _LTXV_DIST_SRC),
    # No separate 0.9.8 dev example is published: the 0.9.7 dev recipe (same 13B architecture) applies.
    _ltxv_dev("ltxv-13b-0.9.8-dev"),
    _ltxv_distilled("ltxv-13b-0.9.8-distilled", 0.6, _LTXV_098_SRC),
    _ltxv_distilled("ltxv-2b-0.9.8-distilled", 0.6, _LTXV_098_SRC),
    _ltx2_dev("ltx-2-19b", 29, "ltx-2-19b-distilled-lora-384", 33),
    _ltx2_distilled("ltx-2-19b-distilled", 33),
    _ltx2_dev("ltx-2.3-22b-dev", 28, "ltx-2.3-22b-distilled-lora-384", 33),
    _ltx2_distilled("ltx-2.3-22b-distilled", 33),
    _ltx2_dev("ltx-2.3-22b-dev-fp8", 28, "ltx-2.3-22b-distilled-lora-384", 33),
    _ltx2_distilled("ltx-2.3-22b-distilled-fp8", 33),
    # LTX-2.5: the diffusers repo's transformer/ is distilled; transformer_full/ is the SFT ("dev") DiT, which
    # needs dynamic shifting and terminal shift back on (ltx2.md "Full / SFT transformer"). CRF 18 (utils.py).
    Recipe("ltx-2.5-22b-dev", "ltx-2", PIPES_LTX2, _ltx2_guided(28), _LTX25_SRC + " / Full / SFT transformer",
           audio=True, image_crf=18, transformer_subfolder="transformer_full",
           scheduler={"use_dynamic_shifting": True, "shift_terminal": 0.1},
           multiscale=_ltx2_multiscale("ltx-2.5-22b-distilled-lora-450", _LTX25_SRC, latents_normalized=False),
           **_LTX25_EXTRA),
    Recipe("ltx-2.5-22b-distilled", "ltx-2", PIPES_LTX2, dict(_LTX2_UNGUIDED), _LTX25_SRC, distilled=True,
           audio=True, image_crf=18, multiscale=_ltx2_multiscale(None, _LTX25_SRC, latents_normalized=False),
           **_LTX25_EXTRA),
]}


def recipe_for(model_id: str) -> Recipe | None:
    return RECIPES.get(model_id)


def overrides(recipe: Recipe, *, steps: int, guidance_scale: float) -> dict[str, dict[str, Any]]:
    """What the person changed from the recipe: {name: {"recipe": value, "used": value}}."""
    out: dict[str, dict[str, Any]] = {}
    if steps != recipe.steps:
        out["steps"] = {"recipe": recipe.steps, "used": steps}
    if abs(guidance_scale - recipe.guidance) > 1e-9:
        out["guidance_scale"] = {"recipe": recipe.guidance, "used": guidance_scale}
    return out


def apply_overrides(recipe: Recipe, *, steps: int, guidance_scale: float) -> dict[str, Any]:
    """The recipe's kwargs with the person's steps/guidance: a changed step count replaces a fixed schedule
    (timesteps/sigmas) with the scheduler's own spacing for that many steps."""
    kwargs = dict(recipe.kwargs)
    if steps != recipe.steps:
        kwargs.pop("timesteps", None)
        kwargs.pop("sigmas", None)
        kwargs["num_inference_steps"] = steps
    if abs(guidance_scale - recipe.guidance) > 1e-9:
        kwargs["guidance_scale"] = guidance_scale
    return kwargs
