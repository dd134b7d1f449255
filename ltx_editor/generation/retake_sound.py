"""The sound of a retaken take: the source's sound, with the range's seconds replaced when the retake redid them.

generation/splice.py writes the new take's picture losslessly; this step gives it its sound without touching
the picture (the video stream is copied). "video" retakes keep the source's sound as it is (stream copy);
"audio" and "both" take the range's seconds from the generation and the rest from the source (decoded,
cut sample-exact with atrim, joined and encoded to AAC once).
"""
from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

from ltx_editor.core.ffmpeg import file_arg

from .errors import GenerationError

SOUND_MODES = {"video": "replace_video", "audio": "replace_audio", "both": "replace_audio_and_video"}


def with_sound(picture: Path, source: Path, fps: float, sound: str, output: Path | None = None,
               output_range: tuple[int, int] | None = None, source_range: tuple[int, int] | None = None) -> Path:
    """`picture` with the source's sound ("video"), or with the source's sound around `source_range` (frames)
    and `output`'s sound over `output_range` (its frames) in between ("audio", "both"). Replaces `picture`."""
    from imageio_ffmpeg import get_ffmpeg_exe

    cmd = [get_ffmpeg_exe(), "-y", "-hide_banner", "-loglevel", "error", "-i", file_arg(picture),
           "-i", file_arg(source)]
    if sound == "video":
        cmd += ["-map", "0:v", "-map", "1:a?", "-c", "copy"]
    else:
        if output is None or output_range is None or source_range is None:
            raise GenerationError("A retake of the sound needs the generation and both ranges.")
        (a, b), (first, end) = source_range, output_range
        cmd += ["-i", file_arg(output)]
        trims = [f"[1:a]atrim=end={a / fps:.6f},asetpts=PTS-STARTPTS[s0]",
                 f"[2:a]atrim=start={first / fps:.6f}:end={end / fps:.6f},asetpts=PTS-STARTPTS[s1]",
                 f"[1:a]atrim=start={b / fps:.6f},asetpts=PTS-STARTPTS[s2]"]
        parts = [f"[s{i}]" for i, keep in enumerate((a > 0, True, True)) if keep]
        graph = ";".join(t for t, keep in zip(trims, (a > 0, True, True), strict=True) if keep)
        graph += f";{''.join(parts)}concat=n={len(parts)}:v=0:a=1[a]"
        cmd += ["-filter_complex", graph, "-map", "0:v", "-map", "[a]", "-c:v", "copy", "-c:a", "aac",
                "-b:a", "192k"]
    tmp = picture.with_name(f".{picture.stem}.{uuid.uuid4().hex[:8]}.part{picture.suffix}")
    proc = subprocess.run([*cmd, "-movflags", "+faststart", file_arg(tmp)], capture_output=True, text=True)
    if proc.returncode or not tmp.is_file():
        tmp.unlink(missing_ok=True)
        raise GenerationError(f"Could not give the new take {picture.name} its sound: {proc.stderr.strip()[-300:]}")
    os.replace(tmp, picture)
    return picture
