"""Depth maps of a clip for a depth IC-LoRA, from a transformers depth estimator (torch: run it in a child process).

The recipe is Depth Anything V2's model card (huggingface.co/depth-anything/Depth-Anything-V2-Small-hf, the
transformers version): AutoImageProcessor + AutoModelForDepthEstimation, then the processor's
post_process_depth_estimation back to the frame's size. Each frame's relative depth is scaled to 0-255 on its
own (nearer = brighter, as the estimator predicts it and as transformers' depth-estimation pipeline draws it):
the grey depth video LTX-2's depth IC-LoRA follows (docs.ltx.video IC-LoRA guide, Depth Control).

    python -m ltx_editor.generation.control_depth VIDEO [--depth HUB_ID_OR_FOLDER]

writes the map beside VIDEO and prints its path; a refusal is the last line on stderr, exit status 2.
"""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from .control_maps import DEPTH_MODEL_ID, cached, child_main, model_slug, write_map
from .errors import InvalidRequest

BATCH = 8  # frames per forward pass


def depth_path(src: Path, model: str = DEPTH_MODEL_ID) -> Path:
    return src.with_name(f"{src.stem}.depth-{model_slug(model)}.mp4")


def load_estimator(model: str):
    """(processor, model, device) for a hub id or a local folder; InvalidRequest naming it when it cannot load."""
    import torch
    from transformers import AutoImageProcessor, AutoModelForDepthEstimation

    try:
        processor = AutoImageProcessor.from_pretrained(model)
        estimator = AutoModelForDepthEstimation.from_pretrained(model)
    except (OSError, ValueError) as exc:
        raise InvalidRequest(f"The depth model {model} could not be loaded: {str(exc).splitlines()[0]}",
                             hint="Give a Hugging Face id (e.g. " + DEPTH_MODEL_ID + ") or a downloaded folder.") from None
    device = "cuda" if torch.cuda.is_available() else "cpu"
    return processor, estimator.to(device).eval(), device


def depth_frames(frames: Iterator[np.ndarray], processor, estimator, device: str) -> list[np.ndarray]:
    import torch

    out: list[np.ndarray] = []

    def run(batch: list[np.ndarray]) -> None:
        inputs = processor(images=batch, return_tensors="pt").to(device)
        with torch.inference_mode():
            predicted = estimator(**inputs)
        sizes = [f.shape[:2] for f in batch]
        for item in processor.post_process_depth_estimation(predicted, target_sizes=sizes):
            depth = item["predicted_depth"].float().cpu().numpy()
            span = float(depth.max() - depth.min())
            grey = ((depth - depth.min()) / span * 255.0) if span > 0 else np.zeros_like(depth)
            out.append(np.repeat(grey.round().astype(np.uint8)[..., None], 3, axis=2))

    batch: list[np.ndarray] = []
    for frame in frames:
        batch.append(frame)
        if len(batch) == BATCH:
            run(batch)
            batch = []
    if batch:
        run(batch)
    return out


def depth_map(src: str | Path, model: str = DEPTH_MODEL_ID) -> Path:
    """The depth video of `src` (cached beside it). Imports torch: the editor calls control_maps.depth_in_child."""
    src = Path(src)
    out = depth_path(src, model)
    if cached(out, src):
        return out
    processor, estimator, device = load_estimator(model)
    return write_map(src, out, "depth", lambda frames: depth_frames(frames, processor, estimator, device))


if __name__ == "__main__":
    sys.exit(child_main("python -m ltx_editor.generation.control_depth", ["depth"], depth_map))
