"""write_video: real H.264/AAC mp4s through the bundled ffmpeg, exact frame rates, atomic on failure."""
from fractions import Fraction

import numpy as np
import pytest
from PIL import Image

from ltx_editor.generation.errors import GenerationError
from ltx_editor.generation.output import fit_audio, fps_fraction, frames_to_uint8, write_video
from tests.fakes.video_probe import probe, read_frames


def _ramp(n=9, h=32, w=48):
    frames = np.zeros((n, h, w, 3), np.uint8)
    for i in range(n):
        frames[i, :, :, 0] = (i * 25) % 256
        frames[i, :, :, 1] = np.linspace(0, 255, w, dtype=np.uint8)[None, :]
    return frames


def test_h264_yuv420p_exact_frames_and_fps(tmp_path):
    out = write_video(_ramp(), 24.0, tmp_path / "clip.mp4")
    p = probe(out)
    assert (p.frames, p.width, p.height) == (9, 48, 32) and p.fps == pytest.approx(24, abs=1e-3)
    assert (p.video_codec, p.pix_fmt, p.audio_codec) == ("h264", "yuv420p", None)
    # Encoded content survives: the red channel ramps frame to frame.
    reds = read_frames(out)[:, 16, 24, 0].astype(int)
    assert np.all(np.diff(reds) > 10)


def test_ntsc_rate_kept_as_fraction(tmp_path):
    assert fps_fraction(23.976) == Fraction(24000, 1001)
    p = probe(write_video(_ramp(17), 30000 / 1001, tmp_path / "ntsc.mp4"))
    assert p.frames == 17 and p.fps == pytest.approx(30000 / 1001, abs=1e-3)


def test_audio_muxed_as_aac_and_fitted_to_video(tmp_path):
    sr = 16000
    tone = np.sin(np.linspace(0, 200 * np.pi, sr // 10, dtype=np.float32))  # 0.1 s, shorter than the video
    out = write_video(_ramp(25), 25.0, tmp_path / "a.mp4", audio=(np.stack([tone, tone]), sr))
    p = probe(out)
    assert (p.frames, p.audio_codec, p.sample_rate, p.channels) == (25, "aac", sr, 2)
    assert abs(p.audio_seconds - 1.0) < 0.08  # padded with silence to the video's 1 s


def test_fit_audio_trims_pads_and_accepts_mono():
    assert fit_audio(np.ones(100), 100, 24, Fraction(24)).shape == (1, 100)
    assert fit_audio(np.ones((2, 500)), 100, 24, Fraction(24)).shape == (2, 100)
    assert fit_audio(np.ones((2, 10)) * 3, 100, 12, Fraction(24)).max() == 1.0


def test_pil_frames_and_float_frames(tmp_path):
    pil = [Image.new("RGB", (32, 32), (i * 20, 0, 0)) for i in range(9)]
    assert probe(write_video(pil, 8, tmp_path / "pil.mp4")).frames == 9
    floats = np.random.default_rng(0).random((9, 32, 32, 3), dtype=np.float32)
    assert frames_to_uint8(floats).dtype == np.uint8
    assert probe(write_video(floats, 8, tmp_path / "f.mp4")).frames == 9


def test_odd_size_is_padded_to_even(tmp_path):
    p = probe(write_video(_ramp(9, 31, 45), 24, tmp_path / "odd.mp4"))
    assert (p.width, p.height) == (46, 32)


def test_failure_leaves_nothing_behind(tmp_path):
    target = tmp_path / "broken.mp4"
    with pytest.raises(ValueError):
        write_video(np.zeros((9, 32, 32)), 24, target)  # not RGB
    with pytest.raises(GenerationError):
        write_video(_ramp(), 24, target, preset="no-such-preset")  # ffmpeg fails mid-way
    assert list(tmp_path.iterdir()) == []


def test_replaces_existing_file_atomically(tmp_path):
    target = tmp_path / "clip.mp4"
    target.write_bytes(b"old")
    write_video(_ramp(), 24, target)
    assert probe(target).frames == 9
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]
