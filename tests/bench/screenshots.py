"""Screenshots of the real main window in use, under Xvfb: a small project made on the fly (colourful lavfi
clips on two video tracks and an audio track, a keyframe, a marker, storyboard shots, a finished tiny-model
job when torch is installed), saved as PNGs — at 1600×960, and at 1280×720 and 1920×1080 (main window,
storyboard, generate panel, File menu, extend popup) to look for layout faults at both sizes.

    .venv/bin/python tests/bench/screenshots.py [--out DIR] [--readme]

Re-runs itself under `xvfb-run` (the xcb platform, so the video frame shows) when no display is set.
--readme also copies the main shot to resources/screenshots/main-window.png (the README shows it).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CLIPS = [  # name, lavfi source, seconds
    ("Aurora over the fjord", "mandelbrot=size=640x360:rate=24", 4),
    ("City lights timelapse", "testsrc2=size=640x360:rate=24", 3),
    ("Colour test", "smptehdbars=size=640x360:rate=24", 2),
    ("Cells", "life=size=640x360:rate=24:mold=10:ratio=0.5:death_color=#101830:life_color=#5b8def", 3),
]


def make_media(folder: Path) -> list[Path]:
    from tests.fakes.media_factory import ffmpeg

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, (_name, source, seconds) in enumerate(CLIPS):
        path = folder / f"clip{i}.mp4"
        ffmpeg("-f", "lavfi", "-i", source, "-f", "lavfi", "-i", f"sine=frequency={220 * (i + 1)}:duration={seconds}",
               "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
               "-c:a", "aac", "-shortest", str(path))
        out.append(path)
    music = folder / "score.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=330:duration=9", str(music))
    out.append(music)
    return out


def pump(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def wait_for(app, until, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while not until():
        if time.monotonic() > end:
            return False
        app.processEvents()
        time.sleep(0.01)
    return True


def shoot(window, path: Path) -> None:
    image = window.grabWindow()
    image.save(str(path))
    print(f"saved {path} ({image.width()}x{image.height()})")


def run(out: Path, readme: bool) -> int:
    from PySide6.QtCore import QObject, QUrl
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtQuick import QQuickItem

    app = QGuiApplication(sys.argv[:1])
    from ltx_editor.app import create_engine
    from ltx_editor.core import timeline as tl
    from ltx_editor.ui.app_controller import AppController
    from ltx_editor.ui.preferences import Preferences, thumbnail_cache_dir
    from ltx_editor.ui.thumbnails import install as install_thumbnails

    work = Path(tempfile.mkdtemp(prefix="ltx-shots-"))
    media = make_media(work / "media")
    thumbs = install_thumbnails(thumbnail_cache_dir())
    prefs = Preferences(path=work / "prefs.json")
    prefs.values.autosave_minutes = 0
    tiny = None
    if shutil.which(sys.executable) and _has_torch():
        tiny = work / "tiny_ltx"
        subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); from tests.fakes."
                        "tiny_models import build_tiny_ltx; build_tiny_ltx(sys.argv[2], upsampler=False)",
                        str(ROOT), str(tiny)], check=True, capture_output=True)
        prefs.values.local_model_path = str(tiny)
    ctl = AppController(prefs)
    engine = create_engine(ctl)
    window = as_quick_window(engine.rootObjects()[0])
    window.resize(1600, 960)
    ctl.start()

    ctl.binActions.importFiles([QUrl.fromLocalFile(str(p)).toString() for p in media])
    project, doc = ctl.document.project, ctl.document
    for asset, (name, _s, _d) in zip(project.assets, CLIPS, strict=False):  # the music has no CLIPS entry
        asset.name = name
    ids = [a.id for a in project.assets]
    for asset_id in ids[:3]:
        ctl.binActions.addToTimeline(asset_id)
    added = tl.add_track(project, "video")  # new video tracks go on top
    doc.apply_edit(added)
    doc.apply_edit(tl.insert_clip(project, added.created[0], ids[3], 60))
    ctl.binActions.addToTimeline(ids[4])  # the music, on A1
    doc.apply_edit(tl.add_marker(project, 72, "Title card"))
    doc.playheadFrame = 40
    ctl.frames.assetFrameToKeyframe(ids[1], 30, 100)
    doc.mark_dirty("bin")
    gen = ctl.generate
    gen.prompt = ("A slow aerial shot over a snowy fjord at dusk, green aurora rippling above the mountains, "
                  "cinematic, 35mm")
    if tiny is not None:
        prefs.values.allow_cpu = True  # no GPU here: the tiny model runs on the CPU when allowed
        wait_for(app, lambda: ctl.modelManager.hardware is not None, 30)  # readiness needs the GPU check
        gen.customSize, gen.width, gen.height, gen.durationS, gen.steps = True, 64, 64, 1.0, 2
        gen.generate()
        wait_for(app, lambda: any(j.state == "finished" for j in ctl.worker.queue.jobs), 240)
        gen.customSize = False
        gen.prompt = ("A slow aerial shot over a snowy fjord at dusk, green aurora rippling above the mountains, "
                      "cinematic, 35mm")
    pump(app, 1.0)
    ctl.preview.showTimeline()
    doc.playheadFrame = 40
    timeline = window.findChild(QQuickItem, "timeline")
    if timeline is not None:
        timeline.metaObject().invokeMethod(timeline, "zoomToFit")
    pump(app, 3.0)  # thumbnails and the first video frame
    out.mkdir(parents=True, exist_ok=True)
    shoot(window, out / "main-window.png")
    window.findChild(QQuickItem, "sidePanel").setProperty("currentIndex", 1)
    pump(app, 0.5)
    shoot(window, out / "job-queue.png")
    window.findChild(QQuickItem, "sidePanel").setProperty("currentIndex", 0)
    prefs_dialog = window.findChild(QObject, "preferencesDialog")
    prefs_dialog.metaObject().invokeMethod(prefs_dialog, "open")
    pump(app, 0.6)
    shoot(window, out / "preferences.png")
    prefs_dialog.metaObject().invokeMethod(prefs_dialog, "reject")
    pump(app, 0.3)
    for shot in ("A red kite rises over the dunes at dawn, long shadows on the sand, the camera follows it",
                 "The kite dives toward the sea", "It lands in the surf; a child runs to catch it"):
        ctl.storyboard.addShot(shot, 3.0)
    for size in ((1280, 720), (1920, 1080)):
        shoot_size(app, window, out, size, ctl)
    if readme:
        target = ROOT / "resources" / "screenshots" / "main-window.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "main-window.png", target)
        print(f"copied to {target}")
    window.setProperty("closeConfirmed", True)
    ctl.shutdown()
    thumbs.shutdown()
    return 0


def shoot_size(app, window, out: Path, size: tuple[int, int], ctl) -> None:
    """The window at `size`: the main view, each side tab, the File menu and the extend popup."""
    from PySide6.QtCore import Q_ARG, QObject
    from PySide6.QtQuick import QQuickItem

    w, h = size
    window.resize(w, h)
    pump(app, 1.0)
    timeline = window.findChild(QQuickItem, "timeline")
    if timeline is not None:
        timeline.metaObject().invokeMethod(timeline, "zoomToFit")
    pump(app, 1.0)
    tag = f"{w}x{h}"
    shoot(window, out / f"main-{tag}.png")
    side = window.findChild(QQuickItem, "sidePanel")
    for index, name in ((2, "storyboard"), (1, "jobs"), (0, "generate")):
        side.setProperty("currentIndex", index)
        pump(app, 0.6)
        shoot(window, out / f"{name}-{tag}.png")
    menu = next((m for m in window.findChildren(QObject) if m.property("title") == "&File"), None)
    if menu is not None:
        menu.metaObject().invokeMethod(menu, "open")
        pump(app, 0.6)
        shoot(window, out / f"file-menu-{tag}.png")
        menu.metaObject().invokeMethod(menu, "close")
        pump(app, 0.3)
    clip = next((c for t in ctl.document.project.tracks for c in t.clips), None)
    if timeline is not None and clip is not None:
        timeline.metaObject().invokeMethod(timeline, "openExtend", Q_ARG("QVariant", clip.id))
        pump(app, 0.6)
        shoot(window, out / f"extend-{tag}.png")
        popup = window.findChild(QObject, "extendPopup")
        if popup is not None:
            popup.metaObject().invokeMethod(popup, "close")
        pump(app, 0.3)


def as_quick_window(obj):
    """Under xcb the engine may hand the root back typed as QWindow; grabWindow needs the QQuickWindow."""
    import shiboken6
    from PySide6.QtQuick import QQuickWindow

    return obj if isinstance(obj, QQuickWindow) else shiboken6.wrapInstance(shiboken6.getCppPointer(obj)[0],
                                                                             QQuickWindow)


def _has_torch() -> bool:
    import importlib.util

    return importlib.util.find_spec("torch") is not None


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "build" / "screenshots"))
    parser.add_argument("--readme", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and not os.environ.get("LTX_SHOTS_CHILD"):
        env = dict(os.environ, LTX_SHOTS_CHILD="1", QT_QPA_PLATFORM="xcb")
        return subprocess.call(["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, __file__, *sys.argv[1:]],
                               env=env)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    sandbox = tempfile.mkdtemp(prefix="ltx-shots-env-")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(sandbox, "config")
    os.environ["XDG_CACHE_HOME"] = os.path.join(sandbox, "cache")
    os.environ["HF_HUB_OFFLINE"] = "1"
    return run(Path(args.out), args.readme)


if __name__ == "__main__":
    raise SystemExit(main())
