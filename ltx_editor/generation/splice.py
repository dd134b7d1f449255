"""Splice runs of frames from a few videos into one new video, losslessly, frame-exact.

A retake's new take is the source take with a range replaced. Every frame outside the range must decode
exactly as before, so the result is encoded with lossless H.264 (libx264 -qp 0, yuv420p: the decoded YUV
planes are copied unchanged; the generated frames are scaled to the source's size when they differ). The
first input's audio, if any, is copied as it is. Written atomically (temp file, then rename).
"""
from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Sequence
from pathlib import Path

from ltx_editor.core.ffmpeg import file_arg, fps_fraction

from .errors import GenerationError

Run = tuple[Path, int, int]  # (video, first frame, end frame exclusive)


def splice(runs: Sequence[Run], size: tuple[int, int], fps: float, out: Path) -> Path:
    """Write the frames of `runs`, in order, at `size` (width, height) and `fps`; audio from runs[0]'s file."""
    from imageio_ffmpeg import get_ffmpeg_exe

    if not runs:
        raise GenerationError("Nothing to splice.")
    inputs: list[Path] = list(dict.fromkeys(p for p, _, _ in runs))
    w, h = size
    chains, labels = [], []
    for i, (path, first, end) in enumerate(runs):
        if end <= first:
            raise GenerationError(f"Empty run {first}-{end} of {path.name}.")
        chains.append(f"[{inputs.index(path)}:v]trim=start_frame={first}:end_frame={end},setpts=PTS-STARTPTS,"
                      f"scale={w}:{h}:flags=bicubic,format=yuv420p,setsar=1[p{i}]")
        labels.append(f"[p{i}]")
    graph = ";".join(chains) + f";{''.join(labels)}concat=n={len(runs)}:v=1:a=0[v]"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.{uuid.uuid4().hex[:8]}.part{out.suffix}")
    cmd = [get_ffmpeg_exe(), "-y", "-hide_banner", "-loglevel", "error"]
    for path in inputs:
        cmd += ["-i", file_arg(path)]
    cmd += ["-filter_complex", graph, "-map", "[v]", "-map", "0:a?", "-c:a", "copy", "-c:v", "libx264",
            "-qp", "0", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-r", str(fps_fraction(fps)),
            "-movflags", "+faststart", file_arg(tmp)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        raise GenerationError(f"Could not splice the new take {out.name}: {proc.stderr.strip()[-300:]}")
    os.replace(tmp, out)
    return out
