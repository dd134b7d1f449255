"""`ltx-editor models` and `ltx-editor doctor`: the models on this machine, and what this machine can do. No Qt.

    ltx-editor models [list] [--json]              every local model: state, size on disk, VRAM, fits this GPU?
    ltx-editor models download ID [--json]         download (resumes a paused/killed one); Ctrl-C pauses
    ltx-editor models remove ID                    delete it from the models folder
    ltx-editor doctor [--json]                     GPU, torch build, ffmpeg, keychain, models folder, cloud keys

The models folder is the editor's preference (Preferences → Model cache), else the shared Hugging Face cache;
`--models-dir` and `--folder` (ComfyUI trees / loose files) override it. Keys are reported present or not —
never printed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from pathlib import Path

from ltx_editor.core.errors import LtxEditorError

GIB = 1024**3


def _prefs() -> dict:
    """The editor's preferences file, read as JSON (the CLI never imports Qt)."""
    from platformdirs import user_config_dir

    try:
        data = json.loads((Path(user_config_dir("ltx-editor", appauthor=False)) / "preferences.json").read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _store(args: argparse.Namespace):
    from ltx_editor.generation.model_store import ModelStore

    prefs = _prefs()
    folders = args.folder if args.folder else prefs.get("model_dirs", [])
    return ModelStore(args.models_dir or prefs.get("model_cache_dir") or None, folders)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ltx-editor", description="Models on this machine, and a health check.")
    sub = p.add_subparsers(dest="command", required=True)
    models = sub.add_parser("models", help="list, download or remove local models")
    models.add_argument("action", nargs="?", default="list", choices=["list", "download", "remove"])
    models.add_argument("model_id", nargs="?", help="catalog id (see `ltx-editor models list`)")
    models.add_argument("--json", action="store_true", help="machine-readable output")
    models.add_argument("--models-dir", help="the Hugging Face cache folder to use (default: the editor's)")
    models.add_argument("--folder", action="append", default=[], help="a ComfyUI tree or folder of weights")
    doctor = sub.add_parser("doctor", help="what this machine can run, and what is missing")
    doctor.add_argument("--json", action="store_true", help="machine-readable output")
    doctor.add_argument("--models-dir", help="the Hugging Face cache folder to check")
    doctor.add_argument("--folder", action="append", default=[])
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:  # `ltx-editor models | head`
        return 0


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command == "doctor":
            return doctor(args)
        if args.action == "list":
            return list_models(args)
        if not args.model_id:
            print(f"error: `ltx-editor models {args.action}` needs a model id (see `ltx-editor models list`)",
                  file=sys.stderr)
            return 2
        return download(args) if args.action == "download" else remove(args)
    except LtxEditorError as exc:
        print(f"error: {exc.message}" + (f"\n  {exc.hint}" if exc.hint else ""), file=sys.stderr)
        return 1


# -- models list / remove -----------------------------------------------------------------------------------
def list_models(args: argparse.Namespace) -> int:
    from ltx_editor.generation import hardware

    store = _store(args)
    hw = hardware.probe(store.models_dir)
    entries = store.scan(hw)
    if args.json:
        print(json.dumps({"models_dir": str(store.models_dir), "hardware": hw.summary(),
                          "models": [e.as_dict() for e in entries]}, indent=2))
        return 0
    print(f"models folder: {store.models_dir}   ({hw.summary()})")
    print(f"{'id':<28} {'state':<11} {'on disk':>9} {'download':>9} {'VRAM':>6}  fits this machine")
    for e in entries:
        download_size = f"{e.download_bytes / 1e9:.1f} GB" if e.download_bytes else "?"
        print(f"{e.model_id:<28} {e.state:<11} {(e.size_bytes + e.partial_bytes) / 1e9:>6.1f} GB {download_size:>9} "
              f"{e.vram_gb:>4.0f}GB  {e.verdict}" + (f" [{e.precision}]" if e.precision else "")
              + (f"  ({e.where}: {e.path})" if e.where and e.where != "Hugging Face cache" else ""))
    return 0


def remove(args: argparse.Namespace) -> int:
    freed = _store(args).remove(args.model_id)
    print(f"removed {args.model_id}: {freed / 1e9:.2f} GB freed")
    return 0


# -- models download -----------------------------------------------------------------------------------------
def download(args: argparse.Namespace) -> int:
    from ltx_editor.generation.model_store import Download, Progress

    store = _store(args)
    store.entry(args.model_id)  # an unknown id is an error in words, before anything starts
    done = threading.Event()
    last: list[Progress] = []

    def report(p: Progress) -> None:
        last[:] = [p]
        if args.json:
            print(json.dumps({"stage": p.stage, "done_bytes": p.done_bytes, "total_bytes": p.total_bytes,
                              "speed_bps": p.speed_bps, "eta_s": p.eta_s, "message": p.message}), flush=True)
        elif p.stage == "downloading":
            frac = p.fraction or 0.0
            bar = "#" * round(frac * 30)
            print(f"\r[{bar:<30}] {frac * 100:5.1f}% {p.describe()}".ljust(100)[:110], end="", file=sys.stderr,
                  flush=True)
        elif p.message:
            print(("\n" if p.stage != "planning" else "") + p.message, file=sys.stderr, flush=True)
        if p.stage in ("done", "failed", "paused", "cancelled"):
            done.set()

    dl = Download(store, args.model_id, report).start()
    try:
        while not done.wait(0.2):
            pass
    except KeyboardInterrupt:
        dl.pause()
        dl.wait(10)
        print(f"\npaused: run `ltx-editor models download {args.model_id}` again to resume", file=sys.stderr)
        return 130
    result = last[0] if last else None
    if result is None or result.stage != "done":
        message = result.message if result else "the download stopped"
        print(f"error: {message}" + (f"\n  {result.hint}" if result and result.hint else ""), file=sys.stderr)
        return 3 if result is not None and "GB free" in result.message else 1
    if not args.json:
        print(result.path)
    return 0


# -- doctor ------------------------------------------------------------------------------------------------
def _ffmpeg() -> dict:
    import subprocess

    try:
        import imageio_ffmpeg

        exe = imageio_ffmpeg.get_ffmpeg_exe()
        out = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=10).stdout
        return {"ok": True, "path": exe, "version": out.splitlines()[0] if out else "?"}
    except Exception as exc:  # noqa: BLE001 (reported, not raised: doctor reports everything it can)
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def _installed(name: str) -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def checks(args: argparse.Namespace) -> dict:
    from ltx_editor.generation import hardware, secrets

    store = _store(args)
    hw = hardware.probe(store.models_dir, refresh=True)
    keychain, keychain_note = secrets.keychain_status()
    keys = {}
    for service in ("fal", "replicate"):
        where, key = secrets.key_source(service)
        keys[service] = {"present": key is not None, "from": where}  # never the key itself
    entries = store.scan(hw)
    return {
        "hardware": hw.as_dict(),
        "torch": {"build": hw.torch.build, "version": hw.torch.version, "cuda": hw.torch.cuda,
                  "can_use_gpu": hw.torch_can_use_gpu},
        "local_extra": {name: _installed(name) for name in ("torch", "diffusers", "transformers", "accelerate")},
        "downloads": {name: _installed(name) for name in ("huggingface_hub", "hf_xet", "hf_transfer")},
        "ffmpeg": _ffmpeg(),
        "keychain": {"available": keychain, "note": keychain_note},
        "models_folder": {"path": str(store.models_dir), "free_bytes": hw.disk_free_bytes,
                          "writable": os.access(hardware.existing_parent(store.models_dir), os.W_OK),
                          "folders_used_in_place": [str(d) for d in store.extra_dirs],
                          "downloaded": [e.model_id for e in entries if e.state in ("downloaded", "in_use")]},
        "cloud_keys": keys,
    }


def doctor(args: argparse.Namespace) -> int:
    report = checks(args)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
        return 0
    hw = report["hardware"]
    ok, bad = "ok ", "-- "
    gpus = hw["gpus"]
    print(f"{ok if gpus else bad}GPU      " + ("; ".join(f"{g['name']} {g['vram_total_bytes'] / GIB:.0f} GB"
                                                        + (f" (driver {g['driver']})" if g["driver"] else "")
                                                        for g in gpus) or "none found"
                                               + (f" ({hw['notes'][0]})" if hw["notes"] else "")))
    t = report["torch"]
    torch_ok = t["build"] != "absent" and (t["can_use_gpu"] or not gpus)
    print(f"{ok if torch_ok else bad}torch    " + (f"{t['version']} ({t['build']} build"
                                                   + (f", CUDA {t['cuda']}" if t["cuda"] else "") + ")"
                                                   if t["build"] != "absent" else "not installed")
          + ("" if torch_ok else "  -> .ci/setup installs the build for this GPU"))
    missing = [k for k, v in report["local_extra"].items() if v is None]
    print(f"{bad if missing else ok}local    " + ("missing " + ", ".join(missing) + ": pip install 'ltx-editor[local]'"
                                                 if missing else "torch, diffusers, transformers, accelerate"))
    print(f"{ok}RAM      {hw['ram_total_bytes'] / GIB:.1f} GB ({hw['ram_available_bytes'] / GIB:.1f} GB available)")
    f = report["ffmpeg"]
    print(f"{ok if f['ok'] else bad}ffmpeg   " + (f["version"] if f["ok"] else f["error"]))
    k = report["keychain"]
    print(f"{ok if k['available'] else bad}keychain {k['note']}")
    m = report["models_folder"]
    print(f"{ok if m['writable'] else bad}models   {m['path']}: {m['free_bytes'] / GIB:.1f} GB free"
          + ("" if m["writable"] else " (not writable!)") + f"; downloaded: {', '.join(m['downloaded']) or 'none'}")
    for service, info in report["cloud_keys"].items():
        print(f"{ok if info['present'] else bad}{service + ' key':<14}" + (f"present (from {info['from']})"
                                                                      if info["present"] else "not set"))
    d = report["downloads"]
    print(f"{ok}hub      huggingface_hub {d['huggingface_hub'] or 'missing'}"
          + (f", hf_xet {d['hf_xet']}" if d["hf_xet"] else "") + (f", hf_transfer {d['hf_transfer']}" if d["hf_transfer"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
