"""What a generation really returned, read from its file: size, length, rate and sound (a service may return
less than was asked, and say nothing). One reader for the recipe beside the clip (sidecar: `output`) and the
bin and job cards (landing.as_returned)."""
from __future__ import annotations

from pathlib import Path


def probe_returned(video_path: str | Path) -> dict:
    """{width, height, num_frames, fps, has_audio} as the file holds them; a value the file does not tell
    (no picture size, no frame count) is left out. MediaError / OSError when the file cannot be read."""
    from ltx_editor.core.media import probe_many

    info = probe_many([Path(video_path)])[0]
    found: dict = {"has_audio": info.audio is not None}
    if info.width and info.height:
        found |= {"width": info.width, "height": info.height}
    if info.frame_count > 0 and info.fps:
        found |= {"num_frames": info.frame_count, "fps": info.fps}
    return found
