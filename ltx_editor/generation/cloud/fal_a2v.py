"""Audio-to-video on fal.ai: a sound (audio_url) drives the picture.

Two kinds of endpoint (core/cloud_catalog.py names each page):
- LTX-2 19B (fal-ai/ltx-2-19b[/distilled]/audio-to-video): the 19B inputs (num_frames, video_size, fps, seed...)
  plus audio_url, image_url, match_audio_length; no generate_audio (the sound is the input). We send our own
  num_frames with match_audio_length off, so the clip has the planned length to the frame (the sound is cut to
  the same seconds). Priced per megapixel like the other 19B endpoints.
- LTX-2 Pro (fal-ai/ltx-2/audio-to-video): audio_url (2-10 s), image_url?, prompt?, guidance_scale?; the clip is
  as long as the sound, no seed, no size. "$0.10 per second".
"""
from __future__ import annotations

from collections.abc import Mapping

from ..errors import InvalidRequest
from ..request import GenerationRequest
from .shape import CloudCall, Shape, fit_number, url_for

HOSTED_A2V = "fal-ai/ltx-2/audio-to-video"
HOSTED_MIN_S, HOSTED_MAX_S = 2.0, 10.0
HOSTED_FPS = 25.0  # the LTX-2 Pro endpoints make 25 fps (their fps field takes 25|50); the result is re-timed


def _sound(request: GenerationRequest) -> str:
    return next(c.path for c in request.conditions if c.kind == "audio")


def _image(request: GenerationRequest):
    return next((c for c in request.conditions if c.kind == "image"), None)


def ltx2_19b_a2v_args(request: GenerationRequest, args: dict, urls: Mapping[str, str] | None) -> dict:
    """The 19B arguments (already built for the request) turned into its audio-to-video arguments."""
    args = {k: v for k, v in args.items() if k != "generate_audio"}  # not an input there: the sound is given
    args.update(audio_url=url_for(_sound(request), urls), match_audio_length=False)
    if (image := _image(request)) is not None:
        args.update(image_url=url_for(image.path, urls), image_strength=image.strength)
    return args


def hosted_a2v_call(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None) -> CloudCall:
    """fal-ai/ltx-2/audio-to-video: the clip is as long as the sound we send (the request's seconds)."""
    return service_a2v_call(request, endpoint, urls, audio_field="audio_url", image_field="image_url",
                            max_s=HOSTED_MAX_S, max_guidance=10, hint="Set in and out points 2 to 10 seconds apart, "
                                                                      "or use LTX-2 19B or a local model.")


def service_a2v_call(request: GenerationRequest, endpoint: str, urls: Mapping[str, str] | None, *,
                     audio_field: str, image_field: str, max_s: float, max_guidance: float, hint: str) -> CloudCall:
    """A hosted LTX-2 Pro audio-to-video call (fal's, Replicate's lightricks/audio-to-video): the sound, the
    prompt, the guidance and maybe a first frame under that service's names; 25 fps 1080p as long as the sound."""
    s, notes = request.settings, []
    seconds = s.num_frames / s.fps
    if not HOSTED_MIN_S <= seconds <= max_s:
        raise InvalidRequest(f"{endpoint} follows {HOSTED_MIN_S:g}-{max_s:g} s of sound; this range makes "
                             f"{seconds:.2f} s.", hint=hint)
    args: dict = {audio_field: url_for(_sound(request), urls), "prompt": request.prompt,
                  "guidance_scale": fit_number("guidance_scale", s.guidance_scale, 1, max_guidance, notes, endpoint,
                                               False)}
    if (image := _image(request)) is not None:
        args[image_field] = url_for(image.path, urls)
    notes.append(f"{endpoint} takes no seed or size: the clip cannot be regenerated exactly.")
    shape = Shape(width=1920, height=1080, num_frames=int(round(seconds * HOSTED_FPS)), fps=HOSTED_FPS,
                  resolution="1080p", has_audio=True)
    return CloudCall(endpoint, args, shape, notes, seed_honoured=False)
