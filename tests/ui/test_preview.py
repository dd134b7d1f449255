"""The preview: clicking a bin card shows that clip; Space plays and pauses the real MediaPlayer; ←/→ step
one frame and move the timecode; Home goes back; in timeline mode the keys move the playhead."""
from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtQuick import QQuickItem

from tests.fakes.media_factory import sample_video
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import click, key, visible_items

PLAYING = 1  # QMediaPlayer.PlaybackState.PlayingState


def test_space_plays_the_selected_clip_and_arrows_step_frames(main_window, qtbot, tmp_path):
    w = main_window
    clip = sample_video(tmp_path / "walk.mp4", frames=48)
    assert w.app.binActions.importFiles([QUrl.fromLocalFile(str(clip)).toString()]) == 1
    qtbot.waitUntil(lambda: len(visible_items(w.window, "binCard")) == 1)
    click(w.window, visible_items(w.window, "binCard")[0])
    preview = w.app.preview
    qtbot.waitUntil(lambda: preview.mode == "asset" and preview.source.endswith("walk.mp4"))
    assert w.find("previewTitle", QQuickItem).property("text") == "walk"
    player = w.find("mediaPlayer", QObject)
    qtbot.waitUntil(lambda: player.property("source").toString().endswith("walk.mp4"))
    timecode = w.find("timecode", QQuickItem)
    w.window.requestActivate()

    key(w.window, Qt.Key.Key_Right)
    key(w.window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: timecode.property("text") == "00:00:00:02")
    key(w.window, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: timecode.property("text") == "00:00:00:00")

    key(w.window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: preview.playing, timeout=10_000)
    qtbot.waitUntil(lambda: player.property("position") > 200, timeout=10_000)  # it really plays
    key(w.window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not preview.playing)

    key(w.window, Qt.Key.Key_L)  # shuttle forward
    qtbot.waitUntil(lambda: preview.playing)
    key(w.window, Qt.Key.Key_K)  # stop
    qtbot.waitUntil(lambda: not preview.playing)


def test_keys_move_the_playhead_in_timeline_mode(main_window, qtbot):
    w = main_window
    doc = w.app.document
    assert w.app.preview.mode == "timeline"
    w.window.requestActivate()
    key(w.window, Qt.Key.Key_Right)
    key(w.window, Qt.Key.Key_Right)
    key(w.window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: doc.playheadFrame == 3)
    key(w.window, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: doc.playheadFrame == 2)
    assert w.find("timecode", QQuickItem).property("text") == "00:00:00:02"
    key(w.window, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: doc.playheadFrame == 0)


def test_autoplaying_a_new_clip_reads_its_source_once(main_window, qtbot, tmp_path):
    """A new generation plays at once; the player's position reports must not re-read the source (that was a
    binding loop on Preview.wantedSource, and each loop could reload the media)."""
    w = main_window
    first, second = sample_video(tmp_path / "a.mp4", frames=48), sample_video(tmp_path / "b.mp4", frames=48)
    assert w.app.binActions.importFiles([QUrl.fromLocalFile(str(p)).toString() for p in (first, second)]) == 2
    preview, player = w.app.preview, w.find("mediaPlayer", QObject)
    sources = []
    player.sourceChanged.connect(lambda: sources.append(player.property("source").toString()))
    for row in (0, 1):
        preview.showAsset(w.app.binModel.get(row)["assetId"], True)
        qtbot.waitUntil(lambda: player.property("position") > 200, timeout=10_000)
    assert [s.rsplit("/", 1)[-1] for s in sources] == ["a.mp4", "b.mp4"]
    assert not [m for m in w.qml_warnings if "Binding loop" in m]
