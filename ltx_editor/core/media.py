"""Media through the bundled ffmpeg: probe, import into the bin, a frame as a PNG, the first/last N frames.

There is no ffprobe, so `probe` reads the stream summary ffmpeg prints for `ffmpeg -i FILE`, and counts
video frames exactly by stream-copying the packets to the null muxer (demux only, no decoding).
Frame-exact seeking: an input `-ss` half a frame before frame k makes ffmpeg decode from the previous
keyframe and drop every frame before k, so frame k is the first one out.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from . import ffmpeg
from .errors import MediaError
from .ids import new_id
from .project import Asset, Project, Take
from .project_io import resolve_media, store_path
from .safe_files import check_regular

IMAGE_FORMATS = ("image2", "png_pipe", "jpeg_pipe", "webp_pipe", "bmp_pipe", "tiff_pipe", "jpegxl_pipe",
                 "qoi_pipe", "pgm_pipe", "ppm_pipe")
EVEN_SIZE = "pad=ceil(iw/2)*2:ceil(ih/2)*2"  # yuv420p needs even sizes
_UNREADABLE_HINT = "Choose a video (mp4, mov, mkv, webm), an image (png, jpg, webp) or a sound file (wav, mp3)."


@dataclass
class VideoStream:
    codec: str
    profile: str
    pix_fmt: str
    width: int
    height: int
    fps: float


@dataclass
class AudioStream:
    codec: str
    sample_rate: int
    channels: int


@dataclass
class MediaInfo:
    path: Path
    container: str
    duration: float  # seconds (the container's; for video, frame_count / fps when counted)
    start: float  # the first timestamp in seconds
    video: VideoStream | None = None
    audio: AudioStream | None = None
    frame_count: int = 0  # exact for video when counted, 1 for an image, 0 without picture
    keyframes: frozenset[int] | None = None  # frames a decoder can start from; None = not known
    reordered: bool = True  # frames are stored out of display order (B-frames); assumed when not known

    @property
    def is_image(self) -> bool:
        return self.video is not None and self.container in IMAGE_FORMATS

    @property
    def has_video(self) -> bool:
        return self.video is not None

    @property
    def has_audio(self) -> bool:
        return self.audio is not None

    @property
    def fps(self) -> float:
        return self.video.fps if self.video else 0.0

    @property
    def width(self) -> int:
        return self.video.width if self.video else 0

    @property
    def height(self) -> int:
        return self.video.height if self.video else 0

    @property
    def video_codec(self) -> str | None:
        return self.video.codec if self.video else None

    @property
    def audio_codec(self) -> str | None:
        return self.audio.codec if self.audio else None


# --- probing -------------------------------------------------------------------------------------------
def probe(path: str | Path, *, count_frames: bool = True) -> MediaInfo:
    """What `path` holds; MediaError when it is missing, empty or not media ffmpeg can read."""
    path = Path(path)
    _check_file(path)
    proc = ffmpeg.run_quiet(ffmpeg.input_args(path))
    infos = parse_inputs(proc, [path])
    if not infos:
        raise MediaError(f"{path.name} is not a video, image or sound file that can be read "
                         f"({ffmpeg.last_lines(proc, 1) or 'unknown format'}).", hint=_UNREADABLE_HINT)
    info = infos[0]
    if info.video is not None and not (info.video.width and info.video.height):
        info.video = None  # ffmpeg guessed a stream from the name (e.g. text in a .png) but cannot size it
    if info.video is None and info.audio is None:
        raise MediaError(f"{path.name} is not a video, image or sound file that can be read (it holds no "
                         "picture or sound ffmpeg understands).", hint=_UNREADABLE_HINT)
    if count_frames and info.video is not None and not info.is_image:
        info.frame_count = count_video_frames(path) or info.frame_count
        if info.frame_count and info.fps:
            info.duration = info.frame_count / info.fps
    return info


def probe_many(paths: list[Path]) -> list[MediaInfo]:
    """Probe several files at once (frame counts from the headers, not counted): MP4s by reading their
    header (mp4_header), the rest with one ffmpeg process. MediaError names the first unreadable file."""
    from .mp4_header import read_mp4_info

    for p in paths:
        _check_file(p)
    # Most of our media describe themselves in their MP4 header; ask ffmpeg only about the rest.
    known = {p: read_mp4_info(p) for p in paths if p.suffix.lower() in (".mp4", ".mov", ".m4v", ".m4a")}
    rest = [p for p in paths if known.get(p) is None]
    described = dict(zip(rest, _probe_with_ffmpeg(rest), strict=True))
    return [known.get(p) or described[p] for p in paths]


def _probe_with_ffmpeg(paths: list[Path]) -> list[MediaInfo]:
    if not paths:
        return []
    args: list[str] = []
    for p in paths:
        args += ffmpeg.input_args(p)
    infos = parse_inputs(ffmpeg.run_quiet(args), paths)
    if len(infos) == len(paths) and all(_usable(i) for i in infos):
        return infos
    return [probe(p, count_frames=False) for p in paths]  # one is unreadable: find which, with its error


def _usable(info: MediaInfo) -> bool:
    return info.audio is not None or (info.video is not None and info.width > 0 and info.height > 0)


def count_video_frames(path: str | Path) -> int:
    """The video packets of the first video stream (= frames for every codec we meet); 0 if unknown."""
    text = ffmpeg.run_quiet([*ffmpeg.input_args(path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"])
    counts = re.findall(r"frame=\s*(\d+)", text)
    return int(counts[-1]) if counts else 0


def _check_file(path: Path) -> None:
    # Only regular files reach ffmpeg: it would wait forever on a FIFO and read /dev/zero without end.
    if not os.path.lexists(path):
        raise MediaError(f"{path} does not exist.", hint="It may have been moved or deleted; relink it.")
    if check_regular(path, what="media file").st_size == 0:
        raise MediaError(f"{path.name} is empty (0 bytes).", hint="The file was not written completely.")


_INPUT = re.compile(r"^Input #(\d+), ([^,]+(?:,[^ ][^,]*)*), from '(.*)':\s*$")
_DURATION = re.compile(r"^\s+Duration: (N/A|\d+:\d+:\d+(?:\.\d+)?)(?:, start: (-?\d+(?:\.\d+)?))?")
_STREAM = re.compile(r"^\s+Stream #\d+:\d+\S*: (Video|Audio): (.*)$")
_TOP_COMMAS = re.compile(r",\s+(?![^(\[]*[)\]])")  # commas outside parentheses/brackets


def parse_inputs(text: str, paths: list[Path]) -> list[MediaInfo]:
    """MediaInfo for each `Input #i` block of `ffmpeg -i ...` output (fewer when ffmpeg stopped early)."""
    infos: list[MediaInfo] = []
    # ffmpeg prints each name raw: one holding a line break would split its `Input #` line, and could even
    # add lines that read like a stream. The names are ours, so take them out before reading the lines.
    for i, p in enumerate(paths):
        text = text.replace(f"from '{ffmpeg.shown_name(p)}':", f"from '#{i}':")
    for line in text.split("\n"):
        m = _INPUT.match(line)
        if m:
            index = int(m.group(1))
            infos.append(MediaInfo(path=paths[index] if index < len(paths) else Path(m.group(3)),
                                   container=m.group(2).split(",")[0], duration=0.0, start=0.0))
            continue
        if not infos:
            continue
        info = infos[-1]
        if d := _DURATION.match(line):
            info.duration = _seconds(d.group(1))
            info.start = float(d.group(2) or 0.0)
        elif s := _STREAM.match(line):
            if s.group(1) == "Video" and info.video is None and "(attached pic)" not in line:
                info.video = _video_stream(s.group(2))
            elif s.group(1) == "Audio" and info.audio is None:
                info.audio = _audio_stream(s.group(2))
    for info in infos:
        if info.is_image:
            info.frame_count, info.duration = 1, 0.0
        elif info.video is not None and info.fps:
            info.frame_count = max(1, round(info.duration * info.fps))
    return infos


def _seconds(text: str) -> float:
    if text == "N/A":
        return 0.0
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _video_stream(desc: str) -> VideoStream:
    fields = _TOP_COMMAS.split(desc)
    head = fields[0].split()
    profile = re.search(r"\(([^)/]+)\)", fields[0])
    width = height = 0
    fps = 0.0
    pix_fmt = fields[1].split("(")[0].strip() if len(fields) > 1 else ""
    for f in fields[1:]:
        if (size := re.match(r"(\d+)x(\d+)", f.strip())) and not width:
            width, height = int(size.group(1)), int(size.group(2))
        elif rate := re.match(r"([\d.]+)(k?) (fps|tbr)", f.strip()):
            value = float(rate.group(1)) * (1000 if rate.group(2) else 1)
            if rate.group(3) == "fps" or not fps:
                fps = value
    return VideoStream(codec=head[0] if head else "", profile=profile.group(1).strip() if profile else "",
                       pix_fmt=pix_fmt, width=width, height=height, fps=_exact_rate(fps))


def _exact_rate(shown: float) -> float:
    # ffmpeg prints 23.98 for 24000/1001: give back the rate it stands for.
    for base in (24, 30, 60, 120):
        if shown and abs(shown - base * 1000 / 1001) < 0.006:
            return base * 1000 / 1001
    return shown


def _audio_stream(desc: str) -> AudioStream:
    fields = _TOP_COMMAS.split(desc)
    rate = next((int(f.split()[0]) for f in fields if f.strip().endswith(" Hz")), 0)
    layout = fields[2].strip() if len(fields) > 2 else ""
    channels = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "5.0": 5, "5.1": 6, "7.1": 8}.get(layout.split("(")[0], 0)
    if not channels and (c := re.match(r"(\d+) channels", layout)):
        channels = int(c.group(1))
    return AudioStream(codec=fields[0].split()[0] if fields[0].split() else "", sample_rate=rate,
                       channels=channels or 2)


# --- importing -----------------------------------------------------------------------------------------
def import_media(project: Project, project_path: str | Path | None, file: str | Path) -> Asset:
    """An Asset for `file` (kind video, image or audio) with one Take; not added to the project.

    The same file imported again gives back the existing asset.
    """
    file = Path(file)
    try:  # a project file is UTF-8 text: a name with undecodable bytes could never be saved in it
        str(file).encode("utf-8")
    except UnicodeEncodeError:
        raise MediaError(f"The name of {ascii(str(file))} is not valid text (UTF-8), so a project cannot "
                         "refer to it.", hint="Rename the file, then import it again.") from None
    for asset in project.assets:
        for take in asset.takes:
            known = Path(take.path) if project_path is None else resolve_media(project_path, take.path)
            if _same_file(known, file):
                return asset
    info = probe(file)
    fps = project.settings.fps
    stored = store_path(project_path, file)
    created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if info.is_image:
        kind = "image"
        take = Take(id=new_id("take"), path=stored, frame_count=1, fps=fps, width=info.width, height=info.height,
                    created=created)
    elif info.video is not None:
        kind = "video"
        if info.frame_count < 1 or not info.fps:
            raise MediaError(f"{file.name} has a video stream without readable frames.", hint=_UNREADABLE_HINT)
        take = Take(id=new_id("take"), path=stored, frame_count=info.frame_count, fps=info.fps, width=info.width,
                    height=info.height, has_audio=info.has_audio, created=created)
    else:
        kind = "audio"
        if info.duration <= 0:
            raise MediaError(f"{file.name} has no measurable duration.", hint=_UNREADABLE_HINT)
        take = Take(id=new_id("take"), path=stored, frame_count=max(1, math.ceil(info.duration * fps - 1e-6)),
                    fps=fps, has_audio=True, created=created)
    return Asset(id=new_id("asset"), name=file.stem, kind=kind, takes=[take], active_take_id=take.id)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# --- frames --------------------------------------------------------------------------------------------
def _picture(src: Path, what: str) -> MediaInfo:
    info = probe(src, count_frames=False)
    if info.video is None:
        raise MediaError(f"{src.name} is sound only; {what} needs a picture.", hint="Choose a video or an image.")
    return info


def seek_args(info: MediaInfo, frame: int) -> list[str]:
    """Input options that make `frame` the first decoded frame (frame-exact; see the module docstring)."""
    if frame <= 0 or info.is_image:
        return []
    return ["-ss", f"{(frame - 0.5) / info.fps:.6f}"]


def extract_frame(src: str | Path, frame_index: int, out_png: str | Path) -> Path:
    """Frame `frame_index` (0-based) of `src` as a PNG, written atomically."""
    src, out_png = Path(src), Path(out_png)
    info = _picture(src, "a frame")
    if frame_index < 0:
        raise MediaError(f"There is no frame {frame_index} in {src.name}.")
    with ffmpeg.atomic_output(out_png) as tmp:
        try:
            ffmpeg.run([*seek_args(info, frame_index), *ffmpeg.input_args(src), "-map", "0:v:0", "-frames:v", "1",
                        "-update", "1", "-c:v", "png", "-f", "image2", ffmpeg.file_arg(tmp)], what=src.name)
        except MediaError:
            if frame_index == 0:
                raise
        if not tmp.is_file() or tmp.stat().st_size == 0:  # ffmpeg found no frame at that time: past the end
            raise MediaError(f"{src.name} has no frame {frame_index}.",
                             hint=f"It has about {info.frame_count} frames.")
    return out_png


def extract_segment(path: str | Path, which: Literal["first", "last"], count: int, out_mp4: str | Path) -> Path:
    """The first or last `count` frames of a video as an H.264 mp4 at its own rate (for clip extension)."""
    src, out_mp4 = Path(path), Path(out_mp4)
    if which not in ("first", "last"):
        raise ValueError(f"which must be 'first' or 'last', not {which!r}")
    info = _picture(src, "extension")
    if info.is_image:
        raise MediaError(f"{src.name} is a still image; extension needs a video.")
    total = count_video_frames(src) or info.frame_count
    if not 1 <= count <= total:
        raise MediaError(f"{src.name} has {total} frames; cannot take the {which} {count}.",
                         hint="Condition on fewer frames.")
    start = 0 if which == "first" else total - count
    rate = ffmpeg.fps_fraction(info.fps)
    with ffmpeg.atomic_output(out_mp4) as tmp:
        ffmpeg.run([*seek_args(info, start), *ffmpeg.input_args(src), "-map", "0:v:0", "-an",
                    "-vf", f"trim=end_frame={count},setpts=N/({rate}*TB),{EVEN_SIZE}", "-frames:v", str(count),
                    "-c:v", "libx264", "-preset", "fast", "-crf", "12", "-pix_fmt", "yuv420p", "-r", str(rate),
                    "-f", "mp4", ffmpeg.file_arg(tmp)], what=src.name)
    return out_mp4
