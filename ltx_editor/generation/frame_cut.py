"""Cut an exact run of frames out of a video into a small mp4: the conditioning frames of a workflow.

Frame-exact by decoding (a seek-based cut can land a frame off), which is cheap for the few dozen frames a
condition needs. Written with generation/output.write_video (atomic, H.264) at the source's frame rate.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ltx_editor.core.ffmpeg import file_arg

from .errors import InvalidRequest
from .output import write_video


def cut_frames(src: Path, start: int, count: int, out: Path) -> Path:
    """Write frames [start, start + count) of `src` to `out` (reused when it already exists)."""
    from imageio_ffmpeg import read_frames

    if out.is_file() and out.stat().st_size > 0:
        return out
    kept: list[np.ndarray] = []
    try:
        gen = read_frames(file_arg(src))  # absolute: a name like `-x` or `pipe:0` is read as a file
        meta = next(gen)
        width, height = meta["size"]
        for i, buf in enumerate(gen):
            if i >= start + count:
                break
            if i >= start:
                kept.append(np.frombuffer(buf, np.uint8).reshape(height, width, 3))
        gen.close()
    except (OSError, RuntimeError, StopIteration) as exc:
        raise InvalidRequest(f"Cannot read the video {src.name}: {exc}") from None
    if len(kept) < count:
        raise InvalidRequest(f"{src.name} has no frames {start}-{start + count - 1} (it ends after "
                             f"{start + len(kept)}).", hint="Trim the clip inside its media and try again.")
    return write_video(np.stack(kept), float(meta.get("fps") or 24.0), out, crf=12)


def cut_tail(src: Path, total_frames: int, count: int, out: Path) -> Path:
    """The last `count` of `total_frames` frames of `src` (a finished segment's frames for the next one)."""
    return cut_frames(src, max(0, total_frames - count), count, out)
