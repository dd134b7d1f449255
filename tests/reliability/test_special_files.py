"""Only regular files are read (issue 16 item 1): FIFOs, devices, sockets, folders, dangling or chained
symlinks and oversized files, offered as a project, a recipe, an image, a LoRA or media.

Every reader — load_project, the recipe reader, load_image, the LoRA check, probe/import, the content hash,
the thumbnail key, the export plan — and the headless commands (`info`, `render`, `generate --from-sidecar`)
must answer each with a clear error naming the file, within a time limit (a FIFO opened the ordinary way
blocks forever; /dev/zero is endless), with no traceback, nothing in the folder changed and no file left.
"""
from __future__ import annotations

import os
import resource
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.export_plan import plan_export
from ltx_editor.core.media import import_media, probe
from ltx_editor.core.project import Asset, Clip, Keyframe, Project, Shot, Take, Track
from ltx_editor.core.project_io import MAX_FILE_BYTES as PROJECT_MAX_BYTES
from ltx_editor.core.project_io import load_project, save_project
from ltx_editor.core.safe_files import IMAGE_MAX_BYTES, RECIPE_MAX_BYTES
from ltx_editor.core.thumbnails import content_key
from ltx_editor.generation.hashing import file_sha256
from ltx_editor.generation.local.conditions import load_image
from ltx_editor.generation.lora import check_lora_file
from ltx_editor.generation.sidecar import read_sidecar
from tests.reliability.hardening import bounded, changes, record_tally, run_cli, snapshot
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)

_tally = {"cases": 0, "crashes": 0, "hangs": 0, "modified": 0, "left": 0}


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    record_tally("special_files", _tally)


# -- the special files ------------------------------------------------------------------------------------
def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _link_to(target: str):
    def make(p: Path) -> None:
        os.symlink(target, p)
    return make


def _link_fifo(p: Path) -> None:
    os.mkfifo(p.with_name("real_" + p.name))
    os.symlink("real_" + p.name, p)


def _chain_fifo(p: Path) -> None:
    os.mkfifo(p.with_name("pipe_" + p.name))
    os.symlink("pipe_" + p.name, p.with_name("hop_" + p.name))
    os.symlink("hop_" + p.name, p)


def _folder(p: Path) -> None:
    p.mkdir()


def _socket(p: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(p))
    s.close()  # the socket file stays


def _dangling(p: Path) -> None:
    os.symlink("nothing-here" + p.suffix, p)


KINDS = {"fifo": _fifo, "link_to_fifo": _link_fifo, "link_chain_to_fifo": _chain_fifo,
         "link_to_dev_zero": _link_to("/dev/zero"), "link_to_dev_urandom": _link_to("/dev/urandom"),
         "link_to_dev_null": _link_to("/dev/null"), "folder": _folder, "socket": _socket, "dangling_link": _dangling}


@pytest.fixture
def box():
    """A short folder under /tmp (a socket path must fit in 108 bytes), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="ltx-special-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _project_with_media(folder: Path, media: str) -> tuple[Project, Path]:
    take = Take(id="t", path=media, frame_count=24, fps=24, width=64, height=48)
    project = Project(name="p", assets=[Asset(id="a", name="a", kind="video", active_take_id="t", takes=[take])],
                      tracks=[Track(id="v", kind="video", clips=[Clip(id="c", asset_id="a", take_id="t", start=0,
                                                                           out_frame=24)])])
    return project, folder / "host.ltxproj"


def _export_plan(path: Path) -> object:
    project, host = _project_with_media(path.parent, path.name)
    return plan_export(project, host)


READERS = {  # name: (suffix, call)
    "load_project": (".ltxproj", load_project),
    "read_sidecar": (".json", read_sidecar),
    "load_image": (".png", load_image),
    "check_lora_file": (".safetensors", check_lora_file),
    "probe": (".mp4", probe),
    "import_media": (".mp4", lambda p: import_media(Project(name="x"), p.parent / "host.ltxproj", p)),
    "file_sha256": (".png", file_sha256),
    "thumbnail_key": (".mp4", content_key),
    "export_plan": (".mp4", _export_plan),
}
CASES = [(reader, kind) for reader in READERS for kind in KINDS]


def _judge(outcome, path: Path, before: dict, after: dict) -> list[str]:
    """Problems with one case (empty when it passed); tallied for the report."""
    _tally["cases"] += 1
    problems = []
    if outcome.hung:
        _tally["hangs"] += 1
        problems.append("hung")
    elif not isinstance(outcome.error, LtxEditorError):
        _tally["crashes"] += 1
        problems.append(f"no clear error: {outcome.error!r} / {outcome.value!r}"[:300])
    elif path.name not in outcome.error.message:
        problems.append(f"the error does not name {path.name}: {outcome.error.message}")
    modified, added = changes(before, after)
    _tally["modified"] += len(modified)
    _tally["left"] += len(added)
    if modified or added:
        problems.append(f"modified {modified}, left {added}")
    return problems


@pytest.mark.timeout(600)
@pytest.mark.parametrize("reader, kind", CASES)
def test_a_special_file_is_refused_at_once_by_every_reader(box, reader, kind):
    suffix, call = READERS[reader]
    path = box / f"{kind}{suffix}"
    KINDS[kind](path)
    before = snapshot(box)
    outcome = bounded(call, path, timeout=20)
    problems = _judge(outcome, path, before, snapshot(box))
    assert not problems, problems
    words = ("does not exist", "missing") if kind == "dangling_link" else (
        "not a file", "folder", "named pipe", "device", "socket", "Could not read")
    assert any(w in outcome.error.message for w in words), outcome.error.message


OVERSIZED = {"load_project": PROJECT_MAX_BYTES, "read_sidecar": RECIPE_MAX_BYTES, "load_image": IMAGE_MAX_BYTES}


@pytest.mark.parametrize("reader", sorted(OVERSIZED))
def test_an_oversized_file_is_refused_before_it_is_read(box, reader):
    suffix, call = READERS[reader]
    path = box / f"huge{suffix}"
    with open(path, "wb") as f:  # sparse: costs no disk, but reading it would fill memory
        f.truncate(OVERSIZED[reader] + 1)
    before = snapshot(box)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome = bounded(call, path, timeout=20)
    problems = _judge(outcome, path, before, snapshot(box))
    assert not problems, problems
    assert "too large" in outcome.error.message
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert grown_mb < 64, f"the refused file was read anyway (peak RSS grew {grown_mb:.0f} MB)"


# -- the headless commands ---------------------------------------------------------------------------------
CLI_KINDS = ["fifo", "link_to_fifo", "link_to_dev_zero", "link_to_dev_urandom", "folder", "socket",
             "dangling_link"]
COMMANDS = {  # name: (suffix, argv for the special file at PATH, the output OUT)
    "info": (".ltxproj", lambda path, out: ["info", str(path)]),
    "info --json": (".ltxproj", lambda path, out: ["info", str(path), "--json"]),
    "render": (".ltxproj", lambda path, out: ["render", str(path), "-o", str(out), "-q"]),
    "generate --from-sidecar": (".json", lambda path, out: ["generate", "--from-sidecar", str(path),
                                                            "-o", str(out), "-q"]),
}


def _judge_cli(result, path: Path, before: dict, after: dict) -> list[str]:
    _tally["cases"] += 1
    problems = []
    if result.hung:
        _tally["hangs"] += 1
        problems.append("hung")
    elif result.tracebacks or result.returncode in (0, None) or "error:" not in result.stderr:
        _tally["crashes"] += 1
        problems.append(f"exit {result.returncode}: {result.stderr[-800:]}")
    elif path.name not in result.stderr:
        problems.append(f"the error does not name {path.name}: {result.stderr}")
    modified, added = changes(before, after)
    _tally["modified"] += len(modified)
    _tally["left"] += len(added)
    if modified or added:
        problems.append(f"modified {modified}, left {added}")
    return problems


@pytest.mark.timeout(900)
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_headless_commands_refuse_special_project_and_recipe_files(box, command):
    """One child process per kind; each is killed (a hang) after 60 s and capped at 4 GB of address space,
    so a regression that reads /dev/zero fails the case instead of the machine."""
    suffix, argv = COMMANDS[command]
    failures = {}
    for kind in CLI_KINDS:
        path = box / f"{kind}{suffix}"
        KINDS[kind](path)
        before = snapshot(box)
        result = run_cli(*argv(path, box / "out.mp4"), memory_limit=4 << 30)
        problems = _judge_cli(result, path, before, snapshot(box))
        if problems:
            failures[kind] = problems
    assert not failures, failures


def test_render_refuses_a_project_whose_media_is_a_fifo(box):
    os.mkfifo(box / "clip.mp4")
    project, host = _project_with_media(box, "clip.mp4")
    save_project(project, host)
    before = snapshot(box)
    result = run_cli("render", str(host), "-o", str(box / "out.mp4"), "-q")
    problems = _judge_cli(result, box / "clip.mp4", before, snapshot(box))
    assert not problems, problems
    assert "named pipe" in result.stderr


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind", ["fifo", "link_to_dev_zero", "socket", "folder"])
def test_the_editor_open_refuses_a_special_project_file_without_blocking(main_window, qtbot, box, kind):
    """The editor's Open runs on the GUI thread: a FIFO opened the ordinary way would freeze the window."""
    path = box / f"{kind}.ltxproj"
    KINDS[kind](path)
    before = snapshot(box)
    with qtbot.waitSignal(main_window.app.errorOccurred, timeout=20_000) as shown:  # pytest-timeout bounds a block
        opened = main_window.app.openProject(str(path))
    _tally["cases"] += 1
    modified, added = changes(before, snapshot(box))
    _tally["modified"] += len(modified)
    _tally["left"] += len(added)
    assert not opened
    assert path.name in shown.args[0], shown.args
    assert not modified and not added, (modified, added)


@pytest.mark.timeout(120)
def test_the_editor_never_hands_qt_a_special_file(main_window, qtbot, box):
    """Qt opens an Image or a MediaPlayer source blocking: a FIFO keyframe, clip or source image would freeze
    the window (synchronous) or keep the editor from quitting (asynchronous). The views get no URL for them;
    the editor stays responsive and closes (this fixture's teardown)."""
    from PySide6.QtCore import QTimer

    from ltx_editor.ui.keyframes_model import KeyframesModel
    from ltx_editor.ui.storyboard_model import _url as shot_url

    for name in ("k.png", "v.mp4", "shot.png", "src.png"):
        os.mkfifo(box / name)
    project, host = _project_with_media(box, "v.mp4")
    project.keyframes.append(Keyframe(id="k", frame=0, image="k.png"))
    project.shots.append(Shot(id="s", start_image="shot.png"))
    save_project(project, host)
    before = snapshot(box)
    app = main_window.app
    assert app.openProjectFile(str(host), False)
    app.preview.showAsset("a", True)
    app.generate.use_source_image(str(box / "src.png"))
    ticked = []
    QTimer.singleShot(200, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: bool(ticked), timeout=10_000)  # the event loop still runs
    _tally["cases"] += 4
    assert app.preview.property("source") == ""
    assert app.generate.property("sourceImageUrl") == ""
    model = KeyframesModel(lambda stored: box / stored)
    model.rebuild(project.keyframes)
    assert model.get(0)["imageUrl"] == ""
    assert shot_url(host, "shot.png") == "" and shot_url(host, "v.mp4") == ""
    modified, added = changes(before, snapshot(box))
    assert not modified and all("lock" in a for a in added), (modified, added)  # only the project's lock
