"""`ltx-editor`: the editor, or a headless command. The headless commands never import Qt.

    ltx-editor [PROJECT.ltxproj]               open the editor (on a project)
    ltx-editor info PROJECT [--json]           tracks, clips, duration, missing media, spend
    ltx-editor render PROJECT -o OUT [--preset NAME|list] [--size WxH] [--fps N] [--range IN-OUT] [--yes]
                                               render the timeline, with a progress bar on stderr
    ltx-editor new PROJECT [--size WxH] [--fps N] FILE...   a project with FILEs in order on V1
    ltx-editor export-otio PROJECT -o OUT.otio|.xml|.edl / import-otio IN PROJECT   interchange (OTIO, FCP XML, EDL)
    ltx-editor generate ...                    one generation (see `ltx-editor generate --help`)
    ltx-editor models [list|download ID|remove ID] [--json]   local models on this machine
    ltx-editor worker                          the editor's local generation process (protocol on stdin/stdout)
    ltx-editor doctor [--json]                 GPU, torch build, ffmpeg, keychain, models folder, keys present

Errors print their message and hint and exit 1: never a traceback. Text from a project (names, paths) is
printed with its control characters escaped, so a hostile name cannot drive the terminal.
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.safe_text import for_terminal

COMMANDS = ("info", "render", "generate")
EDIT_COMMANDS = ("new", "export-otio", "import-otio")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ("models", "doctor"):
        from ltx_editor.cli_models import main as models

        return models(args)
    if args and (args[0] in EDIT_COMMANDS or args[0] == "render" and _lists_presets(args)):
        from ltx_editor.cli_edit import main as edit  # new, export-otio, import-otio, render --preset list

        return edit(args)
    if args and args[0] == "worker":
        from ltx_editor.generation.worker.process import main as worker  # the editor's generation process

        return worker(args[1:])
    if args and args[0] == "generate":
        from ltx_editor.cli_generate import main as generate

        return generate(args[1:])
    if args and (args[0] in COMMANDS or args[0].startswith("-")):
        return _headless(args)
    if len(args) > 1:
        print(f"error: unexpected arguments {' '.join(args[1:])!r}; see ltx-editor --help", file=sys.stderr)
        return 2
    from ltx_editor.app import main as gui  # Qt is imported only here

    return gui([sys.argv[0] if sys.argv and sys.argv[0] else "ltx-editor", *args])


def _lists_presets(args: list[str]) -> bool:
    """`render --preset list` needs neither a project nor an output."""
    return "--preset=list" in args or any(a == "--preset" and b == "list" for a, b in zip(args, args[1:], strict=False))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ltx-editor", description="LTX Editor: generate, edit and export AI video. "
                                "Without a command it opens the editor (on PROJECT when given).",
                                epilog="ltx-editor PROJECT.ltxproj opens the editor on a project.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    info = sub.add_parser("info", help="describe a project: tracks, clips, duration, missing media, spend")
    info.add_argument("project")
    info.add_argument("--json", action="store_true", help="machine-readable output")
    render = sub.add_parser("render", help="render the timeline with an export preset (H.264 MP4 by default)")
    render.add_argument("project")
    render.add_argument("-o", "--output", required=True, help="the file to write (.mp4, .mov or .webm)")
    render.add_argument("--preset", help="export preset (default: the one for the output's suffix); "
                        "--preset list names them")
    render.add_argument("--size", help="WIDTHxHEIGHT (default: the project's)")
    render.add_argument("--fps", type=float, help="frame rate (default: the project's)")
    render.add_argument("--range", help="IN-OUT in frames (48-96), seconds (2s-4s) or timecodes")
    render.add_argument("--crf", type=int, help="constant quality (lower is better; default: the preset's)")
    render.add_argument("--no-audio", action="store_true", help="write no sound track")
    render.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    render.add_argument("-y", "--yes", action="store_true",
                        help="render even when the timeline is past a sanity limit (e.g. longer than 2 hours)")
    sub.add_parser("generate", help="generate one clip (ltx-editor generate --help)", add_help=False)
    sub.add_parser("worker", help="run local generations for an editor over stdin/stdout", add_help=False)
    sub.add_parser("models", help="list, download or remove local models (ltx-editor models --help)", add_help=False)
    sub.add_parser("doctor", help="what this machine can run and what is missing", add_help=False)
    return p


def _headless(args: list[str]) -> int:
    ns = _parser().parse_args(args)
    if ns.command is None:
        _parser().print_help()
        return 0
    try:
        if ns.command == "info":
            return _info(Path(ns.project), as_json=ns.json)
        return _render(Path(ns.project), Path(ns.output), quiet=ns.quiet, yes=ns.yes, ns=ns)
    except LtxEditorError as exc:
        print(f"error: {for_terminal(exc.message)}" + (f"\n  {for_terminal(exc.hint)}" if exc.hint else ""),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ncancelled", file=sys.stderr)
        return 130


# --- info ----------------------------------------------------------------------------------------------
def describe(project_path: Path) -> dict:
    """A project's summary as plain data (what `info` prints)."""
    from ltx_editor.core.project_io import load_project

    loaded = load_project(project_path)
    project = loaded.project
    fps = project.settings.fps
    frames = project.duration()
    return {
        "name": project.name,
        "file": str(loaded.path),
        "settings": project.settings.model_dump(),
        "duration_frames": frames,
        "duration_s": round(frames / fps, 3),
        "assets": len(project.assets),
        "tracks": [{"id": t.id, "name": t.name, "kind": t.kind, "clips": len(t.clips), "muted": t.muted,
                    "hidden": t.hidden, "locked": t.locked, "end_frame": max((c.end for c in t.clips), default=0)}
                   for t in project.tracks],
        "clips": sum(len(t.clips) for t in project.tracks),
        "missing_media": loaded.missing_media,
        "offline_assets": [a.name or a.id for a in project.assets if a.offline],
        "spent_usd": project.spent_usd,
        "budget_usd": project.budget_usd,
        "jobs": len(project.jobs),
    }


def _info(project_path: Path, *, as_json: bool) -> int:
    d = describe(project_path)
    if as_json:
        print(json.dumps(d, indent=2))
        return 0
    s, safe = d["settings"], for_terminal  # names and paths come from the file: escape control characters
    print(f"{safe(d['name'])}  ({safe(d['file'])})")
    print(f"  {s['width']}x{s['height']} at {s['fps']:g} fps; duration {_clock(d['duration_s'])} "
          f"({d['duration_frames']} frames)")
    print(f"  {d['assets']} assets in the bin, {d['clips']} clips on {len(d['tracks'])} tracks")
    for t in d["tracks"]:
        flags = ", ".join(f for f in ("muted", "hidden", "locked") if t[f])
        print(f"    {t['kind']:<5} {safe(t['name'] or t['id']):<16} {t['clips']:>4} clips, ends at frame {t['end_frame']}"
              + (f"  [{flags}]" if flags else ""))
    budget = f" of a {d['budget_usd']:.2f} USD budget" if d["budget_usd"] is not None else ""
    print(f"  spent {d['spent_usd']:.2f} USD{budget} on generation; {d['jobs']} jobs in the queue")
    if d["missing_media"]:
        print(f"  missing media ({len(d['missing_media'])}):")
        for m in d["missing_media"]:
            print(f"    {safe(m)}")
    else:
        print("  no missing media")
    return 0


def _ask(question: str) -> bool:
    """A yes/no question on the terminal; False without one (a script must pass --yes)."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        return input().strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _clock(seconds: float) -> str:
    m, s = divmod(seconds, 60)
    return f"{int(m)}:{s:06.3f}"


# --- render --------------------------------------------------------------------------------------------
class ProgressBar:
    """A one-line bar on stderr, redrawn at most ten times a second."""

    def __init__(self, label: str = "rendering", width: int = 30) -> None:
        self.label, self.width = label, width
        self.started = time.monotonic()
        self._shown = -1.0
        self._lock = threading.Lock()

    def __call__(self, fraction: float) -> None:
        with self._lock:
            now = time.monotonic()
            if fraction < 1.0 and now - self._shown < 0.1:
                return
            self._shown = now
            filled = round(self.width * fraction)
            print(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {fraction * 100:3.0f}% "
                  f"{now - self.started:5.1f} s", end="", file=sys.stderr, flush=True)

    def close(self) -> None:
        print(file=sys.stderr, flush=True)


def _render(project_path: Path, out: Path, *, quiet: bool, yes: bool = False,
            ns: argparse.Namespace | None = None) -> int:
    from ltx_editor.cli_edit import render_options
    from ltx_editor.core.export import export_timeline
    from ltx_editor.core.limits import export_question, require_confirmation
    from ltx_editor.core.output_guard import check_export_target
    from ltx_editor.core.project_io import load_project

    loaded = load_project(project_path)
    options = render_options(ns, loaded.project, out)  # before the questions: a bad option needs no answer
    check_export_target(loaded.project, loaded.path, out)  # before any question: a refusal needs no answer
    frames, fps = options.extent(loaded.project.duration(), loaded.project.settings.fps)
    question = export_question(loaded.project, frames=frames, fps=fps)
    require_confirmation(question, yes or (question is not None and _ask(question)),
                         how="Run again with --yes to render it anyway, or shorten the timeline.")
    bar = None if quiet else ProgressBar()
    try:  # Ctrl-C interrupts the wait: the export kills ffmpeg and removes its temp file on the way out
        written = export_timeline(loaded.project, loaded.path, out, progress=bar, options=options)
    finally:
        if bar is not None:
            bar.close()
    s = loaded.project.settings
    print(f"{written}  ({options.preset}, {frames} frames, {options.width or s.width}x{options.height or s.height}, "
          f"{fps:g} fps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
