"""Untrusted text is shown, never obeyed (issue 16 item 9): `info`, error messages and the log escape ESC,
BEL, C1 and the other control characters.

Hypothesis draws any Unicode text, and text built from terminal attacks (colour and cursor sequences, an
OSC title and an OSC 8 link ended by BEL, CSI as the single C1 byte U+009B, CR to overwrite a line, LF to
forge a log line, bidi overrides). The sanitiser leaves ordinary text alone and escapes every control
character; `ltx-editor info` on projects whose names, tracks and media paths hold them prints none; the log
file holds none and a hostile message cannot start a line of its own.
"""
from __future__ import annotations

import io
import json
import logging
import re
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ltx_editor.cli import main as cli_main
from ltx_editor.core.project import Asset, Clip, Project, Take, Track
from ltx_editor.core.project_io import save_project
from ltx_editor.core.safe_text import for_log, for_terminal
from ltx_editor.logs import setup_logging
from tests.reliability.hardening import bounded, record_tally, run_cli

_tally = {"cases": 0, "crashes": 0, "hangs": 0}
ATTACKS = ["\x1b[31m", "\x1b[2J", "\x1b]0;pwned\x07", "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\", "\x9b1;1H",
           "\x07", "\r", "\n2026-01-01 00:00:00 WARNING fake: forged", "\u202e", "\u2066", "\x00", "\x7f", "\x85",
           "\x1b[?1049h", "\x08", "\t", "\x0c", "plain", "é✓", " "]
hostile = st.lists(st.sampled_from(ATTACKS), min_size=1, max_size=6).map("".join)
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    record_tally("terminal_text", _tally)


@settings(max_examples=300, deadline=None)
@given(text=st.text() | hostile)
def test_the_sanitiser_escapes_every_control_and_nothing_else(text):
    _tally["cases"] += 1
    shown = for_terminal(text)
    assert not CONTROLS.search(shown)
    if not CONTROLS.search(text):
        assert shown == text
    logged = for_log(text)
    assert not CONTROLS.search(logged.replace("\n", "").replace("\t", ""))
    assert all(line.startswith("    ") for line in logged.split("\n")[1:])


def _hostile_project(folder: Path, name: str) -> Path:
    take = Take(id="t", path=f"gone{name}.mp4", frame_count=24, fps=24, width=64, height=48)
    project = Project(name=name, assets=[Asset(id="a", name=name, kind="video", active_take_id="t", takes=[take])],
                      tracks=[Track(id="v", kind="video", name=name,
                                    clips=[Clip(id="c", asset_id="a", take_id="t", start=0, out_frame=24)])])
    path = folder / "p.ltxproj"
    save_project(project, path)
    return path


def _info(path: Path, *flags: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(["info", str(path), *flags])
    return code, out.getvalue(), err.getvalue()


@pytest.mark.timeout(600)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=hostile.filter(lambda n: "\x00" not in n and "/" not in n))
def test_info_prints_no_control_character_from_a_project(name):
    folder = Path(tempfile.mkdtemp(prefix="ltx-tty-"))
    try:
        path = _hostile_project(folder, name.replace("\n", " ") if len(name) > 200 else name)
        outcome = bounded(_info, path, timeout=60)
        _tally["cases"] += 1
        _tally["hangs"] += outcome.hung
        if outcome.error is not None:
            _tally["crashes"] += 1
        assert not outcome.hung and outcome.error is None, outcome
        code, out, err = outcome.value
        assert code == 0 and not err
        lines = out.rstrip("\n").split("\n")
        assert not CONTROLS.search("".join(lines)), out
        assert for_terminal(name) in lines[0]  # shown, escaped, not dropped
        assert sum("missing media" in line for line in lines) == 1 and len(lines) == 7, lines
        code, out, _ = bounded(_info, path, "--json", timeout=60).value
        assert code == 0 and not CONTROLS.search(out.replace("\n", ""))
        assert json.loads(out)["name"] == name  # the machine-readable form keeps the text exactly
    finally:
        shutil.rmtree(folder)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("attack", ATTACKS[:8])
@pytest.mark.parametrize("command", ["info", "generate"])
def test_error_messages_on_the_terminal_are_escaped(tmp_path, attack, command):
    """An error naming a hostile path (a project or recipe that does not exist) prints it escaped."""
    missing = tmp_path / f"no{attack.replace(chr(0), '')}.json".replace("/", "_")
    argv = ["info", str(missing)] if command == "info" else \
        ["generate", "--from-sidecar", str(missing), "-o", str(tmp_path / "out.mp4")]
    result = run_cli(*argv, timeout=60)
    _tally["cases"] += 1
    _tally["hangs"] += result.hung
    _tally["crashes"] += bool(result.tracebacks)
    assert result.returncode == 1 and not result.tracebacks
    assert "does not exist" in result.stderr
    assert not CONTROLS.search(result.stderr.replace("\n", "")), ascii(result.stderr)


@pytest.fixture
def log_file(tmp_path):
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    path = setup_logging(folder=tmp_path)
    yield path
    for h in root.handlers[:]:
        if h not in handlers:
            root.removeHandler(h)
            h.close()
    root.setLevel(level)


def test_the_log_holds_no_control_character_and_no_forged_line(log_file):
    terminal = io.StringIO()  # what the stderr handler would have shown on the terminal
    for h in logging.getLogger().handlers:
        if type(h) is logging.StreamHandler and h.formatter is not None:
            h.setStream(terminal)
    log = logging.getLogger("ltx_editor.test_terminal_text")
    for attack in ATTACKS:
        log.warning("clip %s finished", attack)
        _tally["cases"] += 1
    try:
        raise ValueError("boom\x1b[31m")
    except ValueError:
        log.exception("job failed for %s", "\x9bname")
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text(encoding="utf-8")
    stderr = terminal.getvalue()
    for shown in (text, stderr):
        assert not CONTROLS.search(shown.replace("\n", "").replace("\t", "")), ascii(shown)
        records = [line for line in shown.split("\n") if line and not line.startswith("    ")]
        assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (WARNING|ERROR) ", r) for r in records), records
        assert len(records) == len(ATTACKS) + 1  # one record per call: nothing forged
        assert "Traceback" in shown and "boom\\x1b[31m" in shown
