"""GPU benchmark for the LTX-2 family: real-size 19B (LTX-2.0) and 22B (LTX-2.3/2.5) transformers, random weights.

    python tests/bench/gpu_generate_ltx2.py [--models 19b,22b] [--presets bf16,fp8,fp8+group] [--runs 5]
    python tests/bench/gpu_generate_ltx2.py --dry-run     # parameter counts on the meta device, anywhere
    python tests/bench/gpu_generate_ltx2.py --smoke       # the script itself on the CPU with a tiny config

Configs: diffusers scripts/convert_ltx2_to_diffusers.py get_ltx2_transformer_config("2.0" / "2.3"); 2.5 shares
2.3's transformer shape. (As diffusers builds them both DiTs hold ~19 B parameters; the "22B" of 2.3/2.5 counts
the text connectors and projections around it.) One denoising step (batch 1: the distilled recipe's single pass) at 768x512x121 with
audio: 6144 video tokens, the audio tokens of 121 frames at 24 fps, 256 prompt tokens. Each figure is 5 warm
runs (min / median / max), against the bf16 run of the same model as the baseline ratio, plus the peak VRAM.
Memory presets: bf16 (weights on the GPU), fp8 (float8 storage, bf16 compute: layerwise casting), fp8+group
(fp8 storage + leaf-level group offload with CUDA streams: weights stream from the CPU). The VRAM table says
which preset fits 8/12/16/24/48 GB cards. Without CUDA it prints why and exits 0 (nothing to measure).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

_COMMON = dict(in_channels=128, out_channels=128, patch_size=1, patch_size_t=1, num_attention_heads=32,
               attention_head_dim=128, cross_attention_dim=4096, vae_scale_factors=(8, 32, 32), pos_embed_max_pos=20,
               base_height=2048, base_width=2048, audio_in_channels=128, audio_out_channels=128,
               audio_patch_size=1, audio_patch_size_t=1, audio_num_attention_heads=32, audio_attention_head_dim=64,
               audio_cross_attention_dim=2048, audio_scale_factor=4, audio_pos_embed_max_pos=20,
               audio_sampling_rate=16000, audio_hop_length=160, num_layers=48, activation_fn="gelu-approximate",
               qk_norm="rms_norm_across_heads", norm_elementwise_affine=False, norm_eps=1e-6, caption_channels=3840,
               attention_bias=True, attention_out_bias=True, rope_theta=10000.0, rope_double_precision=True,
               causal_offset=1, timestep_scale_multiplier=1000, cross_attn_timestep_scale_multiplier=1000,
               rope_type="split")
CONFIGS = {
    "19b": dict(_COMMON, gated_attn=False, cross_attn_mod=False, audio_gated_attn=False, audio_cross_attn_mod=False,
                use_prompt_embeddings=True, perturbed_attn=False),
    "22b": dict(_COMMON, gated_attn=True, cross_attn_mod=True, audio_gated_attn=True, audio_cross_attn_mod=True,
                use_prompt_embeddings=False, perturbed_attn=True),
}
TINY = dict(num_attention_heads=2, attention_head_dim=8, cross_attention_dim=16, audio_num_attention_heads=2,
            audio_attention_head_dim=4, audio_cross_attention_dim=8, num_layers=2, caption_channels=16,
            in_channels=4, out_channels=4, audio_in_channels=4, audio_out_channels=4)  # --smoke: same flags, tiny
PRESETS = ("bf16", "fp8", "fp8+group")
TARGETS_GB = (8, 12, 16, 24, 48)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Time one LTX-2.x denoising step per memory preset; VRAM table.")
    p.add_argument("--models", default="19b,22b")
    p.add_argument("--presets", default=",".join(PRESETS))
    p.add_argument("--width", type=int, default=768)
    p.add_argument("--height", type=int, default=512)
    p.add_argument("--frames", type=int, default=121)
    p.add_argument("--fps", type=float, default=24.0)
    p.add_argument("--prompt-tokens", type=int, default=256)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--smoke", action="store_true")
    args = p.parse_args(argv)
    args.models = [m for m in args.models.split(",") if m]
    args.presets = [x for x in args.presets.split(",") if x]
    bad = [m for m in args.models if m not in CONFIGS] + [x for x in args.presets if x not in PRESETS]
    if bad:
        p.error(f"unknown model/preset: {', '.join(bad)}")
    if args.smoke:
        args.width = args.height = 64
        args.frames, args.prompt_tokens, args.runs = 9, 8, 2
    return args


def param_count(config: dict) -> float:
    """Billions of parameters, built on the meta device (no memory)."""
    import torch
    from diffusers import LTX2VideoTransformer3DModel

    with torch.device("meta"):
        model = LTX2VideoTransformer3DModel(**config)
    return sum(p.numel() for p in model.parameters()) / 1e9


def build(config: dict, preset: str, device: str):
    import torch
    from diffusers import LTX2VideoTransformer3DModel

    on = "cpu" if preset == "fp8+group" or device == "cpu" else device
    with torch.device(on):
        model = LTX2VideoTransformer3DModel(**config).to(torch.bfloat16).eval()
    if preset.startswith("fp8") and device != "cpu":
        model.enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn, compute_dtype=torch.bfloat16)
    if preset == "fp8+group" and device != "cpu":
        model.enable_group_offload(onload_device=torch.device(device), offload_device=torch.device("cpu"),
                                   offload_type="leaf_level", use_stream=True)
    return model


def inputs(config: dict, args: argparse.Namespace, device: str) -> dict:
    import torch

    t_ratio, s_ratio = 8, 32
    f = (args.frames - 1) // t_ratio + 1
    h, w = args.height // s_ratio, args.width // s_ratio
    seconds = args.frames / args.fps
    audio_frames = round(seconds * config["audio_sampling_rate"] / config["audio_hop_length"] / config["audio_scale_factor"])
    g = torch.Generator("cpu").manual_seed(0)

    def rnd(*shape):
        return torch.randn(*shape, generator=g).to(device, torch.bfloat16)

    # LTX-2.0 projects the connectors' caption_channels-wide output inside the transformer; 2.3+ connectors
    # already give each modality its own width.
    caption = config.get("use_prompt_embeddings", True)
    video_dim = config["caption_channels"] if caption else config["cross_attention_dim"]
    audio_dim = config["caption_channels"] if caption else config["audio_cross_attention_dim"]
    return dict(hidden_states=rnd(1, f * h * w, config["in_channels"]),
                audio_hidden_states=rnd(1, audio_frames, config["audio_in_channels"]),
                encoder_hidden_states=rnd(1, args.prompt_tokens, video_dim),
                audio_encoder_hidden_states=rnd(1, args.prompt_tokens, audio_dim),
                timestep=torch.full((1,), 900.0, device=device), sigma=torch.full((1,), 0.9, device=device),
                audio_timestep=torch.full((1,), 900.0, device=device),
                audio_sigma=torch.full((1,), 0.9, device=device), num_frames=f, height=h, width=w, fps=args.fps,
                audio_num_frames=audio_frames, return_dict=False)


def time_step(model, kwargs: dict, runs: int, device: str) -> tuple[list[float], float | None]:
    import torch

    cuda = device.startswith("cuda")
    with torch.inference_mode():
        model(**kwargs)  # warm-up (kernels, group-offload streams)
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            model(**kwargs)
            if cuda:
                torch.cuda.synchronize()
            times.append(time.perf_counter() - t)
    peak = torch.cuda.max_memory_allocated() / 1024**3 if cuda else None
    return times, peak


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import torch
    except ImportError:
        print("torch is not installed: nothing to measure (install the [local] extra).")
        return 0
    if args.dry_run:
        for m in args.models:
            print(f"{m}: {param_count(CONFIGS[m]):.2f} B transformer parameters "
                  f"({param_count(CONFIGS[m]) * 2:.1f} GB bf16, {param_count(CONFIGS[m]):.1f} GB fp8)")
        return 0
    device = "cpu" if args.smoke else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        print("No CUDA GPU here: the LTX-2 GPU benchmark is skipped (use --dry-run or --smoke on the CPU).")
        return 0
    rows = []
    for m in args.models:
        config = dict(CONFIGS[m], **TINY) if args.smoke else CONFIGS[m]
        base = None
        for preset in args.presets:
            model = build(config, preset, device)
            times, peak = time_step(model, inputs(config, args, device), args.runs, device)
            del model
            if device == "cuda":
                torch.cuda.empty_cache()
            med = statistics.median(times)
            base = base or med
            rows.append((m, preset, times, peak))
            peak_text = f"{peak:.1f} GB" if peak is not None else "n/a"
            print(f"{m:>4} {preset:<10} step min/median/max {min(times):.3f}/{med:.3f}/{max(times):.3f} s "
                  f"({med / base:.2f}x of {args.presets[0]}), peak {peak_text}", flush=True)
    if device == "cuda":
        print("\nVRAM table (one step, 768x512x121 + audio; the text encoder is offloaded and not counted):")
        print("card   " + "  ".join(f"{m}:{p}" for m, p, _, _ in rows))
        for target in TARGETS_GB:
            print(f"{target:>3} GB " + "  ".join(("fits" if peak <= target * 0.95 else "no").ljust(len(m) + len(p) + 1)
                                             for m, p, _, peak in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
