"""IC-LoRA on a local LTX-2.x model: a reference video (a control map: Canny edges, depth, pose...) guides the
generation through an in-context LoRA.

diffusers 0.42.1's LTX2InContextPipeline (pipeline_ltx2_ic_lora.py) encodes each LTX2ReferenceCondition with the
VAE and appends its tokens to the noisy sequence; the IC-LoRA (any LoRA in the request's settings, loaded on the
shared transformer by generation/lora.apply_loras) teaches the transformer to follow them. It is built from the
loaded model with `from_pipe` (the same modules), takes the mode's other conditions (first frame, keyframes) as
LTX2VideoCondition, and the recipe's usual arguments. The reference's frames are the request's condition video,
cut to the generation's length on the 8k+1 grid (generation/control_maps.py makes and caches the maps: canny, depth, pose,
motion tracks; generation/ic_reference.py cuts a range of one).
"""
from __future__ import annotations

from typing import Any

from ..errors import InvalidRequest
from ..request import GenerationRequest
from .conditions import load_video_frames
from .modes import PipeFacts, PipelineCall

IC_PIPE = "ic"


def _aligned(count: int, ratio: int) -> int:
    return max(1, (count - 1) // ratio * ratio + 1)


def in_context_call(request: GenerationRequest, kwargs: dict[str, Any], facts: PipeFacts,
                    conditions: list[Any]) -> PipelineCall:
    """The LTX2InContextPipeline call: `kwargs` (the mode's common arguments) plus the references and the other
    conditions; `prepare` builds the pipeline once the model is loaded."""
    from diffusers.pipelines.ltx2.pipeline_ltx2_ic_lora import LTX2ReferenceCondition

    if facts.family != "ltx-2":
        raise InvalidRequest("IC-LoRA references need an LTX-2 model.", hint="Choose an LTX-2 model.")
    n = request.settings.num_frames
    references = []
    for cond in (c for c in request.conditions if c.kind == "reference"):
        frames = load_video_frames(cond.path)[:n]
        references.append(LTX2ReferenceCondition(frames=frames[:_aligned(len(frames), facts.temporal_ratio)],
                                                 strength=cond.strength))
    call_kwargs = {k: v for k, v in kwargs.items() if k not in ("image", "image_crf")}
    call_kwargs["reference_conditions"] = references
    if conditions:
        call_kwargs["conditions"] = conditions

    def prepare(loaded: Any) -> None:
        if IC_PIPE not in loaded.pipes:
            from diffusers.pipelines.ltx2.pipeline_ltx2_ic_lora import LTX2InContextPipeline

            pipe = LTX2InContextPipeline.from_pipe(loaded.base, dtype=loaded.dtype)
            pipe.set_progress_bar_config(disable=True)
            loaded.pipes[IC_PIPE] = pipe

    return PipelineCall(IC_PIPE, call_kwargs, prepare=prepare)
