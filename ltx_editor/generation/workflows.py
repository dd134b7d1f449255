"""Turn a keyframe plan, an extension plan or a storyboard shot into GenerationRequests.

Only mode + conditions + settings: the local provider and the cloud mapping (fal multiconditioning,
extend, first/last-frame endpoints) decide how to run them. A chained keyframe segment needs the frames
of the segment before it, which exist only once that one has finished, so its request is built then
(`segment_request(..., previous_tail=path)`); for estimates a placeholder path stands in.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ltx_editor.core.catalog import Backend, get_model
from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.extension import ExtensionPart
from ltx_editor.core.keyframe_plan import KeyframePlan, Segment
from ltx_editor.core.project import Project, Shot
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.settings import GenerationMode, GenerationSettings, frames_for

from .cost import BatchEstimate, estimate_batch
from .request import Condition, GenerationRequest

M = GenerationMode
DEFAULT_PROMPT = "a smooth, continuous shot with natural motion"
PLACEHOLDER_TAIL = "previous-segment-tail.mp4"  # estimates only: the real file exists after the previous job
# extract(path, which "first"|"last", count, out_mp4) -> Path; media.extract_segment by default
Extract = Callable[[Path, str, int, Path], Path]


class WorkflowError(LtxEditorError):
    """A workflow cannot be turned into generations (shot too long for the model, source missing...)."""


@dataclass(frozen=True)
class Recipe:
    """The generation settings a workflow starts from (the generate panel's backend, model, quality...)."""

    backend: Backend = "local"
    settings: GenerationSettings = field(default_factory=GenerationSettings)
    model_path: str | None = None
    prompt: str = ""  # the base prompt; keyframe/shot prompts are added to or replace it

    @classmethod
    def from_request(cls, request: GenerationRequest) -> Recipe:
        return cls(request.backend, request.settings, request.model_path, request.prompt)

    @property
    def max_frames(self) -> int:
        return get_model(self.settings.model_id).max_frames

    def settings_for(self, num_frames: int, fps: float, size: tuple[int, int] | None = None,
                     **extra: object) -> GenerationSettings:
        """The recipe's settings with an exact frame count, the project's fps, and maybe a fixed size."""
        values = {**self.settings.model_dump(), "num_frames_override": num_frames, "fps": fps, **extra}
        if size is not None:
            values.update(width_override=size[0], height_override=size[1])
        return GenerationSettings.model_validate(values)

    def request(self, mode: GenerationMode, prompt: str, settings: GenerationSettings,
                conditions: Sequence[Condition] = (), label: str = "") -> GenerationRequest:
        return GenerationRequest(backend=self.backend, mode=mode, prompt=prompt or DEFAULT_PROMPT,
                                 settings=settings, conditions=list(conditions), model_path=self.model_path,
                                 label=label[:80])


def _media(project_path: Path | str, stored: str) -> str:
    return str(resolve_media(project_path, stored))


def image_condition(png: Path | str, frame_index: int = 0, strength: float = 1.0) -> Condition:
    """A grabbed frame (core/frame_grab) as an image-to-video input."""
    return Condition(kind="image", path=str(png), frame_index=frame_index, strength=strength)


# --- keyframe animation -----------------------------------------------------------------------------------
def segment_request(plan: KeyframePlan, index: int, project: Project, project_path: Path | str, recipe: Recipe,
                    previous_tail: str | None = None) -> GenerationRequest:
    """The request for segment `index`: its keyframes as image conditions at their grid indices, and for a
    chained segment the previous output's last frames as a video condition at frame 0."""
    seg: Segment = plan.segments[index]
    conditions = [Condition(kind="image", path=_media(project_path, c.image), frame_index=c.index,
                            strength=c.strength) for c in seg.conditions]
    if seg.overlap_frames:
        conditions.insert(0, Condition(kind="video", path=previous_tail or PLACEHOLDER_TAIL, frame_index=0,
                                       strength=seg.overlap_strength, num_frames=seg.overlap_frames))
    has_images = any(c.kind == "image" for c in conditions)
    # A stretch with no keyframe of its own just continues the previous output: an extension.
    mode = M.KEYFRAMES if has_images else M.EXTEND_FORWARD
    total = len(plan.segments)
    label = f"Keyframes {index + 1}/{total}" if total > 1 else "Keyframes"
    prompt = seg.prompt or recipe.prompt
    return recipe.request(mode, prompt, recipe.settings_for(seg.num_frames, project.settings.fps),
                          conditions, label=f"{label}: {prompt or DEFAULT_PROMPT}")


def plan_requests(plan: KeyframePlan, project: Project, project_path: Path | str,
                  recipe: Recipe) -> list[GenerationRequest]:
    """Every segment's request with a placeholder for chained video conditions (for estimates and checks)."""
    return [segment_request(plan, i, project, project_path, recipe) for i in range(len(plan.segments))]


# --- extension ------------------------------------------------------------------------------------------
def _size_of(project: Project, part: ExtensionPart) -> tuple[int, int] | None:
    """Generate at the source's size when the model can (multiples of 32), so the join does not jump."""
    take = project.asset(part.asset_id).take(part.take_id)
    if take.width >= 32 and take.height >= 32 and take.width % 32 == 0 and take.height % 32 == 0:
        return take.width, take.height
    return None


def extension_request(part: ExtensionPart, project: Project, recipe: Recipe, condition_video: Path,
                      prompt: str = "", *, size: tuple[int, int] | None = None,
                      fps: float | None = None) -> GenerationRequest:
    """Extend forward/backward from `condition_video` (the clip's N conditioning frames, already cut), at
    `size` and `fps` (the source clip's, generation/extend_context.py) or else the source's size when it is
    a multiple of 32 and the project's rate."""
    mode = M.EXTEND_FORWARD if part.direction == "forward" else M.EXTEND_BACKWARD
    cond = Condition(kind="video", path=str(condition_video), frame_index=part.condition_index,
                     strength=part.strength, num_frames=part.condition_frames)
    settings = recipe.settings_for(part.num_frames, fps or project.settings.fps, size or _size_of(project, part))
    text = prompt or recipe.prompt
    return recipe.request(mode, text, settings, [cond], label=f"Extend {part.direction}: {text or DEFAULT_PROMPT}")


def cut_condition_video(part: ExtensionPart, project_path: Path | str, work_dir: Path,
                        cut: Callable[[Path, int, int, Path], Path] | None = None) -> Path:
    """Write the clip's conditioning frames [source_start, source_start + N) to an mp4 in work_dir."""
    from .frame_cut import cut_frames

    src = Path(_media(project_path, part.source_path))
    if not src.is_file():
        raise WorkflowError(f"The clip's media {src.name} is missing.", hint="Relink it in the bin first.")
    out = work_dir / f"cond_{part.clip_id}_{part.direction}_{part.source_start}_{part.condition_frames}.mp4"
    return (cut or cut_frames)(src, part.source_start, part.condition_frames, out)


# --- storyboard -----------------------------------------------------------------------------------------
def shot_request(shot: Shot, project: Project, project_path: Path | str, recipe: Recipe,
                 label: str = "") -> GenerationRequest:
    """Text-to-video; image-to-video with a start image; keyframes (first and last frame) with an end image."""
    fps = project.settings.fps
    frames = frames_for(shot.duration_s, fps)
    if frames > recipe.max_frames:
        raise WorkflowError(f"{shot.duration_s:g} s is {frames} frames; {recipe.settings.model_id} makes at most "
                            f"{recipe.max_frames}.", hint="Shorten the shot or split it in two.")
    conditions = []
    if shot.start_image:
        conditions.append(Condition(kind="image", path=_media(project_path, shot.start_image), frame_index=0))
    if shot.end_image:
        conditions.append(Condition(kind="image", path=_media(project_path, shot.end_image),
                                    frame_index=frames - 1))
    mode = M.KEYFRAMES if shot.end_image else M.IMAGE_TO_VIDEO if shot.start_image else M.TEXT_TO_VIDEO
    prompt = shot.enhanced_prompt or shot.prompt or recipe.prompt
    # A prompt enhanced in the storyboard is not enhanced again by the provider.
    extra = {"enhance_prompt": False} if shot.enhanced_prompt else {}
    return recipe.request(mode, prompt, recipe.settings_for(frames, fps, **extra), conditions,
                          label=label or f"Shot: {prompt or DEFAULT_PROMPT}")


# --- checks and cost -----------------------------------------------------------------------------------
def check_supported(requests: Sequence[GenerationRequest]) -> None:
    """Refuse before queueing anything the chosen model/backend cannot run."""
    for r in requests:
        model = get_model(r.settings.model_id)
        if not model.supports(r.backend, r.mode):
            raise WorkflowError(f"{model.name} cannot do {r.mode.value.replace('-', ' ')} on {r.backend}.",
                                hint="Choose another model or backend in the generate panel.")


def check_images(project_path: Path | str, images: Sequence[str]) -> None:
    """Refuse when an image a workflow conditions on (a pinned keyframe, a shot's start/end) is missing."""
    for stored in images:
        if not resolve_media(project_path, stored).is_file():
            raise WorkflowError(f"The image {Path(stored).name} is missing.",
                                hint="Pin the image again, or put the file back.")


def estimate_requests(requests: Sequence[GenerationRequest]) -> BatchEstimate:
    """Summed cost of a batch (generation/cost.py's prices), before anything is queued; local is free."""
    return estimate_batch(requests)
