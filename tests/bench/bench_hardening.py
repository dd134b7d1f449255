"""What the hardening of issue 16 costs, each against its unguarded baseline timed in the same run.

    .venv/bin/python tests/bench/bench_hardening.py [--clips 1000] [--runs 5]

- safe read: safe_files.read_bytes (O_NONBLOCK open, fstat, size cap) against open().read() of the same
  project file;
- output guard: check_export_target (real path + inode of every file the project names) against
  load_project of the same project, the step every export already pays;
- log sanitising: SafeFormatter.format against logging.Formatter.format of 10,000 records holding a name
  with an ESC sequence;
- terminal text: for_terminal of 1 MB of text dense with escape sequences (60,000 of them) against the
  standard library's own escaping, str.encode("unicode_escape") (which also escapes all non-ASCII).

Each figure runs 5 times (interleaved with its baseline); min / median / max are printed, and the ratio
of the medians.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ltx_editor.core.output_guard import check_export_target  # noqa: E402
from ltx_editor.core.project_io import load_project, save_project  # noqa: E402
from ltx_editor.core.safe_files import read_bytes  # noqa: E402
from ltx_editor.core.safe_text import for_terminal  # noqa: E402
from ltx_editor.logs import LOG_FORMAT, SafeFormatter  # noqa: E402
from tests.fakes.projects import make_project  # noqa: E402


def _time(fn, repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def _compare(name: str, base_name: str, fn, baseline, runs: int, repeat: int = 1) -> None:
    got, base = [], []
    for _ in range(runs):  # interleaved so both see the same machine state
        base.append(_time(baseline, repeat))
        got.append(_time(fn, repeat))

    def fmt(xs: list[float]) -> str:
        return f"{min(xs) * 1e3:9.3f} / {statistics.median(xs) * 1e3:9.3f} / {max(xs) * 1e3:9.3f} ms"

    print(f"{name:<34} {fmt(got)}")
    print(f"  {base_name + ' (baseline)':<32} {fmt(base)}   ratio {statistics.median(got) / statistics.median(base):.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"min / median / max of {args.runs} runs")
    with tempfile.TemporaryDirectory() as tmp:
        project, path = make_project(tmp, n_clips=args.clips)
        save_project(project, path)
        files = sum(len(a.takes) for a in project.assets)
        print(f"project: {args.clips} clips, {files} takes, {path.stat().st_size / 1e6:.2f} MB")

        def plain_read() -> bytes:
            with open(path, "rb") as f:
                return f.read()

        _compare("safe read (read_bytes)", "open().read()",
                 lambda: read_bytes(path, max_bytes=256 << 20), plain_read, args.runs, repeat=20)
        loaded = load_project(path)
        out = Path(tmp) / "export.mp4"
        _compare("output guard (check_export_target)", "load_project",
                 lambda: check_export_target(loaded.project, path, out), lambda: load_project(path), args.runs)

    records = [logging.LogRecord("ltx_editor.jobs", logging.WARNING, __file__, 1, "clip %s finished in %.1f s",
                                 (f"shot\x1b[31m{i}", 1.5), None) for i in range(10_000)]
    safe, plain = SafeFormatter(LOG_FORMAT), logging.Formatter(LOG_FORMAT)
    _compare("log lines (SafeFormatter)", "logging.Formatter",
             lambda: [safe.format(r) for r in records], lambda: [plain.format(r) for r in records], args.runs)
    text = ("a clip named \x1b[31mred\x1b[0m, é✓ and a bell\x07. " * 20_000)[:1_000_000]
    _compare("terminal text (for_terminal, 1 MB)", "unicode_escape",
             lambda: for_terminal(text), lambda: text.encode("unicode_escape"), args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
