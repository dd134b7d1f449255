"""A tiny random LTX-2 whose audio VAE compresses sound the way the real one does (4x in time and in mel bins).

tests/fakes/tiny_models.build_tiny_ltx2's audio VAE has one level (ch_mult (1,)): it decodes, but encoding a
sound gives latents 4x too long and too wide for the pipeline (which assumes LTX-2's 4x compression when it
normalises them). Audio-to-video encodes a sound, so its tests use this variant: the same tiny model with a
three-level audio VAE (ch_mult (1, 2, 4): two 2x downsamplings, as diffusers' AutoencoderKLLTX2Audio defaults).
"""
from __future__ import annotations

import json
from pathlib import Path

from .tiny_models import build_tiny_ltx2


def build_tiny_ltx2_a2v(path: str | Path) -> Path:
    """Save the tiny LTX-2 with a 4x-compressing audio VAE into `path`. Idempotent."""
    import torch
    from diffusers import AutoencoderKLLTX2Audio, LTX2Pipeline

    path = Path(path)
    marker = path / ".tiny_model.json"
    if marker.is_file() and json.loads(marker.read_text()).get("kind") == "ltx2-a2v":
        return path
    base = build_tiny_ltx2(path.with_name(path.name + "_base"))
    pipe = LTX2Pipeline.from_pretrained(base)
    old = pipe.audio_vae.config
    torch.manual_seed(0)
    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4, output_channels=old.output_channels, ch_mult=(1, 2, 4), num_res_blocks=1,
        attn_resolutions=None, in_channels=old.in_channels, resolution=32, latent_channels=old.latent_channels,
        norm_type="pixel", causality_axis="height", dropout=0.0, mid_block_add_attention=False,
        sample_rate=old.sample_rate, mel_hop_length=old.mel_hop_length, is_causal=True, mel_bins=old.mel_bins)
    pipe.register_modules(audio_vae=audio_vae)
    pipe.save_pretrained(path)
    marker.write_text(json.dumps({"kind": "ltx2-a2v"}))
    return path
