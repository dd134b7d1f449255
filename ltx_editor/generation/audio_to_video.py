"""Audio-to-video: the request for a planned range of sound (core/a2v_plan.py) and the landing of its result.

The range's sound is cut out of its media into a small WAV (sample-exact, as long as the generation): the
local provider encodes it with the model's audio VAE (generation/local/audio_video.py), a cloud provider
uploads it as `audio_url`. The result lands as a clip on the planned video track, starting on the range's first
frame and holding exactly its length (the first `length` frames of the generation), one undo step. The new
clip is silent (the sound plays from the audio track it follows); a cloud result made at another frame rate
is conformed to the project's first, so frames still meet the sound one for one.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from ltx_editor.core import timeline as tl
from ltx_editor.core.a2v_plan import A2VPlan, AudioToVideoError
from ltx_editor.core.clip_properties import set_clip_properties
from ltx_editor.core.ffmpeg import file_arg, fps_fraction
from ltx_editor.core.placement import CompositeEdit, compose
from ltx_editor.core.project import Project
from ltx_editor.core.project_io import resolve_media
from ltx_editor.core.settings import GenerationMode

from .errors import GenerationError
from .landing import add_result, onto_track
from .request import Condition, GenerationRequest, GenerationResult
from .workflows import DEFAULT_PROMPT, Recipe

A2V_TRACK = "Audio-driven"


def cut_audio(src: Path, start_s: float, seconds: float, out: Path) -> Path:
    """Seconds [start_s, start_s + seconds) of `src`'s sound as a WAV (decoded, so the cut is sample-exact)."""
    from imageio_ffmpeg import get_ffmpeg_exe

    if out.is_file() and out.stat().st_size > 0:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part.wav")
    cmd = [get_ffmpeg_exe(), "-y", "-v", "error", "-nostdin", "-i", file_arg(src), "-vn",
           "-af", f"atrim=start={start_s:.6f}:duration={seconds:.6f},asetpts=PTS-STARTPTS",
           "-c:a", "pcm_s16le", file_arg(tmp)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        raise GenerationError(f"Could not cut the sound of {src.name}: {proc.stderr.strip()[-300:]}")
    tmp.replace(out)
    return out


def a2v_request(plan: A2VPlan, project_path: Path | str, recipe: Recipe, work_dir: Path, prompt: str = "",
                image: str | None = None) -> GenerationRequest:
    """The generation for the plan: its range's sound as the one audio condition (and maybe a first frame)."""
    src = resolve_media(project_path, plan.source_path)
    if not src.is_file():
        raise AudioToVideoError(f"The sound's media {src.name} is missing.", hint="Relink it in the bin first.")
    # The sound of every generated frame: the range and what follows it up to the 8k+1 length (those frames are
    # not kept; where the media ends first, the local provider pads silence, a service makes a shorter clip).
    wav = cut_audio(src, plan.audio_start_s, plan.generated_seconds,
                    work_dir / f"a2v_{src.stem}_{plan.media_start}_{plan.num_frames}.wav")
    size = plan.size if plan.size and all(v >= 32 and v % 32 == 0 for v in plan.size) else None
    # The new clip is silent (its sound is the track it follows) and is made in one pass.
    settings = recipe.settings_for(plan.num_frames, plan.fps, size, generate_audio=False, upscale=False)
    conditions = [Condition(kind="audio", path=str(wav))]
    if image:
        conditions.append(Condition(kind="image", path=image))
    text = prompt or recipe.prompt
    return recipe.request(GenerationMode.AUDIO_TO_VIDEO, text, settings, conditions,
                          label=f"Audio to video: {text or DEFAULT_PROMPT}")


def conform(result: GenerationResult, fps: float) -> GenerationResult:
    """The result re-timed to `fps` (frames dropped or repeated at their times) when it was made at another."""
    if abs(result.fps - fps) < 1e-6:
        return result
    from imageio_ffmpeg import count_frames_and_secs, get_ffmpeg_exe

    src = Path(result.video_path)
    out = src.with_name(f"{src.stem}_{fps:g}fps.mp4")
    cmd = [get_ffmpeg_exe(), "-y", "-v", "error", "-nostdin", "-i", file_arg(src), "-an", "-vf",
           f"fps={fps_fraction(fps)}", "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", file_arg(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode or not out.is_file():
        raise GenerationError(f"Could not re-time {src.name} to {fps:g} fps: {proc.stderr.strip()[-300:]}")
    frames = int(count_frames_and_secs(file_arg(out))[0])
    return result.model_copy(update={"video_path": out, "fps": fps, "num_frames": frames, "has_audio": False,
                                     "notes": [*result.notes, f"made at {result.fps:g} fps, re-timed to {fps:g}"]})


def land_a2v(project: Project, project_path: Path | str, plan: A2VPlan,
             result: GenerationResult) -> tuple[str, str, CompositeEdit]:
    """Add the generation to the bin (not an undo step) and place its first `length` frames over the sound's
    range on the planned track (or a new video track), silent: one undo step. Returns (asset, take, edit)."""
    result = conform(result, plan.fps)
    asset, take = add_result(project, project_path, result, "Audio to video")
    if result.num_frames < plan.length:
        raise AudioToVideoError(f"The generation came out {result.num_frames} frames long; the sound needs "
                                f"{plan.length}. It is in the bin.", hint="Retry; a cloud service may cut it short.")
    track_id = plan.track_id if plan.track_id and _still_free(project, plan) else None
    target, steps = onto_track(project, track_id, A2V_TRACK)
    placed: list[str] = []

    def place():
        edit = tl.insert_clip(project, target[0], asset.id, plan.start, take_id=take.id, in_frame=0,
                              out_frame=plan.length)
        placed.append(edit.created[0])
        return edit

    steps.append(place)
    if result.has_audio:  # the sound is heard once, from the track it came from
        steps.append(lambda: set_clip_properties(project, placed[0], volume=0.0))
    return asset.id, take.id, compose(project, "Audio to video", steps)


def _still_free(project: Project, plan: A2VPlan) -> bool:
    """The planned track still exists, unlocked and empty over the range (the timeline may have changed)."""
    track = next((t for t in project.tracks if t.id == plan.track_id), None)
    return bool(track and track.kind == "video" and not track.locked
                and all(c.end <= plan.start or c.start >= plan.end for c in track.clips))
