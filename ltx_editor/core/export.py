"""Render the timeline (or a range of it) to one file with a preset's codecs, size and rate, with progress
and cancel.

export_plan decides what is shown and heard, export_graph turns that into one ffmpeg command (stream copy
through the concat demuxer when no frame needs re-encoding), and this module runs it into a temp file
beside the output. The temp file is probed before it replaces the target: its frame count, duration, size
and codecs must be the ones asked for, or the export fails with the reason and the target is left as it
was. A cancelled or failed export leaves nothing.
"""
from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from . import ffmpeg
from .errors import ExportCancelled, MediaError
from .export_graph import Command, Encoding, build, output_frames
from .export_plan import ExportPlan, plan_export
from .export_presets import PRESETS, ExportOptions, ExportPreset
from .export_range import restrict
from .ffmpeg import fps_fraction
from .media import MediaInfo, parse_inputs, probe_many
from .output_guard import check_export_target
from .project import Project

INLINE_GRAPH_CHARS = 24_000  # below Windows' 32 K command-line limit, with room for the inputs


def prepare(project: Project, project_path: str | Path, enc: Encoding | None = None,
            options: ExportOptions | None = None) -> tuple[ExportPlan, Command]:
    """The plan and the ffmpeg command, without running it (MediaError for an empty timeline, missing media,
    or a source shorter than its clips need)."""
    plan = plan_export(project, project_path)
    if options is not None:
        if options.width is not None:
            plan = replace(plan, width=options.width, height=options.height)
        if options.range_start is not None:
            plan = restrict(plan, options.range_start, options.range_end)
        enc = enc or options.encoding()
    sources = plan.sources
    infos: dict[Path, MediaInfo] = dict(zip(sources, probe_many(sources), strict=True))
    for piece in (layer for v in plan.video for layer in v.layers()):  # with those under and dissolving
        if piece.path is None:
            continue
        info = infos[piece.path]
        if info.video is None:
            raise MediaError(f"Clip {piece.clip_id} on a video track uses {piece.path.name}, which has no picture.",
                             hint="Move it to an audio track, or relink it to a video.")
        if not piece.still and info.frame_count and piece.source_frame + piece.read_frames > info.frame_count:
            raise MediaError(f"Clip {piece.clip_id} needs frames {piece.source_frame}-"
                             f"{piece.source_frame + piece.read_frames - 1} of {piece.path.name}, which now has only "
                             f"{info.frame_count} frames (the file changed after the clip was placed).",
                             hint="Relink the clip to the right file, or trim it to the frames there are.")
    return plan, build(plan, infos, enc or Encoding())


@dataclass(frozen=True)
class Expected:
    """What the written file must probe as."""

    frames: int
    fps: float
    width: int
    height: int
    video_codec: str
    audio_codec: str | None  # None: no sound track

    @property
    def seconds(self) -> float:
        return float(self.frames / fps_fraction(self.fps))


def expected_output(plan: ExportPlan, enc: Encoding, preset: ExportPreset) -> Expected:
    return Expected(frames=output_frames(plan, enc), fps=enc.fps or plan.fps, width=plan.width, height=plan.height,
                    video_codec=preset.video_codec, audio_codec=preset.audio_codec if enc.audio else None)


def verify_export(path: Path, want: Expected, *, name: str) -> None:
    """MediaError with the reason when `path` is not the file asked for (frames, duration, size, codecs)."""
    hint = "The file at the target was left as it was. Try the export again; if it fails the same way, " \
           "check the sources (a changed or damaged file) or pick another preset."
    # One ffmpeg run describes the file (container duration, streams) and counts its video packets.
    text = ffmpeg.run_quiet([*ffmpeg.input_args(path), "-map", "0:v:0?", "-c", "copy", "-f", "null", "-"])
    infos = parse_inputs(text, [path])
    if not infos:
        raise MediaError(f"The export to {name} cannot be read back ({ffmpeg.last_lines(text, 1)}).", hint=hint)
    info = infos[0]
    counts = re.findall(r"frame=\s*(\d+)", text)
    frames = int(counts[-1]) if counts and info.video is not None else 0
    if frames != want.frames:
        raise MediaError(f"The export to {name} came out with {frames} frames; the timeline has {want.frames}.",
                         hint=hint)
    slack = 1.0 / want.fps + 0.05  # a frame, plus the audio codec's padding at the end
    if info.duration and abs(info.duration - want.seconds) > slack:
        raise MediaError(f"The export to {name} lasts {info.duration:.3f} s; the timeline lasts {want.seconds:.3f} s.",
                         hint=hint)
    got = (info.video_codec, info.width, info.height, info.audio_codec)
    if got != (want.video_codec, want.width, want.height, want.audio_codec):
        raise MediaError(f"The export to {name} holds {got[0]} {got[1]}x{got[2]} with {got[3] or 'no'} sound; "
                         f"asked for {want.video_codec} {want.width}x{want.height} with {want.audio_codec or 'no'} "
                         "sound.", hint=hint)


def export_timeline(project: Project, project_path: str | Path, out: str | Path,
                    progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None,
                    *, encoding: Encoding | None = None, options: ExportOptions | None = None) -> Path:
    """Write the timeline to `out` (with `options`: its preset, size, rate, range...; without: H.264 MP4 at
    the project's settings); returns it. Raises ExportCancelled or MediaError, leaving `out` as it was."""
    out = Path(out)
    if cancel is not None and cancel.is_set():
        raise ExportCancelled("The export was cancelled.")
    chosen = options.chosen_preset if options is not None else PRESETS["h264"]
    if options is not None and out.suffix.lower() != chosen.suffix:
        raise MediaError(f"{out.name} does not end in {chosen.suffix}, which the {chosen.name} preset writes.",
                         hint=f"Name the output something{chosen.suffix}, or pick another preset.")
    check_export_target(project, project_path, out)  # never replace a source or the project file
    plan, command = prepare(project, project_path, encoding, options)
    enc = encoding or (options.encoding() if options is not None else Encoding())
    want = expected_output(plan, enc, chosen)
    ffmpeg.remove_stale_temps(out)  # what an export killed with the editor left (its ffmpeg dies on SIGPIPE)
    try:
        with tempfile.TemporaryDirectory(prefix="ltx-export-") as work, ffmpeg.atomic_output(out) as tmp:
            args = _materialize(command, Path(work))
            # faststart (index first, for streaming) costs a second pass over the file: worth it after an
            # encode, not for a stream copy, which is otherwise little more than a file copy.
            faststart = [] if command.stream_copy or chosen.muxer == "webm" else ["-movflags", "+faststart"]
            ffmpeg.run_with_progress([*args, *faststart, "-f", chosen.muxer, ffmpeg.file_arg(tmp)],
                                     total_frames=want.frames, progress=progress, cancel=cancel,
                                     what=f"the export to {out.name}")
            verify_export(tmp, want, name=out.name)  # before it replaces anything at `out`
    except OSError as exc:  # a full disk (or /tmp) before ffmpeg even starts: no temp folder, no list file
        raise MediaError(f"Could not write the export to {out.name}: {exc.strerror or exc}.",
                         hint="Check the disk has space (also the system's temporary folder).") from None
    if progress is not None:
        progress(1.0)
    return out


def _materialize(command: Command, work: Path) -> list[str]:
    """The command's arguments with the filter graph and concat list written to files in `work`."""
    listing = work / "list.ffconcat"
    listing.write_text(command.concat_list, encoding="utf-8")
    args = [a.replace("{concat_list}", str(listing)) for a in command.args]
    if "-/filter_complex" not in args:
        return args
    at = args.index("-/filter_complex")
    if len(command.graph) < INLINE_GRAPH_CHARS:  # inline works with every ffmpeg imageio-ffmpeg has shipped
        args[at:at + 2] = ["-filter_complex", command.graph]
    else:  # `-/option FILE` (ffmpeg 7+) reads a long graph from a file
        graph = work / "graph.txt"
        graph.write_text(command.graph, encoding="utf-8")
        args[at + 1] = str(graph)
    return args
