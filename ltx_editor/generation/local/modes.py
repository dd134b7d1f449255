"""Turn a request into one diffusers pipeline call: which pipeline ("t2v", "i2v", "cond") and its arguments.

LTX-Video conditions take pixel frame indices; LTX-2 conditions take latent indices (frame f sits in latent
(f - 1) // 8 + 1), and LTX-2 image conditions are H.264 round-tripped the way the model was trained.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ltx_editor.core.settings import GenerationMode

from ..request import Condition, GenerationRequest
from .conditions import condition_frames, h264_roundtrip, load_image

M = GenerationMode
_DIRECTION = {M.EXTEND_FORWARD: "forward", M.EXTEND_BACKWARD: "backward"}


@dataclass
class PipelineCall:
    pipe: str  # key into LoadedModel.pipes
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PipeFacts:
    """What the call builder needs to know about the loaded model."""

    family: str
    temporal_ratio: int = 8
    vae_timestep_conditioning: bool = False
    image_crf: int = 0  # LTX-2: the CRF its image conditions were trained with


def latent_index(frame: int, temporal_ratio: int) -> int:
    return 0 if frame <= 0 else (frame - 1) // temporal_ratio + 1


def common_kwargs(request: GenerationRequest, prompt: str, facts: PipeFacts,
                  max_sequence_length: int | None) -> dict[str, Any]:
    s = request.settings
    kwargs: dict[str, Any] = {
        "prompt": prompt, "height": s.height, "width": s.width, "num_frames": s.num_frames,
        "frame_rate": s.fps, "num_inference_steps": s.steps, "guidance_scale": s.guidance_scale,
        "output_type": "np",
    }
    if s.guidance_scale > 1.0:  # the negative prompt only matters with classifier-free guidance
        kwargs["negative_prompt"] = s.negative_prompt
    if max_sequence_length:
        kwargs["max_sequence_length"] = max_sequence_length
    if facts.family == "ltx-video" and facts.vae_timestep_conditioning:
        kwargs.update(decode_timestep=0.05, decode_noise_scale=0.025)  # the 0.9.x release recipe
    if facts.family == "ltx-2" and s.guidance_scale <= 1.0:
        # Distilled LTX-2: one transformer pass per step (no CFG, STG or modality guidance passes).
        kwargs.update(stg_scale=0.0, audio_stg_scale=0.0, modality_scale=1.0, audio_modality_scale=1.0,
                      audio_guidance_scale=1.0)
    return kwargs


def _ltx_condition(cond: Condition, mode: GenerationMode, facts: PipeFacts) -> Any:
    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

    if cond.kind == "image":
        return LTXVideoCondition(image=load_image(cond.path), frame_index=cond.frame_index, strength=cond.strength)
    frames = condition_frames(cond, facts.temporal_ratio, _DIRECTION.get(mode))
    return LTXVideoCondition(video=frames, frame_index=cond.frame_index, strength=cond.strength)


def _ltx2_condition(cond: Condition, mode: GenerationMode, facts: PipeFacts) -> Any:
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

    index = latent_index(cond.frame_index, facts.temporal_ratio)
    if cond.kind == "image":
        image = h264_roundtrip(load_image(cond.path), facts.image_crf)
        return LTX2VideoCondition(frames=image, index=index, strength=cond.strength, crf=0)
    frames = condition_frames(cond, facts.temporal_ratio, _DIRECTION.get(mode))
    return LTX2VideoCondition(frames=frames, index=index, strength=cond.strength, crf=0)


def build_call(request: GenerationRequest, prompt: str, facts: PipeFacts,
               max_sequence_length: int | None = None) -> PipelineCall:
    kwargs = common_kwargs(request, prompt, facts, max_sequence_length)
    mode = request.mode
    if mode is M.TEXT_TO_VIDEO:
        return PipelineCall("t2v", kwargs)
    conds = request.conditions
    first = conds[0]
    # The image-to-video pipeline pins exactly one full-strength first frame; anything else is a condition.
    if mode is M.IMAGE_TO_VIDEO and first.frame_index == 0 and first.strength == 1.0:
        image = load_image(first.path)
        if facts.family == "ltx-2":
            kwargs.update(image=h264_roundtrip(image, facts.image_crf), image_crf=0)
        else:
            kwargs["image"] = image
        return PipelineCall("i2v", kwargs)
    make = _ltx2_condition if facts.family == "ltx-2" else _ltx_condition
    kwargs["conditions"] = [make(c, mode, facts) for c in conds]
    return PipelineCall("cond", kwargs)


def as_conditions(call: PipelineCall, facts: PipeFacts) -> list[Any]:
    """The call's conditioning as condition objects (for the refine pass, which uses the condition pipeline)."""
    if "conditions" in call.kwargs:
        return list(call.kwargs["conditions"])
    if "image" in call.kwargs:
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

        return [LTXVideoCondition(image=call.kwargs["image"], frame_index=0, strength=1.0)]
    return []
