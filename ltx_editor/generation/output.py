"""Encode generated frames (+ audio) into an MP4 with the bundled ffmpeg, atomically.

H.264 yuv420p plays everywhere (QtMultimedia, browsers, NLEs); AAC is the audio codec MP4 players expect.
The file appears under its final name only when ffmpeg succeeded: we encode into a hidden temp file in the
same folder and os.replace it, so a crash or an error never leaves a half-written clip behind.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from ltx_editor.core.ffmpeg import fps_fraction  # one definition, shared with the export

from .errors import GenerationError

Audio = tuple[np.ndarray, int]  # (float32 [channels, samples] in -1..1, sample rate)


def frames_to_uint8(frames: Any) -> np.ndarray:
    """(N, H, W, 3) uint8 from a uint8/float array (floats in 0..1) or a list of PIL images / arrays."""
    if isinstance(frames, np.ndarray):
        arr = frames
    elif isinstance(frames, Sequence) and len(frames) and not isinstance(frames[0], np.ndarray):
        arr = np.stack([np.asarray(f.convert("RGB")) for f in frames])
    else:
        arr = np.stack([np.asarray(f) for f in frames]) if len(frames) else np.empty((0,))
    if arr.ndim != 4 or arr.shape[-1] != 3 or arr.shape[0] == 0:
        raise ValueError(f"frames must be a non-empty (N, H, W, 3) RGB stack, got shape {arr.shape}")
    if arr.dtype != np.uint8:
        arr = (np.clip(arr.astype(np.float32), 0.0, 1.0) * 255.0).round().astype(np.uint8)
    return np.ascontiguousarray(arr)


def fit_audio(samples: np.ndarray, sample_rate: int, num_frames: int, fps: Fraction) -> np.ndarray:
    """[channels, samples] float32, padded with silence or trimmed to exactly the video's duration.

    The streams then start and end together, so players and our timeline keep them in sync.
    """
    audio = np.asarray(samples, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[None, :]
    if audio.ndim != 2 or audio.shape[0] > 8:
        raise ValueError(f"audio must be [channels, samples], got shape {audio.shape}")
    want = int(round(num_frames / fps * sample_rate))
    if audio.shape[1] < want:
        audio = np.pad(audio, ((0, 0), (0, want - audio.shape[1])))
    return np.clip(audio[:, :want], -1.0, 1.0)


def _temp_path(out_path: Path) -> Path:
    return out_path.with_name(f".{out_path.stem}.{uuid.uuid4().hex[:8]}.part{out_path.suffix}")


def write_video(frames: Any, fps: float, out_path: str | Path, audio: Audio | None = None, *,
                crf: int = 17, preset: str = "medium") -> Path:
    """Write `frames` at exactly `fps` (and `audio`, muxed as AAC) to `out_path`; returns the path.

    Raises GenerationError (nothing left on disk) when ffmpeg fails.
    """
    from imageio_ffmpeg import get_ffmpeg_exe

    out_path = Path(out_path)
    video = frames_to_uint8(frames)
    n, height, width, _ = video.shape
    rate = fps_fraction(fps)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_path(out_path)
    audio_file = None
    cmd = [get_ffmpeg_exe(), "-y", "-hide_banner", "-loglevel", "error",
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-framerate", str(rate), "-i", "-"]
    try:
        if audio is not None:
            samples, sample_rate = audio
            pcm = fit_audio(samples, sample_rate, n, rate)
            fd, name = tempfile.mkstemp(suffix=".f32")
            audio_file = Path(name)
            with os.fdopen(fd, "wb") as fh:
                fh.write(pcm.T.astype("<f4").tobytes())  # interleaved little-endian float32
            cmd += ["-f", "f32le", "-ar", str(int(sample_rate)), "-ac", str(pcm.shape[0]), "-i", str(audio_file)]
        # yuv420p needs even sizes; pad by one pixel rather than fail on odd frames.
        if width % 2 or height % 2:
            cmd += ["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"]
        cmd += ["-map", "0:v:0", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", preset, "-crf", str(crf),
                "-r", str(rate), "-movflags", "+faststart"]
        if audio is not None:
            cmd += ["-map", "1:a:0", "-c:a", "aac", "-b:a", "192k"]
        cmd += ["-f", "mp4", str(tmp)]
        proc = subprocess.run(cmd, input=video.tobytes(), capture_output=True, check=False)
        if proc.returncode != 0:
            detail = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
            raise GenerationError(f"ffmpeg could not write {out_path.name}: {' '.join(detail) or proc.returncode}",
                                  hint="Check the disk has space and the folder is writable.")
        os.replace(tmp, out_path)
        return out_path
    except OSError as exc:
        raise GenerationError(f"Could not write {out_path.name}: {exc.strerror or exc}",
                              hint="Check the disk has space and the folder is writable.") from None
    finally:
        tmp.unlink(missing_ok=True)
        if audio_file is not None:
            audio_file.unlink(missing_ok=True)


def new_video_path(output_dir: str | Path, prefix: str = "ltx", seed: int | None = None) -> Path:
    """A fresh, readable, collision-free name in `output_dir`: ltx_20261124-153012_s42_1a2b3c.mp4."""
    from datetime import datetime

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    seed_part = f"_s{seed}" if seed is not None else ""
    return Path(output_dir) / f"{prefix}_{stamp}{seed_part}_{uuid.uuid4().hex[:6]}.mp4"
