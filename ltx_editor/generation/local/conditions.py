"""Read condition files (images, clip frames) for the pipelines, and build extension conditions.

Torch-free: the pipelines take PIL images, and this module is also used by the CLI to build requests.
"""
from __future__ import annotations

import subprocess
from collections import deque
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from ltx_editor.core.ffmpeg import file_arg
from ltx_editor.core.safe_files import IMAGE_MAX_BYTES, check_regular, open_regular

from ..errors import InvalidRequest
from ..request import Condition


def aligned_length(count: int, temporal_ratio: int = 8) -> int:
    """The longest 8k+1 frame count <= count: what the VAE's temporal compression accepts."""
    if count < 1:
        raise ValueError("need at least one frame")
    return (count - 1) // temporal_ratio * temporal_ratio + 1


def load_image(path: str | Path) -> Image.Image:
    try:
        with open_regular(path, what="image", max_bytes=IMAGE_MAX_BYTES, error=InvalidRequest) as f, \
                Image.open(f) as img:
            return img.convert("RGB")
    except (UnidentifiedImageError, OSError) as exc:
        raise InvalidRequest(f"Cannot read the image {Path(path).name}: {exc}",
                             hint="Use a PNG, JPEG or WebP image.") from None


def count_frames(path: str | Path) -> int:
    from imageio_ffmpeg import count_frames_and_secs

    check_regular(path, what="video", error=InvalidRequest)  # ffmpeg would wait forever on a FIFO
    try:
        return int(count_frames_and_secs(file_arg(path))[0])  # absolute: `-x` or `pipe:0` is a file here
    except (OSError, RuntimeError) as exc:
        raise InvalidRequest(f"Cannot read the video {Path(path).name}: {exc}") from None


def load_video_frames(path: str | Path, which: str = "all", count: int | None = None) -> list[Image.Image]:
    """Frames of a clip as PIL images: all of them, or the first/last `count` (decoding once, keeping few)."""
    from imageio_ffmpeg import read_frames

    path = Path(path)
    check_regular(path, what="video", error=InvalidRequest)
    keep: deque[np.ndarray] = deque(maxlen=count if which == "last" else None)
    try:
        gen = read_frames(file_arg(path))
        meta = next(gen)
        w, h = meta["size"]
        for i, buf in enumerate(gen):
            if which == "first" and count is not None and i >= count:
                break
            keep.append(np.frombuffer(buf, np.uint8).reshape(h, w, 3))
        gen.close()
    except (OSError, RuntimeError, StopIteration) as exc:
        raise InvalidRequest(f"Cannot read the video {path.name}: {exc}") from None
    if not keep:
        raise InvalidRequest(f"The video {path.name} has no frames.")
    return [Image.fromarray(f) for f in keep]


def condition_frames(cond: Condition, temporal_ratio: int, direction: str | None = None) -> list[Image.Image]:
    """The frames a video condition contributes: the last N (extend forward), the first N (backward), or all,
    trimmed to an 8k+1 length."""
    which = {"forward": "last", "backward": "first"}.get(direction or "", "all")
    frames = load_video_frames(cond.path, which, cond.num_frames if which != "all" else None)
    if cond.num_frames is not None and which == "all":
        frames = frames[:cond.num_frames]
    n = aligned_length(len(frames), temporal_ratio)
    return frames[-n:] if which == "last" else frames[:n]


def extend_condition(clip: str | Path, direction: str, num_frames: int, overlap: int = 9,
                     strength: float = 1.0) -> Condition:
    """The video condition that extends `clip`: its last `overlap` frames open the new clip (forward), or its
    first `overlap` frames close it (backward). `overlap` is trimmed to 8k+1 and to the clip's length."""
    if direction not in ("forward", "backward"):
        raise InvalidRequest(f"direction must be forward or backward, not {direction!r}")
    usable = aligned_length(min(overlap, count_frames(clip), num_frames))
    frame_index = 0 if direction == "forward" else num_frames - usable
    return Condition(kind="video", path=str(clip), frame_index=frame_index, strength=strength, num_frames=usable)


def h264_roundtrip(image: Image.Image, crf: int) -> Image.Image:
    """Re-compress one image as H.264 at `crf` with the bundled ffmpeg.

    LTX-2 was trained on compressed first frames; diffusers does this with PyAV, which we don't ship, so we do
    the same round trip (libx264 veryfast, yuv420p, even size) and hand diffusers crf=0.
    """
    from imageio_ffmpeg import get_ffmpeg_exe

    if crf <= 0:
        return image
    w, h = image.width // 2 * 2, image.height // 2 * 2
    rgb = np.asarray(image.convert("RGB"))[:h, :w]
    exe = get_ffmpeg_exe()
    enc = subprocess.run([exe, "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}",
                          "-i", "-", "-c:v", "libx264", "-preset", "veryfast", "-crf", str(crf),
                          "-pix_fmt", "yuv420p", "-f", "h264", "-"], input=rgb.tobytes(), capture_output=True)
    dec = subprocess.run([exe, "-loglevel", "error", "-f", "h264", "-i", "-", "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], input=enc.stdout, capture_output=True)
    if enc.returncode or dec.returncode or len(dec.stdout) != w * h * 3:
        return image  # keep the uncompressed frame rather than fail the generation
    return Image.fromarray(np.frombuffer(dec.stdout, np.uint8).reshape(h, w, 3))
