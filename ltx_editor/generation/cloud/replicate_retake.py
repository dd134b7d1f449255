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
from .fal_retake import retake_mode, retake_seconds
from .shape import CloudCall, Shape, one, url_for

MAX_S = 16.0


def replicate_retake_call(request: GenerationRequest, name: str, urls: Mapping[str, str] | None) -> CloudCall:
    s = request.settings
    start, duration = retake_seconds(request, name, MAX_S)
    mode = retake_mode(request)
    args = {"video": url_for(one(request, "video").path, urls), "prompt": request.prompt, "start_time": start,
            "duration": duration, "mode": mode}
    shape = Shape(width=s.width, height=s.height, num_frames=s.num_frames, fps=s.fps, resolution=s.resolution,
                  has_audio=True)
    return CloudCall(name, args, shape, [f"retake {start:g}-{start + duration:g} s ({mode}); the model takes no "
                                         "seed"], seed_honoured=False)
