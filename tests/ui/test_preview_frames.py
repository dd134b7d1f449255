"""Frame-exact preview: the frame the video sink receives is the one under the playhead, after random seeks,
single steps, playing and stopping — read from the picture itself (a source whose frames carry their
number, tests/fakes/media_factory.coded_video), not from the timecode text."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtMultimedia import QVideoSink  # registers the QVideoSink* converter for .property()
from PySide6.QtQuick import QQuickItem

from ltx_editor.core.media import import_media
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
from ltx_editor.ui.document import ProjectDocument
from ltx_editor.ui.preview_controller import PreviewController, frame_at_ms, frame_ms
from tests.fakes.media_factory import coded_video, read_code

FPS = 24
SEEKS, STEPS = 200, 50


def _clip(project: Project, cid: str, asset_id: str, start: int, in_frame: int, out: int) -> Clip:
    asset = project.asset(asset_id)
    return Clip(id=cid, asset_id=asset_id, take_id=asset.active_take_id, start=start, in_frame=in_frame,
                out_frame=out)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("coded")
    return coded_video(folder / "a.mp4", frames=200, fps=FPS), coded_video(folder / "b.mp4", frames=256, fps=FPS)


def _timeline(tmp_path: Path, sources) -> tuple[ProjectDocument, dict[int, int]]:
    """V2 (listed first, so on top) holds b[230:250] at 40..59 over V1's a[10:110] at 0..99 and a[150:200]
    at 100..149. Returns the document and, per timeline frame, the number its picture must carry."""
    path = tmp_path / "p.ltxproj"
    project = Project(settings=ProjectSettings(fps=FPS, width=128, height=32))
    a, b = (import_media(project, path, f) for f in sources)
    project.assets += [a, b]
    project.tracks = [Track(id="v2", kind="video", name="V2", clips=[_clip(project, "top", b.id, 40, 230, 250)]),
                      Track(id="v1", kind="video", name="V1", clips=[_clip(project, "a1", a.id, 0, 10, 110),
                                                                      _clip(project, "a2", a.id, 100, 150, 200)])]
    expected = {f: 10 + f for f in range(100)} | {f: 50 + f for f in range(100, 150)}
    expected |= {f: 190 + f for f in range(40, 60)}
    return ProjectDocument(project=project, path=path), expected


class Shown:
    """The number carried by the frame the preview's video sink holds now (None before the first frame)."""

    def __init__(self, loaded) -> None:
        self.sink = loaded.find("videoOutput", QQuickItem).property("videoSink")
        assert isinstance(self.sink, QVideoSink)

    def __call__(self) -> int | None:
        image = self.sink.videoFrame().toImage()
        if image.isNull():
            return None
        gray = image.convertToFormat(image.Format.Format_Grayscale8)
        row = np.frombuffer(gray.constBits(), np.uint8, count=gray.bytesPerLine() * gray.height())
        return read_code(row.reshape(gray.height(), gray.bytesPerLine())[:, :gray.width()])


def _settles_on(qtbot, shown: Shown, number: int) -> bool:
    try:
        qtbot.waitUntil(lambda: shown() == number, timeout=3000)
    except qtbot.TimeoutError:
        return False
    return True


@pytest.fixture
def preview_view(load_qml, tmp_path, sources):
    doc, expected = _timeline(tmp_path, sources)
    preview = PreviewController(document=doc)
    loaded = load_qml("Preview.qml", size=(640, 360), preview=preview, document=doc)
    loaded.keep = (doc, preview)  # Python owns both: keep them alive as long as the view
    return doc, preview, loaded, expected


def test_random_seeks_and_single_steps_show_the_frame_under_the_playhead(qtbot, preview_view):
    doc, preview, loaded, expected = preview_view
    shown = Shown(loaded)
    qtbot.waitUntil(lambda: shown() is not None, timeout=10_000)
    rng = random.Random(12)
    wrong = []
    for frame in [rng.randrange(150) for _ in range(SEEKS)]:
        doc.playheadFrame = frame  # what scrubbing and clicking on the ruler do
        if not _settles_on(qtbot, shown, expected[frame]):
            wrong.append(("seek", frame, expected[frame], shown()))
    doc.playheadFrame = 20
    assert _settles_on(qtbot, shown, expected[20])
    for _ in range(STEPS):  # crosses into the top track at 40 and out of it at 60
        assert preview.step(1)
        frame = doc.playheadFrame
        if not _settles_on(qtbot, shown, expected[frame]):
            wrong.append(("step", frame, expected[frame], shown()))
    assert doc.playheadFrame == 20 + STEPS
    assert wrong == [], "\n".join(map(str, wrong))
    assert not [w for w in loaded.warnings if "Binding loop" in w]


def test_home_then_two_steps_shows_frame_two_and_one_second_shows_frame_24(qtbot, preview_view):
    """The report's cases: Home, → twice showed frame 1; 00:00:01:00 showed frame 23."""
    doc, preview, loaded, expected = preview_view
    shown = Shown(loaded)
    preview.goStart()
    preview.step(1)
    preview.step(1)
    assert doc.playheadFrame == 2 and preview.timecodeText == "00:00:00:02"
    assert _settles_on(qtbot, shown, expected[2]), shown()
    doc.playheadFrame = FPS
    assert preview.timecodeText == "00:00:01:00"
    assert _settles_on(qtbot, shown, expected[FPS]), shown()


def test_stopping_shows_the_frame_under_the_playhead(qtbot, preview_view):
    doc, preview, loaded, expected = preview_view
    shown = Shown(loaded)
    doc.playheadFrame = 3
    assert _settles_on(qtbot, shown, expected[3])
    preview.togglePlay()
    qtbot.waitUntil(lambda: preview.playing, timeout=10_000)
    qtbot.waitUntil(lambda: doc.playheadFrame >= 12, timeout=10_000)
    preview.togglePlay()
    qtbot.waitUntil(lambda: not preview.playing, timeout=5000)
    stopped_at = doc.playheadFrame
    assert _settles_on(qtbot, shown, expected[stopped_at]), (stopped_at, shown())
    assert doc.playheadFrame == stopped_at  # the picture followed the playhead, not the other way round


def test_asset_mode_steps_and_ends_are_exact(qtbot, preview_view):
    doc, preview, loaded, _expected = preview_view
    shown = Shown(loaded)
    preview.showAsset(doc.project.assets[0].id)
    assert preview.mode == "asset"
    assert _settles_on(qtbot, shown, 0)
    for n in range(1, 8):
        preview.step(1)
        assert preview.frame == n
        assert _settles_on(qtbot, shown, n), (n, shown())
    preview.goEnd()
    assert preview.frame == 199 and _settles_on(qtbot, shown, 199)
    assert not preview.step(1)  # already on the last frame
    preview.goStart()
    assert preview.timecodeText == "00:00:00:00" and _settles_on(qtbot, shown, 0)


def test_pause_button_draws_its_icon(qtbot, preview_view):
    doc, preview, loaded, _expected = preview_view
    button = loaded.find("playButton", QQuickItem)
    assert button.property("shape") == "play"
    preview.togglePlay()
    qtbot.waitUntil(lambda: button.property("shape") == "pause", timeout=10_000)
    assert not button.property("text")  # no font glyph to elide into "…"
    preview.togglePlay()
    qtbot.waitUntil(lambda: button.property("shape") == "play", timeout=5000)


@pytest.mark.parametrize("fps", [23.976, 24, 25, 29.97, 30, 50, 59.94, 60, 120])
def test_seek_positions_land_inside_their_frame(fps):
    for frame in range(0, 5000, 7):
        ms = frame_ms(frame, fps)
        assert frame * 1000 / fps <= ms < (frame + 1) * 1000 / fps
        assert frame_at_ms(ms, fps) == frame  # the position a paused player reports back
        assert frame_at_ms(int(frame * 1000 / fps + 1e-6), fps) == frame  # a frame's start, truncated


def test_clip_fades_and_level_show_in_the_preview(qtbot, preview_view):
    from ltx_editor.core.clip_properties import set_clip_properties

    doc, preview, loaded, expected = preview_view
    doc.apply_edit(set_clip_properties(doc.project, "a1", fade_in=10, volume=0.5))
    shade = loaded.find("fadeShade", QQuickItem)
    shown = Shown(loaded)
    doc.playheadFrame = 5
    assert _settles_on(qtbot, shown, expected[5])
    assert preview.shade == pytest.approx(0.5) and shade.property("opacity") == pytest.approx(0.5)
    assert preview.clipVolume == pytest.approx(0.25)  # half the level, half way through the fade
    doc.playheadFrame = 20
    assert preview.shade == 0 and not shade.isVisible() and preview.clipVolume == pytest.approx(0.5)
    doc.undo()
    doc.playheadFrame = 5
    assert preview.shade == 0 and preview.clipVolume == 1
