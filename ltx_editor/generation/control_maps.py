"""Control maps for IC-LoRA references, computed locally and cached beside the media they come from.

Each control is the reference video an LTX-2 IC-LoRA of that kind was trained on (Lightricks' model cards, cited
in CONTROLS):
- canny: white Canny edges on black (cv2.Canny on each frame's grey levels, hysteresis thresholds low/high);
- depth: a grey depth map per frame from a transformers depth estimator (control_depth.py);
- pose: skeletons of the people in each frame, from a transformers person detector and pose estimator
  (control_pose.py). Both need torch: the editor runs them in a child process (`map_in_child`);
- motion: coloured point tracks drawn as trails of circles (control_motion.py, OpenCV Farneback optical flow);
- detailer: no map: the detailer IC-LoRA takes the source video itself.
A map is a video at the source's frame rate, written atomically next to the source (`<stem>.<control>-<params>.mp4`)
and reused while it is newer than the source, so a second generation from the same clip decodes nothing again.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ltx_editor.core.ffmpeg import file_arg

from .errors import InvalidRequest
from .output import write_video


@dataclass(frozen=True)
class Control:
    id: str
    label: str
    reference: str  # what the IC-LoRA is conditioned on, in words
    lora: str  # an IC-LoRA of this kind on the Hugging Face hub (verified ids; the card says what it expects)
    card: str


_FILTER = "https://huggingface.co/models?other=base_model:finetune:Lightricks/LTX-2 (lists all four LTX-2 IC-LoRAs)"
CONTROLS: dict[str, Control] = {c.id: c for c in (
    Control("canny", "Canny edges", "the clip's Canny edges", "Lightricks/LTX-2-19b-IC-LoRA-Canny-Control",
            "https://huggingface.co/Lightricks/LTX-2-19b-IC-LoRA-Canny-Control (control type: Canny edges)"),
    Control("depth", "Depth", "the clip's depth", "Lightricks/LTX-2-19b-IC-LoRA-Depth-Control",
            "https://docs.ltx.video/open-source-model/usage-guides/ic-lo-ra (Depth Control: grayscale depth maps); "
            + _FILTER),
    Control("pose", "Pose", "the poses of the people in the clip", "Lightricks/LTX-2-19b-IC-LoRA-Pose-Control",
            "https://huggingface.co/Lightricks/LTX-2-19b-IC-LoRA-Pose-Control (control type: pose; docs.ltx.video "
            "IC-LoRA guide: skeleton visualisation, 17-18 keypoints)"),
    Control("motion", "Motion tracks", "the clip's motion tracks", "yrrhall/LTX-2.3-22b-IC-LoRA-Motion-Track-Control",
            "https://huggingface.co/yrrhall/LTX-2.3-22b-IC-LoRA-Motion-Track-Control (sparse point trajectories as "
            "coloured overlays; docs.ltx.video IC-LoRA guide: trails of circles)"),
    Control("detailer", "Detailer", "the clip itself", "Lightricks/LTX-2-19b-IC-LoRA-Detailer",
            _FILTER + " (Video-to-Video: the reference is the source video)"),
)}
# Depth Anything V2 Small, transformers version (https://huggingface.co/depth-anything/Depth-Anything-V2-Small-hf:
# pipeline_tag depth-estimation, AutoImageProcessor + AutoModelForDepthEstimation, Apache-2.0, 99 MB).
DEPTH_MODEL_ID = "depth-anything/Depth-Anything-V2-Small-hf"
# ViTPose (transformers, Apache-2.0) on the people RT-DETR finds: the pair transformers' ViTPose docs and the
# huggingface.co/spaces/hysts/ViTPose-transformers demo use (usyd-community/vitpose-base-simple card, 344 MB;
# PekingU/rtdetr_r50vd_coco_o365, COCO label 0 = person).
POSE_MODEL_ID = "usyd-community/vitpose-base-simple"
PERSON_DETECTOR_ID = "PekingU/rtdetr_r50vd_coco_o365"
ESTIMATORS = {"depth": DEPTH_MODEL_ID, "pose": POSE_MODEL_ID, "detector": PERSON_DETECTOR_ID}  # hub ids or folders
CHILD_TIMEOUT_S = 3600.0  # a long clip on a CPU; the child is killed past it


def control(control_id: str) -> Control:
    try:
        return CONTROLS[control_id]
    except KeyError:
        raise InvalidRequest(f"Unknown control {control_id!r}; choose one of {', '.join(CONTROLS)}.") from None


# --- reading and caching ---------------------------------------------------------------------------------
def read_video(src: Path, purpose: str) -> tuple[float, Iterator[np.ndarray]]:
    """(fps, RGB frames) of `src`, decoded one by one; InvalidRequest naming the file when it cannot be read."""
    from imageio_ffmpeg import read_frames

    try:
        gen = read_frames(file_arg(src))
        meta = next(gen)
    except (OSError, RuntimeError, StopIteration) as exc:
        raise InvalidRequest(f"Cannot read the video {src.name} for its {purpose}: {exc}") from None
    w, h = meta["size"]

    def frames() -> Iterator[np.ndarray]:
        try:
            for buf in gen:
                yield np.frombuffer(buf, np.uint8).reshape(h, w, 3)
        except (OSError, RuntimeError) as exc:
            raise InvalidRequest(f"Cannot read the video {src.name} for its {purpose}: {exc}") from None
        finally:
            gen.close()

    return float(meta.get("fps") or 24.0), frames()


def model_slug(model: str) -> str:
    """A model's hub id or folder as a short file-name part (a map made by another model is another file)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", Path(model.rstrip("/")).name)[:60] or "model"


def cached(out: Path, src: Path) -> bool:
    return out.is_file() and out.stat().st_size > 0 and out.stat().st_mtime >= src.stat().st_mtime


def write_map(src: Path, out: Path, purpose: str, make: Callable[[Iterator[np.ndarray]], list[np.ndarray]]) -> Path:
    """Decode `src`, turn its frames into map frames with `make`, write them beside it at its frame rate."""
    fps, frames = read_video(src, purpose)
    made = make(frames)
    if not made:
        raise InvalidRequest(f"{src.name} has no frames to take {purpose} from.")
    return write_video(np.stack(made), fps, out, crf=12)


# --- canny -----------------------------------------------------------------------------------------------
def canny_path(src: Path, low: int = 100, high: int = 200) -> Path:
    return src.with_name(f"{src.stem}.canny-{low}-{high}.mp4")


def canny_map(src: str | Path, low: int = 100, high: int = 200) -> Path:
    """The Canny edge video of `src` (cached beside it); InvalidRequest naming the file when it cannot be read."""
    import cv2

    src = Path(src)
    if not 0 <= low < high <= 1000:
        raise InvalidRequest(f"Canny thresholds must satisfy 0 <= low < high <= 1000, not {low}/{high}.")
    out = canny_path(src, low, high)
    if cached(out, src):
        return out

    def edges(frames: Iterator[np.ndarray]) -> list[np.ndarray]:
        return [np.repeat(cv2.Canny(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY), low, high)[..., None], 3, axis=2)
                for f in frames]

    return write_map(src, out, "edges", edges)


# --- maps made with torch, in a child process ---------------------------------------------------------------
def map_in_child(src: Path, out: Path, module: str, options: list[str], purpose: str,
                 timeout_s: float = CHILD_TIMEOUT_S) -> Path:
    """`out` (a map of `src`) made by `python -m module src *options` in a child process: torch and the estimator
    live only there, never in the editor. Its refusal comes back in its own words."""
    if cached(out, src):
        return out
    cmd = [sys.executable, "-m", module, str(src), *options]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise InvalidRequest(f"The {purpose} of {src.name} took longer than {timeout_s:.0f} s and was stopped.",
                             hint="Use a shorter clip or a range of it.") from None
    if proc.returncode != 0 or not out.is_file():
        lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
        raise InvalidRequest(lines[-1] if lines else f"The {purpose} of {src.name} could not be computed.",
                             hint="Check the model (a Hugging Face id or a downloaded folder).")
    return out


def child_main(prog: str, roles: list[str], make: Callable[..., Path], argv: list[str] | None = None) -> int:
    """The command line of a child that makes a map: VIDEO [--ROLE HUB_ID_OR_FOLDER ...]; prints the map's path,
    or its refusal as the last line on stderr (exit status 2)."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("video")
    for role in roles:
        parser.add_argument(f"--{role}", default=ESTIMATORS[role])
    args = parser.parse_args(argv)
    try:
        print(make(args.video, *(getattr(args, role) for role in roles)))
    except InvalidRequest as exc:
        print(exc.message, file=sys.stderr)
        return 2
    return 0


# --- any control -----------------------------------------------------------------------------------------
def reference_video(src: str | Path, control_id: str, models: Mapping[str, str] | None = None) -> Path:
    """The reference an IC-LoRA of `control_id` follows for the video `src`: its map (cached beside it), or the
    video itself for the detailer. `models`: hub ids or folders for ESTIMATORS' roles (default: those). Call it off
    the GUI thread: decoding a long clip takes a while."""
    src = Path(src)
    kind = control(control_id).id
    models = {**ESTIMATORS, **(models or {})}
    if not src.is_file():
        raise InvalidRequest(f"The video {src.name} is missing.", hint="Relink it in the bin first.")
    if kind == "detailer":
        return src
    if kind == "canny":
        return canny_map(src)
    if kind == "motion":
        from .control_motion import motion_map

        return motion_map(src)
    if kind == "depth":
        from .control_depth import depth_path

        return map_in_child(src, depth_path(src, models["depth"]), "ltx_editor.generation.control_depth",
                            ["--depth", models["depth"]], "depth")
    from .control_pose import pose_path

    return map_in_child(src, pose_path(src, models["pose"], models["detector"]), "ltx_editor.generation.control_pose",
                        ["--pose", models["pose"], "--detector", models["detector"]], "poses")
