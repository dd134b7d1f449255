"""Untrusted inputs: LoRA and checkpoint pickles, hostile project files, hostile download names.

A pickle whose loading would create a marker file is offered as .bin/.pt/.ckpt/.pth and as a .safetensors
that is really a pickle: every one is refused with a clear InvalidRequest, and the marker never appears.
A hostile project file (escaping paths, code-looking values, symlinks, device files) is loaded and saved
under a Python audit hook: nothing is executed, nothing outside the project folder is opened for reading
or writing except the user-chosen media it names (which are only stat'ed), and nothing outside is written.
"""
from __future__ import annotations

import asyncio
import json
import os
import pickle
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from ltx_editor.core.errors import ProjectFileError
from ltx_editor.core.project_io import load_project, save_project
from ltx_editor.core.settings import LoraSpec
from ltx_editor.generation.download import safe_filename, url_filename
from ltx_editor.generation.errors import InvalidRequest
from ltx_editor.generation.local.source import parse_source
from ltx_editor.generation.lora import check_lora_file, resolve_loras
from tests.fakes.model_fixtures import *  # noqa: F403 (the tiny model fixtures)
from tests.fakes.projects import make_project
from tests.reliability.record import record

_tally = {"cases": 0, "crashes": 0}


@pytest.fixture(scope="module", autouse=True)
def _figures():
    """Record what this module tried, whichever of its tests ran (each test asserts on its own cases)."""
    yield
    record("untrusted", cases=_tally["cases"], crashes=_tally["crashes"])
_RUN_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork",
               "pickle.find_class", "socket.connect", "webbrowser.open", "ctypes.dlopen", "shutil.rmtree")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_events: list | None = None


def _audit(event: str, args: tuple) -> None:
    if _events is None:
        return
    if event == "open" and not isinstance(args[0], int) and "__pycache__" not in str(args[0]):
        flags = args[2] if isinstance(args[2], int) else 0
        mode = args[1] or ""
        writes = bool(flags & _WRITE_FLAGS) or any(c in str(mode) for c in "wax+")
        _events.append(("write" if writes else "read", os.path.abspath(str(args[0]))))
    elif event in ("os.rename", "os.replace", "os.link", "os.symlink", "os.remove", "os.unlink", "os.mkdir"):
        _events.append(("write", os.path.abspath(str(args[1] if event in ("os.rename", "os.replace", "os.link")
                                                     and len(args) > 1 else args[0]))))
    elif event.startswith(_RUN_EVENTS):
        _events.append(("run", event))


sys.addaudithook(_audit)  # cannot be removed; idle outside `_watch()`


@contextmanager
def _watch():
    global _events
    _events = []
    try:
        yield _events
    finally:
        _events = None


# -- pickles --------------------------------------------------------------------------------------------------
class _Payload:
    """Unpickling this creates `marker`: proof that loading ran code from the file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.fixture
def pickles(tmp_path):
    marker = tmp_path / "PWNED"
    payload = pickle.dumps(_Payload(marker))
    files = {}
    for name in ("style.bin", "style.pt", "style.ckpt", "style.pth", "style.PT", "style.safetensors",
                 "style.pkl", "weird.lora"):
        (tmp_path / name).write_bytes(payload)
        files[name] = tmp_path / name
    return marker, files


def test_lora_pickles_are_refused_before_anything_reads_them(pickles):
    marker, files = pickles
    with _watch() as seen:
        for name, path in files.items():
            _tally["cases"] += 1
            with pytest.raises(InvalidRequest) as info:
                check_lora_file(path)
            message = str(info.value)
            assert name in message and ("pickle" in message or "safetensors" in message), message
            with pytest.raises(InvalidRequest):
                resolve_loras([LoraSpec(path=str(path))])
    assert not marker.exists()
    assert not [e for e in seen if e[0] == "run"], seen
    opened = {p for kind, p in seen if kind == "read"}
    assert opened <= {str(files["style.safetensors"]), str(files["weird.lora"])} or opened <= {
        str(files["style.safetensors"])}, f"pickle files were opened: {opened}"


@pytest.mark.parametrize("name", ["model.ckpt", "model.pt", "model.bin", "model.pth"])
def test_pickle_checkpoints_as_the_local_model_are_refused(tmp_path, pickles, name):
    marker, _ = pickles
    path = tmp_path / name
    path.write_bytes(pickle.dumps(_Payload(marker)))
    _tally["cases"] += 1
    with pytest.raises(InvalidRequest, match="pickle"):
        parse_source(str(path))
    assert not marker.exists()


@pytest.mark.slow
def test_a_renamed_pickle_lora_fails_the_local_job_without_running_it(tmp_path, pickles, tiny_ltx_dir):
    from ltx_editor.generation.local.provider import LocalLTXProvider
    from ltx_editor.generation.request import CancelToken
    from tests.fakes.model_fixtures import tiny_request

    marker, files = pickles
    request = tiny_request(tiny_ltx_dir, loras=[LoraSpec(path=str(files["style.safetensors"]))])
    provider = LocalLTXProvider(max_sequence_length=16)
    out = tmp_path / "out"
    out.mkdir()

    async def go():
        try:
            return await provider.generate(request, out, lambda e: None, CancelToken())
        finally:
            await provider.close()

    _tally["cases"] += 1
    with pytest.raises(InvalidRequest, match="renamed pickle"):
        asyncio.run(go())
    assert not marker.exists() and list(out.iterdir()) == []


# -- hostile project files ------------------------------------------------------------------------------------
def _hostile(folder: Path, outside: Path, payload: bool) -> Path:
    """A project whose imported media point everywhere and whose fields look like code."""
    project, path = make_project(folder, n_clips=6)
    save_project(project, path)
    data = json.loads(path.read_text())
    takes = [t for a in data["assets"] for t in a["takes"] if a["kind"] != "generated"]
    hostile_paths = ["/etc/passwd", "../../../../../../etc/shadow", str(outside / "secret.txt"), "/dev/zero",
                     "/proc/self/environ", "\\\\evil-host\\share\\x.mp4", "~/.ssh/id_rsa", "$(touch PWNED)",
                     "`touch PWNED`", "file:///etc/passwd", "http://127.0.0.1:1/x.mp4"]
    for i, take in enumerate(takes):
        take["path"] = hostile_paths[i % len(hostile_paths)]
    data["name"] = "__import__('os').system('touch PWNED')"
    data["assets"][0]["name"] = "{{7*7}} ${jndi:ldap://x} <script>"
    if payload:  # an unknown field: the whole file is refused, which is also safe
        data["zz_payload"] = {"py/object": "os.system", "__reduce__": ["os.system", ["touch PWNED"]]}
    path.write_text(json.dumps(data))
    (folder / "demo_media" / "link_out.mp4").unlink(missing_ok=True)
    os.symlink(outside / "secret.txt", folder / "demo_media" / "link_out.mp4")
    return path


@pytest.mark.parametrize("payload", [False, True])
def test_a_hostile_project_runs_nothing_and_touches_nothing_outside(tmp_path, payload):
    folder, outside = tmp_path / "proj", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    path = _hostile(folder, outside, payload)
    warm = make_project(tmp_path / "warm", n_clips=2)  # lazy imports happen here, outside the watch
    save_project(*warm)
    load_project(warm[1])
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if not p.is_symlink()}
    outcome = "opened"
    with _watch() as seen:
        try:
            loaded = load_project(path, recover=True)
            save_project(loaded.project, path)
        except ProjectFileError as e:  # refusing is fine; running or reaching out is not
            outcome = f"refused: {e}"
    _tally["cases"] += 1
    assert not (folder / "PWNED").exists() and not Path("PWNED").exists()
    assert not [e for e in seen if e[0] == "run"], seen
    inside = str(folder.resolve()) + os.sep
    reads = [p for kind, p in seen if kind == "read" and not (p + os.sep).startswith(inside)]  # the folder: fsync
    writes = [p for kind, p in seen if kind == "write" and not (p + os.sep).startswith(inside)]
    assert reads == [] and writes == [], (outcome, reads, writes)
    assert (outside / "secret.txt").read_text() == "secret"
    changed = [p for p, t in before.items() if p.exists() and p.stat().st_mtime_ns != t and inside not in str(p) + os.sep]
    assert changed == []
    assert outcome.startswith("refused: demo.ltxproj is not a valid project: zz_payload") if payload else (
        outcome == "opened"), outcome
    if not payload:
        assert loaded.project.name.startswith("__import__")  # kept as plain text, never evaluated
        stored = {t.path for a in loaded.project.assets for t in a.takes}
        assert "/etc/passwd" in stored  # user-chosen media may live anywhere: kept as a path, only stat'ed


# -- download names -------------------------------------------------------------------------------------------
NAMES = ["../../etc/passwd", "/etc/passwd", "C:\\Windows\\system32\\x.mp4", "..\\..\\x.mp4", "%2e%2e%2fx.mp4",
         "a\x00b.mp4", "\x00", "", ".", "..", "...", ".bashrc", "CON", "con.mp4", "NUL.txt", "com1.mp4", "LPT9",
         "aux.tar.gz", "x" * 1000, "🎬" * 300 + ".mp4", "name\n.mp4", "a<b>c:d|e?f*.mp4", " spaced .mp4 ",
         "clip.mp4" + "\u202e" + "4pm.exe"]


@pytest.mark.parametrize("name", NAMES, ids=range(len(NAMES)))
def test_download_names_are_sanitized(tmp_path, name):
    _tally["cases"] += 1
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe and "\n" not in safe
    assert safe not in (".", "..") and not safe.startswith(".")
    assert len(safe.encode("utf-8")) <= 120
    stem = safe.split(".")[0].upper()
    assert stem not in {"CON", "PRN", "AUX", "NUL"} and not (stem[:3] in ("COM", "LPT") and len(stem) == 4)
    target = tmp_path / safe
    target.write_bytes(b"x")  # the name works on this file system and stays in the folder
    assert target.resolve().parent == tmp_path.resolve()
    assert url_filename(f"https://cdn.example/files/{name}") not in ("", ".", "..")
