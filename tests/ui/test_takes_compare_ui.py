"""The takes compare strip through the real QML: 4 takes of a clip play side by side in step (one clock drives
every player), a click on the seek bar moves them all, and Pick makes one the clip's take in one undo step."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from ltx_editor.ui.document import ProjectDocument
from ltx_editor.ui.takes_controller import TakesController
from tests.fakes.media_factory import sample_video
from tests.ui.compare_sync import call, measure, positions
from tests.ui.workflow_app import find_item

FPS = 24.0
FRAME_MS = 1000 / FPS


def takes_project(folder, count: int = 4, seconds: float = 5.0) -> Project:
    """An asset with `count` takes (testsrc clips of different tones), its first take on V1."""
    takes = []
    for i in range(count):
        path = sample_video(folder / f"take{i}.mp4", frames=round(seconds * FPS), fps=FPS, audio=False, gop=12)
        takes.append(Take(id=f"t{i}", path=str(path), seed=100 + i, frame_count=round(seconds * FPS), fps=FPS,
                          width=64, height=48))
    asset = Asset(id="a1", name="dancer", kind="generated", takes=takes, active_take_id="t0")
    clip = Clip(id="c1", asset_id="a1", take_id="t0", start=0, out_frame=round(seconds * FPS))
    return Project(assets=[asset], tracks=[Track(id="v1", kind="video", name="V1", clips=[clip])])


def all_loaded(root) -> bool:
    return bool(call(root, "allLoaded"))


@pytest.fixture
def strip(qapp, load_qml, tmp_path):
    doc = ProjectDocument(project=takes_project(tmp_path), path=tmp_path / "p.ltxproj")
    takes = TakesController(doc, None, None)
    assert takes.compareClip("c1")
    loaded = load_qml("TakesCompare.qml", size=(900, 300), takes=takes)
    own = [w for w in loaded.warnings if "TakesCompare" in w]
    assert not own, own
    yield doc, takes, loaded
    takes.clock.pause()


def test_four_takes_play_in_step_and_seek_together(qtbot, strip):
    _doc, takes, loaded = strip
    root, view = loaded.root, loaded.window
    qtbot.waitUntil(lambda: len(positions(root)) == 4 and all_loaded(root), timeout=10_000)
    assert [t["label"] for t in takes.takes] == ["Take 1 · seed 100", "Take 2 · seed 101", "Take 3 · seed 102",
                                                 "Take 4 · seed 103"]
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     _centre(find_item(root, "comparePlayButton")))
    qtbot.waitUntil(lambda: takes.clock.playing and takes.clock.position > 1000, timeout=10_000)  # settled
    sync = measure(root, takes.clock, 2.0)  # while playing, every player stays within a frame of the others
    assert sync.samples > 20 and sync.drift_frames <= 1.0, sync

    # A click on the seek bar moves the clock, and every player with it.
    takes.clock.pause()
    seek = find_item(root, "compareSeek")
    at = seek.mapToScene(QPointF(seek.width() * 0.25, seek.height() / 2)).toPoint()
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    target = takes.clock.position
    assert 500 < target < 1500, target
    qtbot.waitUntil(lambda: all(abs(p - target) <= FRAME_MS for p in positions(root)), timeout=5000)


def test_pick_makes_a_take_the_clips_take_in_one_undo_step(qtbot, strip):
    doc, takes, loaded = strip
    root, view = loaded.root, loaded.window
    tile = find_item(root, "takeTile_2")
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     _centre(find_item(tile, "pickButton")))
    qtbot.waitUntil(lambda: doc.project.find_clip("c1")[1].take_id == "t2")
    assert doc.project.asset("a1").active_take_id == "t2"
    assert doc.undo_stack.count() == 1 and doc.undo_stack.undoText() == "Pick take"
    qtbot.waitUntil(lambda: [t["shown"] for t in takes.takes] == [False, False, True, False])
    doc.undo()
    assert doc.project.find_clip("c1")[1].take_id == "t0" and doc.project.asset("a1").active_take_id == "t0"
    qtbot.waitUntil(lambda: [t["shown"] for t in takes.takes] == [True, False, False, False])


def test_a_clip_with_one_take_is_refused_in_words(qapp, tmp_path):
    doc = ProjectDocument(project=takes_project(tmp_path, count=1), path=tmp_path / "p.ltxproj")
    takes = TakesController(doc, None, None)
    errors = []
    takes.error.connect(lambda m, h: errors.append((m, h)))
    assert not takes.compareClip("c1") and "one take" in errors[0][0]
    assert not takes.compareClip("nope") and takes.takes == []


def _centre(item):
    return item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
