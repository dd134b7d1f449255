"""Render the timeline to one H.264/AAC MP4 at the project's size and rate, with progress and cancel.

export_plan decides what is shown and heard, export_graph turns that into one ffmpeg command (stream copy
through the concat demuxer when no frame needs re-encoding), and this module runs it into a temp file
beside the output that is renamed only when ffmpeg succeeded: a cancelled or failed export leaves nothing.
"""
from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from . import ffmpeg
from .errors import ExportCancelled, MediaError
from .export_graph import Command, Encoding, build
from .export_plan import ExportPlan, plan_export
from .media import MediaInfo, probe_many
from .output_guard import check_export_target
from .project import Project

INLINE_GRAPH_CHARS = 24_000  # below Windows' 32 K command-line limit, with room for the inputs


def prepare(project: Project, project_path: str | Path, enc: Encoding | None = None) -> tuple[ExportPlan, Command]:
    """The plan and the ffmpeg command, without running it (MediaError for an empty timeline or missing media)."""
    plan = plan_export(project, project_path)
    sources = plan.sources
    infos: dict[Path, MediaInfo] = dict(zip(sources, probe_many(sources), strict=True))
    for piece in plan.video:
        if piece.path is not None and infos[piece.path].video is None:
            raise MediaError(f"Clip {piece.clip_id} on a video track uses {piece.path.name}, which has no picture.",
                             hint="Move it to an audio track, or relink it to a video.")
    return plan, build(plan, infos, enc or Encoding())


def export_timeline(project: Project, project_path: str | Path, out: str | Path,
                    progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None,
                    *, encoding: Encoding | None = None) -> Path:
    """Write the timeline to `out` (an .mp4); returns it. Raises ExportCancelled or MediaError, leaving no file."""
    out = Path(out)
    if cancel is not None and cancel.is_set():
        raise ExportCancelled("The export was cancelled.")
    check_export_target(project, project_path, out)  # never replace a source or the project file
    plan, command = prepare(project, project_path, encoding)
    ffmpeg.remove_stale_temps(out)  # what an export killed with the editor left (its ffmpeg dies on SIGPIPE)
    try:
        with tempfile.TemporaryDirectory(prefix="ltx-export-") as work, ffmpeg.atomic_output(out) as tmp:
            args = _materialize(command, Path(work))
            # faststart (index first, for streaming) costs a second pass over the file: worth it after an
            # encode, not for a stream copy, which is otherwise little more than a file copy.
            faststart = [] if command.stream_copy else ["-movflags", "+faststart"]
            ffmpeg.run_with_progress([*args, *faststart, "-f", "mp4", ffmpeg.file_arg(tmp)],
                                     total_frames=plan.total_frames, progress=progress, cancel=cancel,
                                     what=f"the export to {out.name}")
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
