"""What one edit costs on the GUI thread, against the size of the project, in one run.

    .venv/bin/python tests/bench/bench_edits.py [--runs 5]

Each figure is the GUI thread's CPU time (time.thread_time: robust on a busy machine) of one user action as
the editor runs it: the core edit, ProjectDocument.apply_edit (the undo stack push and the `edited` signal),
and every model listening (TimelineController's tracks/clips/markers/keyframes models, the BinModel), or
the same for undo and redo. Models only; QML delegates are not loaded (the clip models hold only the visible
rows, so what QML redraws does not grow with the timeline either). Every figure is taken 5 times and given
as min / median / max; ratios compare medians taken in the same run.

Targets (issue 15):
- any single edit, undo or redo at 10,000 clips <= 16 ms and <= 2x the same at 100 clips (a ripple moves
  every later clip: it costs what it moves, so its ratio follows the clips moved, shown apart);
- a bin change at 5,000 assets <= 2x at 50; a trim with 2,000 markers <= 2x with 2;
- memory an undo step keeps <= 2x the size of what it changed (both traced with tracemalloc: what dropping
  the edit frees, against deep copies of the entities the edit changed).
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication  # noqa: E402

from ltx_editor.core import bin_edits  # noqa: E402
from ltx_editor.core import timeline as tl  # noqa: E402
from ltx_editor.core.project import Asset, Clip, Marker, Project, Take, Track  # noqa: E402
from ltx_editor.ui.bin_model import BinModel  # noqa: E402
from ltx_editor.ui.document import ProjectDocument  # noqa: E402
from ltx_editor.ui.timeline_controller import TimelineController  # noqa: E402

FRAME_MS = 16.0
TARGET_RATIO = 2.0
STEP = 50  # each clip lasts 40 frames and starts 50 after the previous one


def project(clips: int, assets: int = 20, markers: int = 10) -> Project:
    made = [Asset(id=f"a{i}", name=f"asset {i}", kind="video", active_take_id=f"a{i}-t0",
                  takes=[Take(id=f"a{i}-t{k}", path=f"media/a{i}-{k}.mp4", frame_count=100, fps=24.0, width=64,
                              height=64) for k in range(2)]) for i in range(assets)]
    per_track = [clips - clips // 4, clips // 4]
    tracks = [Track(id=f"V{t + 1}", kind="video", name=f"V{t + 1}", clips=[
        Clip(id=f"t{t}c{i}", asset_id=f"a{i % 20}", take_id=f"a{i % 20}-t0", start=i * STEP, out_frame=40)
        for i in range(n)]) for t, n in enumerate(per_track)]
    marks = [Marker(id=f"m{i}", frame=i * 7, name=f"m{i}") for i in range(markers)]
    return Project(assets=made, tracks=tracks, markers=marks)


class Editor:
    """The document with the models the editor hangs on it."""

    def __init__(self, p: Project) -> None:
        self.doc = ProjectDocument(project=p)
        self.timeline = TimelineController(document=self.doc)
        self.timeline.setViewport(0, 2000)
        self.bin = BinModel(document=self.doc)
        self.n = len(p.tracks[0].clips)

    def gui(self, action: Callable[[], object]) -> float:
        """GUI-thread CPU milliseconds of one action."""
        gc.collect()
        t = time.thread_time()
        action()
        return (time.thread_time() - t) * 1000

    def edit(self, make: Callable[[Project], object]) -> Callable[[], None]:
        return lambda: self.doc.apply_edit(make(self.doc.project))


def timeline_actions(n: int) -> dict[str, Callable[[Project], object]]:
    mid = n // 2
    cid = f"t0c{mid}"
    return {
        "trim": lambda p: tl.trim_clip(p, cid, "out", mid * STEP + 30),
        "split": lambda p: tl.split_clip(p, cid, mid * STEP + 10),
        "move": lambda p: tl.move_clip(p, cid, None, mid * STEP + 5),
        "delete": lambda p: tl.delete_clips(p, [cid]),
        "switch take": lambda p: tl.set_clip_take(p, cid, f"a{mid % 20}-t1"),
        "add marker": lambda p: tl.add_marker(p, mid * STEP + 3),
        "ripple delete, last 10": lambda p: tl.delete_clips(p, [f"t0c{n - 10}"], ripple=True),
        "ripple delete, middle": lambda p: tl.delete_clips(p, [cid], ripple=True),
    }


def measure(editor: Editor, make: Callable[[Project], object], runs: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"edit": [], "undo": [], "redo": []}
    editor.doc.apply_edit(make(editor.doc.project))  # warm up (caches, first signal connections)
    editor.doc.undo()
    for _ in range(runs):
        out["edit"].append(editor.gui(editor.edit(make)))
        out["undo"].append(editor.gui(editor.doc.undo))
        out["redo"].append(editor.gui(editor.doc.redo))
        editor.doc.undo()
    return out


def fmt(xs: list[float]) -> str:
    return f"{min(xs):7.3f} / {statistics.median(xs):7.3f} / {max(xs):7.3f}"


def report(title: str, small: str, big: str, rows: dict[str, tuple[list[float], list[float]]],
           frame_check: bool = True) -> bool:
    print(f"\n{title}   (GUI-thread CPU ms, min / median / max of the runs)")
    print(f"{'':26s} {small:>27s}   {big:>27s}   ratio")
    ok = True
    for name, (a, b) in rows.items():
        ratio = statistics.median(b) / max(statistics.median(a), 1e-6)
        good = ratio <= TARGET_RATIO and (not frame_check or statistics.median(b) <= FRAME_MS)
        ok &= good
        print(f"{name:26s} {fmt(a)}   {fmt(b)}   {ratio:5.2f}{'' if good else '  <-- over target'}")
    return ok


def timeline_figures(runs: int) -> bool:
    small, big = Editor(project(100)), Editor(project(10_000))
    rows, ripple = {}, {}
    for name in timeline_actions(100):
        a = measure(small, timeline_actions(small.n)[name], runs)
        b = measure(big, timeline_actions(big.n)[name], runs)
        for what in ("edit", "undo", "redo"):
            (ripple if name == "ripple delete, middle" else rows)[f"{name}: {what}"] = (a[what], b[what])
    ok = report("Timeline edits: 100 clips vs 10,000 clips", "100 clips", "10,000 clips", rows)
    print("\nA ripple in the middle moves half the clips (50 vs 5,000): it costs what it moves.")
    for name, (a, b) in ripple.items():
        print(f"{name:34s} {fmt(a)}   {fmt(b)}   ratio {statistics.median(b) / statistics.median(a):6.1f}"
              f"  (clips moved: 100x){'' if statistics.median(b) <= FRAME_MS else '  <-- over one frame'}")
    return ok


def bin_figures(runs: int) -> bool:
    rows = {}
    editors = [Editor(project(100, assets=n)) for n in (50, 5_000)]
    actions = {
        "switch take": lambda p: bin_edits.set_active_take(p, "a7", "a7-t1"),
        "import 1 file": lambda p: bin_edits.add_assets(p, [Asset(
            id=f"new{time.perf_counter_ns()}", name="new", kind="video", active_take_id="x",
            takes=[Take(id="x", path="media/new.mp4", frame_count=10)])], "Import 1 file(s)"),
        "delete an asset": lambda p: bin_edits.delete_asset(p, p.assets[len(p.assets) // 2 + 1].id),
    }
    for name, make in actions.items():
        a, b = (measure(e, make, runs) for e in editors)
        for what in ("edit", "undo", "redo"):
            rows[f"{name}: {what}"] = (a[what], b[what])
    return report("Bin changes: 50 assets vs 5,000 assets", "50 assets", "5,000 assets", rows)


def marker_figures(runs: int) -> bool:
    rows = {}
    editors = [Editor(project(1_000, markers=n)) for n in (2, 2_000)]
    actions = {
        "trim": lambda p: tl.trim_clip(p, "t0c400", "out", 400 * STEP + 30),
        "move a marker": lambda p: tl.move_marker(p, "m1", 5_000),
    }
    for name, make in actions.items():
        a, b = (measure(e, make, runs) for e in editors)
        for what in ("edit", "undo", "redo"):
            rows[f"{name}: {what}"] = (a[what], b[what])
    return report("Timeline with 2 markers vs 2,000 markers", "2 markers", "2,000 markers", rows)


def measured(entities: list) -> int:
    """Bytes these entities take, measured the same way as what the step keeps: deep copies of them, traced."""
    gc.collect()
    start = tracemalloc.get_traced_memory()[0]
    copies = [e.model_copy(deep=True) for e in entities]
    size = tracemalloc.get_traced_memory()[0] - start
    del copies
    return size


def memory_figures(runs: int) -> bool:
    """Bytes an undo step keeps alive (allocated by the edit and freed when the edit is dropped) against
    the size of the entities it changed (their new versions)."""
    print("\nMemory an undo step keeps vs the size of what it changed (10,000 clips)")
    ok = True
    n = 10_000
    cases = {
        "trim": lambda p: tl.trim_clip(p, f"t0c{n // 2}", "out", (n // 2) * STEP + 30),
        "split": lambda p: tl.split_clip(p, f"t0c{n // 2}", (n // 2) * STEP + 10),
        "ripple delete, middle": lambda p: tl.delete_clips(p, [f"t0c{n // 2}"], ripple=True),
    }
    for name, make in cases.items():
        ratios, kept_all = [], []
        for _ in range(runs):
            gc.collect()
            tracemalloc.start()  # before the project exists: what an edit keeps includes old versions
            p = project(n)
            p.find_clip("t0c0")  # the clip index is built once per project, not by the edit
            gc.collect()
            edit = make(p)
            gc.collect()
            with_edit = tracemalloc.get_traced_memory()[0]
            changed = measured([c for s in edit.steps for c in getattr(s, "after", {}).values()
                                if c is not None and not isinstance(c, tuple)])
            del edit
            gc.collect()
            kept = with_edit - tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
            ratios.append(kept / max(changed, 1))
            kept_all.append(kept / 1024)
        good = statistics.median(ratios) <= TARGET_RATIO
        ok &= good
        print(f"{name:26s} kept {fmt(kept_all)} KiB   kept/changed {fmt(ratios)}"
              f"{'' if good else '  <-- over target'}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841 (models need one)
    results = [timeline_figures(args.runs), bin_figures(args.runs), marker_figures(args.runs),
               memory_figures(args.runs)]
    print("\nall targets met" if all(results) else "\nsome targets missed (marked above)")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
