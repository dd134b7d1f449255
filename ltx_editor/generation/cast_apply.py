"""Bring the cast into a request: `@name` becomes the entry's description in the prompt, and the entry's first
reference image becomes a conditioning image where the backend and model take one.

How a reference conditions (recorded per entry in the request's `cast`, and so in the sidecar):
- a text-to-video request becomes image-to-video with the reference at frame 0 and strength CAST_STRENGTH.
  Locally an image below full strength runs through the condition pipeline (generation/local/modes.py:
  LTXVideoCondition / LTX2VideoCondition, whose `strength` is the conditioning's influence, 0..1, as in
  LTX-Video's own `conditioning_strengths`), so the reference guides the opening instead of pinning it. The
  cloud image-to-video endpoints take the image as the clip's start frame and no strength: the sidecar says so.
- a keyframes request (span, retake, gap) gets the reference at frame 0 when nothing is pinned there yet.
- a local keyframes request whose frame 0 is taken (a retake or gap fill: the frames before the range sit
  there) gets the reference in the middle of the generated frames, at CAST_GUIDE_STRENGTH. Both condition
  pipelines take an image at any frame: diffusers' LTX2ConditionPipeline appends a condition at latent index
  k >= 1 as extra "keyframe" tokens whose conditioning mask is its strength (prepare_latents:
  `VideoConditionByKeyframeIndex` semantics; pixel frame (k - 1) * 8 + 1;
  https://huggingface.co/docs/diffusers/api/pipelines/ltx2), and LTXConditionPipeline appends a single
  image at a non-zero `frame_index` the same way (blended with noise by its strength). A low strength guides
  the look of the middle of the range without pinning a frame there. The frame is on the model's grid (LTX-2:
  1, 9, 17, ...; LTX-Video: multiples of 8, as the keyframe planner places keyframes).
- anything else (the cloud's retake endpoints, extension, video-to-video, audio-to-video, a model or backend
  without image conditions, no free frame on the grid) keeps the description only; the sidecar says why and
  the job's label says "description only".
One reference per generation. A voice-line sample is recorded, never sent: no diffusers LTX-2 pipeline
(0.42.1) takes a reference voice (their audio inputs are the clip's own sound: audio-to-video, or latents to
start from), and the cloud endpoints here document none.
"""
from __future__ import annotations

from pathlib import Path

from ltx_editor.core.cast import expand
from ltx_editor.core.catalog import get_model
from ltx_editor.core.project import CastEntry, Project
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.settings import GenerationMode

from .request import CastUse, Condition, GenerationRequest
from .workflows import WorkflowError

M = GenerationMode
CAST_STRENGTH = 0.6  # guides the opening frames toward the reference without pinning them
CAST_GUIDE_STRENGTH = 0.3  # mid-range in a retake or gap fill: a nudge toward the look, between pinned contexts
DESCRIPTION_ONLY = "description only"
VOICE_NOT_APPLIED = "kept, not sent: no model here takes a reference voice (diffusers' LTX-2 pipelines, fal, Replicate)"


def apply_cast(request: GenerationRequest, project: Project, project_path: Path | str) -> GenerationRequest:
    """The request with its prompt's @names expanded and their references added (once: a request whose `cast`
    is set is returned as it is). CastError (in words) for a name the cast does not have."""
    if request.cast is not None:
        return request
    expansion = expand(request.prompt, project.cast)
    if not expansion.entries:
        return request.model_copy(update={"cast": []})
    mode, conditions = request.mode, list(request.conditions)
    uses: list[CastUse] = []
    holder: str | None = None  # the entry whose reference sits at frame 0
    for entry in expansion.entries:
        images = [_image(project_path, entry, p) for p in entry.images]
        if not images:
            applied = f"{DESCRIPTION_ONLY}: no reference images"
        elif holder is not None:
            applied = f"{DESCRIPTION_ONLY}: this generation already holds @{holder}'s reference"
        else:
            placed = _place(request, mode, conditions, images[0])
            if isinstance(placed, str):
                applied = f"{DESCRIPTION_ONLY}: {placed}"
            else:
                mode, conditions, applied = placed
                holder = entry.name
        voice = str(resolve_media(project_path, entry.voice)) if entry.voice else None
        uses.append(CastUse(name=entry.name, kind=entry.kind, images=images, applied=applied, voice=voice,
                            voice_applied=VOICE_NOT_APPLIED if voice else None))
    return GenerationRequest.model_validate({**request.model_dump(), "prompt": expansion.prompt, "mode": mode,
                                             "conditions": [c.model_dump() for c in conditions],
                                             "cast": [u.model_dump() for u in uses],
                                             "label": _label(request.label, expansion.prompt, uses)})


def _label(label: str, prompt: str, uses: list[CastUse]) -> str:
    """The job list's label, saying which references could not be used (their description still is)."""
    unused = [f"@{u.name}" for u in uses if u.images and u.applied.startswith(DESCRIPTION_ONLY)]
    if not unused:
        return label
    base = label or prompt[:60]
    return f"{base} ({', '.join(unused)}: {DESCRIPTION_ONLY})"


def _image(project_path: Path | str, entry: CastEntry, stored: str) -> str:
    path = resolve_media(project_path, stored)
    if not path.is_file():
        raise WorkflowError(f"@{entry.name}'s reference image {Path(stored).name} is missing.",
                            hint="Put the file back or remove the image in the Cast panel.")
    return str(path)


def _place(request: GenerationRequest, mode: GenerationMode, conditions: list[Condition],
           image: str) -> tuple[GenerationMode, list[Condition], str] | str:
    """(new mode, new conditions, how) with the reference placed (frame 0, or mid-range when frame 0 is taken),
    or why it cannot be placed."""
    model = get_model(request.settings.model_id)
    backend = request.backend
    if mode is M.TEXT_TO_VIDEO:
        if not model.supports(backend, M.IMAGE_TO_VIDEO):
            return f"{model.name} takes no image on {backend}"
        how = (f"image condition at frame 0, strength {CAST_STRENGTH}" if backend == "local"
               else f"start image of {backend}'s image-to-video endpoint (it takes no strength)")
        return M.IMAGE_TO_VIDEO, [_reference(image)], how
    if mode is M.KEYFRAMES:
        if not any(c.frame_index == 0 for c in conditions):
            return mode, [_reference(image), *conditions], f"image condition at frame 0, strength {CAST_STRENGTH}"
        if backend != "local":
            return f"{backend} takes no extra image between the frames it is given"
        frame = guide_frame(conditions, request.settings.num_frames, model.family)
        if frame is None:
            return "no free frame between the conditioned ones on the model's frame grid"
        guide = _reference(image, frame, CAST_GUIDE_STRENGTH)
        return mode, sorted([*conditions, guide], key=lambda c: c.frame_index), (
            f"image condition at frame {frame} (the middle of the generated frames), strength {CAST_GUIDE_STRENGTH}")
    if mode is M.VIDEO_TO_VIDEO and request.retake_mode:
        return f"{backend}'s retake endpoint takes no reference image"
    return f"{mode.value.replace('-', ' ')} has no free image slot"


def guide_frame(conditions: list[Condition], num_frames: int, family: str) -> int | None:
    """The grid frame nearest the middle of the longest run of frames no condition covers (None when the run
    holds no grid frame). LTX-2: frames a latent index lands on (1, 9, 17, ...); LTX-Video: multiples of 8."""
    covered = [False] * num_frames
    for c in conditions:
        for f in range(c.frame_index, min(num_frames, c.frame_index + (c.num_frames or 1))):
            covered[f] = True
    best, start = (0, 0), None
    for f, taken in enumerate([*covered, True]):
        if not taken and start is None:
            start = f
        elif taken and start is not None:
            best, start = max(best, (f - start, start), key=lambda r: r[0]), None
    length, first = best
    if not length:
        return None
    # the pipeline's own grid math, imported here: its module brings numpy and PIL, not needed at startup
    from .local.modes import landed_frame, latent_index
    middle = first + (length - 1) / 2
    if family == "ltx-2":
        grid = [landed_frame(latent_index(f, 8, num_frames), 8) for f in range(first, first + length)]
    else:
        grid = [f for f in range(first, first + length) if f % 8 == 0]
    grid = [f for f in grid if first <= f < first + length]
    return min(grid, key=lambda f: (abs(f - middle), f)) if grid else None


def _reference(image: str, frame: int = 0, strength: float = CAST_STRENGTH) -> Condition:
    return Condition(kind="image", path=image, frame_index=frame, strength=strength)
