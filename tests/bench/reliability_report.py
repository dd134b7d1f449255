"""The reliability suite's summary table: cases tried, crashes, data lost, secrets leaked, stall, RSS growth.

    .venv/bin/python tests/bench/reliability_report.py             # run tests/reliability, then report
    .venv/bin/python tests/bench/reliability_report.py --read DIR  # report what an earlier run recorded

It runs the suite with LTX_RELIABILITY_DIR pointing at a fresh folder, where each test records its figures
(tests/reliability/record.py), then prints one row per area and the totals. Ratios are taken against
baselines measured in the same run: the event-loop stall against the idle loop's own jitter (measured by
the soak before it starts), and each figure against the budget issue 7 sets.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.reliability.record import ENV, read_all  # noqa: E402

AREAS = {  # module -> what it covers
    "test_crash_save": "crash during save/autosave (SIGKILL)",
    "test_crash_export": "crash during export (SIGKILL)",
    "test_project_fuzz": "bad project files (fuzzer)",
    "test_bad_media": "bad media",
    "test_bad_settings": "bad settings and requests",
    "test_disk_full": "disk full (save, autosave, download, export)",
    "test_service_faults": "service faults (50 jobs)",
    "test_secrets_scan": "secrets scan",
    "test_soak": "soak (200 cycles, GUI loop running)",
    "test_untrusted": "untrusted inputs",
    "test_two_editors": "two editors saving one project (SIGKILL)",
    "test_special_files": "special files (FIFO/device/socket/link/huge)",
    "test_output_guard": "outputs that are inputs (4 entry points)",
    "test_ffmpeg_names": "hostile names through ffmpeg",
    "test_sanity_limits": "sanity limits (render length)",
    "test_terminal_text": "untrusted text on terminal and in logs",
    "test_bad_recipes": "malformed recipes (sidecars)",
}
FIGURE_OF = {"bad_settings": "test_bad_settings", "disk_full": "test_disk_full", "service_faults": "test_service_faults",
             "secrets_scan": "test_secrets_scan", "soak": "test_soak", "untrusted": "test_untrusted",
             "bad_media": "test_bad_media", "crash_export": "test_crash_export",
             "two_editors": "test_two_editors", "special_files": "test_special_files",
             "output_guard": "test_output_guard", "ffmpeg_names": "test_ffmpeg_names",
             "sanity_limits": "test_sanity_limits", "terminal_text": "test_terminal_text",
             "bad_recipes": "test_bad_recipes"}
BUDGET_STALL_MS, BUDGET_RSS_PCT = 50.0, 10.0


def run_suite(folder: Path) -> tuple[int, float]:
    env = {**os.environ, ENV: str(folder)}
    cmd = [sys.executable, "-m", "pytest", "tests/reliability", "-q", "-p", "no:cacheprovider"]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    print(proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-2000:])
    return proc.returncode, time.monotonic() - t0


def summarize(records: list[dict]) -> dict[str, dict]:
    rows: dict[str, dict] = defaultdict(lambda: {"cases": 0, "crashes": 0, "data_lost": 0, "secrets_leaked": 0,
                                                 "hangs": 0, "files_left": 0,
                                                 "max_stall_ms": None, "rss_growth_pct": None, "failed": 0,
                                                 "tests": 0, "notes": []})
    for rec in records:
        if "outcome" in rec:
            row = rows[rec["module"]]
            row["tests"] += 1
            row["failed"] += rec["outcome"] == "failed"
            if rec["module"] not in FIGURE_OF.values():  # the older tests: credited by the conftest,
                row["cases"] = max(row["cases"], rec.get("cases", 0))  # once per module, not per test
                for key in ("crashes", "data_lost"):
                    row[key] += rec.get(key, 0)
            continue
        row = rows[FIGURE_OF.get(rec["test"], rec["test"])]
        for key in ("cases", "crashes", "data_lost", "secrets_leaked", "hangs", "files_left"):
            row[key] += rec.get(key, 0)
        for key in ("max_stall_ms", "rss_growth_pct", "baseline_stall_ms"):
            if key in rec:
                row[key] = rec[key]
        if rec.get("note"):
            row["notes"].append(rec["note"])
    return rows


def _fmt(value, unit: str = "") -> str:
    return "-" if value is None else f"{value:g}{unit}"


def print_table(rows: dict[str, dict], wall_s: float | None) -> int:
    head = f"{'area':<46} {'tests':>5} {'failed':>6} {'cases':>7} {'crashes':>7} {'hangs':>5} {'data lost':>9} " \
           f"{'left':>4} {'secrets':>7} {'max stall':>9} {'RSS growth':>10}"
    print(head)
    print("-" * len(head))
    total = {"tests": 0, "failed": 0, "cases": 0, "crashes": 0, "hangs": 0, "data_lost": 0, "files_left": 0,
             "secrets_leaked": 0}
    stall = rss = base_stall = None
    for module in sorted(rows, key=lambda m: list(AREAS).index(m) if m in AREAS else 99):
        r = rows[module]
        for key in total:
            total[key] += r[key]
        stall = r["max_stall_ms"] if r["max_stall_ms"] is not None else stall
        rss = r["rss_growth_pct"] if r["rss_growth_pct"] is not None else rss
        base_stall = r.get("baseline_stall_ms", base_stall)
        print(f"{AREAS.get(module, module):<46} {r['tests']:>5} {r['failed']:>6} {r['cases']:>7} {r['crashes']:>7} "
              f"{r['hangs']:>5} {r['data_lost']:>9} {r['files_left']:>4} {r['secrets_leaked']:>7} "
              f"{_fmt(r['max_stall_ms'], ' ms'):>9} "
              f"{_fmt(r['rss_growth_pct'], '%'):>10}")
    print("-" * len(head))
    print(f"{'total':<46} {total['tests']:>5} {total['failed']:>6} {total['cases']:>7} {total['crashes']:>7} "
          f"{total['hangs']:>5} {total['data_lost']:>9} {total['files_left']:>4} {total['secrets_leaked']:>7} "
          f"{_fmt(stall, ' ms'):>9} {_fmt(rss, '%'):>10}")
    print()
    if stall is not None:
        ratio = f"{stall / base_stall:.1f}x" if base_stall else "n/a"
        print(f"max event-loop stall {stall:g} ms = {ratio} the idle loop's {base_stall:g} ms jitter (same run), "
              f"{stall / BUDGET_STALL_MS:.2f} of the {BUDGET_STALL_MS:g} ms budget")
    if rss is not None:
        print(f"RSS growth {rss:g}% over the soak = {rss / BUDGET_RSS_PCT:.2f} of the {BUDGET_RSS_PCT:g}% budget")
    for module, r in rows.items():
        for note in r["notes"]:
            print(f"  {AREAS.get(module, module)}: {note}")
    if wall_s is not None:
        print(f"suite wall time {wall_s:.0f} s")
    bad = ("failed", "crashes", "hangs", "data_lost", "files_left", "secrets_leaked")
    return 1 if any(total[k] for k in bad) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--read", type=Path, help="report an earlier run's folder instead of running the suite")
    args = parser.parse_args()
    if args.read:
        folder, wall = args.read, None
    else:
        folder = Path(tempfile.mkdtemp(prefix="ltx-reliability-"))
        print(f"running tests/reliability (figures in {folder}) ...")
        _, wall = run_suite(folder)
    records = read_all(folder)
    if not records:
        print(f"no figures recorded in {folder}")
        return 1
    return print_table(summarize(records), wall)


if __name__ == "__main__":
    raise SystemExit(main())
