"""Export presets on real media: each preset's file probes with the timeline's frame count and duration and
the asked size and codecs; ranges, other rates, no sound; a written file that is not what was asked for
(or a source that shrank after saving) fails with the reason and keeps the file already at the target."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ltx_editor.core import ffmpeg
from ltx_editor.core.errors import MediaError
from ltx_editor.core.export import Expected, export_timeline, prepare, verify_export
from ltx_editor.core.export_presets import PRESETS, ExportOptions, parse_range, parse_size, preset_for_suffix
from ltx_editor.core.media import count_video_frames, import_media, probe
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
from tests.fakes.media_factory import frame_numbers, numbered_video, tone

W, H, FPS = 64, 48, 24


def _timeline(tmp_path: Path) -> tuple[Project, Path]:
    """Two trimmed clips of a numbered video on V1 and a tone on A1: 30 frames (1.25 s)."""
    path = tmp_path / "p.ltxproj"
    project = Project(settings=ProjectSettings(fps=FPS, width=W, height=H))
    vid = import_media(project, path, numbered_video(tmp_path / "n.mp4", frames=40, audio=True))
    snd = import_media(project, path, tone(tmp_path / "t.wav", seconds=2.0))
    project.assets += [vid, snd]
    take = vid.active_take_id
    project.tracks = [
        Track(id="v1", kind="video", clips=[Clip(id="a", asset_id=vid.id, take_id=take, start=0, in_frame=0, out_frame=12),
                                            Clip(id="b", asset_id=vid.id, take_id=take, start=12, in_frame=20,
                                                 out_frame=38)]),
        Track(id="a1", kind="audio", clips=[Clip(id="s", asset_id=snd.id, take_id=snd.active_take_id, start=0,
                                                 in_frame=0, out_frame=30)])]
    return project, path


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_writes_the_timeline_exactly(tmp_path, name):
    project, path = _timeline(tmp_path)
    p = PRESETS[name]
    out = export_timeline(project, path, tmp_path / f"out{p.suffix}", options=ExportOptions(preset=name, width=128,
                                                                                             height=96))
    info = probe(out)
    assert (info.video_codec, info.audio_codec, info.width, info.height) == (p.video_codec, p.audio_codec, 128, 96)
    assert count_video_frames(out) == project.duration() == 30
    assert abs(probe(out, count_frames=False).duration - 30 / FPS) <= 1 / FPS + 0.05
    assert abs(info.fps - FPS) < 1e-3
    if name == "prores":  # near-lossless enough to read the numbers back
        assert frame_numbers(out) == list(range(12)) + list(range(20, 38))


def test_range_rate_and_no_sound(tmp_path):
    project, path = _timeline(tmp_path)
    ranged = export_timeline(project, path, tmp_path / "range.mp4",
                             options=ExportOptions(range_start=8, range_end=20, audio=False, crf=0))
    assert frame_numbers(ranged) == [8, 9, 10, 11, 20, 21, 22, 23, 24, 25, 26, 27]
    assert probe(ranged).audio is None
    faster = export_timeline(project, path, tmp_path / "30fps.mp4", options=ExportOptions(fps=30))
    info = probe(faster)
    assert (round(info.fps, 3), count_video_frames(faster)) == (30, round(30 * 30 / FPS))
    assert abs(probe(faster, count_frames=False).duration - 30 / FPS) <= 1 / 30 + 0.05


def test_the_default_h264_export_can_still_be_stream_copied_and_quality_forces_an_encode(tmp_path):
    project = Project(settings=ProjectSettings(fps=FPS, width=W, height=H))
    path = tmp_path / "p.ltxproj"
    a = import_media(project, path, numbered_video(tmp_path / "a.mp4", frames=24))
    project.assets.append(a)
    project.tracks = [Track(id="v1", kind="video", clips=[Clip(id="c", asset_id=a.id, take_id=a.active_take_id,
                                                               start=0, in_frame=0, out_frame=24)])]
    assert prepare(project, path, options=ExportOptions())[1].stream_copy
    assert not prepare(project, path, options=ExportOptions(crf=30))[1].stream_copy
    assert not prepare(project, path, options=ExportOptions(fps=25))[1].stream_copy
    assert not prepare(project, path, options=ExportOptions(preset="h265"))[1].stream_copy


def test_a_source_that_shrank_after_saving_fails_and_keeps_the_previous_export(tmp_path):
    project, path = _timeline(tmp_path)
    out = export_timeline(project, path, tmp_path / "out.mp4", options=ExportOptions())
    before = out.read_bytes()
    numbered_video(tmp_path / "n.mp4", frames=25, audio=True)  # replaced by a shorter file with the same name
    with pytest.raises(MediaError, match=r"needs frames 20-37 of n.mp4, which now has only 25 frames"):
        export_timeline(project, path, out, options=ExportOptions())
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []


def test_a_damaged_source_that_decodes_short_is_caught_by_probing_the_written_file(tmp_path):
    """The header still promises every frame, the data ends early: only probing the result can tell."""
    project, path = _timeline(tmp_path)
    out = export_timeline(project, path, tmp_path / "out.mp4", options=ExportOptions(crf=20))
    before = out.read_bytes()
    src = tmp_path / "n.mp4"
    ffmpeg.run(["-i", str(src), "-c", "copy", "-movflags", "+faststart", str(tmp_path / "fs.mp4")], what="remux")
    data = (tmp_path / "fs.mp4").read_bytes()
    src.write_bytes(data[: len(data) * 2 // 3])  # moov (the header) first, then two thirds of the frames
    with pytest.raises(MediaError) as caught:
        export_timeline(project, path, out, options=ExportOptions(crf=20))
    assert re.fullmatch(r"The export to out.mp4 came out with \d+ frames; the timeline has 30\.", caught.value.message)
    assert out.read_bytes() == before


def test_verify_names_what_differs(tmp_path):
    clip = numbered_video(tmp_path / "n.mp4", frames=24)
    right = Expected(frames=24, fps=24, width=64, height=48, video_codec="h264", audio_codec=None)
    verify_export(clip, right, name="n.mp4")
    with pytest.raises(MediaError, match="came out with 24 frames; the timeline has 25"):
        verify_export(clip, Expected(**{**right.__dict__, "frames": 25}), name="n.mp4")
    with pytest.raises(MediaError, match=r"holds h264 64x48 with no sound; asked for hevc 64x48"):
        verify_export(clip, Expected(**{**right.__dict__, "video_codec": "hevc"}), name="n.mp4")


def test_options_are_checked_with_their_names(tmp_path):
    with pytest.raises(MediaError, match="unknown preset 'avi'"):
        ExportOptions.checked(preset="avi")
    with pytest.raises(MediaError, match="crf 40 does not apply to prores"):
        ExportOptions.checked(preset="prores", crf=40)
    with pytest.raises(MediaError, match="even"):
        ExportOptions.checked(width=641, height=360)
    with pytest.raises(MediaError, match="range 20-10 is empty"):
        ExportOptions.checked(range_start=20, range_end=10)
    project, path = _timeline(tmp_path)
    with pytest.raises(MediaError, match="ends after the timeline"):
        export_timeline(project, path, tmp_path / "o.mp4", options=ExportOptions(range_start=0, range_end=31))
    with pytest.raises(MediaError, match=r"does not end in \.webm"):
        export_timeline(project, path, tmp_path / "o.mp4", options=ExportOptions(preset="webm"))
    assert not list(tmp_path.glob("o.*"))
    assert parse_size("1920x1080") == (1920, 1080) and parse_range("2s-4.5s", 24) == (48, 108)
    assert parse_range("00:00:01:00-60", 24) == (24, 60) and preset_for_suffix(".MOV").name == "prores"
    with pytest.raises(MediaError, match="--size 'big'"):
        parse_size("big")
