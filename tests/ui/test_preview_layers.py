"""The preview draws clip properties frame for frame as the export does: a clip at another speed shows
source frame in + floor(i * speed) (read from the picture the video sink receives); a see-through clip is
drawn at its opacity over the clip on the track below (a second player, its frame read from its own sink);
a crossfade draws the clip before under this one, fading in."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from PySide6.QtMultimedia import QVideoSink  # noqa: F401  (registers the QVideoSink* converter)
from PySide6.QtQuick import QQuickItem

from ltx_editor.core.clip_properties import set_clip_properties
from ltx_editor.core.media import import_media
from ltx_editor.core.preview_layers import picture_at
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
from ltx_editor.ui.document import ProjectDocument
from ltx_editor.ui.preview_controller import PreviewController
from tests.fakes.media_factory import coded_video
from tests.ui.test_preview_frames import Shown, _settles_on

FPS = 24


class UnderShown(Shown):
    def __init__(self, loaded) -> None:  # the second player's sink
        self.sink = loaded.find("underOutput", QQuickItem).property("videoSink")


@pytest.fixture
def layered(load_qml, tmp_path: Path):
    path = tmp_path / "p.ltxproj"
    project = Project(settings=ProjectSettings(fps=FPS, width=128, height=32))
    a = import_media(project, path, coded_video(tmp_path / "a.mp4", frames=120, fps=FPS))
    b = import_media(project, path, coded_video(tmp_path / "b.mp4", frames=250, fps=FPS))
    project.assets += [a, b]

    def clip(cid, asset, start, in_frame, out_frame):
        return Clip(id=cid, asset_id=asset.id, take_id=asset.active_take_id, start=start, in_frame=in_frame,
                    out_frame=out_frame)
    # V2: b[200:210] at 10 (see-through later); V1: a[0:40] at 0, b[100:140] at 40 (sped up / crossfaded later)
    project.tracks = [Track(id="v2", kind="video", clips=[clip("top", b, 10, 200, 210)]),
                      Track(id="v1", kind="video", clips=[clip("a1", a, 0, 0, 40), clip("b1", b, 40, 100, 140)])]
    doc = ProjectDocument(project=project, path=path)
    preview = PreviewController(document=doc)
    loaded = load_qml("Preview.qml", size=(640, 360), preview=preview, document=doc)
    loaded.keep = (doc, preview)
    return doc, preview, loaded


def test_speed_shows_the_source_frame_the_export_shows(qtbot, layered):
    doc, preview, loaded = layered
    doc.apply_edit(set_clip_properties(doc.project, "b1", speed=2.5))
    clip = doc.project.find_clip("b1")[1]
    assert clip.duration == 16
    shown = Shown(loaded)
    wrong = []
    for i in [0, 1, 2, 5, 9, 15]:
        doc.playheadFrame = 40 + i
        want = 100 + math.floor(i * 2.5 + 1e-9)
        if not _settles_on(qtbot, shown, want):
            wrong.append((i, want, shown()))
    doc.apply_edit(set_clip_properties(doc.project, "b1", speed=0.5))
    for i in [0, 1, 2, 7, 79]:
        doc.playheadFrame = 40 + i
        if not _settles_on(qtbot, shown, 100 + i // 2):
            wrong.append((i, 100 + i // 2, shown()))
    assert wrong == []


def test_opacity_draws_the_track_below_through_the_clip(qtbot, layered):
    doc, preview, loaded = layered
    top_layer = loaded.find("topLayer", QQuickItem)
    doc.playheadFrame = 12
    assert preview.opacity == 1.0 and preview.underSource == "" and top_layer.property("opacity") == 1.0
    doc.apply_edit(set_clip_properties(doc.project, "top", opacity=0.4))
    assert preview.opacity == pytest.approx(0.4) and top_layer.property("opacity") == pytest.approx(0.4)
    assert preview.underSource.endswith("a.mp4")
    shown, under = Shown(loaded), UnderShown(loaded)
    for frame in (12, 15, 19):
        doc.playheadFrame = frame
        assert _settles_on(qtbot, shown, 200 + frame - 10), (frame, shown())
        assert _settles_on(qtbot, under, frame), (frame, under())  # a[frame] below, as the export blends it
    doc.playheadFrame = 25  # past the see-through clip: one layer again
    assert preview.opacity == 1.0
    doc.undo()
    doc.playheadFrame = 12
    assert preview.opacity == 1.0


def test_crossfade_draws_the_clip_before_fading_out(qtbot, layered):
    doc, preview, loaded = layered
    doc.apply_edit(set_clip_properties(doc.project, "b1", crossfade=8))
    shown, under = Shown(loaded), UnderShown(loaded)
    for i in (1, 4, 7):
        doc.playheadFrame = 40 + i
        assert preview.opacity == pytest.approx(i / 8)
        assert _settles_on(qtbot, shown, 100 + i)
        assert _settles_on(qtbot, under, 40 + i), under()  # a plays on past its out point (frame 40 + i)
    doc.playheadFrame = 48
    assert preview.opacity == 1.0
    assert picture_at(doc.project, 48).under is None


def test_playing_through_a_crossfade_plays_both_pictures_and_stops_on_the_frame(qtbot, layered):
    from PySide6.QtMultimedia import QMediaPlayer

    doc, preview, loaded = layered
    doc.apply_edit(set_clip_properties(doc.project, "b1", crossfade=12))
    under_player = loaded.find("underPlayer")
    doc.playheadFrame = 36
    preview.togglePlay()
    qtbot.waitUntil(lambda: doc.playheadFrame >= 42, timeout=10_000)  # past the cut, inside the crossfade
    assert 0 < preview.opacity < 1
    qtbot.waitUntil(lambda: under_player.property("playbackState") == QMediaPlayer.PlaybackState.PlayingState,
                    timeout=3000)
    preview.togglePlay()
    qtbot.waitUntil(lambda: not preview.playing, timeout=5000)
    stopped = doc.playheadFrame
    if stopped < 52:  # still inside the crossfade: both pictures rest on the frame under the playhead
        assert preview.opacity == pytest.approx((stopped - 40) / 12)
        assert _settles_on(qtbot, Shown(loaded), 100 + stopped - 40)
        assert _settles_on(qtbot, UnderShown(loaded), stopped), (stopped, UnderShown(loaded)())
    else:  # a slow machine ran past it: one picture again
        assert preview.opacity == 1.0
