"""Export on real media the tests make: what is shown (top track, gaps, trims, conformed sources), what is
heard (mixed tracks, muted ones skipped), exact length, stream copy when possible, cancel and errors."""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from ltx_editor.core.errors import ExportCancelled, MediaError
from ltx_editor.core.export import export_timeline, prepare
from ltx_editor.core.media import import_media, probe
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
from tests.fakes.media_factory import (
    LEVEL,
    decode_gray,
    frame_numbers,
    numbered_video,
    sample_video,
    still,
    tone,
)

W, H, FPS = 64, 48, 24


def _project(tmp_path: Path, **settings) -> tuple[Project, Path]:
    project = Project(settings=ProjectSettings(fps=FPS, width=W, height=H, **settings))
    return project, tmp_path / "p.ltxproj"


def _add(project: Project, path: Path, file: Path) -> str:
    asset = import_media(project, path, file)
    project.assets.append(asset)
    return asset.id


def _clip(project: Project, cid: str, asset_id: str, start: int, in_frame: int = 0, out: int | None = None) -> Clip:
    asset = project.asset(asset_id)
    return Clip(id=cid, asset_id=asset_id, take_id=asset.active_take_id, start=start, in_frame=in_frame,
                out_frame=out if out is not None else asset.active_take.frame_count)


def _audio_levels(path: Path, seconds: list[float]) -> list[float]:
    """RMS of the decoded sound in 0.1 s windows starting at each of `seconds`."""
    import subprocess

    from imageio_ffmpeg import get_ffmpeg_exe

    raw = subprocess.run([get_ffmpeg_exe(), "-loglevel", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1",
                          "-ar", "8000", "-f", "f32le", "-"], capture_output=True, check=True).stdout
    pcm = np.frombuffer(raw, "<f4")
    return [float(np.sqrt(np.mean(pcm[int(s * 8000):int(s * 8000) + 800] ** 2))) for s in seconds]


def test_top_track_wins_gaps_are_black_trims_honoured(tmp_path):
    project, path = _project(tmp_path)
    a = _add(project, path, numbered_video(tmp_path / "a.mp4", frames=40))
    # The upper track in the list covers the ones below it (V2 over V1, as in Shotcut, Kdenlive, Premiere).
    project.tracks = [Track(id="v2", kind="video", clips=[_clip(project, "top", a, 10, 20, 25),
                                                          _clip(project, "late", a, 40, 3, 8)]),
                      Track(id="v1", kind="video", clips=[_clip(project, "low", a, 0, 0, 30)])]
    _plan, command = prepare(project, path)
    assert not command.stream_copy
    out = export_timeline(project, path, tmp_path / "out.mp4")
    numbers = frame_numbers(out)
    assert len(numbers) == project.duration() == 45
    assert numbers[:10] == list(range(10))  # low, untouched
    assert numbers[10:15] == list(range(20, 25))  # top covers low, from its in point
    assert numbers[15:30] == list(range(15, 30))  # low again where top ended
    assert numbers[30:40] == [0] * 10 and decode_gray(out)[35].max() < 20  # a black gap
    assert numbers[40:45] == list(range(3, 8))
    info = probe(out)
    assert (info.video_codec, info.audio_codec, info.width, info.height, info.fps) == ("h264", "aac", W, H, FPS)


def test_hidden_track_is_not_shown(tmp_path):
    project, path = _project(tmp_path)
    a = _add(project, path, numbered_video(tmp_path / "a.mp4", frames=20))
    project.tracks = [Track(id="v2", kind="video", hidden=True, clips=[_clip(project, "top", a, 0, 10, 20)]),
                      Track(id="v1", kind="video", clips=[_clip(project, "low", a, 0, 0, 10)])]
    assert frame_numbers(export_timeline(project, path, tmp_path / "out.mp4")) == list(range(10))


def test_other_sizes_and_rates_are_conformed(tmp_path):
    project, path = _project(tmp_path)
    big = _add(project, path, numbered_video(tmp_path / "big.mp4", frames=12, fps=30, size=(128, 64)))
    img = _add(project, path, still(tmp_path / "red.png", size=(20, 40), color="white"))
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(project, "big", big, 0),
                                                          _clip(project, "img", img, 12, 0, 6)])]
    out = export_timeline(project, path, tmp_path / "out.mp4")
    info = probe(out)
    assert (info.width, info.height, info.fps, info.frame_count) == (W, H, FPS, 18)
    gray = decode_gray(out)
    centre = [round(float(f[20:28].mean()) / LEVEL) for f in gray[:12]]
    assert centre == list(range(12))  # frame for frame, none dropped or repeated by the rate change
    assert gray[5][:7].max() < 20 and gray[5][-7:].max() < 20  # the 2:1 source is letterboxed
    assert gray[15][:, 32].mean() > 200 and gray[15][:, 2].mean() < 20  # pillarboxed white still


def test_audio_tracks_and_clip_audio_mixed_muted_skipped(tmp_path):
    project, path = _project(tmp_path)
    vid = _add(project, path, sample_video(tmp_path / "v.mp4", frames=24, audio=True, freq=440))
    silent = _add(project, path, sample_video(tmp_path / "s.mp4", frames=24, audio=False))
    music = _add(project, path, tone(tmp_path / "music.wav", seconds=1.0, freq=880))
    noise = _add(project, path, tone(tmp_path / "noise.wav", seconds=3.0, freq=200))
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(project, "v", vid, 0), _clip(project, "s", silent, 24)]),
                      Track(id="a1", kind="audio", clips=[_clip(project, "m", music, 48)]),
                      Track(id="a2", kind="audio", muted=True, clips=[_clip(project, "n", noise, 0)])]
    out = export_timeline(project, path, tmp_path / "out.mp4")
    first, second, third = _audio_levels(out, [0.4, 1.4, 2.4])
    assert first > 0.05 and third > 0.05  # clip audio, then the audio track (a sine at 1/8: RMS 0.088)
    assert second < 0.002  # the silent clip; the muted track's noise is not there
    info = probe(out)
    assert info.frame_count == 72 and abs(info.duration - 3.0) < 0.05


def test_stream_copy_when_nothing_needs_re_encoding(tmp_path):
    project, path = _project(tmp_path)
    ids = [_add(project, path, sample_video(tmp_path / f"c{i}.mp4", frames=24, audio=True, freq=300 + 100 * i))
           for i in range(3)]
    project.tracks = [Track(id="v1", kind="video",
                            clips=[_clip(project, f"c{i}", a, 24 * i) for i, a in enumerate(ids)])]
    _plan, command = prepare(project, path)
    assert command.stream_copy and "-c:v" in command.args and "copy" in command.args
    fractions: list[float] = []
    out = export_timeline(project, path, tmp_path / "out.mp4", progress=fractions.append)
    info = probe(out)
    assert (info.frame_count, info.audio_codec) == (72, "aac")
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)
    project.tracks[0].clips[1].out_frame = 20  # a trim: now it must re-encode
    assert not prepare(project, path)[1].stream_copy


def test_cancel_leaves_nothing(tmp_path):
    project, path = _project(tmp_path)
    a = _add(project, path, sample_video(tmp_path / "long.mp4", frames=24 * 20, size=(320, 240)))
    project.settings = ProjectSettings(fps=FPS, width=640, height=480)
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(project, "c", a, 0, 1)])]
    cancel = threading.Event()
    seen: list[float] = []

    def progress(f: float) -> None:
        seen.append(f)
        cancel.set()

    out = tmp_path / "exports" / "out.mp4"
    with pytest.raises(ExportCancelled):
        export_timeline(project, path, out, progress=progress, cancel=cancel)
    assert seen and not out.exists() and list(out.parent.iterdir()) == []


def test_missing_media_names_the_clip_and_writes_nothing(tmp_path):
    project, path = _project(tmp_path)
    a = _add(project, path, sample_video(tmp_path / "gone.mp4", frames=12))
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(project, "c", a, 0).model_copy(
        update={"name": "opening shot"})])]
    (tmp_path / "gone.mp4").unlink()
    with pytest.raises(MediaError, match="opening shot.*missing") as err:
        export_timeline(project, path, tmp_path / "out.mp4")
    assert "Relink" in err.value.hint and not (tmp_path / "out.mp4").exists()


def test_empty_timeline_and_failure_leave_nothing(tmp_path):
    project, path = _project(tmp_path)
    with pytest.raises(MediaError, match="empty"):
        export_timeline(project, path, tmp_path / "out.mp4")
    a = _add(project, path, sample_video(tmp_path / "v.mp4", frames=12))
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(project, "c", a, 0, 1)])]
    (tmp_path / "v.mp4").write_bytes(b"not a video any more")
    with pytest.raises(MediaError):
        export_timeline(project, path, tmp_path / "out.mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.mp4"]


def test_stream_copied_picture_with_a_mixed_soundtrack(tmp_path):
    project, path = _project(tmp_path)
    ids = [_add(project, path, sample_video(tmp_path / f"c{i}.mp4", frames=24, audio=False)) for i in range(2)]
    music = _add(project, path, tone(tmp_path / "music.wav", seconds=1.0, freq=660))
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(project, f"c{i}", a, 24 * i) for i, a in enumerate(ids)]),
                      Track(id="a1", kind="audio", clips=[_clip(project, "m", music, 24)])]
    _plan, command = prepare(project, path)
    assert command.stream_copy and "[aout]" in command.args  # picture copied, sound mixed and encoded
    out = export_timeline(project, path, tmp_path / "out.mp4")
    silent, playing = _audio_levels(out, [0.4, 1.4])
    assert silent < 0.002 < 0.05 < playing
    assert probe(out).frame_count == 48


def test_a_fast_source_keeps_its_sound_in_step(tmp_path):
    project, path = _project(tmp_path)
    fast = _add(project, path, sample_video(tmp_path / "fast.mp4", frames=60, fps=60, audio=True))
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(project, "f", fast, 0)])]
    out = export_timeline(project, path, tmp_path / "out.mp4")
    info = probe(out)
    assert info.frame_count == 60 and info.fps == FPS  # 1 s of 60 fps shown frame for frame: 2.5 s at 24 fps
    assert min(_audio_levels(out, [0.2, 1.2, 2.3])) > 0.05  # its sound slowed to match (two atempo steps)


def test_a_source_that_lost_its_picture_is_named(tmp_path):
    project, path = _project(tmp_path)
    a = _add(project, path, sample_video(tmp_path / "v.mp4", frames=12))
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(project, "c", a, 0)])]
    tone(tmp_path / "v.mp4", seconds=0.5)  # replaced on disk by a sound-only file of the same name
    with pytest.raises(MediaError, match="Clip c .*no picture"):
        export_timeline(project, path, tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()


@pytest.mark.parametrize("bframes", [0, 2])
def test_trims_on_keyframes_are_stream_copied(tmp_path, bframes):
    project, path = _project(tmp_path)
    a = _add(project, path, numbered_video(tmp_path / "a.mp4", frames=40, gop=12, bframes=bframes))
    b = _add(project, path, numbered_video(tmp_path / "b.mp4", frames=36, gop=12, bframes=bframes))
    project.tracks = [Track(id="v1", kind="video", clips=[
        _clip(project, "a", a, 0, 12, 40),  # from keyframe 12 to the end
        _clip(project, "b", b, 28, 24, 36) if bframes else _clip(project, "b", b, 28, 24, 30)])]
    _plan, command = prepare(project, path)
    assert command.stream_copy and "inpoint" in command.concat_list
    out = export_timeline(project, path, tmp_path / "out.mp4")
    expected = list(range(12, 40)) + (list(range(24, 36)) if bframes else list(range(24, 30)))
    assert frame_numbers(out) == expected
    project.tracks[0].clips[0].in_frame = 13  # not a keyframe: decoding is needed
    assert not prepare(project, path)[1].stream_copy
    project.tracks[0].clips[0].in_frame = 12
    project.tracks[0].clips[1].out_frame -= 1  # an earlier out point: fine only without reordered frames
    assert prepare(project, path)[1].stream_copy is (bframes == 0)


def test_a_trimmed_clip_keeps_its_sound_in_sync(tmp_path):
    from tests.fakes.media_factory import ffmpeg

    src = tmp_path / "beep.mp4"  # silence for 1 s, then a tone: the onset marks source frame 24
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=24", "-f", "lavfi",
           "-i", "sine=frequency=1000:sample_rate=48000:duration=1,adelay=1000:all=1",
           "-frames:v", "48", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
           "-ac", "2", str(src))
    project, path = _project(tmp_path)
    a = _add(project, path, src)
    project.tracks = [Track(id="v1", kind="video", clips=[_clip(project, "c", a, 5, 13, 48)])]
    out = export_timeline(project, path, tmp_path / "out.mp4")
    onset = 5 + (24 - 13)  # timeline frame where source frame 24 lands
    levels = _audio_levels(out, [onset / FPS - 0.11, onset / FPS + 0.01])
    assert levels[0] < 0.005 < 0.05 < levels[1]
    import subprocess

    from imageio_ffmpeg import get_ffmpeg_exe

    raw = subprocess.run([get_ffmpeg_exe(), "-loglevel", "error", "-i", str(out), "-map", "0:a:0", "-ac", "1",
                          "-f", "f32le", "-"], capture_output=True, check=True).stdout
    pcm = np.abs(np.frombuffer(raw, "<f4"))
    first_loud = int(np.argmax(pcm > 0.05)) / 48000
    assert abs(first_loud - onset / FPS) < 0.004  # within a fifth of a frame
