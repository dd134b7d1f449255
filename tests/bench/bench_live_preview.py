"""Live previews: what they cost a job, through the real worker process, on the tiny LTX-Video and LTX-2 models.

    .venv/bin/python tests/bench/bench_live_preview.py [--runs 5] [--jobs 3] [--family ltx,ltx2] [--only ratio,share]

ratio: two warm workers per family (model loaded), one with previews (the default) and one without; each run
times --jobs jobs on each, interleaved, and takes the ratio of the medians (previews / none). A figure per
family: min / median / max of that ratio over --runs runs, and the previews each job brought back.
share: the same job in this process with previews on; the previewer's own clock (decode + JPEG, what the 3%
cap governs) over the job's time, per run. Wall-clock ratios on a loaded machine carry its noise; this one
does not. On these models a preview costs about half a step: a worst case for the per-preview cost, which the
0.5 s interval and the 3% cap keep small.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Long enough for several 0.5 s preview intervals per job on a shared CPU.
JOB = {"ltx": dict(steps=30, width_override=64, height_override=64, num_frames_override=17),
       "ltx2": dict(steps=8, width_override=32, height_override=32, num_frames_override=9)}


def _fmt(values: list[float]) -> str:
    return f"min {min(values):.3f} / median {statistics.median(values):.3f} / max {max(values):.3f}"


def _build(tmp: Path, family: str) -> Path:
    folder = tmp / family
    builder = "build_tiny_ltx" if family == "ltx" else "build_tiny_ltx2"
    code = f"from tests.fakes.tiny_models import {builder}; {builder}({str(folder)!r})"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True)  # torch stays out
    return folder


async def _job(provider, request, out: Path) -> tuple[float, int]:
    from ltx_editor.generation.preview import PreviewEvent
    from ltx_editor.generation.request import CancelToken

    shots = []
    t = time.perf_counter()
    await provider.generate(request, out, lambda e: shots.append(e) if isinstance(e, PreviewEvent) else None,
                            CancelToken())
    return time.perf_counter() - t, len(shots)


async def _family(family: str, model: Path, tmp: Path, runs: int, jobs: int) -> None:
    from ltx_editor.generation.worker.client import WorkerLTXProvider
    from tests.fakes.model_fixtures import tiny_request

    request = tiny_request(model, **JOB[family])
    on = WorkerLTXProvider(max_sequence_length=16)
    off = WorkerLTXProvider(max_sequence_length=16, live_previews=False)
    try:
        for provider in (on, off):  # warm: the child started and the model loaded
            await _job(provider, request, tmp / "warm")
        ratios, counts, base = [], [], []
        for run in range(runs):
            with_s, without_s = [], []
            for _ in range(jobs):
                seconds, shots = await _job(on, request, tmp / f"on{run}")
                with_s.append(seconds)
                counts.append(shots)
                without_s.append((await _job(off, request, tmp / f"off{run}"))[0])
            ratios.append(statistics.median(with_s) / statistics.median(without_s))
            base.append(statistics.median(without_s))
            print(f"  {family} run {run + 1}: {ratios[-1]:.3f}x  (job {base[-1]:.2f} s without, "
                  f"{statistics.median(with_s):.2f} s with)", flush=True)
        print(f"{family}: with / without previews {_fmt(ratios)} x over {runs} runs; job without previews "
              f"{_fmt(base)} s; previews per job {min(counts)}-{max(counts)}", flush=True)
    finally:
        await on.close()
        await off.close()


def _share(family: str, model: Path, tmp: Path, runs: int) -> None:
    from ltx_editor.generation.local import latent_preview
    from ltx_editor.generation.local.provider import LocalLTXProvider
    from tests.fakes.model_fixtures import tiny_request

    made: list = []
    plain_init = latent_preview.LatentPreviewer.__init__

    def keep(self, *args, **kwargs):  # instrumentation: read each job's previewer afterwards
        plain_init(self, *args, **kwargs)
        made.append(self)

    latent_preview.LatentPreviewer.__init__ = keep
    try:
        provider = LocalLTXProvider(max_sequence_length=16, live_previews=True)
        request = tiny_request(model, **JOB[family])
        asyncio.run(_job(provider, request, tmp / "warm"))
        shares, counts = [], []
        for run in range(runs):
            seconds, shots = asyncio.run(_job(provider, request, tmp / f"share{run}"))
            shares.append(made[-1].seconds / seconds)
            counts.append(shots)
            print(f"  {family} run {run + 1}: previews took {shares[-1]:.1%} of a {seconds:.2f} s job ({shots})",
                  flush=True)
        print(f"{family}: share of the job spent on previews {_fmt([100 * s for s in shares])} % over {runs} "
              f"runs; previews per job {min(counts)}-{max(counts)}", flush=True)
    finally:
        latent_preview.LatentPreviewer.__init__ = plain_init


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=3)
    parser.add_argument("--family", default="ltx,ltx2")
    parser.add_argument("--only", default="ratio,share")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for family in args.family.split(","):
            model = _build(tmp, family)
            if "ratio" in args.only:
                asyncio.run(_family(family, model, tmp, args.runs, args.jobs))
            if "share" in args.only:
                _share(family, model, tmp, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
