"""Takes compare strip: 4 takes playing in step, drift over 10 s, against players left to run on their own.

    xvfb-run -a .venv/bin/python tests/bench/bench_takes_sync.py [--runs 5] [--seconds 10] [--size 320x192]

Four 12 s testsrc takes (different content, same length) of one clip, in the real qml/TakesCompare.qml with
the real TakesController and its clock. Ours: every player follows the clock (CompareTile's nudges and seeks).
Baseline, in the same run: the same strip with `followClock: false` — started, paused and seeked together,
then left to run, as four players side by side would be. Drift is read from the players' own positions
(tests/ui/compare_sync.py: per-player mean offset from the clock over 0.5 s windows, the largest spread
between players, in frames). Runs alternate ours/baseline; min / median / max of 5 runs and the ratio of
the medians are printed. Target: ours <= 1 frame at every run.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QUrl  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtQml import QQmlApplicationEngine  # noqa: E402
from PySide6.QtQuick import QQuickWindow  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

TARGET_FRAMES = 1.0
FPS = 24.0


def make_project(folder: Path, seconds: float, size: tuple[int, int]):
    from ltx_editor.core.project import Asset, Clip, Project, Take, Track
    from tests.fakes.media_factory import sample_video

    frames = round(seconds * FPS)
    takes = [Take(id=f"t{i}", path=str(sample_video(folder / f"take{i}.mp4", frames=frames, fps=FPS, size=size,
                                                      audio=False, gop=24)),
                  seed=i, frame_count=frames, fps=FPS, width=size[0], height=size[1]) for i in range(4)]
    asset = Asset(id="a1", name="take", kind="generated", takes=takes, active_take_id="t0")
    clip = Clip(id="c1", asset_id="a1", take_id="t0", start=0, out_frame=frames)
    return Project(assets=[asset], tracks=[Track(id="v1", kind="video", clips=[clip])])


def one_run(engine_path: Path, takes, follow: bool, seconds: float):
    from tests.ui.compare_sync import call, measure

    engine = QQmlApplicationEngine()
    engine.setInitialProperties({"takes": takes, "followClock": follow})
    engine.load(QUrl.fromLocalFile(str(engine_path)))
    root = engine.rootObjects()[0]
    window = QQuickWindow()
    root.setParentItem(window.contentItem())
    window.resize(1280, 300)
    root.setWidth(1280)
    root.setHeight(300)
    window.show()
    for _ in range(500):  # every player has its media (waited on, up to 10 s)
        if call(root, "allLoaded"):
            break
        QTest.qWait(20)
    else:
        raise SystemExit("the players did not load their media")
    clock = takes.clock
    clock.seek(0)
    clock.play()
    QTest.qWait(300)  # the players' start (decoder spin-up) is not drift
    sync = measure(root, clock, seconds)
    clock.pause()
    window.close()
    root.deleteLater()
    engine.deleteLater()
    QTest.qWait(100)
    return sync


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--size", default="320x192")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    app = QGuiApplication(sys.argv)  # noqa: F841 (keeps Qt alive)
    from ltx_editor.ui.document import ProjectDocument
    from ltx_editor.ui.qml_types import QML_DIR, register_types
    from ltx_editor.ui.takes_controller import TakesController

    register_types()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        doc = ProjectDocument(project=make_project(folder, args.seconds + 2, size), path=folder / "p.ltxproj")
        takes = TakesController(doc, None, None)
        assert takes.compareClip("c1")
        ours, base = [], []
        for run in range(args.runs):
            for follow, out in ((True, ours), (False, base)):
                sync = one_run(QML_DIR / "TakesCompare.qml", takes, follow, args.seconds)
                out.append(sync)
                print(f"run {run + 1} {'clock ' if follow else 'free  '}: drift {sync.drift_frames:.2f} frames, "
                      f"largest single-sample spread {sync.max_spread_frames:.2f} frames, {sync.samples} samples",
                      flush=True)

    def line(name, xs):
        d = sorted(s.drift_frames for s in xs)
        spread = sorted(s.max_spread_frames for s in xs)
        return (f"{name}: drift over {args.seconds:g} s min {d[0]:.2f} / median {statistics.median(d):.2f} / "
                f"max {d[-1]:.2f} frames; single-sample spread min {spread[0]:.2f} / median "
                f"{statistics.median(spread):.2f} / max {spread[-1]:.2f}")

    print(f"4 takes {size[0]}x{size[1]} @ {FPS:g} fps, {args.runs} runs")
    print(line("one clock (ours)", ours))
    print(line("free-running (baseline)", base))
    med_ours = statistics.median(s.drift_frames for s in ours)
    med_base = statistics.median(s.drift_frames for s in base)
    print(f"ratio of medians ours/baseline: {med_ours / med_base:.2f}" if med_base else "baseline did not drift")
    worst = max(s.drift_frames for s in ours)
    print(f"target: <= {TARGET_FRAMES:g} frame at every run: {'met' if worst <= TARGET_FRAMES else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
