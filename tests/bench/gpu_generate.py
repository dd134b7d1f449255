"""GPU benchmark: real-size LTX-Video 2B and 13B architectures with random weights (nothing is downloaded).
(The LTX-2 family's 19B / 2.3-2.5 transformers and their VRAM table: tests/bench/gpu_generate_ltx2.py.)

    python tests/bench/gpu_generate.py [--models 2b,13b] [--width 768 --height 512 --frames 121 --steps 8]
                                       [--presets raw,standard,draft,fastest] [--runs 5] [--work DIR] [--dry-run]

For each model it builds the transformer (2B: 28 layers x 32 heads x 64; 13B: 48 layers x 32 heads x 128)
and the 0.9.1+ video VAE from their configs with random bf16 weights, saves the pipeline once, then times
`--runs` warm runs per preset (min/median/max) at 768x512, 121 frames, 8 steps and records the peak VRAM:
  raw       plain diffusers following the model's documented recipe (LTXConditionPipeline, its timesteps,
            guidance, decode timestep/noise; VAE tiling), as a person would script it: the baseline;
  standard  the same recipe through LocalLTXProvider (our Standard preset);
  draft     standard + First Block Cache (threshold 0.2) at the same size: the cache's speed-up alone;
  fastest   the recipe with fp8 layerwise storage + torch.compile + VAE tiling.
The table gives each median against raw and against standard, and against real time (frames / 24 fps).
The text encoder is a 1-layer T5 with the real 4096 width (the real T5-XXL adds ~9.5 GB of bf16 weights,
which the default preset keeps on the GPU and offload would move out): peak VRAM figures exclude it.
Without CUDA the script refuses (exit status 2); --dry-run prints the plan and parameter counts anywhere;
--smoke runs the whole script on the CPU with tiny configs (a check of the script, not a benchmark).
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TRANSFORMERS = {
    "2b": dict(num_layers=28, num_attention_heads=32, attention_head_dim=64, cross_attention_dim=2048),
    "13b": dict(num_layers=48, num_attention_heads=32, attention_head_dim=128, cross_attention_dim=4096,
                qk_norm="rms_norm_across_heads"),
}
CATALOG_IDS = {"2b": "ltxv-2b-0.9.8-distilled", "13b": "ltxv-13b-0.9.7-distilled"}
VAE_091 = dict(in_channels=3, out_channels=3, latent_channels=128, block_out_channels=(128, 256, 512, 512),
               decoder_block_out_channels=(256, 512, 1024), layers_per_block=(4, 3, 3, 3, 4),
               decoder_layers_per_block=(5, 6, 7, 8), spatio_temporal_scaling=(True, True, True, False),
               decoder_spatio_temporal_scaling=(True, True, True), decoder_inject_noise=(False, True, True, True),
               upsample_residual=(True, True, True), upsample_factor=(2, 2, 2), timestep_conditioning=True,
               patch_size=4, patch_size_t=1, encoder_causal=True, decoder_causal=False)
PROMPT = "A red fox trots through fresh snow in a pine forest at dawn, the camera tracking beside it."


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Time LTX 2B/13B on a GPU: raw diffusers vs our presets.")
    p.add_argument("--models", default="2b,13b", help="comma list of 2b, 13b")
    p.add_argument("--presets", default="raw,standard,draft,fastest",
                   help="comma list of raw, standard, draft, fastest")
    p.add_argument("--runs", type=int, default=5, help="timed warm runs per figure (min/median/max)")
    p.add_argument("--width", type=int, default=768)
    p.add_argument("--height", type=int, default=512)
    p.add_argument("--frames", type=int, default=121)
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--work", help="where the random models are saved (reused between runs)")
    p.add_argument("--dry-run", action="store_true", help="print the plan and parameter counts, run nothing")
    p.add_argument("--smoke", action="store_true",
                   help="CPU check of the script itself: tiny configs, 32x32, 9 frames, 2 steps, no VRAM figures")
    args = p.parse_args(argv)
    if args.smoke:
        args.width = args.height = 32
        args.frames, args.steps, args.runs = 9, 2, 2
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    args.presets = [m.strip() for m in args.presets.split(",") if m.strip()]
    bad = [m for m in args.models if m not in TRANSFORMERS] + \
          [x for x in args.presets if x not in ("raw", "standard", "draft", "fastest")]
    if bad:
        p.error(f"unknown model/preset: {', '.join(bad)}")
    if (args.frames - 1) % 8 or args.width % 32 or args.height % 32:
        p.error("frames must be 8k+1 and width/height multiples of 32")
    return args


TINY_TRANSFORMER = dict(in_channels=8, out_channels=8, patch_size=1, patch_size_t=1, num_attention_heads=4,
                        attention_head_dim=8, cross_attention_dim=32, num_layers=1, caption_channels=4096)
TINY_VAE = dict(latent_channels=8, block_out_channels=(8, 8, 8, 8), decoder_block_out_channels=(8, 8, 8, 8),
                spatio_temporal_scaling=(True, True, False, False),
                decoder_spatio_temporal_scaling=(True, True, False, False), layers_per_block=(1, 1, 1, 1, 1),
                decoder_layers_per_block=(1, 1, 1, 1, 1), patch_size=1, patch_size_t=1)


def transformer_config(name: str, smoke: bool = False) -> dict:
    if smoke:
        return TINY_TRANSFORMER
    return dict(in_channels=128, out_channels=128, patch_size=1, patch_size_t=1, caption_channels=4096,
                **TRANSFORMERS[name])


def param_counts(name: str) -> tuple[float, float]:
    import torch
    from diffusers import AutoencoderKLLTXVideo, LTXVideoTransformer3DModel

    with torch.device("meta"):
        t = LTXVideoTransformer3DModel(**transformer_config(name))
        v = AutoencoderKLLTXVideo(**VAE_091)
    return sum(p.numel() for p in t.parameters()) / 1e9, sum(p.numel() for p in v.parameters()) / 1e9


def build_model(name: str, work: Path, device: str, smoke: bool = False, bf16: bool = False) -> Path:
    """Random bf16 weights built on the GPU (fast), saved once as a diffusers folder. bf16=True builds bf16 on
    the CPU too (half the memory: the real-size CPU test in tests/unit/test_catalog_realsize.py)."""
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import T5Config, T5EncoderModel, T5TokenizerFast

    from tests.fakes.tiny_models import _unigram

    folder = work / f"ltx-{name}{'-smoke' if smoke else ''}-random"
    if (folder / "model_index.json").is_file():
        return folder
    torch.manual_seed(0)
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16 if device == "cuda" or bf16 else torch.float32)
    try:
        with torch.device(device):
            transformer = LTXVideoTransformer3DModel(**transformer_config(name, smoke))
            vae = AutoencoderKLLTXVideo(**(TINY_VAE if smoke else VAE_091))
            text_encoder = T5EncoderModel(T5Config(vocab_size=64, d_model=4096, d_kv=64, d_ff=1024,
                                                   num_layers=1, num_heads=8))
    finally:
        torch.set_default_dtype(old)
    tokenizer = T5TokenizerFast(tokenizer_object=_unigram(60, ["<pad>", "</s>", "<unk>"], "<unk>"),
                                pad_token="<pad>", eos_token="</s>", unk_token="<unk>", extra_ids=0)
    scheduler = FlowMatchEulerDiscreteScheduler(use_dynamic_shifting=True, base_shift=0.95, max_shift=2.05,
                                                base_image_seq_len=1024, max_image_seq_len=4096,
                                                shift_terminal=0.1)
    LTXPipeline(transformer=transformer, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                scheduler=scheduler).save_pretrained(folder, max_shard_size="10GB")
    del transformer, vae, text_encoder
    _reset(device)
    return folder


def _reset(device: str) -> None:
    import torch

    gc.collect()
    if device == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()


def _peak(device: str) -> float:
    import torch

    if device != "cuda":
        return float("nan")
    torch.cuda.synchronize()
    return torch.cuda.max_memory_allocated() / 1024**3


def _recipe_kwargs(name: str, args: argparse.Namespace) -> dict:
    """The catalog model's reference recipe (core/recipes.py) at the bench's step count."""
    from ltx_editor.core.recipes import apply_overrides, recipe_for

    recipe = recipe_for(CATALOG_IDS[name])
    return apply_overrides(recipe, steps=args.steps, guidance_scale=recipe.guidance)


def _stats(times: list[float]) -> tuple[float, float, float]:
    return min(times), statistics.median(times), max(times)


def run_raw(folder: Path, name: str, args: argparse.Namespace, device: str) -> tuple[list[float], float]:
    """Plain diffusers following the documented recipe (ltx_video.md: LTXConditionPipeline, the recipe's
    timesteps/guidance/decode arguments), as a person would write it: the baseline."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, LTXConditionPipeline

    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    pipe = LTXConditionPipeline.from_pretrained(folder, dtype=dtype).to(device)
    pipe.scheduler = FlowMatchEulerDiscreteScheduler.from_config(pipe.scheduler.config, use_dynamic_shifting=False)
    pipe.vae.enable_tiling()
    pipe.set_progress_bar_config(disable=True)
    kwargs = dict(prompt=PROMPT, width=args.width, height=args.height, num_frames=args.frames, output_type="np",
                  **_recipe_kwargs(name, args))
    pipe(**kwargs, generator=torch.Generator("cpu").manual_seed(0))  # warm-up (kernels, autotune)
    _reset(device)
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        pipe(**kwargs, generator=torch.Generator("cpu").manual_seed(0))
        _peak(device)  # synchronizes
        times.append(time.perf_counter() - t)
    peak = _peak(device)
    del pipe
    return times, peak


def run_ours(folder: Path, name: str, preset: str, args: argparse.Namespace, out: Path,
             device: str) -> tuple[list[float], float]:
    """standard: the recipe through LocalLTXProvider; draft: the same plus First Block Cache (same size, so the
    ratio is the cache's alone); fastest: the recipe with fp8 storage + torch.compile."""
    from ltx_editor.core.recipes import recipe_for
    from ltx_editor.core.settings import GenerationSettings
    from ltx_editor.generation.local.provider import LocalLTXProvider
    from ltx_editor.generation.request import CancelToken, GenerationRequest

    fastest = preset == "fastest"
    provider = LocalLTXProvider(device=device, compile_transformer=fastest)
    settings = GenerationSettings(model_id=CATALOG_IDS[name], width_override=args.width,
                                  height_override=args.height, num_frames_override=args.frames,
                                  steps=args.steps, guidance_scale=recipe_for(CATALOG_IDS[name]).guidance, seed=0,
                                  fp8=fastest, vae_tiling=True, preset="draft" if preset == "draft" else None)
    request = GenerationRequest(prompt=PROMPT, settings=settings, model_path=str(folder))

    async def once():
        return await provider.generate(request, out, lambda e: None, CancelToken())

    asyncio.run(once())  # load + warm-up (+ compile for the fastest preset)
    _reset(device)
    times = [asyncio.run(once()).timings["generate"] for _ in range(args.runs)]
    peak = _peak(device)
    asyncio.run(provider.close())
    return times, peak


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.dry_run:
        print(f"plan: {args.width}x{args.height}, {args.frames} frames, {args.steps} steps; "
              f"models {args.models}; presets {args.presets}")
        for name in args.models:
            t, v = param_counts(name)
            print(f"  {name}: transformer {t:.2f} B params, VAE {v:.2f} B params")
        return 0
    import torch

    device = "cpu" if args.smoke else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        print("gpu_generate.py needs a CUDA GPU (torch.cuda.is_available() is False); nothing was run.",
              file=sys.stderr)
        return 2
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="ltx-gpu-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    out = work / "out"
    rows = []
    for name in args.models:
        folder = build_model(name, work, device, args.smoke)
        for preset in args.presets:
            _reset(device)
            times, peak = (run_raw(folder, name, args, device) if preset == "raw"
                           else run_ours(folder, name, preset, args, out, device))
            rows.append((name, preset, times, peak))
            lo, med, hi = _stats(times)
            print(f"{name:>4} {preset:<8} {lo:.2f}/{med:.2f}/{hi:.2f} s {peak:8.2f} GiB", flush=True)
    gpu = torch.cuda.get_device_name() if device == "cuda" else "CPU smoke run (tiny configs)"
    clip_s = args.frames / 24.0
    print(f"\n{gpu} — {args.width}x{args.height}, {args.frames} frames ({clip_s:.2f} s at 24 fps), "
          f"{args.steps} steps, {args.runs} warm runs each, pipeline call only; peak = max_memory_allocated")
    print(f"{'model':<6}{'preset':<10}{'min/median/max (s)':>22}{'peak VRAM (GiB)':>18}{'vs raw':>9}"
          f"{'vs standard':>13}{'x real time':>13}")
    med = {(n, p): _stats(t)[1] for n, p, t, _ in rows}
    for name, preset, times, peak in rows:
        lo, m, hi = _stats(times)
        raw = f"{m / med[name, 'raw']:.2f}x" if (name, "raw") in med else "-"
        std = f"{med[name, 'standard'] / m:.2f}x" if (name, "standard") in med else "-"
        print(f"{name:<6}{preset:<10}{f'{lo:.2f}/{m:.2f}/{hi:.2f}':>22}{peak:>18.2f}{raw:>9}{std:>13}"
              f"{clip_s / m:>12.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
