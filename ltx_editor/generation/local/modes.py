"""Turn a request into one diffusers pipeline call: which pipeline ("t2v", "i2v", "cond") and its arguments.

The model's reference recipe (core.recipes) supplies the pipeline class per mode and the schedule/guidance/
decode arguments. LTX-Video conditions take pixel frame indices; LTX-2 conditions take latent indices (latent
k >= 1 lands on pixel (k - 1) * 8 + 1), so an LTX-2 condition planned elsewhere is snapped and the snap is
noted. LTX-2 image conditions are H.264 round-tripped the way the model was trained.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ltx_editor.core.recipes import Recipe, apply_overrides
from ltx_editor.core.settings import GenerationMode

from ..request import Condition, GenerationRequest
from .conditions import condition_frames, h264_roundtrip, load_image

M = GenerationMode
_DIRECTION = {M.EXTEND_FORWARD: "forward", M.EXTEND_BACKWARD: "backward"}


@dataclass
class PipelineCall:
    pipe: str  # key into LoadedModel.pipes
    kwargs: dict[str, Any] = field(default_factory=dict)
    # Run once the model is loaded, before the call: builds a pipeline the loader does not (audio-to-video's)
    # and fills the arguments that need the model's own modules (the sound's latents).
    prepare: Callable[[Any], None] | None = None


@dataclass(frozen=True)
class PipeFacts:
    """What the call builder needs to know about the loaded model."""

    family: str
    temporal_ratio: int = 8
    vae_timestep_conditioning: bool = False
    image_crf: int = 0  # LTX-2: the CRF its image conditions were trained with


# Which loaded pipeline (LoadedModel.pipes key) each diffusers class is.
_PIPE_KEY = {"LTXPipeline": "t2v", "LTXImageToVideoPipeline": "i2v", "LTXConditionPipeline": "cond",
             "LTX2Pipeline": "t2v", "LTX2ImageToVideoPipeline": "i2v", "LTX2ConditionPipeline": "cond"}


def latent_index(frame: int, temporal_ratio: int, num_frames: int | None = None) -> int:
    """The LTX2ConditionPipeline latent index whose condition lands nearest pixel frame `frame`.

    Latent 0 is pixel frame 0; latent k >= 1 lands at pixel (k - 1) * ratio + 1 (pipeline_ltx2_condition.py,
    `pixel_frame_idx = (latent_idx - 1) * frame_scale_factor + 1`). With `num_frames`, k stays inside the clip.
    """
    if frame <= 0:
        return 0
    k = max(1, round((frame - 1) / temporal_ratio) + 1)
    if num_frames is not None:
        k = min(k, (num_frames - 1) // temporal_ratio)
    return k


def landed_frame(index: int, temporal_ratio: int) -> int:
    """The pixel frame an LTX-2 condition at latent `index` starts on."""
    return 0 if index <= 0 else (index - 1) * temporal_ratio + 1


def recipe_kwargs(request: GenerationRequest, recipe: Recipe | None) -> dict[str, Any]:
    """The recipe's arguments with the person's steps/guidance applied (legacy defaults without a recipe)."""
    s = request.settings
    if recipe is None:
        return {"num_inference_steps": s.steps, "guidance_scale": s.guidance_scale}
    return apply_overrides(recipe, steps=s.steps, guidance_scale=s.guidance_scale)


def common_kwargs(request: GenerationRequest, prompt: str, facts: PipeFacts,
                  max_sequence_length: int | None, recipe: Recipe | None = None) -> dict[str, Any]:
    s = request.settings
    kwargs: dict[str, Any] = {
        "prompt": prompt, "height": s.height, "width": s.width, "num_frames": s.num_frames,
        "frame_rate": s.fps, "output_type": "np", **recipe_kwargs(request, recipe),
    }
    if kwargs["guidance_scale"] > 1.0:  # the negative prompt only matters with classifier-free guidance
        kwargs["negative_prompt"] = s.negative_prompt
    if max_sequence_length:
        kwargs["max_sequence_length"] = max_sequence_length
    if recipe is None and facts.family == "ltx-video" and facts.vae_timestep_conditioning:
        kwargs.update(decode_timestep=0.05, decode_noise_scale=0.025)  # the 0.9.x release recipe
    if recipe is None and facts.family == "ltx-2" and s.guidance_scale <= 1.0:
        kwargs.update(stg_scale=0.0, audio_stg_scale=0.0, modality_scale=1.0, audio_modality_scale=1.0,
                      audio_guidance_scale=1.0)
    return kwargs


def _ltx_condition(cond: Condition, mode: GenerationMode, facts: PipeFacts) -> Any:
    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

    if cond.kind == "image":
        return LTXVideoCondition(image=load_image(cond.path), frame_index=cond.frame_index, strength=cond.strength)
    frames = condition_frames(cond, facts.temporal_ratio, _DIRECTION.get(mode))
    return LTXVideoCondition(video=frames, frame_index=cond.frame_index, strength=cond.strength)


def _ltx2_condition(cond: Condition, mode: GenerationMode, facts: PipeFacts, num_frames: int,
                    notes: list[str]) -> Any:
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition

    index = latent_index(cond.frame_index, facts.temporal_ratio, num_frames)
    landed = landed_frame(index, facts.temporal_ratio)
    if landed != cond.frame_index:
        notes.append(f"LTX-2 pins conditions on frames 0, 1, 9, 17, ...: the {cond.kind} planned at frame "
                     f"{cond.frame_index} lands on frame {landed}.")
    if cond.kind == "image":
        image = h264_roundtrip(load_image(cond.path), facts.image_crf)
        return LTX2VideoCondition(frames=image, index=index, strength=cond.strength, crf=0)
    frames = condition_frames(cond, facts.temporal_ratio, _DIRECTION.get(mode))
    return LTX2VideoCondition(frames=frames, index=index, strength=cond.strength, crf=0)


def build_call(request: GenerationRequest, prompt: str, facts: PipeFacts,
               max_sequence_length: int | None = None, recipe: Recipe | None = None,
               notes: list[str] | None = None) -> PipelineCall:
    """The pipeline and arguments for `request`: the recipe's class for the mode and its arguments.

    A recipe whose text-to-video/image-to-video class is the condition pipeline (distilled LTX-Video: custom
    timesteps run only there) gets its image as a frame-0 condition."""
    notes = notes if notes is not None else []
    kwargs = common_kwargs(request, prompt, facts, max_sequence_length, recipe)
    mode = request.mode
    pipes = recipe.pipelines if recipe is not None else None

    def key(mode_key: str) -> str:
        return _PIPE_KEY[pipes[mode_key]] if pipes else mode_key

    if any(c.kind == "reference" for c in request.conditions):  # IC-LoRA: the other conditions ride along
        from .in_context import in_context_call

        others = [c for c in request.conditions if c.kind != "reference"]
        pinned = ([_ltx2_condition(c, mode, facts, request.settings.num_frames, notes) for c in others]
                  if facts.family == "ltx-2" else [])
        return in_context_call(request, kwargs, facts, pinned)
    if mode is M.TEXT_TO_VIDEO:
        return PipelineCall(key("t2v"), kwargs)
    if mode is M.AUDIO_TO_VIDEO:
        from .audio_video import a2v_call

        return a2v_call(request, prompt, facts, max_sequence_length, recipe, notes)
    conds = request.conditions
    first = conds[0]
    # The image-to-video pipeline pins exactly one full-strength first frame; anything else is a condition.
    if mode is M.IMAGE_TO_VIDEO and first.frame_index == 0 and first.strength == 1.0 and key("i2v") == "i2v":
        image = load_image(first.path)
        if facts.family == "ltx-2":
            kwargs.update(image=h264_roundtrip(image, facts.image_crf), image_crf=0)
        else:
            kwargs["image"] = image
        return PipelineCall("i2v", kwargs)
    if facts.family == "ltx-2":
        kwargs["conditions"] = [_ltx2_condition(c, mode, facts, request.settings.num_frames, notes) for c in conds]
    else:
        kwargs["conditions"] = [_ltx_condition(c, mode, facts) for c in conds]
    return PipelineCall("cond", kwargs)


def as_conditions(call: PipelineCall, facts: PipeFacts) -> list[Any]:
    """The call's conditioning as condition objects (for the refine pass, which uses the condition pipeline)."""
    if "conditions" in call.kwargs:
        return list(call.kwargs["conditions"])
    if "image" in call.kwargs:
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

        return [LTXVideoCondition(image=call.kwargs["image"], frame_index=0, strength=1.0)]
    return []
