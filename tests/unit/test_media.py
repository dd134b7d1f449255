"""Media core on real files the tests make: probe, import of every kind and of bad files, frame-exact
extraction of one frame and of the first/last N frames."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ltx_editor.core.errors import MediaError
from ltx_editor.core.media import extract_frame, extract_segment, import_media, parse_inputs, probe
from ltx_editor.core.project import Project, ProjectSettings
from ltx_editor.core.project_io import resolve_media
from tests.fakes.media_factory import LEVEL, frame_numbers, numbered_video, sample_video, still, tone


@pytest.fixture
def project() -> Project:
    return Project(settings=ProjectSettings(fps=24))


def test_probe_video_audio_image(tmp_path):
    v = probe(sample_video(tmp_path / "v.mp4", frames=30, fps=30, size=(96, 64), audio=True))
    assert (v.video_codec, v.audio_codec, v.width, v.height, v.fps, v.frame_count) == ("h264", "aac", 96, 64, 30, 30)
    assert v.has_audio and not v.is_image and v.duration == pytest.approx(1.0)
    assert (v.audio.sample_rate, v.audio.channels) == (48000, 2)
    a = probe(tone(tmp_path / "t.wav", seconds=1.5))
    assert (a.has_video, a.has_audio, a.audio_codec) == (False, True, "pcm_s16le")
    assert a.duration == pytest.approx(1.5, abs=0.01)
    i = probe(still(tmp_path / "s.png", size=(40, 30)))
    assert (i.is_image, i.width, i.height, i.frame_count, i.has_audio) == (True, 40, 30, 1, False)
    j = probe(still(tmp_path / "s.jpg", size=(40, 30)))
    assert j.is_image and j.video_codec == "mjpeg"


def test_probe_ntsc_rate_and_exact_frame_count(tmp_path):
    v = probe(numbered_video(tmp_path / "n.mp4", frames=37, fps=24000 / 1001))
    assert v.fps == pytest.approx(24000 / 1001) and v.frame_count == 37


def test_parse_inputs_reads_ffmpeg_stream_lines():
    text = ("Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':\n"
            "  Duration: 00:01:02.50, start: 0.042000, bitrate: 95 kb/s\n"
            "  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), "
            "1920x1080 [SAR 1:1 DAR 16:9], 4000 kb/s, 25 fps, 25 tbr, 12800 tbn (default)\n"
            "  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, 5.1, fltp, 70 kb/s\n")
    (info,) = parse_inputs(text, [Path("x.mp4")])
    assert (info.container, info.duration, info.start) == ("mov", 62.5, 0.042)
    assert (info.width, info.height, info.fps, info.video.profile, info.video.pix_fmt) == (1920, 1080, 25, "High",
                                                                                          "yuv420p")
    assert (info.audio.sample_rate, info.audio.channels, info.frame_count) == (44100, 6, 1562)


def test_import_each_kind(tmp_path, project):
    path = tmp_path / "p.ltxproj"
    video = import_media(project, path, sample_video(tmp_path / "media" / "v.mp4", frames=36, audio=True))
    take = video.active_take
    assert (video.kind, video.name, take.path, take.frame_count, take.fps, take.width, take.has_audio) == (
        "video", "v", "media/v.mp4", 36, 24, 64, True)
    assert resolve_media(path, take.path) == tmp_path / "media" / "v.mp4"
    image = import_media(project, path, still(tmp_path / "s.png"))
    assert (image.kind, image.active_take.frame_count, image.active_take.width) == ("image", 1, 64)
    sound = import_media(project, path, tone(tmp_path / "t.wav", seconds=2.0))
    assert (sound.kind, sound.active_take.frame_count, sound.active_take.width, sound.active_take.has_audio) == (
        "audio", 48, 0, True)
    outside = import_media(project, None, tmp_path / "s.png")
    assert Path(outside.active_take.path).is_absolute()


def test_importing_the_same_file_twice_gives_the_same_asset(tmp_path, project):
    path = tmp_path / "p.ltxproj"
    first = import_media(project, path, sample_video(tmp_path / "v.mp4", frames=12))
    project.assets.append(first)
    (tmp_path / "sub").mkdir()
    again = import_media(project, path, tmp_path / "sub" / ".." / "v.mp4")
    assert again is first and len(project.assets) == 1


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "nothing.mp4", "does not exist"),
    (lambda d: _write(d / "empty.mp4", b""), "empty"),
    (lambda d: _write(d / "notes.png", b"this is text, not a picture"), "not a video"),
    (lambda d: d, "not a file"),
])
def test_bad_files_are_refused_with_a_hint(tmp_path, project, make, message):
    with pytest.raises(MediaError, match=message) as err:
        import_media(project, tmp_path / "p.ltxproj", make(tmp_path))
    assert err.value.hint or message == "not a file"
    assert project.assets == []


def test_corrupt_video_is_refused(tmp_path, project):
    good = sample_video(tmp_path / "v.mp4", frames=24).read_bytes()
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(good[:64] + bytes(2000))  # a header and then nothing usable
    with pytest.raises(MediaError) as err:
        import_media(project, tmp_path / "p.ltxproj", bad)
    assert err.value.hint


@pytest.mark.parametrize("bframes", [0, 3])
def test_extract_frame_is_frame_exact(tmp_path, bframes):
    src = numbered_video(tmp_path / "n.mp4", frames=40, gop=12, bframes=bframes)
    for k in (0, 1, 11, 12, 13, 25, 39):  # around keyframes, where a seek could land a frame off
        png = extract_frame(src, k, tmp_path / f"f{k}.png")
        assert round(float(np.asarray(Image.open(png).convert("L")).mean()) / LEVEL) == k
    with pytest.raises(MediaError, match="no frame 40"):
        extract_frame(src, 40, tmp_path / "past.png")
    assert not (tmp_path / "past.png").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_audio_only_has_no_frames(tmp_path):
    sound = tone(tmp_path / "t.m4a", seconds=1.0)
    with pytest.raises(MediaError, match="sound only"):
        extract_frame(sound, 0, tmp_path / "f.png")
    with pytest.raises(MediaError, match="sound only"):
        extract_segment(sound, "last", 9, tmp_path / "s.mp4")


def test_extract_segment_first_and_last(tmp_path):
    src = numbered_video(tmp_path / "n.mp4", frames=40, gop=12, fps=25)
    first = extract_segment(src, "first", 9, tmp_path / "first.mp4")
    last = extract_segment(src, "last", 17, tmp_path / "last.mp4")
    assert frame_numbers(first) == list(range(9))
    assert frame_numbers(last) == list(range(23, 40))
    assert probe(last).fps == 25 and not probe(last).has_audio
    with pytest.raises(MediaError, match="has 40 frames"):
        extract_segment(src, "last", 41, tmp_path / "too_many.mp4")
    assert not (tmp_path / "too_many.mp4").exists()


def test_mp4_header_reader_agrees_with_ffmpeg(tmp_path):
    from ltx_editor.core.media import _probe_with_ffmpeg, probe_many
    from ltx_editor.core.mp4_header import read_mp4_info

    files = [sample_video(tmp_path / "a.mp4", frames=30, fps=30, size=(96, 64)),
             sample_video(tmp_path / "b.mp4", frames=20, audio=False),
             numbered_video(tmp_path / "c.mp4", frames=37, fps=24000 / 1001),
             tone(tmp_path / "d.m4a", seconds=1.0)]
    for mine, theirs in zip([read_mp4_info(f) for f in files], _probe_with_ffmpeg(files), strict=True):
        assert mine is not None
        assert (mine.video, mine.audio, mine.frame_count) == (theirs.video, theirs.audio, theirs.frame_count)
    (tmp_path / "e.mp4").write_bytes(b"\x00\x00\x00\x08free" * 4)  # boxes, but no moov: ffmpeg decides
    assert read_mp4_info(tmp_path / "e.mp4") is None
    wav = tone(tmp_path / "f.wav", seconds=0.5)
    assert [i.audio_codec for i in probe_many([files[0], wav])] == ["aac", "pcm_s16le"]
    with pytest.raises(MediaError, match="e.mp4"):
        probe_many([files[0], tmp_path / "e.mp4"])
