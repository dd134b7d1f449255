"""Audio-to-video on Replicate: lightricks/audio-to-video (LTX-2 Pro following a sound).

Inputs from its API schema (replicate.com/lightricks/audio-to-video, version 208e8ab7, as a stored copy of that
schema lists them): audio (required; wav, mp3, flac, ogg, m4a), image (optional first frame), prompt (optional,
default ""), guidance_scale (optional). No seed, no size, no duration: the clip is as long as the sound. The
limits are those of the Lightricks API it fronts (docs.ltx.video, "Generate video from audio": audio of 2-20 s,
guidance_scale 1-50, output 25 fps, 1920x1080 by default). Replicate publishes no price for it (billed by GPU
time): the estimate is shown as unknown, never guessed.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..request import GenerationRequest
from .fal_a2v import service_a2v_call
from .shape import CloudCall

REPLICATE_A2V = "lightricks/audio-to-video"
MAX_S = 20.0


def replicate_a2v_call(request: GenerationRequest, name: str, urls: Mapping[str, str] | None) -> CloudCall:
    return service_a2v_call(request, name, urls, audio_field="audio", image_field="image", max_s=MAX_S,
                            max_guidance=50, hint="Set in and out points 2 to 20 seconds apart, or use a local "
                                                  "LTX-2 model.")
