"""Clip properties honoured by the export, compared with a reference computed by numpy: picture fades (also
for a clip cut in pieces by a clip above it, and inside an export range), sound level, mute and fades; the
properties are one undoable edit, refused by field when they do not fit."""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from imageio_ffmpeg import get_ffmpeg_exe

from ltx_editor.core.clip_properties import set_clip_properties
from ltx_editor.core.errors import EditRefused
from ltx_editor.core.export import export_timeline, prepare
from ltx_editor.core.export_presets import ExportOptions
from ltx_editor.core.media import import_media
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
from tests.fakes.media_factory import LEVEL, decode_gray, numbered_video, tone

FPS = 24


def _project(tmp_path: Path):
    path = tmp_path / "p.ltxproj"
    project = Project(settings=ProjectSettings(fps=FPS, width=64, height=48))
    base = import_media(project, path, numbered_video(tmp_path / "n.mp4", frames=40))
    cover = import_media(project, path, numbered_video(tmp_path / "c.mp4", frames=10))
    project.assets += [base, cover]
    return project, path, base, cover


def _faded(i: int, length: int, fade_in: int, fade_out: int) -> float:
    """The reference: frame i of a clip of `length` frames is scaled by i / fade_in while fading in and by
    (length - i) / fade_out while fading out."""
    f = 1.0
    if fade_in and i < fade_in:
        f = min(f, i / fade_in)
    if fade_out and i >= length - fade_out:
        f = min(f, (length - i) / fade_out)
    return f


def test_picture_fades_match_the_numpy_reference_even_in_pieces_and_ranges(tmp_path):
    project, path, base, cover = _project(tmp_path)
    clip = Clip(id="b", asset_id=base.id, take_id=base.active_take_id, start=0, in_frame=2, out_frame=32)
    top = Clip(id="t", asset_id=cover.id, take_id=cover.active_take_id, start=12, in_frame=0, out_frame=4)
    project.tracks = [Track(id="v2", kind="video", clips=[top]), Track(id="v1", kind="video", clips=[clip])]
    edit = set_clip_properties(project, "b", fade_in=8, fade_out=6)
    assert not prepare(project, path)[1].stream_copy
    got = [float(f.mean()) for f in decode_gray(export_timeline(project, path, tmp_path / "out.mp4"))]
    want = [(2 + i) * LEVEL * _faded(i, 30, 8, 6) for i in range(30)]
    want[12:16] = [n * LEVEL for n in range(4)]  # the clip above, unfaded
    assert np.abs(np.array(got) - np.array(want)).max() <= 3.0, list(zip(got, want, strict=True))
    # A range that starts inside the fade-in keeps the clip's own fade position
    ranged = export_timeline(project, path, tmp_path / "r.mp4", options=ExportOptions(range_start=3, range_end=9, crf=0))
    got = [float(f.mean()) for f in decode_gray(ranged)]
    assert np.abs(np.array(got) - np.array(want[3:9])).max() <= 3.0
    edit.undo(project)
    assert (project.find_clip("b")[1].fade_in, project.find_clip("b")[1].fade_out) == (0, 0)


def _levels(path: Path, seconds: list[float], window: float = 0.05) -> list[float]:
    raw = subprocess.run([get_ffmpeg_exe(), "-loglevel", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
                          "-ar", "8000", "-f", "f32le", "-"], capture_output=True, check=True).stdout
    pcm = np.frombuffer(raw, "<f4")
    n = int(window * 8000)
    return [float(np.sqrt(np.mean(pcm[int(s * 8000):int(s * 8000) + n] ** 2))) for s in seconds]


def test_sound_level_mute_and_fades(tmp_path):
    project, path, base, _cover = _project(tmp_path)
    snd = import_media(project, path, tone(tmp_path / "t.wav", seconds=2.0))
    project.assets.append(snd)
    loud = Clip(id="a", asset_id=snd.id, take_id=snd.active_take_id, start=0, in_frame=0, out_frame=24)
    quiet = Clip(id="q", asset_id=snd.id, take_id=snd.active_take_id, start=24, in_frame=0, out_frame=24)
    project.tracks = [Track(id="v1", kind="video", clips=[Clip(id="v", asset_id=base.id, take_id=base.active_take_id,
                                                               start=0, in_frame=0, out_frame=40)]),
                      Track(id="a1", kind="audio", clips=[loud, quiet])]
    full = _levels(export_timeline(project, path, tmp_path / "full.mp4"), [0.5, 1.5])
    set_clip_properties(project, "q", volume=0.5)
    set_clip_properties(project, "a", fade_in=12)
    out = export_timeline(project, path, tmp_path / "out.mp4")
    start, middle, halved = _levels(out, [0.0, 0.75, 1.5])
    assert halved == pytest.approx(full[1] / 2, rel=0.05)  # volume 0.5: half the amplitude
    assert middle == pytest.approx(full[0], rel=0.05)  # after the fade: full level
    assert start < full[0] * 0.1  # the first 50 ms of a 0.5 s fade-in are nearly silent
    set_clip_properties(project, "q", volume=0.0)  # muted
    assert _levels(export_timeline(project, path, tmp_path / "mute.mp4"), [1.5])[0] < 1e-3


def test_properties_are_refused_by_field(tmp_path):
    project, _path, base, _cover = _project(tmp_path)
    project.tracks = [Track(id="v1", kind="video", clips=[Clip(id="c", asset_id=base.id, take_id=base.active_take_id,
                                                               start=0, in_frame=0, out_frame=10)])]
    with pytest.raises(EditRefused, match="fades of 8 \\+ 5 frames do not fit in a clip of 10 frames"):
        set_clip_properties(project, "c", fade_in=8, fade_out=5)
    with pytest.raises(EditRefused, match="volume: must be at most 4.0"):
        set_clip_properties(project, "c", volume=9)
    with pytest.raises(EditRefused, match="Unknown clip properties: tint"):
        set_clip_properties(project, "c", tint=2)
    clip = project.find_clip("c")[1]
    assert (clip.volume, clip.fade_in, clip.fade_out) == (1.0, 0, 0)
