"""Bench: the hardware probe (target ≤ 300 ms, torch never imported), 5 runs, min / median / max.

Timed on this machine as it is, and with the fake nvidia-smi (two GPUs) first on PATH, so the child-process
path is measured too. The baseline, timed in the same run, is what the probe avoids: asking torch in a child
process (`python -c "import torch; torch.cuda.device_count()"`).

    python tests/bench/bench_hardware.py
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ltx_editor.generation import hardware  # noqa: E402

RUNS = 5


def timed(fn) -> list[float]:
    out = []
    for _ in range(RUNS):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def show(label: str, ms: list[float]) -> float:
    med = statistics.median(ms)
    print(f"{label:<44} min {min(ms):7.1f}  median {med:7.1f}  max {max(ms):7.1f} ms")
    return med


def main() -> int:
    here = show("probe, this machine", timed(lambda: hardware.probe(refresh=True)))
    os.environ["PATH"] = f"{ROOT / 'tests' / 'fakes' / 'bin'}{os.pathsep}{os.environ['PATH']}"
    os.environ["FAKE_NVIDIA_SMI"] = "two"
    fake = show("probe, fake nvidia-smi (2 GPUs)", timed(lambda: hardware.probe(refresh=True)))
    assert len(hardware.probe().gpus) == 2
    cached = show("probe, cached", timed(hardware.probe))
    code = "import torch; torch.cuda.device_count()"
    base = show("baseline: torch in a child process", timed(
        lambda: subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)))
    print(f"torch imported in this process: {'torch' in sys.modules}")
    print(f"ratio probe/baseline: this machine {here / base:.3f}, fake GPUs {fake / base:.3f}; "
          f"cached {cached:.3f} ms")
    ok = max(here, fake) <= 300 and "torch" not in sys.modules
    print("PASS" if ok else "FAIL", "(target: median ≤ 300 ms, no torch)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
