"""A tiny random Depth Anything model built offline (the layout of depth-anything/Depth-Anything-V2-Small-hf:
DepthAnythingForDepthEstimation on a DINOv2 backbone, with its DPT image processor), saved with save_pretrained so
code loads it exactly as it loads the real one (AutoImageProcessor + AutoModelForDepthEstimation)."""
from __future__ import annotations

from pathlib import Path


def build_tiny_depth(path: str | Path, *, seed: int = 0) -> Path:
    """~60 KB; a 28 px input (2x2 patches of 14) so a frame takes milliseconds on a CPU."""
    import torch
    from transformers import (
        DepthAnythingConfig,
        DepthAnythingForDepthEstimation,
        Dinov2Config,
        DPTImageProcessor,
    )

    path = Path(path)
    if (path / "config.json").is_file() and (path / "preprocessor_config.json").is_file():
        return path
    torch.manual_seed(seed)
    backbone = Dinov2Config(image_size=28, patch_size=14, hidden_size=8, num_hidden_layers=2, num_attention_heads=2,
                            intermediate_size=16, out_features=["stage1", "stage2"], reshape_hidden_states=False)
    config = DepthAnythingConfig(backbone_config=backbone, patch_size=14, reassemble_hidden_size=8,
                                 reassemble_factors=[1, 1], neck_hidden_sizes=[4, 4], fusion_hidden_size=4,
                                 head_hidden_size=4)
    DepthAnythingForDepthEstimation(config).save_pretrained(path)
    DPTImageProcessor(size={"height": 28, "width": 28}, keep_aspect_ratio=True, ensure_multiple_of=14,
                      do_pad=False).save_pretrained(path)
    return path
