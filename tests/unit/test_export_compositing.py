"""Opacity, crossfades and speed honoured by the export, frame for frame, compared with a reference computed by
numpy from the source frames (numbered sources: frame n is a flat grey of luma n * LEVEL); speed changes the
exported frame count exactly; the properties are one undoable edit each, refused in words when they do not
fit, and saved in the project.

Tolerance: 3 luma levels (of 255) per frame mean — the lossless sources, the yuva blend's 8-bit alpha and the
x264 encode at CRF 18 stay well inside it (half a frame number is 3 levels, so a wrong frame always fails).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from ltx_editor.core.clip_properties import set_clip_properties
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.export import export_timeline, prepare
from ltx_editor.core.export_presets import ExportOptions
from ltx_editor.core.media import count_video_frames, import_media
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
from ltx_editor.core.project_io import load_project, save_project
from tests.fakes.media_factory import LEVEL, decode_gray, numbered_video, tone

FPS = 24
TOLERANCE = 3.0


@pytest.fixture()
def media(tmp_path: Path):
    path = tmp_path / "p.ltxproj"
    project = Project(settings=ProjectSettings(fps=FPS, width=64, height=48))
    base = import_media(project, path, numbered_video(tmp_path / "n.mp4", frames=40))
    project.assets.append(base)
    return project, path, base


def _clip(asset, cid: str, start: int, in_frame: int, out_frame: int, **props) -> Clip:
    return Clip(id=cid, asset_id=asset.id, take_id=asset.active_take_id, start=start, in_frame=in_frame,
                out_frame=out_frame, **props)


def _means(path: Path) -> np.ndarray:
    return np.array([float(f.mean()) for f in decode_gray(path)])


def _close(got: np.ndarray, want: np.ndarray) -> None:
    assert got.shape == want.shape, (len(got), len(want))
    worst = np.abs(got - want).max()
    assert worst <= TOLERANCE, [(i, round(g, 1), round(w, 1)) for i, (g, w) in enumerate(zip(got, want, strict=True))
                                if abs(g - w) > TOLERANCE]


def test_opacity_composites_over_the_track_below(media, tmp_path):
    project, path, base = media
    below = _clip(base, "b", 0, 0, 30)
    half = _clip(base, "h", 5, 30, 40)  # frames 30-39 at 50 % over frames 5-14
    quarter = _clip(base, "q", 20, 0, 6)
    project.tracks = [Track(id="v2", kind="video", clips=[half, quarter]), Track(id="v1", kind="video", clips=[below])]
    edit = set_clip_properties(project, "h", opacity=0.5)
    set_clip_properties(project, "q", opacity=0.25)
    assert not prepare(project, path)[1].stream_copy
    frames = np.arange(30, dtype=float) * LEVEL  # the clip below
    want = frames.copy()
    want[5:15] = 0.5 * np.arange(30, 40) * LEVEL + 0.5 * frames[5:15]
    want[20:26] = 0.25 * np.arange(0, 6) * LEVEL + 0.75 * frames[20:26]
    _close(_means(export_timeline(project, path, tmp_path / "out.mp4")), want)
    # An export range that starts inside the see-through clip
    _close(_means(export_timeline(project, path, tmp_path / "r.mp4", options=ExportOptions(range_start=8,
                                                                                         range_end=22))), want[8:22])
    edit.undo(project)
    assert project.find_clip("h")[1].opacity == 1.0


def test_opacity_over_a_fade_and_over_nothing(media, tmp_path):
    project, path, base = media
    top = _clip(base, "t", 0, 20, 30, opacity=0.6, fade_in=5)
    project.tracks = [Track(id="v1", kind="video", clips=[top])]
    black = float(decode_gray(export_timeline(project, path, tmp_path / "black.mp4",
                                              options=ExportOptions(range_start=0, range_end=1)))[0].mean())
    faded = [min(1.0, i / 5) for i in range(10)]
    # fade: towards the encoder's black (what a gap shows), then 60 % of that over black
    clip = np.array([black + (n * LEVEL - black) * f for n, f in zip(range(20, 30), faded, strict=True)])
    _close(_means(export_timeline(project, path, tmp_path / "o.mp4")), 0.6 * clip + 0.4 * black)


def test_crossfade_dissolves_from_the_clip_before(media, tmp_path):
    project, path, base = media
    a = _clip(base, "a", 0, 0, 16)
    b = _clip(base, "b", 16, 24, 36)
    held = _clip(base, "c", 28, 30, 40)  # the last frames of the media: the clip before it is held on frame 39
    d = _clip(base, "d", 38, 4, 14)
    project.tracks = [Track(id="v1", kind="video", clips=[a, b, held, d])]
    edit = set_clip_properties(project, "b", crossfade=8)
    set_clip_properties(project, "d", crossfade=6)
    assert prepare(project, path)[0].video[1].dissolve_from is not None

    def mix(out_of: list[int], into: list[int], n: int) -> list[float]:
        return [(1 - i / n) * x * LEVEL + i / n * y * LEVEL for i, (x, y) in enumerate(zip(out_of, into, strict=True))]

    want = [n * LEVEL for n in range(16)]
    want += mix(list(range(16, 24)), list(range(24, 32)), 8) + [n * LEVEL for n in range(32, 36)]
    want += [n * LEVEL for n in range(30, 40)]
    want += mix([39] * 6, list(range(4, 10)), 6) + [n * LEVEL for n in range(10, 14)]
    got = _means(export_timeline(project, path, tmp_path / "x.mp4"))
    _close(got, np.array(want))
    assert len(got) == project.duration() == 48  # a crossfade does not change the timeline's length
    # a range beginning inside the dissolve keeps its place in it
    ranged = export_timeline(project, path, tmp_path / "xr.mp4", options=ExportOptions(range_start=19, range_end=30))
    _close(_means(ranged), np.array(want[19:30]))
    edit.undo(project)
    assert project.find_clip("b")[1].crossfade == 0


def test_crossfade_sound_goes_down_while_the_next_comes_up(media, tmp_path):
    project, path, base = media
    snd = import_media(project, path, tone(tmp_path / "t.wav", seconds=3.0))
    project.assets.append(snd)
    first = _clip(snd, "s1", 0, 0, 24)
    second = _clip(snd, "s2", 24, 0, 24)
    picture = _clip(base, "v", 0, 0, 40)
    project.tracks = [Track(id="v1", kind="video", clips=[picture]),
                      Track(id="a1", kind="audio", clips=[first, second])]
    set_clip_properties(project, "s2", crossfade=24)
    plan = prepare(project, path)[0]
    out, into = sorted(plan.audio, key=lambda p: p.start)
    assert (out.frames, out.crossfade_out, into.crossfade_in) == (48, 24, 24)  # plays on a second past its end
    pcm = _pcm(export_timeline(project, path, tmp_path / "s.mp4"))
    # at 1.5 s both are at half level; the first one's tone continues in phase with itself (t = 1.5 s of it)
    t = np.arange(int(0.02 * 8000)) / 8000
    at = int(1.5 * 8000)
    both = 0.5 * np.sin(2 * np.pi * 440 * (1.5 + t)) + 0.5 * np.sin(2 * np.pi * 440 * (0.5 + t))
    rms = float(np.sqrt(np.mean(pcm[at:at + len(t)] ** 2)))
    full = float(np.sqrt(np.mean(pcm[int(0.3 * 8000):int(0.5 * 8000)] ** 2)))
    assert rms == pytest.approx(full * float(np.sqrt(np.mean(both ** 2))) / math.sqrt(0.5), rel=0.15)


def _pcm(path: Path) -> np.ndarray:
    import subprocess

    from imageio_ffmpeg import get_ffmpeg_exe

    raw = subprocess.run([get_ffmpeg_exe(), "-loglevel", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
                          "-ar", "8000", "-f", "f32le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, "<f4")


@pytest.mark.parametrize("speed", [0.25, 0.5, 0.7, 1.5, 2.0, 3.0, 4.0])
def test_speed_changes_the_frame_count_exactly(media, tmp_path, speed):
    project, path, base = media
    clip = _clip(base, "c", 0, 4, 34)
    tail = _clip(base, "t", 200, 0, 2)  # far enough for the slowest speed
    project.tracks = [Track(id="v1", kind="video", clips=[clip, tail])]
    set_clip_properties(project, "c", speed=speed)
    sped = project.find_clip("c")[1]
    frames = math.ceil(30 / speed - 1e-9)
    assert sped.duration == frames and (sped.in_frame, sped.out_frame) == (4, 34)  # trims stay in source frames
    out = export_timeline(project, path, tmp_path / "s.mp4", options=ExportOptions(range_start=0,
                                                                                  range_end=frames))
    assert count_video_frames(out) == frames
    want = np.array([(4 + min(29, math.floor(i * speed + 1e-9))) * LEVEL for i in range(frames)])
    _close(_means(out), want)
    assert [4 + sped.source_offset(i) for i in range(frames)] == [round(w / LEVEL) for w in want]
    # a range that starts inside the sped-up clip shows the same frames
    later = export_timeline(project, path, tmp_path / "r.mp4", options=ExportOptions(range_start=frames // 3,
                                                                                    range_end=frames))
    _close(_means(later), want[frames // 3:])


def test_speed_with_sound_keeps_picture_and_sound_together(media, tmp_path):
    project, path, _base = media
    av = import_media(project, path, numbered_video(tmp_path / "av.mp4", frames=40, audio=True))
    project.assets.append(av)
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(av, "c", 0, 0, 40)])]
    set_clip_properties(project, "c", speed=2.0, fade_out=4)
    out = export_timeline(project, path, tmp_path / "av2.mp4")  # the export checks frames and duration itself
    assert count_video_frames(out) == 20
    pcm = _pcm(out)
    assert len(pcm) == pytest.approx(20 / FPS * 8000, abs=80)
    assert float(np.sqrt(np.mean(pcm[1000:2000] ** 2))) > 0.05  # the sound is there, at the picture's speed


def test_refusals_name_the_field_and_change_nothing(media):
    project, _path, base = media
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(base, "a", 0, 0, 10), _clip(base, "b", 12, 0, 10),
                                                          _clip(base, "c", 22, 0, 4)])]
    with pytest.raises(EditRefused, match="no clip right before"):
        set_clip_properties(project, "b", crossfade=4)  # a 2-frame gap before it
    with pytest.raises(EditRefused, match="crossfade: 8 frames do not fit; the clips are 10 and 4 frames"):
        set_clip_properties(project, "c", crossfade=8)
    with pytest.raises(EditRefused, match="would overlap 'c'"):
        set_clip_properties(project, "b", speed=0.5)  # 20 frames, the next clip 10 frames on
    with pytest.raises(EditRefused, match="speed: must be greater than or equal to 0.25|speed"):
        set_clip_properties(project, "b", speed=0.1)
    with pytest.raises(EditRefused, match="opacity"):
        set_clip_properties(project, "b", opacity=1.5)
    assert [(c.crossfade, c.speed, c.opacity) for c in project.tracks[0].clips] == [(0, 1.0, 1.0)] * 3
    edit = set_clip_properties(project, "c", crossfade=4)
    assert project.find_clip("c")[1].crossfade == 4
    edit.undo(project)
    assert project.find_clip("c")[1].crossfade == 0


def test_properties_survive_save_and_reopen(media):
    project, path, base = media
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(base, "a", 0, 0, 10), _clip(base, "b", 10, 0, 20)])]
    set_clip_properties(project, "a", opacity=0.4, volume=0.5, fade_in=2)
    set_clip_properties(project, "b", crossfade=5, speed=2.0)
    save_project(project, path)
    again = load_project(path).project
    a, b = again.find_clip("a")[1], again.find_clip("b")[1]
    assert (a.opacity, a.volume, a.fade_in) == (0.4, 0.5, 2)
    assert (b.crossfade, b.speed, b.duration, b.end) == (5, 2.0, 10, 20)


def test_a_clip_that_faded_out_stays_black_through_the_crossfade(media, tmp_path):
    project, path, base = media
    a = _clip(base, "a", 0, 0, 10, fade_out=4)
    b = _clip(base, "b", 10, 20, 30, crossfade=6)
    project.tracks = [Track(id="v1", kind="video", clips=[a, b])]
    got = _means(export_timeline(project, path, tmp_path / "f.mp4"))
    # a's fade-out ends in black at frame 10; the dissolve rises from that black into b
    floor = got[10]  # frame 0 of the dissolve: all of a, which is black now
    want = [floor + (n * LEVEL - floor) * i / 6 for i, n in enumerate(range(20, 26))]
    _close(got[10:16], np.array(want))
    assert floor < 2 * LEVEL
