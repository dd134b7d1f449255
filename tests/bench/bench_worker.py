"""Generation worker benchmarks: cancel latency per stage, editor memory across cycles, provider overhead.

    .venv/bin/python tests/bench/bench_worker.py [--runs 5] [--cycles 50] [--only cancel,memory,overhead]

1. Cancel latency: from CancelToken.cancel() to generate() raising Cancelled, in each stage — start (the
   child is starting: killed at once), load (the child imports torch and loads the model: it cannot stop, so
   it is killed after the grace),
   prompt encoding (the T5 encoder sleeps 2 s: killed after the grace), a slowed step (each step sleeps 2 s in
   the instrumented child: killed after the grace), decode (the VAE decode sleeps 2 s: killed), and a normal
   tiny step (the child answers at the next step). Target <= 1 s.
2. Editor memory: this process's RSS after each generate -> unload cycle (unload = the worker exits), last
   cycle vs first. Target within 5%. Runs before anything here imports torch.
3. Overhead: the same warm tiny job through WorkerLTXProvider (JSON lines, staging + rename) against
   LocalLTXProvider in this process (model loaded in both before timing). Target <= 1.10x (ratio of medians).
Each figure: --runs runs, min / median / max.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SLOW = (sys.executable, "-m", "tests.fakes.slow_worker")


def _fmt(values: list[float], unit: str = "s") -> str:
    return f"min {min(values):.3f} / median {statistics.median(values):.3f} / max {max(values):.3f} {unit}"


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        import os

        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _model_dir(tmp: Path) -> Path:
    import subprocess

    folder = tmp / "ltx"
    code = f"from tests.fakes.tiny_models import build_tiny_ltx; build_tiny_ltx({str(folder)!r}, upsampler=False)"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)  # torch stays out
    return folder


async def _cancel_once(model: Path, out: Path, stage: str, command: tuple[str, ...], warm: bool) -> float:
    from ltx_editor.generation.errors import Cancelled
    from ltx_editor.generation.request import CancelToken, Stage
    from ltx_editor.generation.worker.client import WorkerLTXProvider
    from tests.fakes.model_fixtures import tiny_request

    provider = WorkerLTXProvider(max_sequence_length=16, command=command)
    try:
        if warm:
            await provider.generate(tiny_request(model, steps=1), out, lambda e: None, CancelToken())
        cancel, at = CancelToken(), []
        trigger = {"start": Stage.LOADING, "load": Stage.LOADING, "encoding": Stage.ENCODING_PROMPT,
                   "step": Stage.GENERATING, "slow step": Stage.GENERATING, "decode": Stage.DECODING}[stage]

        def progress(event):
            if stage == "load" and event.message == "starting the generator":
                return  # the child's own loading report comes next: torch imports and the model loads
            if event.stage is trigger and not at:
                at.append(time.perf_counter())
                cancel.cancel()

        steps = 2 if stage == "decode" else 30
        try:
            await provider.generate(tiny_request(model, steps=steps), out, progress, cancel)
        except Cancelled:
            return time.perf_counter() - at[0]
        raise RuntimeError(f"the {stage} cancel did not cancel")
    finally:
        await provider.close()


def bench_cancel(model: Path, out: Path, runs: int) -> dict[str, list[float]]:
    cases = {"start": (SLOW, False), "load": (SLOW, False), "encoding": ((*SLOW, "--encode-delay", "2"), True),
             "slow step": ((*SLOW, "--step-delay", "2"), True),
             "decode": ((*SLOW, "--decode-delay", "2"), True), "step": (SLOW, True)}
    figures: dict[str, list[float]] = {}
    for stage, (command, warm) in cases.items():
        figures[stage] = [asyncio.run(_cancel_once(model, out, stage, command, warm)) for _ in range(runs)]
        print(f"cancel latency, {stage:9}: {_fmt(figures[stage])}", flush=True)
    return figures


def bench_memory(model: Path, out: Path, cycles: int, runs: int) -> list[float]:
    from ltx_editor.generation.request import CancelToken
    from ltx_editor.generation.worker.client import WorkerLTXProvider
    from tests.fakes.model_fixtures import tiny_request

    async def all_cycles(provider: WorkerLTXProvider) -> list[float]:
        rss = []
        for _ in range(cycles):
            await provider.generate(tiny_request(model), out, lambda e: None, CancelToken())
            await provider.unload()
            rss.append(_rss_mb())
        return rss

    growths = []
    for _ in range(runs):
        rss = asyncio.run(all_cycles(WorkerLTXProvider(max_sequence_length=16)))
        growths.append(100 * (rss[-1] - rss[0]) / rss[0])
        print(f"  editor RSS {rss[0]:.1f} -> {rss[-1]:.1f} MiB over {cycles} cycles ({growths[-1]:+.2f}%)", flush=True)
    print(f"editor RSS growth: {_fmt(growths, '%')}  (target within 5%; torch loaded here: "
          f"{'torch' in sys.modules})", flush=True)
    return growths


def bench_overhead(model: Path, out: Path, runs: int, jobs: int = 7) -> list[float]:
    """`runs` figures, each the ratio of medians of `jobs` interleaved warm jobs through each provider."""
    from ltx_editor.generation.local.provider import LocalLTXProvider
    from ltx_editor.generation.request import CancelToken
    from ltx_editor.generation.worker.client import WorkerLTXProvider
    from tests.fakes.model_fixtures import tiny_request

    worker, local = WorkerLTXProvider(max_sequence_length=16), LocalLTXProvider(max_sequence_length=16)
    ratios: list[float] = []
    medians: dict[str, list[float]] = {"worker": [], "in-process": []}

    async def go() -> None:
        for provider in (worker, local):  # warm: the model is loaded in both
            await provider.generate(tiny_request(model), out, lambda e: None, CancelToken())
        for _ in range(runs):
            times: dict[str, list[float]] = {"worker": [], "in-process": []}
            for i in range(jobs):  # interleaved, so both see the same machine load
                for name, provider in (("worker", worker), ("in-process", local)):
                    t = time.perf_counter()
                    await provider.generate(tiny_request(model, seed=i), out, lambda e: None, CancelToken())
                    times[name].append(time.perf_counter() - t)
            for name, values in times.items():
                medians[name].append(statistics.median(values))
            ratios.append(medians["worker"][-1] / medians["in-process"][-1])
        await worker.close()
        await local.close()

    asyncio.run(go())
    for name, values in medians.items():
        print(f"tiny job, {name:10}: {_fmt(values)} (median of {jobs} jobs per run)", flush=True)
    print(f"overhead worker / in-process: {_fmt(ratios, 'x')}  (target <= 1.10x)", flush=True)
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cycles", type=int, default=50)
    parser.add_argument("--only", default="cancel,memory,overhead")
    args = parser.parse_args()
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        model, out = _model_dir(Path(tmp)), Path(tmp) / "out"
        out.mkdir()
        if "memory" in only:  # first: nothing here has imported torch yet
            bench_memory(model, out, args.cycles, args.runs)
        if "cancel" in only:
            bench_cancel(model, out, args.runs)
        if "overhead" in only:
            bench_overhead(model, out, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
