"""Opening a 1,000-clip project: load_project against plain json.loads of the same file.

    .venv/bin/python tests/bench/bench_project_open.py [--runs 20] [--clips 1000]

load_project reads the file, parses it, validates every model and cross-reference, checks media paths and
looks for every take's file on disk (one stat each). The baseline is `json.loads(open(path).read())` of
the same file. Runs are interleaved and the best of each is compared. Target: ratio <= 10.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ltx_editor.core.project_io import load_project, save_project  # noqa: E402
from tests.fakes.projects import make_project  # noqa: E402

TARGET_RATIO = 10.0


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--clips", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project, path = make_project(tmp, n_clips=args.clips)
        save_project(project, path)
        size = path.stat().st_size
        takes = sum(len(a.takes) for a in project.assets)
        loaded = load_project(path)
        assert sum(len(t.clips) for t in loaded.project.tracks) == args.clips and not loaded.missing_media

        def baseline() -> None:
            with open(path, encoding="utf-8") as f:
                json.loads(f.read())

        base = load = float("inf")
        for _ in range(args.runs):  # interleaved so both see the same machine state
            base = min(base, _time(baseline))
            load = min(load, _time(lambda: load_project(path)))
    ratio = load / base
    print(f"project: {args.clips} clips, {len(project.assets)} assets, {takes} takes, {size / 1e6:.2f} MB")
    print(f"json.loads (baseline): {base * 1e3:8.2f} ms   best of {args.runs}")
    print(f"load_project:          {load * 1e3:8.2f} ms   best of {args.runs}")
    print(f"ratio: {ratio:.2f}x   (target <= {TARGET_RATIO:g}x)")
    assert ratio <= TARGET_RATIO, f"opening a project is {ratio:.1f}x json.loads, above {TARGET_RATIO:g}x"
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
