"""Figures the reliability tests record, read back by tests/bench/reliability_report.py.

Each test writes one small JSON file `<name>.json` into the folder named by LTX_RELIABILITY_DIR (default: a
fixed folder under the system temp dir), so the report can run the suite and then read what it measured.
Figures are recorded before a test asserts on them, so a failing run still reports its real numbers.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

ENV = "LTX_RELIABILITY_DIR"
# The names the report sums or maxes; a test records only the ones it measures.
FIGURES = ("cases", "crashes", "data_lost", "secrets_leaked", "max_stall_ms", "rss_growth_pct", "hangs", "files_left")


def report_dir() -> Path:
    folder = Path(os.environ.get(ENV) or Path(tempfile.gettempdir()) / "ltx-editor-reliability")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def record(name: str, **figures: float | int | str) -> Path:
    """Write `figures` for the test `name` (atomically: the report may read while another test writes)."""
    unknown = set(figures) - set(FIGURES) - {"note", "baseline_stall_ms", "outcome", "module"}
    if unknown:
        raise ValueError(f"unknown figures {sorted(unknown)}; use {FIGURES}")
    path = report_dir() / f"{name}.json"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"test": name, **figures}, indent=1))
    os.replace(tmp, path)
    return path


def read_all(folder: Path | None = None) -> list[dict]:
    folder = folder or report_dir()
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
