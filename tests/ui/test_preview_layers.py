"""The preview draws clip properties frame for frame as the export does: a clip at another speed shows
source frame in + floor(i * speed) (read from the picture the video sink receives); see-through clips are
drawn at their opacity over every clip below them down to the first opaque one (a player each, its frame
read from its own sink); a crossfade draws the clip before under this one, fading in, the two at the
incoming clip's opacity; the pictures under the top one follow the playhead while playing and rest on its
frame when stopped. Each picture's share of the blend, as the items draw it, is the export's."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtMultimedia import QMediaPlayer, QVideoSink  # noqa: F401  (registers the QVideoSink* converter)
from PySide6.QtQml import QQmlProperty
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
SETTLE_MS = 15_000  # waits on a busy machine: generous, and over as soon as the condition holds


class PictureShown(Shown):
    """The number carried by the frame a picture under the top one holds (its slot in preview.pictures)."""

    def __init__(self, loaded, slot: int) -> None:  # noqa: D107 - the picture's own sink
        self.picture = loaded.find(f"picture{slot}", QQuickItem)
        self.sink = self.picture.property("videoSink")
        assert isinstance(self.sink, QVideoSink)


def _clip(cid: str, asset, start: int, in_frame: int, out_frame: int, **properties) -> Clip:
    return Clip(id=cid, asset_id=asset.id, take_id=asset.active_take_id, start=start, in_frame=in_frame,
                out_frame=out_frame, **properties)


def _load(load_qml, project: Project, path: Path):
    doc = ProjectDocument(project=project, path=path)
    preview = PreviewController(document=doc)
    loaded = load_qml("Preview.qml", size=(640, 360), preview=preview, document=doc)
    loaded.keep = (doc, preview)
    return doc, preview, loaded


@pytest.fixture
def layered(load_qml, tmp_path: Path):
    path = tmp_path / "p.ltxproj"
    project = Project(settings=ProjectSettings(fps=FPS, width=128, height=32))
    a = import_media(project, path, coded_video(tmp_path / "a.mp4", frames=120, fps=FPS))
    b = import_media(project, path, coded_video(tmp_path / "b.mp4", frames=250, fps=FPS))
    project.assets += [a, b]
    # V3: a[60:64] at 14; V2: b[200:210] at 10 (see-through later); V1: a[0:40] at 0, b[100:140] at 40 (sped
    # up / crossfaded later); V0: a[100:116] at 36 (under V1's crossfade)
    project.tracks = [Track(id="v3", kind="video", clips=[_clip("over", a, 14, 60, 64)]),
                      Track(id="v2", kind="video", clips=[_clip("top", b, 10, 200, 210)]),
                      Track(id="v1", kind="video", clips=[_clip("a1", a, 0, 0, 40), _clip("b1", b, 40, 100, 140)]),
                      Track(id="v0", kind="video", clips=[_clip("base", a, 36, 100, 116)])]
    return _load(load_qml, project, path)


def _shares(loaded) -> dict[str, float]:
    """How much of the preview's picture each picture slot ("picture0": the top player) and black make up,
    composited as Qt Quick draws the items: each over what is under it at its opacity, an item with
    layer.enabled made into one picture first. (The test machine renders with Qt Quick's software backend,
    which draws no video, so the window's pixels cannot be read back.)"""
    area = loaded.find("topLayer", QQuickItem).parentItem()
    return {k: round(v, 6) for k, v in _draw(area, {}, 1.0).items() if v > 1e-9}


def _draw(item: QQuickItem, under: dict[str, float], opacity: float) -> dict[str, float]:
    if not item.isVisible():
        return under
    opacity *= item.opacity()
    if QQmlProperty.read(item, "layer.enabled"):  # drawn alone, then at its opacity over what is under it
        return _over(under, _draw_content(item, {}, 1.0), opacity)
    return _draw_content(item, under, opacity)


def _draw_content(item: QQuickItem, under: dict[str, float], opacity: float) -> dict[str, float]:
    kind = item.metaObject().className()
    if "VideoOutput" in kind:
        under = _over(under, {_slot(item): 1.0}, opacity)
    elif "Rectangle" in kind and item.property("color").name() == "#000000":
        under = _over(under, {"black": 1.0}, opacity)
    for child in item.childItems():
        under = _draw(child, under, opacity)
    return under


def _over(under: dict[str, float], picture: dict[str, float], opacity: float) -> dict[str, float]:
    """`picture` (premultiplied: its shares sum to how much it covers) at `opacity` over `under`."""
    out = {k: v * (1 - opacity * sum(picture.values())) for k, v in under.items()}
    for k, v in picture.items():
        out[k] = out.get(k, 0.0) + opacity * v
    return out


def _slot(output: QQuickItem) -> str:
    item = output
    while item is not None and not item.objectName().startswith("picture"):
        item = item.parentItem()
    return "picture0" if item is None else item.objectName()


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
    assert preview.levels == [{"opacity": 1.0, "mix": 1.0}] and top_layer.property("opacity") == 1.0
    doc.apply_edit(set_clip_properties(doc.project, "top", opacity=0.4))
    assert preview.levels[0]["opacity"] == pytest.approx(0.4) and top_layer.property("opacity") == pytest.approx(0.4)
    assert preview.pictures[2]["source"].endswith("a.mp4")  # level 1: the clip on the track below
    shown, under = Shown(loaded), PictureShown(loaded, 2)
    for frame in (12, 18, 19):
        doc.playheadFrame = frame
        assert _settles_on(qtbot, shown, 200 + frame - 10), (frame, shown())
        assert _settles_on(qtbot, under, frame), (frame, under())  # a[frame] below, as the export blends it
    assert _shares(loaded) == {"picture0": 0.4, "picture2": 0.6}
    doc.playheadFrame = 25  # past the see-through clip: one layer again
    assert len(preview.levels) == 1
    doc.undo()
    doc.playheadFrame = 12
    assert preview.levels == [{"opacity": 1.0, "mix": 1.0}]


def test_three_see_through_layers_blend_down_to_the_first_opaque_one(qtbot, layered):
    doc, preview, loaded = layered
    doc.apply_edit(set_clip_properties(doc.project, "over", opacity=0.5))
    doc.apply_edit(set_clip_properties(doc.project, "top", opacity=0.4))
    shown, middle, low = Shown(loaded), PictureShown(loaded, 2), PictureShown(loaded, 4)
    for frame in (14, 17):
        doc.playheadFrame = frame
        layers = [(layer.clip.id, round(share, 6)) for layer, share in picture_at(doc.project, frame).weights()]
        assert layers == [("over", 0.5), ("top", 0.2), ("a1", 0.3)]  # 0.5; 0.5 * 0.4; the rest
        assert [level["opacity"] for level in preview.levels] == [0.5, pytest.approx(0.4), 1.0]
        assert _settles_on(qtbot, shown, 60 + frame - 14), (frame, shown())
        assert _settles_on(qtbot, middle, 200 + frame - 10), (frame, middle())
        assert _settles_on(qtbot, low, frame), (frame, low())
    assert _shares(loaded) == {"picture0": 0.5, "picture2": 0.2, "picture4": 0.3}
    doc.apply_edit(set_clip_properties(doc.project, "a1", opacity=0.5))  # see-through to the bottom: black
    assert [round(share, 6) for _layer, share in picture_at(doc.project, 17).weights()] == [0.5, 0.2, 0.15]
    assert preview.levels[-1]["opacity"] == 0.5
    assert _shares(loaded) == {"picture0": 0.5, "picture2": 0.2, "picture4": 0.15, "black": 0.15}


def test_crossfade_draws_the_clip_before_fading_out(qtbot, layered):
    doc, preview, loaded = layered
    doc.apply_edit(set_clip_properties(doc.project, "b1", crossfade=8))
    shown, under = Shown(loaded), PictureShown(loaded, 1)
    for i in (1, 4, 7):
        doc.playheadFrame = 40 + i
        assert preview.levels == [{"opacity": 1.0, "mix": pytest.approx(i / 8)}]
        assert _settles_on(qtbot, shown, 100 + i)
        assert _settles_on(qtbot, under, 40 + i), under()  # a plays on past its out point (frame 40 + i)
    assert _shares(loaded) == {"picture0": 0.875, "picture1": 0.125}
    doc.playheadFrame = 48
    assert preview.levels == [{"opacity": 1.0, "mix": 1.0}]
    assert picture_at(doc.project, 48).levels[0].dissolve_from is None


def test_a_see_through_crossfade_dissolves_as_one_picture_over_the_track_below(qtbot, layered):
    """export_graph: the dissolve (b1 at i/n over a1) drawn at b1's opacity over V0's clip."""
    doc, preview, loaded = layered
    doc.apply_edit(set_clip_properties(doc.project, "b1", crossfade=8, opacity=0.5))
    shown, before, base = Shown(loaded), PictureShown(loaded, 1), PictureShown(loaded, 2)
    for i in (2, 6):
        doc.playheadFrame = 40 + i
        assert preview.levels == [{"opacity": 0.5, "mix": pytest.approx(i / 8)}, {"opacity": 1.0, "mix": 1.0}]
        shares = [share for _layer, share in picture_at(doc.project, 40 + i).weights()]
        assert shares == pytest.approx([0.5 * i / 8, 0.5 * (1 - i / 8), 0.5])
        assert _settles_on(qtbot, shown, 100 + i)
        assert _settles_on(qtbot, before, 40 + i), before()
        assert _settles_on(qtbot, base, 100 + 4 + i), base()  # a[100:116] from frame 36
    assert _shares(loaded) == {"picture0": 0.375, "picture1": 0.125, "picture2": 0.5}


def test_playing_through_a_crossfade_plays_both_pictures_and_stops_on_the_frame(qtbot, layered):
    doc, preview, loaded = layered
    doc.apply_edit(set_clip_properties(doc.project, "b1", crossfade=12))
    under_player = loaded.find("picture1Player")
    doc.playheadFrame = 36
    preview.togglePlay()
    qtbot.waitUntil(lambda: doc.playheadFrame >= 42, timeout=SETTLE_MS)  # past the cut, inside the crossfade
    qtbot.waitUntil(lambda: under_player.property("playbackState") == QMediaPlayer.PlaybackState.PlayingState,
                    timeout=SETTLE_MS)
    preview.togglePlay()
    qtbot.waitUntil(lambda: not preview.playing, timeout=SETTLE_MS)
    stopped = doc.playheadFrame
    if stopped < 52:  # still inside the crossfade: both pictures rest on the frame under the playhead
        assert preview.levels[0]["mix"] == pytest.approx((stopped - 40) / 12)
        assert _settles_on(qtbot, Shown(loaded), 100 + stopped - 40)
        assert _settles_on(qtbot, PictureShown(loaded, 1), stopped), (stopped, PictureShown(loaded, 1)())
    else:  # a slow machine ran past it: one picture again
        assert len(preview.levels) == 1


@pytest.fixture
def glass(load_qml, tmp_path: Path):
    """V2: c[0:240] at 0, half see-through, over V1: a[0:30] at 0 and a[40:250] at 30 (a cut 10 frames on
    in the same file)."""
    path = tmp_path / "p.ltxproj"
    project = Project(settings=ProjectSettings(fps=FPS, width=128, height=32))
    a = import_media(project, path, coded_video(tmp_path / "a.mp4", frames=250, fps=FPS))
    c = import_media(project, path, coded_video(tmp_path / "c.mp4", frames=250, fps=FPS))
    project.assets += [a, c]
    project.tracks = [Track(id="v2", kind="video", clips=[_clip("glass", c, 0, 0, 240, opacity=0.5)]),
                      Track(id="v1", kind="video", clips=[_clip("low1", a, 0, 0, 30), _clip("low2", a, 30, 40, 250)])]
    return _load(load_qml, project, path)


def _under_frame(frame: int) -> int:
    return frame if frame < 30 else frame + 10


def _keeps_up(qtbot, doc, preview, under: PictureShown) -> None:
    """While playing, the picture under the top one comes within two frames of the playhead's and the
    preview is still playing (read from the picture: the number it carries against the playhead's)."""
    def near() -> bool:
        number = under()
        return preview.playing and number is not None and abs(number - _under_frame(doc.playheadFrame)) <= 2
    qtbot.waitUntil(near, timeout=SETTLE_MS)


def _rests_on_the_playhead(qtbot, doc, preview, loaded) -> None:
    preview.togglePlay()
    qtbot.waitUntil(lambda: not preview.playing, timeout=SETTLE_MS)
    stopped = doc.playheadFrame
    assert _settles_on(qtbot, Shown(loaded), stopped), (stopped, Shown(loaded)())
    assert _settles_on(qtbot, PictureShown(loaded, 2), _under_frame(stopped)), (stopped, PictureShown(loaded, 2)())
    assert doc.playheadFrame == stopped
    assert not [w for w in loaded.warnings if "Error" in w or "Binding loop" in w]


def test_playing_keeps_the_picture_below_on_the_playhead_across_a_cut_below(qtbot, glass):
    doc, preview, loaded = glass
    under = PictureShown(loaded, 2)
    doc.playheadFrame = 20
    assert _settles_on(qtbot, under, 20)
    preview.togglePlay()
    qtbot.waitUntil(lambda: doc.playheadFrame >= 36, timeout=SETTLE_MS)  # past the cut below, at 30
    assert preview.playing
    _keeps_up(qtbot, doc, preview, under)
    _rests_on_the_playhead(qtbot, doc, preview, loaded)


def test_a_picture_below_that_drifts_while_playing_is_seeked_back(qtbot, glass):
    doc, preview, loaded = glass
    under = PictureShown(loaded, 2)
    picture = under.picture
    player = picture.findChild(QObject, "picture2Player")
    doc.playheadFrame = 40
    preview.togglePlay()
    qtbot.waitUntil(lambda: player.property("playbackState") == QMediaPlayer.PlaybackState.PlayingState,
                    timeout=SETTLE_MS)
    resyncs = picture.property("resyncs")
    player.setProperty("position", player.property("position") + 2000)  # two seconds ahead of the playhead
    qtbot.waitUntil(lambda: picture.property("resyncs") > resyncs, timeout=SETTLE_MS)
    assert preview.playing
    _keeps_up(qtbot, doc, preview, under)
    _rests_on_the_playhead(qtbot, doc, preview, loaded)


def test_playing_into_a_clip_on_a_track_above_shows_it(qtbot, load_qml, tmp_path):
    """The playing clip is not the one on top any more once a clip on a track above starts."""
    path = tmp_path / "p.ltxproj"
    project = Project(settings=ProjectSettings(fps=FPS, width=128, height=32))
    a = import_media(project, path, coded_video(tmp_path / "a.mp4", frames=200, fps=FPS))
    c = import_media(project, path, coded_video(tmp_path / "c.mp4", frames=200, fps=FPS))
    project.assets += [a, c]
    project.tracks = [Track(id="v2", kind="video", clips=[_clip("late", c, 24, 0, 150)]),
                      Track(id="v1", kind="video", clips=[_clip("low", a, 0, 0, 200)])]
    doc, preview, loaded = _load(load_qml, project, path)
    shown = Shown(loaded)
    doc.playheadFrame = 14
    assert _settles_on(qtbot, shown, 14)
    preview.togglePlay()
    qtbot.waitUntil(lambda: preview.playing and preview.source.endswith("c.mp4"), timeout=SETTLE_MS)

    def shows_the_clip_above() -> bool:  # c[frame - 24] (within two frames while playing), not a[frame]
        number = shown()
        return preview.playing and number is not None and abs(number - (doc.playheadFrame - 24)) <= 2
    qtbot.waitUntil(shows_the_clip_above, timeout=SETTLE_MS)
    preview.togglePlay()
    qtbot.waitUntil(lambda: not preview.playing, timeout=SETTLE_MS)
    stopped = doc.playheadFrame
    assert _settles_on(qtbot, shown, stopped - 24 if stopped < 174 else stopped), (stopped, shown())
