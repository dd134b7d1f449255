"""Test media made with the bundled ffmpeg's lavfi sources (testsrc, sine, color + geq): no files in the repo.

`numbered_video` makes frame n a flat grey of n * LEVEL (mod 256 after 42 frames), so a test can read a
frame's number back from its pixels (`frame_numbers`).
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

LEVEL = 6


def ffmpeg(*args: str) -> None:
    from imageio_ffmpeg import get_ffmpeg_exe

    proc = subprocess.run([get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed: {proc.stderr}")


def _h264(gop: int | None = None, qp: int | None = None, bframes: int = 0) -> list[str]:
    out = ["-c:v", "libx264", "-preset", "medium" if bframes else "ultrafast", "-pix_fmt", "yuv420p"]
    if bframes:
        # b-adapt=0: B-frames even where x264 finds them useless (flat test frames); decode order != display
        out += ["-bf", str(bframes), "-x264-params", "b-adapt=0"]
    if gop:
        out += ["-g", str(gop)]
    if qp is not None:
        out += ["-qp", str(qp)]
    return out


def sample_video(path: str | Path, *, frames: int = 48, fps: float = 24, size: tuple[int, int] = (64, 48),
               audio: bool = True, freq: int = 440, sample_rate: int = 48000, gop: int | None = None) -> Path:
    """testsrc picture (+ a sine tone, AAC) of exactly `frames` frames."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    args = ["-f", "lavfi", "-i", f"testsrc=size={w}x{h}:rate={fps}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency={freq}:sample_rate={sample_rate}:duration={frames / fps}"]
    args += ["-frames:v", str(frames), *_h264(gop)]
    if audio:
        args += ["-c:a", "aac", "-ac", "2", "-ar", str(sample_rate)]
    ffmpeg(*args, str(path))
    return path


def numbered_video(path: str | Path, *, frames: int = 40, fps: float = 24, size: tuple[int, int] = (64, 48),
                   gop: int = 12, audio: bool = False, bframes: int = 0) -> Path:
    """Frame n is a flat grey of luma n * LEVEL (lossless H.264), with keyframes every `gop` frames and
    `bframes` B-frames between references (near-lossless then)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    args = ["-f", "lavfi", "-i", f"color=c=black:s={w}x{h}:r={fps},format=gray,geq=lum='mod(N*{LEVEL},256)',"
                                 "format=yuv420p"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=48000:duration={frames / fps}"]
    # x264 drops B-frames when lossless (qp 0); qp 1 keeps the grey levels well within LEVEL / 2
    args += ["-frames:v", str(frames), *_h264(gop, qp=1 if bframes else 0, bframes=bframes)]
    if audio:
        args += ["-c:a", "aac", "-ac", "2"]
    ffmpeg(*args, str(path))
    return path


def tone(path: str | Path, *, seconds: float = 2.0, freq: int = 440, sample_rate: int = 48000) -> Path:
    """A sine tone (the container follows the suffix: .wav, .m4a, .mp3...)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency={freq}:sample_rate={sample_rate}:duration={seconds}", str(path))
    return path


def still(path: str | Path, *, size: tuple[int, int] = (64, 48), color: str = "red") -> Path:
    """A one-colour image (format from the suffix: .png, .jpg)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    ffmpeg("-f", "lavfi", "-i", f"color=c={color}:s={w}x{h}", "-frames:v", "1", str(path))
    return path


def decode_gray(path: str | Path) -> np.ndarray:
    """Every frame's luma as (N, H, W) uint8."""
    from imageio_ffmpeg import get_ffmpeg_exe

    info = subprocess.run([get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True,
                          text=True).stderr
    import re

    w, h = map(int, re.search(r"Video: .*?, (\d+)x(\d+)", info).groups())
    raw = subprocess.run([get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path),
                          "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w)


def frame_numbers(path: str | Path) -> list[int]:
    """The number of each frame of a `numbered_video` (or of an export made from them; black = 0)."""
    return [round(float(f.mean()) / LEVEL) for f in decode_gray(path)]


CODE_BITS = 8


def coded_video(path: str | Path, *, frames: int = 200, fps: float = 24, size: tuple[int, int] = (128, 32),
                gop: int = 24) -> Path:
    """Frame n carries n in binary as CODE_BITS black/white columns (bit 0 on the left), lossless H.264:
    numbers up to 255 survive any scaling (read them back with `read_code`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    bit = f"floor(X*{CODE_BITS}/W)"
    ffmpeg("-f", "lavfi", "-i", f"color=c=black:s={w}x{h}:r={fps},format=gray,"
                                f"geq=lum='255*mod(floor(N/pow(2,{bit})),2)',format=yuv420p",
           "-frames:v", str(frames), *_h264(gop, qp=0), str(path))
    return path


def read_code(gray: np.ndarray) -> int:
    """The number a `coded_video` frame carries, from its luma (H, W) (the centre of each column)."""
    h, w = gray.shape
    row = gray[h // 2]
    return sum(1 << i for i in range(CODE_BITS) if row[int((i + 0.5) * w / CODE_BITS)] > 127)
