"""Control with a reference (IC-LoRA): the request for a planned range of a clip (core/ic_plan.py), the range's
frames of its control map, and the landing of the result.

The map (control_maps.reference_video) covers the clip's whole media and is cached beside it; the range's frames
are cut out of it frame-exactly (frame_cut.cut_frames) into the conditions folder, so any range of the same clip
reuses one map. The generation runs on LTX2InContextPipeline locally (generation/local/in_context.py) with the
IC-LoRA file in its LoRAs. Its first `length` frames land on the planned track (or a new video track) starting on
the range's first frame, one undo step; the take is in the bin either way.
"""
from __future__ import annotations

from pathlib import Path

from ltx_editor.core import timeline as tl
from ltx_editor.core.ic_plan import ICPlan, InContextError
from ltx_editor.core.placement import CompositeEdit, compose
from ltx_editor.core.project import Project
from ltx_editor.core.settings import GenerationMode, LoraSpec

from .control_maps import control
from .frame_cut import cut_frames
from .landing import add_result, onto_track
from .request import Condition, GenerationRequest, GenerationResult
from .workflows import DEFAULT_PROMPT, Recipe

IC_TRACK = "Controlled"


def reference_range(plan: ICPlan, reference: Path, work_dir: Path) -> Path:
    """The reference's frames under the plan's range (from `media_start`, as many as are generated)."""
    count = plan.reference_frames
    out = work_dir / f"ic_{reference.stem}_{plan.media_start}_{count}.mp4"
    if plan.media_start == 0 and count >= plan.media_frames:
        return reference  # the whole media: no copy
    work_dir.mkdir(parents=True, exist_ok=True)
    return cut_frames(reference, plan.media_start, count, out)


def ic_request(plan: ICPlan, recipe: Recipe, control_id: str, lora_path: str, reference: str,
               prompt: str = "") -> GenerationRequest:
    """The generation for the plan: one reference condition (the range's map, or the source while the map is
    still to be made) and the IC-LoRA file among the recipe's LoRAs."""
    kind = control(control_id)
    others = [lo for lo in recipe.settings.loras if lo.path != lora_path]  # the panel's style LoRAs ride along
    settings = recipe.settings_for(plan.num_frames, plan.fps, plan.size,
                                   loras=[*others, LoraSpec(path=lora_path, name=Path(lora_path).stem)])
    text = prompt or recipe.prompt
    conditions = [Condition(kind="reference", path=reference)]
    return recipe.request(GenerationMode.TEXT_TO_VIDEO, text, settings, conditions,
                          label=f"{kind.label} reference: {text or DEFAULT_PROMPT}")


def land_ic(project: Project, project_path: Path | str, plan: ICPlan, result: GenerationResult,
            name: str = "Controlled clip") -> tuple[str, str, CompositeEdit]:
    """Add the generation to the bin (not an undo step) and place its first `length` frames over the reference's
    range on the planned track (or a new video track): one undo step. Returns (asset, take, edit)."""
    asset, take = add_result(project, project_path, result, name)
    if result.num_frames < plan.length:
        raise InContextError(f"The generation came out {result.num_frames} frames long; the range needs "
                             f"{plan.length}. It is in the bin.", hint="Retry the job.")
    track = next((t for t in project.tracks if t.id == plan.track_id), None)
    free = track is not None and not track.locked and all(c.end <= plan.start or c.start >= plan.end
                                                          for c in track.clips)
    target, steps = onto_track(project, plan.track_id if free else None, IC_TRACK)
    steps.append(lambda: tl.insert_clip(project, target[0], asset.id, plan.start, take_id=take.id, in_frame=0,
                                        out_frame=plan.length))
    return asset.id, take.id, compose(project, "Control with a reference", steps)
