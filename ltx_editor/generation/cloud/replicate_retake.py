"""Retake a range of a clip on Replicate: lightricks/ltx-2-retake (LTX-2 Pro's retake).

Fields from its API tab (replicate.com/lightricks/ltx-2-retake, version a9cade39): video, prompt, start_time
(seconds, default 0), duration (2-16 s, default 6), mode (replace_video default; replace_audio,
replace_audio_and_video). The output is the whole clip with the range redone; like fal's, only the range is
spliced into the new take (generation/retake.land_retake with `output_range`). Replicate publishes no price for
it (billed by GPU time): the estimate is shown as unknown, never guessed.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..request import GenerationRequest
from .fal_retake import service_retake_call
from .shape import CloudCall

MAX_S = 16.0


def replicate_retake_call(request: GenerationRequest, name: str, urls: Mapping[str, str] | None) -> CloudCall:
    return service_retake_call(request, name, urls, video_field="video", mode_field="mode", max_s=MAX_S)
