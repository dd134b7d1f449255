"""Frame time while scrolling and zooming the timeline: 1,000 clips against 10 clips, in one run.

    .venv/bin/python tests/bench/bench_timeline_scroll.py [--frames 300] [--clips 1000]

Both timelines load the real Timeline.qml offscreen, with the app's thumbnail provider. Each frame changes the scroll position (and every
tenth frame zooms in or out by one step, between about 1 and 4 pixels per frame), then waits until the
window has rendered that change (frameSwapped: polish, sync, render). The two windows take turns frame
by frame so machine noise hits both alike. Clip delegates exist only for the visible range (rows are recycled
as clips scroll in and out), so the ratio of median frame times stays near 1; what remains is drawing the
clips on screen (10 clips leave most of the screen empty). The target is on frame time (wall clock, from
the change to the rendered frame, which includes the render loop's update-request delay); the GUI thread's
CPU time per frame is printed beside it as the stricter measure of work done. With
QT_QPA_PLATFORM=offscreen Qt Quick draws with its software backend (pixels cost CPU); under xvfb-run with
QT_QPA_PLATFORM=xcb it draws through OpenGL. Target: ratio <= 2.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer, QUrl  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtQml import QQmlApplicationEngine  # noqa: E402
from PySide6.QtQuick import QQuickWindow  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from ltx_editor.ui.document import ProjectDocument  # noqa: E402
from ltx_editor.ui.qml_types import QML_DIR, register_types  # noqa: E402
from ltx_editor.ui.thumbnails import install as install_thumbnails  # noqa: E402
from ltx_editor.ui.timeline_controller import TimelineController  # noqa: E402
from tests.fakes.media_factory import sample_video, still  # noqa: E402
from tests.fakes.projects import make_project  # noqa: E402

TARGET_RATIO = 2.0
SIZE = (1280, 400)


def real_media(project, folder: Path) -> None:
    """Point every take at one real video (or image): thumbnails come from the real provider and its disk
    cache, as in the app once a project's thumbnails were made."""
    video = sample_video(folder / "media/clip.mp4", frames=121, size=(160, 90), audio=False)
    image = still(folder / "media/still.png", size=(160, 90), color="teal")
    for asset in project.assets:
        for take in asset.takes:
            take.path = str(image if asset.kind == "image" else video)


class Timeline:
    def __init__(self, folder: Path, clips: int) -> None:
        project, path = make_project(folder, clips, create_files=False)
        real_media(project, folder)
        install_thumbnails(folder / "thumbs")  # as in the app: made off the GUI thread, loaded as files
        self.doc = ProjectDocument(project=project, path=path)
        self.engine = QQmlApplicationEngine()
        self.engine.setInitialProperties({"document": self.doc})
        self.engine.load(QUrl.fromLocalFile(str(QML_DIR / "timeline/Timeline.qml")))
        self.root = self.engine.rootObjects()[0]
        self.window = QQuickWindow()
        self.root.setParentItem(self.window.contentItem())
        self.window.resize(*SIZE)
        self.root.setSize(self.window.size().toSizeF())
        self.window.show()
        self.swapped = QEventLoop()
        self.window.frameSwapped.connect(self.swapped.quit)
        self.controller = self.root.findChild(TimelineController)
        self.times: list[float] = []
        self.cpu: list[float] = []
        self.delegates: list[int] = []

    def frame(self, i: int) -> None:
        start, cpu = time.perf_counter(), time.thread_time()
        if i % 10 == 9:  # zoom out for 4 steps, then back in
            factor = 0.8 if (i // 10) % 8 < 4 else 1.25
            self.root.zoomBy(factor, 500)
        max_scroll = max(0.0, self.root.property("contentWidth") - self.root.property("lanesWidth"))
        self.root.setProperty("scrollX", (i * 211.0) % max(1.0, max_scroll))
        # the window renders the change itself (once); wait for that frame to be swapped
        QTimer.singleShot(500, self.swapped.quit)
        self.swapped.exec()
        self.times.append(time.perf_counter() - start)
        self.cpu.append(time.thread_time() - cpu)
        model = self.controller.tracksModel
        self.delegates.append(sum(model.clips_model(model.trackIdAt(r)).rowCount() for r in range(model.rowCount())))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--clips", type=int, default=1000)
    args = parser.parse_args()
    app = QGuiApplication(sys.argv[:1])
    register_types()
    with tempfile.TemporaryDirectory() as tmp:
        small = Timeline(Path(tmp) / "small", 10)
        big = Timeline(Path(tmp) / "big", args.clips)
        for t in (small, big):  # warm up: shaders, glyphs, and the thumbnails of the one media file
            for i in range(20):
                t.frame(i)
                QTest.qWait(5)
            t.times.clear()
            t.cpu.clear()
            t.delegates.clear()
        for i in range(args.frames):
            small.frame(i)
            big.frame(i)
        def ms(values: list[float], q: float = 0.5) -> float:
            return sorted(values)[int(len(values) * q)] * 1000

        ratio = ms(big.times) / ms(small.times)
        ratio_cpu = ms(big.cpu) / ms(small.cpu)
        print(f"frames: {args.frames} each, window {SIZE[0]}x{SIZE[1]}, zoom 1-4 px/frame, "
              f"platform {QGuiApplication.platformName()}")
        for name, t in (("10 clips", small), (f"{args.clips} clips", big)):
            print(f"{name:>11}: median {ms(t.times):.2f} ms/frame wall ({ms(t.cpu):.2f} ms CPU of the GUI thread), "
                  f"p95 {ms(t.times, 0.95):.2f} ms; clip rows held: max {max(t.delegates)}")
        print(f"ratio (1,000 / 10): frame time {ratio:.2f} (target <= {TARGET_RATIO}: "
              f"{'OK' if ratio <= TARGET_RATIO else 'OVER TARGET'}); GUI-thread CPU time {ratio_cpu:.2f}")
        for t in (small, big):
            t.window.close()
        del app
        return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # skip interpreter teardown of the Qt objects (PySide can crash there)
