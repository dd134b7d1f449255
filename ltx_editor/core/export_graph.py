"""An export plan as ffmpeg arguments: one process, one filter graph (or the concat demuxer when the picture
can be stream-copied).

Every piece is its own input, seeked frame-exactly (media.seek_args) and limited with -t, so ffmpeg decodes
only the frames the timeline shows. Pieces are conformed (scaled + letterboxed to the project size, re-timed
frame for frame to the project rate), concatenated and renumbered, so the output has exactly
total_frames frames; the sound is mixed on a silent bed and cut to exactly the same duration.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .export_plan import AudioPiece, ExportPlan, VideoPiece
from .ffmpeg import fps_fraction, input_args
from .media import MediaInfo, seek_args

COPY_CODECS = {"h264"}


@dataclass(frozen=True)
class Encoding:
    """The encoders and their settings (export_presets.ExportOptions makes one per preset). Shared with the
    benchmark's hand-written baseline, so both pay the same encoder."""

    preset: str = "veryfast"  # x264/x265 speed
    crf: int = 18
    audio_bitrate: str = "192k"  # "" for an uncompressed codec
    codec: str = "libx264"
    pix_fmt: str = "yuv420p"
    bitrate: str | None = None  # a video bitrate target instead of constant quality
    audio_codec: str = "aac"
    audio: bool = True  # False: no sound track at all
    fps: float | None = None  # the written rate when it is not the project's
    copy_allowed: bool = True  # frames already in the right format may be stream-copied

    def video_args(self) -> list[str]:
        args = ["-c:v", self.codec]
        if self.codec in ("libx264", "libx265"):
            args += ["-preset", self.preset, *(["-b:v", self.bitrate] if self.bitrate else ["-crf", str(self.crf)])]
            if self.codec == "libx265":  # hvc1: the tag Apple's players want; x265 is chatty on stderr
                args += ["-tag:v", "hvc1", "-x265-params", "log-level=error"]
        elif self.codec == "libvpx-vp9":  # crf with a bitrate cap is "constrained quality"; 0 = pure quality
            args += ["-crf", str(self.crf), "-b:v", self.bitrate or "0", "-deadline", "good", "-cpu-used", "4",
                     "-row-mt", "1"]
        elif self.codec == "prores_ks":  # profile 2 = ProRes 422 (quality is the profile's)
            args += ["-profile:v", "2", "-vendor", "apl0"]
        elif self.bitrate:
            args += ["-b:v", self.bitrate]
        return [*args, "-pix_fmt", self.pix_fmt]

    def audio_args(self) -> list[str]:
        args = ["-c:a", self.audio_codec]
        if self.audio_codec == "libopus":
            args += ["-ar", "48000"]  # Opus runs at 48 kHz only
        return args + (["-b:a", self.audio_bitrate] if self.audio_bitrate else [])


@dataclass
class Command:
    args: list[str]  # ffmpeg arguments, without the binary and the output file
    graph: str  # the filter graph (passed as a file: it can be long)
    stream_copy: bool
    concat_list: str = ""  # the concat demuxer's file list when stream_copy


def sounding(plan: ExportPlan, infos: dict[Path, MediaInfo]) -> list[AudioPiece]:
    """The audio pieces whose file really has sound."""
    return [p for p in plan.audio if infos[p.path].audio is not None]


def copy_span(piece: VideoPiece, info: MediaInfo) -> bool:
    """The piece can be cut from its file without decoding: the whole file, or a span that starts on a
    keyframe and ends at the file's end (or anywhere, when frames are stored in display order)."""
    if piece.whole_clip:
        return True
    if info.keyframes is None or piece.source_frame not in info.keyframes:
        return False
    end = piece.source_frame + piece.frames
    return end == info.frame_count or (not info.reordered and end < info.frame_count)


def concat_safe(path: Path) -> bool:
    """The concat demuxer reads its list line by line, so no quoting keeps a line break (CR or LF) inside a
    name: such a name could add directives of its own. Nor can the UTF-8 list hold a name that is not
    UTF-8. Those pieces are encoded, their names passed as plain arguments instead. The list holds the
    resolved name (_quote), so that is the one checked: a plain link may point at a hostile name."""
    name = str(Path(path).resolve())
    if "\n" in name or "\r" in name:
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in a file name, kept as surrogates by Python
        return False
    return True


def can_copy_video(plan: ExportPlan, infos: dict[Path, MediaInfo]) -> bool:
    """Every frame comes from a copyable span of a clip already at the project's size, rate and codec."""
    rate = fps_fraction(plan.fps)
    first: MediaInfo | None = None
    for piece in plan.video:
        if not piece.plain:
            return False
        if piece.path is None or piece.still or not concat_safe(piece.path) or not copy_span(piece, infos[piece.path]):
            return False
        info = infos[piece.path]
        v = info.video
        if v is None or v.codec not in COPY_CODECS or v.pix_fmt != "yuv420p" or info.is_image:
            return False
        if (v.width, v.height) != (plan.width, plan.height) or abs(v.fps - float(rate)) > 1e-3:
            return False
        if first is not None and first.video is not None and first.video.profile != v.profile:
            return False  # the concatenated stream keeps the first file's decoder setup
        first = first or info
    return True


def can_copy_audio(plan: ExportPlan, infos: dict[Path, MediaInfo]) -> bool:
    """The only sound is each copied clip's own, whole and in one AAC format: it can travel with the picture."""
    audio = sounding(plan, infos)
    if len(audio) != len(plan.video) or len(plan.audio) != len(audio):
        return False
    if any(a.volume != 1.0 or a.fades for a in audio):
        return False
    formats = set()
    for a, v in zip(audio, plan.video, strict=True):
        if not (a.on_video_track and a.whole_clip and v.whole_clip and a.clip_id == v.clip_id
                and a.start == v.start):
            return False
        s = infos[a.path].audio
        formats.add((s.codec, s.sample_rate, s.channels) if s else None)
    return len(formats) == 1 and formats.pop() in {("aac", plan.sample_rate, 2), ("aac", plan.sample_rate, 1)}


def build(plan: ExportPlan, infos: dict[Path, MediaInfo], enc: Encoding) -> Command:
    if enc.copy_allowed and enc.codec == "libx264" and _same_rate(plan, enc) and can_copy_video(plan, infos):
        return _copy_command(plan, infos, enc)
    return _encode_command(plan, infos, enc)


def _same_rate(plan: ExportPlan, enc: Encoding) -> bool:
    return enc.fps is None or fps_fraction(enc.fps) == fps_fraction(plan.fps)


def output_frames(plan: ExportPlan, enc: Encoding) -> int:
    """Frames the written file holds: the plan's, or as many as last as long at the export's own rate."""
    if _same_rate(plan, enc):
        return plan.total_frames
    return max(1, round(plan.total_frames * fps_fraction(enc.fps) / fps_fraction(plan.fps)))


def _copy_command(plan: ExportPlan, infos: dict[Path, MediaInfo], enc: Encoding) -> Command:
    listing = "ffconcat version 1.0\n" + "".join(_concat_entry(p, infos[p.path], plan.fps) for p in plan.video)
    args = ["-f", "concat", "-safe", "0", "-i", "{concat_list}"]
    graph, out_args = "", ["-map", "0:v:0", "-c:v", "copy"]
    if enc.audio and can_copy_audio(plan, infos):
        out_args += ["-map", "0:a:0", "-c:a", "copy"]
    elif enc.audio:
        inputs, graph = _audio_graph(plan, infos, first_input=1)
        args += inputs
        out_args += ["-map", "[aout]", *enc.audio_args()]
    return Command(args=[*args, *(["-/filter_complex", "{graph}"] if graph else []), *out_args,
                         "-frames:v", str(plan.total_frames)], graph=graph, stream_copy=True, concat_list=listing)


class _Inputs:
    """ffmpeg input arguments, numbered as they are added."""

    def __init__(self, first: int = 0) -> None:
        self.args: list[str] = []
        self.next = first

    def add(self, *args: str) -> int:
        self.args += args
        self.next += 1
        return self.next - 1


def _encode_command(plan: ExportPlan, infos: dict[Path, MediaInfo], enc: Encoding) -> Command:
    rate = fps_fraction(plan.fps)
    inputs = _Inputs()
    chains: list[str] = []
    labels = []
    shared: dict[tuple, tuple[int, float]] = {}  # a clip's picture input, reused for its own sound
    for i, piece in enumerate(plan.video):
        label = f"v{i}"
        _draw(piece, label, plan, infos, inputs, chains, shared)
        labels.append(f"[{label}]")
    out_rate = rate if _same_rate(plan, enc) else fps_fraction(enc.fps)
    retime = "" if out_rate == rate else f",fps={out_rate}"  # another rate: frames dropped or repeated evenly
    chains.append(f"{''.join(labels)}concat=n={len(labels)}:v=1:a=0,setpts=N/({rate}*TB){retime}[vout]")
    audio_inputs, audio_out = [], []
    if enc.audio:
        audio_inputs, audio_graph = _audio_graph(plan, infos, first_input=inputs.next, shared=shared)
        chains.append(audio_graph)
        audio_out = ["-map", "[aout]", *enc.audio_args()]
    graph = ";\n".join(chains)
    return Command(args=[*inputs.args, *audio_inputs, "-/filter_complex", "{graph}", "-map", "[vout]",
                         *enc.video_args(), "-r", str(out_rate), *audio_out,
                         "-frames:v", str(output_frames(plan, enc))], graph=graph, stream_copy=False)


def _draw(piece: VideoPiece, label: str, plan: ExportPlan, infos: dict[Path, MediaInfo], inputs: _Inputs,
          chains: list[str], shared: dict[tuple, tuple[int, float]] | None = None) -> None:
    """Chains that leave the piece's `frames` frames in [label]: its clip's frames (re-timed, conformed,
    faded), dissolving from the clip before it (overlay of this one fading in, alpha), at its opacity over
    what is under it (overlay, alpha scaled)."""
    rate = fps_fraction(plan.fps)
    if piece.path is None:
        chains.append(f"color=c=black:s={plan.width}x{plan.height}:r={rate},trim=end_frame={piece.frames},"
                      f"setsar=1,format=yuv420p[{label}]")
        return
    info = infos[piece.path]
    n = inputs.add(*_video_input(piece, info, rate))
    if shared is not None and not piece.still:
        lead = 0.5 / info.fps if seek_args(info, piece.source_frame) else 0.0  # sound starts at the seek
        shared[(piece.clip_id, piece.start, piece.frames)] = (n, lead)
    alpha = []  # this clip's alpha: fading in over the clip before, its opacity
    if piece.dissolve_from is not None:
        alpha.append(_in_clip_time(piece, rate, [f"fade=t=in:st=0:d={float(piece.crossfade / rate):.6f}:alpha=1"]))
    if piece.opacity < 1.0:
        alpha.append(f",lut=a=val*{piece.opacity:.4f}")
    own = f"{label}c" if alpha else label
    chains.append(f"[{n}:v:0]trim=end_frame={piece.read_frames},{_retime(piece, rate)}"
                  f"{_conform(info, plan)}{_video_fades(piece, rate)}{',format=yuva420p' if alpha else ''}"
                  f"{''.join(alpha)}[{own}]")
    if not alpha:
        return
    # What this clip is drawn over: the clip before (a crossfade), itself over what shows through it
    if piece.dissolve_from is not None:
        _draw(piece.dissolve_from, f"{label}d", plan, infos, inputs, chains)
        over = f"{label}x" if piece.opacity < 1.0 else label
        chains.append(f"[{label}d][{own}]overlay=shortest=1:format=yuv420,format=yuv420p[{over}]")
        if piece.opacity < 1.0:  # the dissolve, as one picture, at the clip's opacity
            chains.append(f"[{over}]format=yuva420p,lut=a=val*{piece.opacity:.4f}[{label}o]")
            own = f"{label}o"
        else:
            return
    under = piece.under or VideoPiece(start=piece.start, frames=piece.frames)
    _draw(under, f"{label}u", plan, infos, inputs, chains)
    chains.append(f"[{label}u][{own}]overlay=shortest=1:format=yuv420,format=yuv420p[{label}]")


def _retime(piece: VideoPiece, rate: Fraction) -> str:
    """The piece's source frames as its `frames` timeline frames: one for one, or at the clip's speed
    (piece frame i shows source frame floor((clip_offset + i) * speed), counted from the clip's in point:
    each source frame is stamped with the first timeline frame that shows it, the fps filter repeats or
    drops them, Clip.source_offset's rule); the last one held where the media ends."""
    if piece.speed == 1.0:
        hold = piece.frames - piece.read_frames
        return f"setpts=N/({rate}*TB),{f'tpad=stop_mode=clone:stop={hold},' if hold > 0 else ''}"
    o, s = piece.clip_offset, piece.speed
    first = math.floor(o * s + 1e-9)
    return (rf"setpts=max(0\,ceil((N+{first})/{s}-1e-6)-{o})/({rate}*TB),fps={rate},"
            f"tpad=stop_mode=clone:stop={piece.frames},trim=end_frame={piece.frames},setpts=N/({rate}*TB),")


def _video_input(piece: VideoPiece, info: MediaInfo, rate: Fraction) -> list[str]:
    if piece.still:
        return ["-loop", "1", "-framerate", str(rate), "-t", f"{float((piece.frames + 1) / rate):.6f}",
                *input_args(piece.path)]
    seek = seek_args(info, piece.source_frame)
    return [*seek, "-t", f"{(piece.read_frames + 1) / info.fps:.6f}", *input_args(piece.path)]


def _conform(info: MediaInfo, plan: ExportPlan) -> str:
    w, h = plan.width, plan.height
    steps = []
    if (info.width, info.height) != (w, h):
        steps.append(f"scale={w}:{h}:force_original_aspect_ratio=decrease,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:black")
    steps += ["setsar=1", "format=yuv420p"]
    return ",".join(steps)


def _audio_graph(plan: ExportPlan, infos: dict[Path, MediaInfo], first_input: int,
                 shared: dict[tuple, tuple[int, float]] | None = None) -> tuple[list[str], str]:
    """Inputs and graph ending in [aout]: the sounding pieces, each exactly its length, laid end to end in
    lanes (a lane takes pieces that do not overlap, the gaps silent), the lanes mixed, exact total length.
    Concatenating a lane costs its length once; mixing every piece delayed to its place cost the whole
    timeline's length per piece.

    A clip whose picture is shown whole takes its sound from the picture's input (`shared`: input number
    and how far before the clip's first frame that input starts) instead of opening the file again.
    """
    sr = plan.sample_rate
    fps = Fraction(fps_fraction(plan.fps))
    total = round(plan.total_frames / fps * sr)
    inputs = _Inputs(first_input)
    chains: list[str] = []
    lanes: list[tuple[int, list[str]]] = []  # (end in samples, labels)
    for j, piece in enumerate(sorted(sounding(plan, infos), key=lambda p: p.start)):
        source_fps = infos[piece.path].fps or piece.take_fps
        start_s = piece.source_frame / source_fps
        reuse = (shared or {}).get((piece.clip_id, piece.start, piece.frames)) if piece.on_video_track else None
        if reuse is not None:
            n, lead = reuse
            skip = f"atrim=start_sample={round(lead * sr)},asetpts=PTS-STARTPTS," if lead else ""
        else:
            seek = ["-ss", f"{start_s:.6f}"] if start_s > 0 else []
            n = inputs.add(*seek, "-t", f"{piece.frames * piece.speed / source_fps + 0.1:.6f}",
                           *input_args(piece.path))
            skip = ""
        length = round(piece.frames / fps * sr)
        tempo = _tempo(float(fps) / source_fps * piece.speed)  # the sound follows the picture's rate and speed
        at = round(piece.start / fps * sr)
        lane = next((k for k, (end, _labels) in enumerate(lanes) if end <= at), None)
        if lane is None:
            lanes.append((0, []))
            lane = len(lanes) - 1
        gap = at - lanes[lane][0]
        delay = f",adelay=delays={gap}S:all=1" if gap else ""
        # apad: a sound shorter than its clip still fills it, so the next piece in the lane starts in place
        chains.append(f"[{n}:a:0]aresample={sr},{skip}{tempo}aformat=sample_fmts=fltp:channel_layouts=stereo,"
                      f"atrim=end_sample={length},apad=whole_len={length}{_audio_level(piece, fps, sr)}{delay}[a{j}]")
        lanes[lane] = (at + length, [*lanes[lane][1], f"[a{j}]"])
    if not lanes:
        chains.append(f"anullsrc=r={sr}:cl=stereo,atrim=end_sample={total}[aout]")
        return inputs.args, ";\n".join(chains)
    mixed = []
    for k, (_end, labels) in enumerate(lanes):
        if len(labels) == 1:
            mixed.append(labels[0])
        else:
            chains.append(f"{''.join(labels)}concat=n={len(labels)}:v=0:a=1[lane{k}]")
            mixed.append(f"[lane{k}]")
    mix = f"amix=inputs={len(mixed)}:normalize=0:duration=longest," if len(mixed) > 1 else ""
    chains.append(f"{''.join(mixed)}{mix}apad=whole_len={total},atrim=end_sample={total}[aout]")
    return inputs.args, ";\n".join(chains)


def _video_fades(piece: VideoPiece, rate: Fraction) -> str:
    """fade filters in the clip's own time (the piece may start inside the clip): frame i of the clip is
    scaled by i / fade_in while fading in and by (clip_frames - i) / fade_out while fading out."""
    if not piece.fades:
        return ""
    steps = []
    if piece.fade_in:
        steps.append(f"fade=t=in:st=0:d={float(piece.fade_in / rate):.6f}")
    if piece.fade_out:
        steps.append(f"fade=t=out:st={float((piece.clip_frames - piece.fade_out) / rate):.6f}:"
                     f"d={float(piece.fade_out / rate):.6f}")
    return _in_clip_time(piece, rate, steps)


def _in_clip_time(piece: VideoPiece, rate: Fraction, steps: list[str]) -> str:
    """`steps` run with the piece's frames stamped in its clip's time (the piece may start inside the clip)."""
    return "," + ",".join([f"setpts=(N+{piece.clip_offset})/({rate}*TB)", *steps, f"setpts=N/({rate}*TB)"])


def _audio_level(piece: AudioPiece, fps: Fraction, sr: int) -> str:
    """The clip's volume, its fades and crossfades, in the clip's own time like the picture's."""
    steps = [f"volume={piece.volume:.4f}"] if piece.volume != 1.0 else []
    if piece.fades:
        steps.append(f"asetpts=PTS-STARTPTS+{round(piece.clip_offset / fps * sr)}/({sr}*TB)")
        if piece.fade_in:
            steps.append(f"afade=t=in:st=0:d={float(piece.fade_in / fps):.6f}")
        if piece.fade_out:
            steps.append(f"afade=t=out:st={float((piece.clip_frames - piece.fade_out) / fps):.6f}:"
                         f"d={float(piece.fade_out / fps):.6f}")
        if piece.crossfade_in:  # a crossfade: this one comes up while the clip before goes down (amix adds them)
            steps.append(f"afade=t=in:st=0:d={float(piece.crossfade_in / fps):.6f}")
        if piece.crossfade_out:
            steps.append(f"afade=t=out:st={float(piece.clip_frames / fps):.6f}:d={float(piece.crossfade_out / fps):.6f}")
        steps.append("asetpts=PTS-STARTPTS")
    return "".join("," + x for x in steps)


def _tempo(speed: float) -> str:
    """atempo filters for `speed` (one atempo takes 0.5-100: a 60 fps source on 24 fps needs two)."""
    if abs(speed - 1.0) < 1e-6:
        return ""
    steps = []
    while speed < 0.5:
        steps.append("atempo=0.5")
        speed /= 0.5
    steps.append(f"atempo={speed:.6f}")
    return ",".join(steps) + ","


def _concat_entry(piece: VideoPiece, info: MediaInfo, fps: float) -> str:
    """A concat-demuxer entry; a span gets in/out points (in microseconds, ffmpeg's resolution)."""
    entry = f"file {_quote(piece.path)}\n"
    if piece.whole_clip:
        return entry
    rate = fps_fraction(fps)
    end = piece.source_frame + piece.frames
    if piece.source_frame:
        # Rounded up: the demuxer starts at the last keyframe at or before the in point, which must be ours.
        entry += f"inpoint {math.ceil(piece.source_frame / rate * 1_000_000)}us\n"
    if end < info.frame_count:  # frames stop before the first one whose timestamp reaches the out point
        entry += f"outpoint {round((end - Fraction(1, 2)) / rate * 1_000_000)}us\n"
    return entry + f"duration {round(piece.frames / rate * 1_000_000)}us\n"


def _quote(path: Path | None) -> str:
    return "'" + str(Path(path).resolve()).replace("'", "'\\''") + "'"
