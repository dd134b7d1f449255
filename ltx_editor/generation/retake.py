"""Retake a range of a clip and fill a gap between clips: requests from the plans, landing of the results.

Local: one generation through the condition pipeline (mode keyframes: the frames before and after are video
conditions at the plan's output frames). A retake lands as a new take of the clip's asset: the source take's
frames with the range replaced by the kept output frames (generation/splice: lossless, so every untouched
frame decodes as before); switching the clip to it is the one undo step. A gap fill lands as a new clip in
the gap, in/out on the kept output frames.

What an LTX-2.x retake redoes (the plan's `sound`), with diffusers 0.42.1's LTX2ConditionPipeline:
- "video": the picture as above; the new take keeps the source's sound (the pipeline always denoises its
  audio latents from noise, so the sound it makes alongside is not used: retake_sound.with_sound copies the
  source's).
- "audio": the picture is held: the whole generated window is one video condition of the source's own frames
  at latent 0, strength 1. `apply_first_frame_conditioning` (pipeline_ltx2_condition.py) overwrites as many
  tokens as the condition has with its clean latents and sets their conditioning mask to the strength, and the
  loop uses timestep `t * (1 - mask)` and `denoised * (1 - mask) + clean * mask` for them: the video latents stay
  fixed while the audio is denoised against them. The new take's picture is the source's, bit for bit; its
  sound is the source's with the range's seconds from the generation.
- "both": the picture as for "video", the range's sound from the generation.
LTX-Video makes no sound: "audio" and "both" are refused in words (check_sound).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ltx_editor.core import timeline as tl
from ltx_editor.core.edits import Edit
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.extension import aligned_down
from ltx_editor.core.gap_plan import GapPlan
from ltx_editor.core.project import Project
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.retake_plan import Context, RetakeError, RetakePlan
from ltx_editor.core.settings import GenerationMode

from .frame_cut import cut_frames
from .landing import add_result
from .request import Condition, GenerationRequest, GenerationResult
from .retake_sound import SOUND_MODES, with_sound
from .splice import splice
from .workflows import DEFAULT_PROMPT, Recipe, WorkflowError

Cut = Callable[[Path, int, int, Path], Path]


def _fits_model(size: tuple[int, int] | None) -> tuple[int, int] | None:
    """Generate at the source's size when the model can (multiples of 32); else the recipe's, scaled later."""
    if size and size[0] >= 32 and size[1] >= 32 and size[0] % 32 == 0 and size[1] % 32 == 0:
        return size
    return None


def context_condition(ctx: Context, project_path: Path | str, work_dir: Path, strength: float,
                      cut: Cut = cut_frames) -> Condition:
    """Cut the context frames out of their media into a small mp4: a video condition at the planned frame."""
    src = resolve_media(project_path, ctx.source_path)
    if not src.is_file():
        raise WorkflowError(f"The clip's media {src.name} is missing.", hint="Relink it in the bin first.")
    out = work_dir / f"ctx_{src.stem}_{ctx.source_start}_{ctx.frames}.mp4"
    path = cut(src, ctx.source_start, ctx.frames, out)
    return Condition(kind="video", path=str(path), frame_index=ctx.at, strength=strength, num_frames=ctx.frames)


def _conditions(contexts: list[Context | None], project_path: Path | str, work_dir: Path,
                strength: float) -> list[Condition]:
    return [context_condition(c, project_path, work_dir, strength) for c in contexts if c is not None]


def check_sound(sound: str, family: str, source_has_audio: bool) -> None:
    """Refuse, in words, a retake mode this model or clip cannot do."""
    if sound not in SOUND_MODES:
        raise RetakeError(f"Unknown retake mode {sound!r}.", hint="Retake the video, the audio or both.")
    if sound != "video" and family != "ltx-2":
        raise RetakeError("LTX-Video models make no sound: only the picture can be retaken.",
                          hint="Retake the video, or choose an LTX-2 model in the generate panel.")
    if sound != "video" and not source_has_audio:
        raise RetakeError("The clip has no sound to retake.", hint="Retake the video only.")


def held_picture(plan: RetakePlan) -> Context:
    """The source frames under the whole generated window (output frame k is source frame start - N_b + k), as
    one condition at output frame 0: an audio-only retake holds the picture with them. 8k+1 frames (the
    condition's length); the few frames of the window's tail past the source's end are not pinned (not kept)."""
    first = plan.start - plan.layout.before_frames
    frames = aligned_down(min(plan.num_frames, plan.source_frames - first))
    return Context(plan.source_path, first, frames, 0)


def _request(conds: list[Condition], num_frames: int, fps: float, size: tuple[int, int] | None, recipe: Recipe,
             prompt: str, label: str, **extra: object) -> GenerationRequest:
    text = prompt or recipe.prompt
    settings = recipe.settings_for(num_frames, fps, _fits_model(size), **extra)
    mode = GenerationMode.KEYFRAMES if conds else GenerationMode.TEXT_TO_VIDEO
    return recipe.request(mode, text, settings, conds, label=f"{label}: {text or DEFAULT_PROMPT}")


def retake_requests(plan: RetakePlan, project: Project, project_path: Path | str, recipes: Sequence[Recipe],
                    work_dir: Path, prompt: str = "") -> list[GenerationRequest]:
    """One request per recipe (N takes of the range): the context frames are cut once and shared. The plan's
    `sound` picks what is redone (see the module docstring)."""
    take = project.asset(plan.asset_id).take(plan.take_id)
    if plan.sound == "audio":
        conds = _conditions([held_picture(plan)], project_path, work_dir, 1.0)
    else:
        conds = _conditions([plan.before, plan.after], project_path, work_dir, plan.strength)
    extra = {} if plan.sound == "video" else {"generate_audio": True, "upscale": False}
    what = {"video": "", "audio": " (sound)", "both": " (picture and sound)"}[plan.sound]
    return [_request(conds, plan.num_frames, plan.fps, (take.width, take.height), r, prompt,
                     f"Retake {plan.start}-{plan.end}{what}", **extra) for r in recipes]


def retake_request(plan: RetakePlan, project: Project, project_path: Path | str, recipe: Recipe,
                   work_dir: Path, prompt: str = "") -> GenerationRequest:
    return retake_requests(plan, project, project_path, [recipe], work_dir, prompt)[0]


def gap_request(plan: GapPlan, project_path: Path | str, recipe: Recipe, work_dir: Path,
                prompt: str = "") -> GenerationRequest:
    conds = _conditions([plan.before, plan.after], project_path, work_dir, plan.strength)
    return _request(conds, plan.num_frames, plan.fps, plan.size, recipe, prompt, "Fill gap")


def splice_retake(plan: RetakePlan, project: Project, project_path: Path | str, output: Path,
                  output_range: tuple[int, int] | None = None) -> Path:
    """The new take's media: the source take with the range replaced by `output`'s frames (the plan's kept
    frames, or `output_range` of it: a cloud retake returns the whole clip with the range redone)."""
    take = project.asset(plan.asset_id).take(plan.take_id)
    src = resolve_media(project_path, plan.source_path)
    if not src.is_file():
        raise WorkflowError(f"The clip's media {src.name} is missing.", hint="Relink it in the bin first.")
    first, end = output_range or (plan.layout.keep_in, plan.layout.keep_out)
    if plan.sound == "audio":  # the picture is the source's, every frame
        runs = [(src, 0, plan.source_frames)]
    else:
        runs = [(src, 0, plan.start), (output, first, end), (src, plan.end, plan.source_frames)]
    out = splice([r for r in runs if r[2] > r[1]], (take.width, take.height), plan.fps,
                 output.with_name(f"{output.stem}_take.mp4"))
    if take.has_audio and (plan.sound != "video" or plan.start == 0):  # else splice copied the source's sound
        with_sound(out, src, plan.fps, plan.sound, output, (first, end), (plan.start, plan.end))
    frames = _count_frames(out)
    if frames != plan.source_frames:  # a short generation or source would leave a gap: keep nothing
        out.unlink(missing_ok=True)
        raise WorkflowError(f"The retake came out {frames} frames long instead of {plan.source_frames} (a media "
                            "file is shorter than its take says).", hint="Retry; if it repeats, relink the clip.")
    return out


def _count_frames(path: Path) -> int:
    from imageio_ffmpeg import count_frames_and_secs

    from ltx_editor.core.ffmpeg import file_arg

    return int(count_frames_and_secs(file_arg(path))[0])


def land_retake(project: Project, project_path: Path | str, plan: RetakePlan, result: GenerationResult,
                output_range: tuple[int, int] | None = None) -> tuple[str, str, Edit]:
    """Add the spliced take to the clip's asset (not an undo step: results are never undone away) and switch
    the clip to it (the undo step). Returns (asset id, take id, edit)."""
    media = splice_retake(plan, project, project_path, Path(result.video_path), output_range)
    source = project.asset(plan.asset_id).take(plan.take_id)
    kept = output_range or (plan.layout.keep_in, plan.layout.keep_out)
    redone = {"video": "picture", "audio": "sound", "both": "picture and sound"}[plan.sound]
    note = (f"retake ({redone}) of frames {plan.start}-{plan.end} of take {plan.take_id}: output frames "
            f"{kept[0]}-{kept[1]} spliced in, every other frame is the source's")
    spliced = result.model_copy(update={"video_path": media, "num_frames": plan.source_frames,
                                        "width": source.width, "height": source.height,
                                        "has_audio": source.has_audio, "notes": [*result.notes, note]})
    asset, take = add_result(project, project_path, spliced, asset_id=plan.asset_id)
    if not any(c.id == plan.clip_id for t in project.tracks for c in t.clips):
        raise EditRefused("The retaken clip is no longer on the timeline; the new take is in the bin.",
                          hint="Switch a clip of that asset to it.")
    edit = tl.set_clip_take(project, plan.clip_id, take.id)
    edit.label = "Retake range"
    return asset.id, take.id, edit


def land_gap(project: Project, project_path: Path | str, plan: GapPlan, result: GenerationResult) -> tuple[str, str, Edit]:
    """Add the generation to the bin and place its kept frames in the gap (the undo step)."""
    asset, take = add_result(project, project_path, result, "Gap fill")
    out = min(plan.out_frame, result.num_frames)
    edit = tl.insert_clip(project, plan.track_id, asset.id, plan.start, take_id=take.id, in_frame=plan.in_frame,
                          out_frame=out)
    edit.label = "Fill gap"
    return asset.id, take.id, edit
