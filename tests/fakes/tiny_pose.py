"""A tiny random person detector (RT-DETR, the layout of PekingU/rtdetr_r50vd_coco_o365) and pose model (ViTPose,
the layout of usyd-community/vitpose-base-simple) built offline and saved with save_pretrained, so code loads them
exactly as it loads the real ones (AutoProcessor + AutoModelForObjectDetection / VitPoseForPoseEstimation)."""
from __future__ import annotations

from pathlib import Path


def build_tiny_pose(path: str | Path, *, seed: int = 0) -> tuple[Path, Path]:
    """(pose model folder, detector folder), ~100 KB together. The detector's class heads are biased towards
    label 0 (a person) and the pose head's output upwards, so random weights still find people and joints."""
    import torch
    from transformers import (
        RTDetrConfig,
        RTDetrForObjectDetection,
        RTDetrImageProcessor,
        RTDetrResNetConfig,
        VitPoseBackboneConfig,
        VitPoseConfig,
        VitPoseForPoseEstimation,
        VitPoseImageProcessor,
    )

    path = Path(path)
    pose_dir, det_dir = path / "tiny-vitpose", path / "tiny-rtdetr"
    if (pose_dir / "preprocessor_config.json").is_file() and (det_dir / "preprocessor_config.json").is_file():
        return pose_dir, det_dir
    torch.manual_seed(seed)
    backbone = RTDetrResNetConfig(embedding_size=8, hidden_sizes=[8, 8, 8, 8], depths=[1, 1, 1, 1],
                                  out_features=["stage2", "stage3", "stage4"], out_indices=[2, 3, 4])
    config = RTDetrConfig(backbone_config=backbone, d_model=16, encoder_hidden_dim=16, encoder_in_channels=[8, 8, 8],
                          feat_strides=[8, 16, 32], encoder_layers=1, encoder_ffn_dim=16, encoder_attention_heads=2,
                          decoder_layers=1, decoder_ffn_dim=16, decoder_attention_heads=2, num_queries=6,
                          decoder_in_channels=[16, 16, 16], num_feature_levels=3, decoder_n_points=2, num_labels=2,
                          anchor_image_size=None, eval_size=None)
    detector = RTDetrForObjectDetection(config)
    with torch.no_grad():
        for head in detector.model.decoder.class_embed:
            head.bias[:] = torch.tensor([4.0, -4.0])  # every query a person (label 0)
    detector.save_pretrained(det_dir)
    RTDetrImageProcessor(size={"height": 64, "width": 64}).save_pretrained(det_dir)
    pose = VitPoseConfig(backbone_config=VitPoseBackboneConfig(image_size=[32, 24], patch_size=[8, 8], hidden_size=8,
                                                               num_hidden_layers=1, num_attention_heads=2,
                                                               intermediate_size=16, out_indices=[1]), num_labels=17)
    estimator = VitPoseForPoseEstimation(pose)
    with torch.no_grad():
        estimator.head.conv.bias += 0.6  # heatmap peaks (keypoint scores) above the 0.3 a joint is drawn at
    estimator.save_pretrained(pose_dir)
    VitPoseImageProcessor(size={"height": 32, "width": 24}).save_pretrained(pose_dir)
    return pose_dir, det_dir
