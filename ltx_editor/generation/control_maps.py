"""Control maps for IC-LoRA references, computed locally and cached beside the media they come from.

Canny edges with OpenCV (cv2.Canny on each frame's grey levels, hysteresis thresholds `low`/`high`), written as
a video of white edges on black at the source's frame rate: the reference an LTX-2 canny IC-LoRA is conditioned
on. The cache is a file next to the source (`<stem>.canny-<low>-<high>.mp4`), reused while it is newer than the
source, so a second generation from the same clip does not decode it again. Written atomically.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ltx_editor.core.ffmpeg import file_arg

from .errors import InvalidRequest
from .output import write_video


def canny_path(src: Path, low: int = 100, high: int = 200) -> Path:
    return src.with_name(f"{src.stem}.canny-{low}-{high}.mp4")


def canny_map(src: str | Path, low: int = 100, high: int = 200) -> Path:
    """The Canny edge video of `src` (cached beside it); InvalidRequest naming the file when it cannot be read."""
    import cv2
    from imageio_ffmpeg import read_frames

    src = Path(src)
    if not 0 <= low < high <= 1000:
        raise InvalidRequest(f"Canny thresholds must satisfy 0 <= low < high <= 1000, not {low}/{high}.")
    out = canny_path(src, low, high)
    if out.is_file() and out.stat().st_size > 0 and out.stat().st_mtime >= src.stat().st_mtime:
        return out
    edges: list[np.ndarray] = []
    try:
        gen = read_frames(file_arg(src))
        meta = next(gen)
        w, h = meta["size"]
        for buf in gen:
            grey = cv2.cvtColor(np.frombuffer(buf, np.uint8).reshape(h, w, 3), cv2.COLOR_RGB2GRAY)
            edges.append(np.repeat(cv2.Canny(grey, low, high)[..., None], 3, axis=2))
        gen.close()
    except (OSError, RuntimeError, StopIteration) as exc:
        raise InvalidRequest(f"Cannot read the video {src.name} for its edges: {exc}") from None
    if not edges:
        raise InvalidRequest(f"{src.name} has no frames to take edges from.")
    return write_video(np.stack(edges), float(meta.get("fps") or 24.0), out, crf=12)
