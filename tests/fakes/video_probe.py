"""Probe an mp4 with the bundled ffmpeg (imageio-ffmpeg ships no ffprobe): streams, codecs, frame count."""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Probe:
    frames: int  # decoded, not the container's claim
    fps: float  # measured from the decoded frames' timestamps
    width: int
    height: int
    video_codec: str
    pix_fmt: str
    audio_codec: str | None
    sample_rate: int | None
    channels: int | None
    audio_seconds: float | None


def _ffmpeg() -> str:
    from imageio_ffmpeg import get_ffmpeg_exe
    return get_ffmpeg_exe()


def probe(path: str | Path) -> Probe:
    path = str(path)
    info = subprocess.run([_ffmpeg(), "-hide_banner", "-i", path], capture_output=True, text=True).stderr
    v = re.search(r"Stream #\d+:\d+.*?: Video: (\w+).*?, (\w+)(?:\([^)]*\))?, (\d+)x(\d+)", info)
    assert v, info
    # Decode every frame and read its timestamp: the frame count and the real rate, not the header's claim.
    shown = subprocess.run([_ffmpeg(), "-hide_banner", "-i", path, "-map", "0:v:0", "-vf", "showinfo",
                            "-f", "null", "-"], capture_output=True, text=True).stderr
    pts = [float(t) for t in re.findall(r"pts_time:\s*(-?\d+(?:\.\d+)?)", shown)]
    frames = len(pts)
    fps = (frames - 1) / (pts[-1] - pts[0]) if frames > 1 else 0.0
    a = re.search(r"Stream #\d+:\d+.*?: Audio: (\w+).*?, (\d+) Hz, (mono|stereo|\d+ channels)", info)
    audio_seconds = None
    if a:
        adec = subprocess.run([_ffmpeg(), "-hide_banner", "-i", path, "-map", "0:a:0", "-f", "null", "-"],
                              capture_output=True, text=True).stderr
        t = re.findall(r"time=(\d+):(\d+):(\d+(?:\.\d+)?)", adec)[-1]
        audio_seconds = int(t[0]) * 3600 + int(t[1]) * 60 + float(t[2])
    channels = None
    if a:
        channels = {"mono": 1, "stereo": 2}.get(a.group(3)) or int(a.group(3).split()[0])
    return Probe(frames=frames, fps=fps,
                 width=int(v.group(3)), height=int(v.group(4)), video_codec=v.group(1), pix_fmt=v.group(2),
                 audio_codec=a.group(1) if a else None, sample_rate=int(a.group(2)) if a else None,
                 channels=channels, audio_seconds=audio_seconds)


def read_frames(path: str | Path) -> np.ndarray:
    """All frames as (N, H, W, 3) uint8."""
    from imageio_ffmpeg import read_frames as _read

    gen = _read(str(path))
    meta = next(gen)
    w, h = meta["size"]
    return np.stack([np.frombuffer(buf, np.uint8).reshape(h, w, 3) for buf in gen])
