"""Local generation benchmarks on CPU: provider overhead, memory across load/unload cycles, torch-free import.

    .venv/bin/python tests/bench/bench_generate.py [--runs 15] [--quick]

1. Overhead. The same request through LocalLTXProvider.generate (asyncio hop to the worker thread, request
   checks, LoRA bookkeeping, progress events, H.264 mp4 via write_video, JSON sidecar) against the raw
   diffusers way to get an mp4 from the already loaded pipeline: `pipe(**same kwargs)` then diffusers'
   `export_to_video` (imageio). Both include encoding; the model is loaded before timing. Because the two
   encoders differ, a second baseline writes the raw frames with our own write_video (same encoder: the
   difference is then only the provider's bookkeeping), and a third compares the bare pipeline call with
   the provider's pipeline call (the step callback). Interleaved runs, medians.
2. Memory. 5 cycles of load -> generate -> unload of a ~135M-parameter random LTX model (big enough that a
   leaked copy would show as +30% RSS); RSS after each unload, last cycle vs first.
3. Import. `import ltx_editor.generation` (and every generation module) in a fresh interpreter: time, and
   whether torch got imported.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def build_medium_ltx(path: Path) -> Path:
    """The tiny LTX folder with a much larger random transformer (8 layers, 1024 wide)."""
    import torch
    from diffusers import LTXVideoTransformer3DModel

    from tests.fakes.tiny_models import build_tiny_ltx

    build_tiny_ltx(path, upsampler=False)
    marker = path / "transformer" / ".medium"
    if not marker.exists():
        torch.manual_seed(0)
        LTXVideoTransformer3DModel(in_channels=8, out_channels=8, patch_size=1, patch_size_t=1,
                                   num_attention_heads=16, attention_head_dim=64, cross_attention_dim=1024,
                                   num_layers=8, caption_channels=32).save_pretrained(path / "transformer")
        marker.write_text("1")
    return path


def bench_overhead(model_dir: Path, runs: int, size: int, frames: int, steps: int) -> dict:
    import torch
    from diffusers.utils import export_to_video

    from ltx_editor.generation.local.provider import LocalLTXProvider
    from ltx_editor.generation.output import write_video
    from ltx_editor.generation.request import CancelToken
    from tests.fakes.model_fixtures import tiny_request

    out = Path(tempfile.mkdtemp(prefix="bench-gen-"))
    request = tiny_request(model_dir, width_override=size, height_override=size, num_frames_override=frames,
                           steps=steps, seed=3)
    provider = LocalLTXProvider(max_sequence_length=16)
    captured: dict = {}
    provider.before_pipeline_call = lambda name, kwargs: captured.update(name=name, kwargs=dict(kwargs))

    async def provider_runs(n: int) -> list[tuple[float, float]]:
        times = []
        for _ in range(n):
            t = time.perf_counter()
            result = await provider.generate(request, out, lambda e: None, CancelToken())
            times.append((time.perf_counter() - t, result.timings["generate"]))
        return times

    loop = asyncio.new_event_loop()
    loop.run_until_complete(provider_runs(2))  # load + warm up
    pipe = provider.loaded.pipes[captured["name"]]
    kwargs = {k: v for k, v in captured["kwargs"].items() if k != "generator"}

    def raw_run(writer) -> tuple[float, float]:
        t = time.perf_counter()
        frames_out = pipe(**kwargs, generator=torch.Generator("cpu").manual_seed(3)).frames[0]
        t_pipe = time.perf_counter() - t
        writer(frames_out)
        return time.perf_counter() - t, t_pipe

    def diffusers_export(frames_out) -> None:
        export_to_video(list(frames_out), str(out / "raw.mp4"), fps=24)

    def same_encoder(frames_out) -> None:
        write_video(frames_out, 24, out / "raw_ours.mp4")

    raw_run(diffusers_export)
    raw, raw_same, ours = [], [], []
    for _ in range(runs):  # interleaved, so drift on a shared machine hits every side alike
        raw.append(raw_run(diffusers_export))
        raw_same.append(raw_run(same_encoder))
        ours.extend(loop.run_until_complete(provider_runs(1)))
    loop.run_until_complete(provider.close())
    loop.close()
    med = statistics.median
    return {"raw_total": med(r[0] for r in raw), "raw_same_total": med(r[0] for r in raw_same),
            "raw_pipe": med(r[1] for r in raw + raw_same),
            "ours_total": med(o[0] for o in ours), "ours_pipe": med(o[1] for o in ours)}


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e6


def bench_memory(model_dir: Path, cycles: int = 5) -> list[float]:
    from ltx_editor.generation.local.provider import LocalLTXProvider
    from ltx_editor.generation.request import CancelToken
    from tests.fakes.model_fixtures import tiny_request

    out = Path(tempfile.mkdtemp(prefix="bench-mem-"))
    provider = LocalLTXProvider(max_sequence_length=16)
    request = tiny_request(model_dir, seed=1)
    after = []

    loaded_rss = []

    async def cycle() -> None:
        await provider.generate(request, out, lambda e: None, CancelToken())  # loads, generates
        loaded_rss.append(rss_mb())
        await provider.unload()

    loop = asyncio.new_event_loop()
    for _ in range(cycles):
        loop.run_until_complete(cycle())
        gc.collect()
        after.append(rss_mb())
    loop.run_until_complete(provider.close())
    loop.close()
    print("RSS with the model loaded:  " + ", ".join(f"{v:.0f}" for v in loaded_rss) + " MB")
    return after


def bench_import() -> tuple[float, list[str]]:
    code = ("import sys, time; t = time.perf_counter(); import ltx_editor.generation, ltx_editor.generation.queue, "
            "ltx_editor.generation.sidecar, ltx_editor.generation.output, ltx_editor.generation.enhance, "
            "ltx_editor.generation.lora, ltx_editor.generation.local.provider; "
            "print(time.perf_counter() - t); print([m for m in ('torch', 'diffusers', 'transformers') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    secs, mods = out.stdout.strip().splitlines()
    return float(secs), eval(mods)  # noqa: S307 (our own subprocess's list literal)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="fewer runs (smoke test of the script)")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    from tests.fakes.tiny_models import build_tiny_ltx

    work = Path(tempfile.mkdtemp(prefix="bench-models-"))
    tiny = build_tiny_ltx(work / "ltx")

    print("== provider overhead (tiny LTX, CPU, model loaded; medians of", runs, "interleaved runs) ==")
    print(f"{'case':<38}{'baseline':>12}{'provider':>12}{'ratio':>8}  target <= 1.10")
    for label, size, frames, steps in (("32x32x9, 2 steps", 32, 9, 2), ("64x64x17, 8 steps", 64, 17, 8)):
        r = bench_overhead(tiny, runs, size, frames, steps)
        rows = [(f"{label}: pipe + export_to_video", r["raw_total"], r["ours_total"]),
                (f"{label}: pipe + same write_video", r["raw_same_total"], r["ours_total"]),
                (f"{label}: pipeline call only", r["raw_pipe"], r["ours_pipe"])]
        for name, base, ours in rows:
            print(f"{name:<38}{base * 1000:>9.1f} ms{ours * 1000:>9.1f} ms{ours / base:>8.3f}")

    print("\n== memory: 5 x (load -> generate -> unload), ~135M-parameter random LTX ==")
    medium = build_medium_ltx(work / "medium")
    print(f"RSS before the first load: {rss_mb():.0f} MB")
    after = bench_memory(medium)
    print("RSS after each unload:     " + ", ".join(f"{v:.0f}" for v in after) + " MB")
    print(f"last / first cycle: {after[-1] / after[0]:.3f} (target <= 1.10)")

    secs, mods = bench_import()
    print("\n== import ltx_editor.generation (fresh interpreter) ==")
    print(f"time: {secs * 1000:.0f} ms; heavy modules imported: {mods or 'none'} (target: none)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
