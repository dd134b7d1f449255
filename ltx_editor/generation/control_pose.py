"""Pose maps of a clip for a pose IC-LoRA: the people in each frame found by a transformers object detector, their
17 COCO keypoints by ViTPose, drawn as coloured skeletons on black (torch: run it in a child process).

The recipe is transformers' ViTPose documentation and its demo (huggingface.co/spaces/hysts/ViTPose-transformers):
RT-DETR (PekingU/rtdetr_r50vd_coco_o365) finds the people (COCO label 0, score >= 0.3), their boxes in COCO's
x/y/width/height go to VitPoseForPoseEstimation (usyd-community/vitpose-base-simple), and the processor's
post_process_pose_estimation gives each person's keypoints in the frame's pixels. LTX-2's pose IC-LoRA follows a
"skeleton visualisation format (lines connecting keypoints)" (docs.ltx.video IC-LoRA guide): limbs are lines in one
colour each, joints dots, keypoints scored under 0.3 left out.

    python -m ltx_editor.generation.control_pose VIDEO [--pose HUB_ID_OR_FOLDER] [--detector HUB_ID_OR_FOLDER]
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .control_maps import PERSON_DETECTOR_ID, POSE_MODEL_ID, cached, child_main, model_slug, write_map
from .errors import InvalidRequest

PERSON = 0  # COCO's label for a person
MIN_SCORE = 0.3  # the demo's person threshold; also the least keypoint score drawn
MAX_PEOPLE = 16
# COCO's 17 keypoints: nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles (left before right)
LIMBS = ((0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (5, 7), (7, 9), (6, 8), (8, 10), (5, 11), (6, 12), (11, 12),
         (11, 13), (13, 15), (12, 14), (14, 16))


def pose_path(src: Path, model: str = POSE_MODEL_ID, detector: str = PERSON_DETECTOR_ID) -> Path:
    return src.with_name(f"{src.stem}.pose-{model_slug(model)}-{model_slug(detector)}.mp4")


def _load(model: str, auto_model: str, what: str):
    import transformers
    from transformers import AutoProcessor

    try:
        return AutoProcessor.from_pretrained(model), getattr(transformers, auto_model).from_pretrained(model)
    except (OSError, ValueError) as exc:
        raise InvalidRequest(f"The {what} {model} could not be loaded: {str(exc).splitlines()[0]}") from None


def load_estimators(pose_model: str, detector: str):
    """(detector processor, detector, pose processor, pose model, device) for hub ids or local folders."""
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    det_processor, det = _load(detector, "AutoModelForObjectDetection", "person detector")
    pose_processor, pose = _load(pose_model, "VitPoseForPoseEstimation", "pose model")
    return det_processor, det.to(device).eval(), pose_processor, pose.to(device).eval(), device


def people(frame: np.ndarray, estimators) -> list[tuple[np.ndarray, np.ndarray]]:
    """(keypoints (17, 2) x/y in pixels, scores (17,)) of each person found in one RGB frame."""
    import torch

    det_processor, det, pose_processor, pose, device = estimators
    h, w = frame.shape[:2]
    with torch.inference_mode():
        found = det_processor.post_process_object_detection(
            det(**det_processor(images=frame, return_tensors="pt").to(device)), target_sizes=[(h, w)],
            threshold=MIN_SCORE)[0]
        boxes = found["boxes"][found["labels"] == PERSON][:MAX_PEOPLE].float().cpu().numpy()
        if not len(boxes):
            return []
        boxes[:, 2:] -= boxes[:, :2]  # COCO boxes: x, y, width, height
        inputs = pose_processor(frame, boxes=[boxes], return_tensors="pt").to(device)
        poses = pose_processor.post_process_pose_estimation(pose(**inputs), boxes=[boxes])[0]
    return [(p["keypoints"].float().cpu().numpy(), p["scores"].float().cpu().numpy()) for p in poses]


def draw_poses(found: list[tuple[np.ndarray, np.ndarray]], size: tuple[int, int]) -> np.ndarray:
    import cv2

    h, w = size
    canvas = np.zeros((h, w, 3), np.uint8)
    thickness = max(1, min(h, w) // 96)
    hues = np.linspace(0, 180, num=len(LIMBS), endpoint=False).astype(np.uint8)
    colours = cv2.cvtColor(np.stack([hues, np.full_like(hues, 255), np.full_like(hues, 255)], axis=1)[None],
                           cv2.COLOR_HSV2RGB)[0]
    for keypoints, scores in found:
        points = keypoints.round().astype(int)
        for (a, b), colour in zip(LIMBS, colours, strict=True):
            if scores[a] >= MIN_SCORE and scores[b] >= MIN_SCORE:
                cv2.line(canvas, tuple(points[a]), tuple(points[b]), tuple(int(c) for c in colour), thickness,
                         cv2.LINE_AA)
        for point, score in zip(points, scores, strict=True):
            if score >= MIN_SCORE:
                cv2.circle(canvas, tuple(point), thickness + 1, (255, 255, 255), -1, cv2.LINE_AA)
    return canvas


def pose_frames(frames: Iterator[np.ndarray], estimators) -> list[np.ndarray]:
    return [draw_poses(people(frame, estimators), frame.shape[:2]) for frame in frames]


def pose_map(src: str | Path, pose_model: str = POSE_MODEL_ID, detector: str = PERSON_DETECTOR_ID) -> Path:
    """The pose video of `src` (cached beside it). Imports torch: the editor runs it through control_maps'
    map_in_child."""
    src = Path(src)
    out = pose_path(src, pose_model, detector)
    if cached(out, src):
        return out
    estimators = load_estimators(pose_model, detector)
    return write_map(src, out, "poses", lambda frames: pose_frames(frames, estimators))


if __name__ == "__main__":
    sys.exit(child_main("python -m ltx_editor.generation.control_pose", ["pose", "detector"], pose_map))
