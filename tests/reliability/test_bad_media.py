"""Bad media through import, thumbnails, frame grabs and export: a clear MediaError or correct conforming.

Files that are not media (text or noise named .png/.jpg, an HTML error page named .mp4), empty, truncated
and zero-filled videos, a folder and a FIFO named like videos, a video with no video stream, 1x1 and
10000x10000 images, an odd-sized video and odd frame rates. Unreadable files give MediaError naming the
file; readable ones import with the right kind, give thumbnails and frames, and export conformed to the
project's size and rate with exactly the timeline's frame count.
"""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from ltx_editor.core.errors import MediaError
from ltx_editor.core.export import export_timeline
from ltx_editor.core.media import extract_frame, import_media, probe
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
from ltx_editor.core.thumbnails import ThumbnailCache
from tests.fakes.media_factory import ffmpeg, sample_video, still, tone
from tests.reliability.record import record

W, H, FPS = 64, 48, 24
_tally = {"cases": 0, "crashes": 0}


@pytest.fixture(scope="module", autouse=True)
def _figures():
    """Record what this module tried, whichever of its tests ran (each test asserts on its own cases)."""
    yield
    record("bad_media", cases=_tally["cases"], crashes=_tally["crashes"])
UNREADABLE = ["text.png", "noise.jpg", "empty.mp4", "truncated.mp4", "zeros.mp4", "header_only.mp4",
              "error_page.mp4", "folder.mp4", "fifo.mp4", "noise.mov"]
SOUND_ONLY = ["sound_in.mp4", "tone.wav"]
PICTURES = {  # name: (kind, frames it holds)
    "1x1.png": ("image", 1), "10000x10000.png": ("image", 1), "odd_33x17.mkv": ("video", 10),
    "ntsc_23.976.mp4": ("video", 12), "ntsc_29.97.mp4": ("video", 12), "slow_7.5fps.mp4": ("video", 6),
    "fast_120fps.mp4": ("video", 30), "one_fps.mp4": ("video", 3), "no_audio.mp4": ("video", 8),
}


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("bad_media")
    rng = random.Random(7)
    (d / "text.png").write_text("this is not a picture\n" * 20)
    (d / "noise.jpg").write_bytes(rng.randbytes(20_000))
    (d / "noise.mov").write_bytes(b"\x00\x00\x00\x14ftypqt  " + rng.randbytes(30_000))
    (d / "empty.mp4").touch()
    good = sample_video(d / "good.mp4", frames=24)
    raw = good.read_bytes()
    (d / "truncated.mp4").write_bytes(raw[: len(raw) * 2 // 5])
    (d / "zeros.mp4").write_bytes(bytes(8192))
    (d / "header_only.mp4").write_bytes(raw[:64])
    (d / "error_page.mp4").write_text("<html><body>404 Not Found</body></html>")
    (d / "folder.mp4").mkdir()
    os.mkfifo(d / "fifo.mp4")
    middle = bytearray(raw)
    a, b = len(raw) // 3, len(raw) * 2 // 3
    middle[a:b] = rng.randbytes(b - a)
    (d / "corrupt_middle.mp4").write_bytes(bytes(middle))
    tone(d / "sound_in.mp4", seconds=1.0)
    tone(d / "tone.wav", seconds=1.0)
    still(d / "1x1.png", size=(1, 1), color="white")
    ffmpeg("-f", "lavfi", "-i", "color=c=gray:size=10000x10000", "-frames:v", "1", "-pix_fmt", "gray",  # 100 MB, not 300
           "-compression_level", "1",
           str(d / "10000x10000.png"))
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=33x17:rate=24", "-frames:v", "10", "-c:v", "ffv1",
           str(d / "odd_33x17.mkv"))
    for name, rate in (("ntsc_23.976.mp4", "24000/1001"), ("ntsc_29.97.mp4", "30000/1001"),
                       ("slow_7.5fps.mp4", "15/2"), ("fast_120fps.mp4", "120"), ("one_fps.mp4", "1")):
        ffmpeg("-f", "lavfi", "-i", f"testsrc=size=48x32:rate={rate}", "-frames:v", str(PICTURES[name][1]),
               "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(d / name))
    sample_video(d / "no_audio.mp4", frames=8, audio=False, size=(50, 30))
    return d


def _attempt(what: str, fn, *args):
    """fn(*args), or the MediaError it raised; anything else is a crash that would reach the person."""
    _tally["cases"] += 1
    try:
        return fn(*args)
    except MediaError as e:
        message = str(e)
        assert "Traceback" not in message and len(message) < 600, message
        return e
    except Exception as e:
        _tally["crashes"] += 1
        raise AssertionError(f"{what} raised {type(e).__name__}: {str(e)[:300]}") from None


def _project(tmp_path: Path) -> tuple[Project, Path]:
    return Project(settings=ProjectSettings(fps=FPS, width=W, height=H)), tmp_path / "p.ltxproj"


@pytest.mark.parametrize("name", UNREADABLE + ["corrupt_middle.mp4"])
def test_unreadable_files_give_a_clear_error_everywhere(media, tmp_path, name):
    file = media / name
    project, path = _project(tmp_path)
    outcomes = [_attempt(f"import {name}", import_media, project, path, file),
                _attempt(f"thumbnail {name}", ThumbnailCache(tmp_path / "cache").get, file, 0.2, 64),
                _attempt(f"frame of {name}", extract_frame, file, 0, tmp_path / "f.png")]
    if name == "corrupt_middle.mp4":  # ffmpeg may read around the damage; either way, no crash
        return
    for outcome in outcomes:
        assert isinstance(outcome, MediaError), f"{name} was accepted: {outcome}"
        assert name in str(outcome) or str(file) in str(outcome), str(outcome)
    assert not (tmp_path / "f.png").exists() and not list(tmp_path.glob(".*"))  # no half-written output
    assert project.assets == []


@pytest.mark.parametrize("name", SOUND_ONLY)
def test_sound_without_picture_imports_as_audio_and_refuses_pictures(media, tmp_path, name):
    project, path = _project(tmp_path)
    asset = _attempt(f"import {name}", import_media, project, path, media / name)
    assert not isinstance(asset, MediaError) and asset.kind == "audio", asset
    assert asset.active_take.frame_count == FPS  # one second at the project's rate
    frame = _attempt(f"frame of {name}", extract_frame, media / name, 0, tmp_path / "f.png")
    assert isinstance(frame, MediaError) and "sound only" in str(frame)
    thumb = _attempt(f"thumbnail {name}", ThumbnailCache(tmp_path / "cache").get, media / name, 0.0, 64)
    assert isinstance(thumb, MediaError)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PICTURES))
def test_odd_pictures_import_thumbnail_grab_and_export_conformed(media, tmp_path, name):
    kind, frames = PICTURES[name]
    file = media / name
    project, path = _project(tmp_path)
    asset = _attempt(f"import {name}", import_media, project, path, file)
    assert not isinstance(asset, MediaError), str(asset)
    assert asset.kind == kind and asset.active_take.frame_count == frames
    project.assets.append(asset)

    thumb = _attempt(f"thumbnail {name}", ThumbnailCache(tmp_path / "cache").get, file, 0.0, 64)
    assert not isinstance(thumb, MediaError), str(thumb)
    assert probe(thumb).width == 64
    last = frames - 1
    grabbed = _attempt(f"frame {last} of {name}", extract_frame, file, last, tmp_path / "last.png")
    assert not isinstance(grabbed, MediaError), str(grabbed)
    if kind == "video":
        past = _attempt(f"frame {frames} of {name}", extract_frame, file, frames + 5, tmp_path / "past.png")
        assert isinstance(past, MediaError) and not (tmp_path / "past.png").exists()

    length = 6 if kind == "image" else frames
    project.tracks = [Track(id="v1", kind="video", clips=[
        Clip(id="c", asset_id=asset.id, take_id=asset.active_take_id, start=0, in_frame=0, out_frame=length)])]
    out = _attempt(f"export of {name}", export_timeline, project, path, tmp_path / "out.mp4")
    assert not isinstance(out, MediaError), str(out)
    info = probe(out)
    assert (info.width, info.height, info.fps, info.frame_count) == (W, H, FPS, length)
