"""Preview seek time against QtMultimedia seeking the same file directly, timed in the same run.

    xvfb-run -a .venv/bin/python tests/bench/bench_preview_seek.py [--runs 5] [--seeks 40] [--size 640x360]

Baseline: a bare QML MediaPlayer + VideoOutput, paused, `position` set to the middle of a random frame.
Ours: the editor's Preview.qml + PreviewController, the document's playhead set to that frame (the path a
click on the ruler takes: controller -> timeline lookup -> seek request -> QML -> player). Each seek ends when
the video sink holds the asked frame (its start time). Runs alternate; per run the mean seek time is taken;
min / median / max of the runs are printed and the ratio of the medians. Target: ratio <= 2.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QObject, QTimer, QUrl  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtMultimedia import QMediaPlayer, QVideoSink  # noqa: E402
from PySide6.QtQml import QQmlApplicationEngine, QQmlComponent  # noqa: E402
from PySide6.QtQuick import QQuickItem, QQuickWindow  # noqa: E402

TARGET = 2.0
FPS = 24
BARE = b"""
import QtQuick
import QtMultimedia
Item {
    MediaPlayer { objectName: "player"; videoOutput: out }
    VideoOutput { id: out; objectName: "out"; anchors.fill: parent }
}
"""


def wait_for_frame(sink: QVideoSink, frame: int, timeout_ms: int = 5000) -> None:
    """Return once the sink holds `frame` (by its start time); waits on the sink's signal, not on a clock."""
    half = 500_000 / FPS

    def shown() -> bool:
        f = sink.videoFrame()
        return f.isValid() and abs(f.startTime() - frame * 1_000_000 / FPS) < half

    if shown():
        return
    loop = QEventLoop()

    def arrived(_frame) -> None:
        if shown():
            loop.quit()
    sink.videoFrameChanged.connect(arrived)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    sink.videoFrameChanged.disconnect(arrived)  # only ours: the preview's players listen to the sink too
    if not shown():
        raise RuntimeError(f"frame {frame} never arrived")


def show(item: QQuickItem, size: tuple[int, int]) -> QQuickWindow:
    window = QQuickWindow()
    item.setParentItem(window.contentItem())
    window.resize(*size)
    item.setSize(window.size().toSizeF())
    window.show()
    return window


def bare_player(engine: QQmlApplicationEngine, media: Path, size):
    comp = QQmlComponent(engine)
    comp.setData(BARE, QUrl())
    root = comp.create()
    window = show(root, size)
    player = root.findChild(QMediaPlayer, "player")
    sink = root.findChild(QObject, "out").property("videoSink")
    player.setSource(QUrl.fromLocalFile(str(media)))
    player.pause()
    wait_for_frame(sink, 0)

    def seek(frame: int) -> None:
        player.setPosition(int((frame + 0.5) * 1000 / FPS))
        wait_for_frame(sink, frame)

    return seek, (root, window, comp)


def editor_preview(engine: QQmlApplicationEngine, media: Path, folder: Path, size):
    from ltx_editor.core.media import import_media
    from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
    from ltx_editor.ui.document import ProjectDocument
    from ltx_editor.ui.preview_controller import PreviewController
    from ltx_editor.ui.qml_types import QML_DIR, register_types

    register_types()
    path = folder / "bench.ltxproj"
    project = Project(settings=ProjectSettings(fps=FPS, width=size[0], height=size[1]))
    asset = import_media(project, path, media)
    project.assets.append(asset)
    take = asset.active_take
    project.tracks = [Track(id="v1", kind="video", clips=[Clip(id="c", asset_id=asset.id, take_id=take.id, start=0,
                                                               in_frame=0, out_frame=take.frame_count)])]
    doc = ProjectDocument(project=project, path=path)
    preview = PreviewController(document=doc)
    comp = QQmlComponent(engine, QUrl.fromLocalFile(str(QML_DIR / "Preview.qml")))
    root = comp.createWithInitialProperties({"preview": preview, "document": doc})
    if root is None:
        raise RuntimeError("\n".join(e.toString() for e in comp.errors()))
    window = show(root, size)
    sink = root.findChild(QQuickItem, "videoOutput").property("videoSink")
    wait_for_frame(sink, 0)

    def seek(frame: int) -> None:
        doc.playheadFrame = frame
        wait_for_frame(sink, frame)

    return seek, (root, window, comp, doc, preview)


def timed(seek, frames: list[int]) -> float:
    t0 = time.perf_counter()
    for f in frames:
        seek(f)
    return (time.perf_counter() - t0) / len(frames)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seeks", type=int, default=40)
    ap.add_argument("--size", default="640x360")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    app = QGuiApplication(sys.argv)  # noqa: F841 (kept alive for the run)
    from tests.fakes.media_factory import ffmpeg

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        media = folder / "seek.mp4"  # moving picture, keyframes every 2 s, as generators and cameras write
        ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size[0]}x{size[1]}:rate={FPS}", "-frames:v", str(FPS * 10),
               "-c:v", "libx264", "-preset", "veryfast", "-g", str(2 * FPS), "-pix_fmt", "yuv420p", str(media))
        engine = QQmlApplicationEngine()
        bare, keep_bare = bare_player(engine, media, size)
        ours, keep_ours = editor_preview(engine, media, folder, size)
        rng = random.Random(7)
        results: dict[str, list[float]] = {"QtMultimedia direct": [], "editor preview": []}
        for _ in range(args.runs):
            frames = []
            while len(frames) < args.seeks:
                f = rng.randrange(FPS * 10)
                if not frames or f != frames[-1]:
                    frames.append(f)
            results["QtMultimedia direct"].append(timed(bare, frames))
            results["editor preview"].append(timed(ours, frames))
        for name, times in results.items():
            ms = sorted(t * 1000 for t in times)
            print(f"{name:<22} per seek  min {ms[0]:6.1f} ms  median {statistics.median(ms):6.1f} ms  "
                  f"max {ms[-1]:6.1f} ms   ({args.runs} runs x {args.seeks} seeks, {args.size})")
        ratio = statistics.median(results["editor preview"]) / statistics.median(results["QtMultimedia direct"])
        print(f"ratio editor / direct (medians): {ratio:.2f}  (target <= {TARGET})")
        del keep_bare, keep_ours
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
