"""Headless editing commands (no Qt):

    ltx-editor new PROJECT.ltxproj [--size WxH] [--fps N] [--sample-rate N] FILE...
    ltx-editor export-otio PROJECT.ltxproj [-o] OUT.otio|OUT.xml|OUT.edl
    ltx-editor import-otio IN.otio PROJECT.ltxproj
    ltx-editor render ... --preset list

and the options `render` takes (--preset, --size, --fps, --range, --crf, --no-audio) as ExportOptions.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ltx_editor.core.errors import LtxEditorError, MediaError
from ltx_editor.core.safe_text import for_terminal


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ltx-editor")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    new = sub.add_parser("new", help="a new project with FILEs in order on V1 (their sound on A1, linked)")
    new.add_argument("project")
    new.add_argument("files", nargs="+", metavar="FILE")
    new.add_argument("--size", help="WIDTHxHEIGHT (default: the first file's)")
    new.add_argument("--fps", type=float, help="frame rate (default: the first file's)")
    new.add_argument("--sample-rate", type=int, help="audio rate in Hz (default: the first file's, else 48000)")
    new.add_argument("--force", action="store_true", help="replace an existing project file")
    exp = sub.add_parser("export-otio", help="write the timeline as OpenTimelineIO (.otio), FCP XML (.xml) or "
                                             "CMX 3600 EDL (.edl)")
    exp.add_argument("project")
    exp.add_argument("output", nargs="?", help="the file to write (or -o)")
    exp.add_argument("-o", "--output", dest="output_option", metavar="OUT")
    imp = sub.add_parser("import-otio", help="a new project from an OpenTimelineIO timeline")
    imp.add_argument("input")
    imp.add_argument("project")
    imp.add_argument("--fps", type=float, help="the frame rate of an EDL (EDLs do not say; default 24)")
    imp.add_argument("--force", action="store_true", help="replace an existing project file")
    return p


def main(args: list[str]) -> int:
    if args[:1] == ["render"]:  # cli.py sends only `render ... --preset list` here
        return list_presets()
    ns = _parser().parse_args(args)
    try:
        if ns.command == "new":
            return _new(ns)
        if ns.command == "export-otio":
            out = ns.output_option or ns.output
            if not out:
                raise MediaError("Name the file to write.", hint="ltx-editor export-otio P.ltxproj -o OUT.otio")
            return _export_otio(Path(ns.project), Path(out))
        return _import_otio(Path(ns.input), Path(ns.project), force=ns.force, fps=ns.fps)
    except LtxEditorError as exc:
        print(f"error: {for_terminal(exc.message)}" + (f"\n  {for_terminal(exc.hint)}" if exc.hint else ""),
              file=sys.stderr)
        return 1


def list_presets() -> int:
    from ltx_editor.core.export_presets import DEFAULT_PRESET, PRESETS

    for p in PRESETS.values():
        quality = f"crf {p.crf} ({p.crf_range[0]}-{p.crf_range[1]})" if p.has_quality else "fixed quality"
        default = "  (default)" if p.name == DEFAULT_PRESET else ""
        print(f"{p.name:<8} {p.suffix:<6} {p.label}; {quality}{default}")
    return 0


def render_options(ns: argparse.Namespace | None, project, out: Path):
    """ExportOptions from `render`'s arguments: the preset named, else the one writing `out`'s suffix."""
    from ltx_editor.core.export_presets import ExportOptions, parse_range, parse_size, preset_for_suffix

    name = getattr(ns, "preset", None) or preset_for_suffix(out.suffix).name
    values: dict = {"preset": name}
    if getattr(ns, "size", None):
        values["width"], values["height"] = parse_size(ns.size)
    if getattr(ns, "fps", None):
        values["fps"] = ns.fps
    if getattr(ns, "range", None):
        values["range_start"], values["range_end"] = parse_range(ns.range, project.settings.fps)
    if getattr(ns, "crf", None) is not None:
        values["crf"] = ns.crf
    if getattr(ns, "no_audio", False):
        values["audio"] = False
    return ExportOptions.checked(**values)


def _refuse_existing(path: Path, force: bool) -> None:
    if path.suffix != ".ltxproj":
        raise MediaError(f"{path.name} is not a project file name.", hint="Name it something.ltxproj.")
    if path.exists() and not force:
        raise MediaError(f"{path} already exists.", hint="Choose another name, or pass --force to replace it.")


def _new(ns: argparse.Namespace) -> int:
    from ltx_editor.core.export_presets import parse_size
    from ltx_editor.core.output_guard import check_output
    from ltx_editor.core.project_io import save_project
    from ltx_editor.core.project_setup import new_project

    path = Path(ns.project)
    _refuse_existing(path, ns.force)
    check_output(path, ns.files, what="project", role="one of the files to assemble")
    size = parse_size(ns.size) if ns.size else None
    project = new_project(path, [Path(f) for f in ns.files], size=size, fps=ns.fps, sample_rate=ns.sample_rate)
    save_project(project, path)
    s = project.settings
    clips = sum(len(t.clips) for t in project.tracks)
    print(f"{for_terminal(str(path))}  ({s.width}x{s.height}, {s.fps:g} fps, {s.sample_rate} Hz; {clips} clips, "
          f"{project.duration()} frames)")
    return 0


def _export_otio(project_path: Path, out: Path) -> int:
    from ltx_editor.core.otio_io import export_otio
    from ltx_editor.core.output_guard import check_export_target
    from ltx_editor.core.project_io import load_project

    loaded = load_project(project_path)
    check_export_target(loaded.project, loaded.path, out)  # never over the project or one of its files
    export_otio(loaded.project, loaded.path, out)
    print(for_terminal(str(out)))
    return 0


def _import_otio(source: Path, project_path: Path, *, force: bool, fps: float | None = None) -> int:
    from ltx_editor.core.otio_io import import_otio
    from ltx_editor.core.output_guard import check_output
    from ltx_editor.core.project_io import save_project
    from ltx_editor.core.safe_files import check_regular

    _refuse_existing(project_path, force)
    check_regular(source, what="timeline file")
    check_output(project_path, [source], what="project", role="the timeline being imported")
    project = import_otio(source, project_path, fps=fps)
    save_project(project, project_path)
    print(f"{for_terminal(str(project_path))}  ({sum(len(t.clips) for t in project.tracks)} clips on "
          f"{len(project.tracks)} tracks, {len(project.markers)} markers)")
    return 0
