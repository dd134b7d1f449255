"""Bring the cast into a request: `@name` becomes the entry's description in the prompt, and the entry's first
reference image becomes a conditioning image where the backend and model take one.

How a reference conditions (recorded per entry in the request's `cast`, and so in the sidecar):
- a text-to-video request becomes image-to-video with the reference at frame 0 and strength CAST_STRENGTH.
  Locally an image below full strength runs through the condition pipeline (generation/local/modes.py:
  LTXVideoCondition / LTX2VideoCondition, whose `strength` is the conditioning's influence, 0..1, as in
  LTX-Video's own `conditioning_strengths`), so the reference guides the opening instead of pinning it. The
  cloud image-to-video endpoints take the image as the clip's start frame and no strength: the sidecar says so.
- a keyframes request (span, retake, gap) gets the reference at frame 0 when nothing is pinned there yet.
- anything else (frame 0 already conditioned, extension, video-to-video, a model or backend without image
  conditions) keeps the description only, and the sidecar says why.
One reference per generation: frame 0 holds one image. A voice-line sample is recorded, never sent: no
backend here documents reference-voice conditioning (LTX-2's audio inputs drive a clip's sound, they do not
clone a voice).
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
VOICE_NOT_APPLIED = "kept, not sent: no backend here documents conditioning on a reference voice"


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
            applied = "description only: no reference images"
        elif holder is not None:
            applied = f"description only: frame 0 already holds @{holder}'s reference"
        else:
            placed = _place(request, mode, conditions, images[0])
            if isinstance(placed, str):
                applied = f"description only: {placed}"
            else:
                mode, conditions, applied = placed
                holder = entry.name
        voice = str(resolve_media(project_path, entry.voice)) if entry.voice else None
        uses.append(CastUse(name=entry.name, kind=entry.kind, images=images, applied=applied, voice=voice,
                            voice_applied=VOICE_NOT_APPLIED if voice else None))
    return GenerationRequest.model_validate({**request.model_dump(), "prompt": expansion.prompt, "mode": mode,
                                             "conditions": [c.model_dump() for c in conditions],
                                             "cast": [u.model_dump() for u in uses]})


def _image(project_path: Path | str, entry: CastEntry, stored: str) -> str:
    path = resolve_media(project_path, stored)
    if not path.is_file():
        raise WorkflowError(f"@{entry.name}'s reference image {Path(stored).name} is missing.",
                            hint="Put the file back or remove the image in the Cast panel.")
    return str(path)


def _place(request: GenerationRequest, mode: GenerationMode, conditions: list[Condition],
           image: str) -> tuple[GenerationMode, list[Condition], str] | str:
    """(new mode, new conditions, how) with the reference at frame 0, or why it cannot go there."""
    model = get_model(request.settings.model_id)
    backend = request.backend
    if mode is M.TEXT_TO_VIDEO:
        if not model.supports(backend, M.IMAGE_TO_VIDEO):
            return f"{model.name} takes no image on {backend}"
        how = (f"image condition at frame 0, strength {CAST_STRENGTH}" if backend == "local"
               else f"start image of {backend}'s image-to-video endpoint (it takes no strength)")
        return M.IMAGE_TO_VIDEO, [_reference(image)], how
    if mode is M.KEYFRAMES:
        if any(c.frame_index == 0 for c in conditions):
            return "frame 0 is already conditioned (a keyframe or the frames before the range)"
        return mode, [_reference(image), *conditions], f"image condition at frame 0, strength {CAST_STRENGTH}"
    return f"{mode.value.replace('-', ' ')} has no free image slot"


def _reference(image: str) -> Condition:
    return Condition(kind="image", path=image, frame_index=0, strength=CAST_STRENGTH)
