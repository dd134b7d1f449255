"""Bad project files: a hypothesis fuzzer mutates a valid project file, >= 1,000 cases.

Every case either opens cleanly (and then saves and reopens identically) or raises ProjectFileError with
a message naming the file. Loading never changes the file or writes anything anywhere (watched with a
Python audit hook); saving writes only beside the project file.

Overlapping clips in a file are refused with ProjectFileError rather than repaired: which clip should win
is the person's decision, and the .bak copy is the way back.
"""
from __future__ import annotations

import copy
import json
import os
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ltx_editor.core.errors import ProjectFileError
from ltx_editor.core.project import Project
from ltx_editor.core.project_io import autosave_path, backup_path, load_project, save_project
from tests.fakes.projects import make_project

MIN_CASES = 1000
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_WRITE_EVENTS = {"os.remove", "os.rename", "os.mkdir", "os.rmdir", "os.link", "os.symlink", "os.truncate",
                 "os.chmod", "os.utime", "os.chown", "shutil.rmtree", "shutil.copyfile", "shutil.move"}
_watch: list | None = None


def _audit(event: str, args: tuple) -> None:
    if _watch is None:
        return
    if event == "open" and isinstance(args[2], int) and args[2] & _WRITE_FLAGS or event in _WRITE_EVENTS:
        target = args[0]
        # A file descriptor was opened (and recorded) by path before; __pycache__ is the interpreter
        # caching the bytecode of a lazily imported module.
        if not isinstance(target, int) and "__pycache__" not in str(target):
            _watch.append((event, str(target)))


sys.addaudithook(_audit)  # audit hooks cannot be removed; outside `_writes()` it returns at once


@contextmanager
def _writes():
    global _watch
    _watch = []
    try:
        yield _watch
    finally:
        _watch = None


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    project, path = make_project(folder, n_clips=9)
    save_project(project, path)
    data = json.loads(path.read_text())
    return folder, data, _paths(data)


def _paths(node, prefix=()):
    """Every location in the JSON tree, containers included."""
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _parent(data, path):
    for part in path[:-1]:
        data = data[part]
    return data


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.sampled_from([10**18, -10**18, 10**300, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20), st.just("x" * 200_000),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.sampled_from(["../../../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "demo_media/../../x.mp4",
                     "\x00", "", "\\\\server\\share\\x.mp4", "é/ü/∂.mp4"]))


@st.composite
def structural(draw, base):
    """Wrong types, huge numbers, unknown fields, deleted and duplicated entries anywhere in the tree."""
    _, data, paths = base
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["set", "set", "delete", "unknown", "duplicate"]))
        try:
            parent, key = (_parent(data, path), path[-1]) if path else (None, None)
            target = parent[key] if path else data
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this place
        if op == "set" and path:
            parent[key] = draw(ODD_VALUES)
        elif op == "delete" and path:
            del parent[key]
        elif op == "unknown" and isinstance(target, dict):
            target[draw(st.sampled_from(["zz_unknown", "Name", "__class__"]))] = draw(ODD_VALUES)
        elif op == "duplicate" and isinstance(target, list) and target:
            target.append(copy.deepcopy(target[draw(st.integers(0, len(target) - 1))]))
    return "structural", json.dumps(data).encode()


@st.composite
def semantic(draw, base):
    """Plausible-looking but wrong content: negative durations, overlaps, escaping paths, odd versions."""
    _, data, _ = base
    data = copy.deepcopy(data)
    kind = draw(st.sampled_from(["negative", "overlap", "path", "version", "duration"]))
    clips = data["tracks"][0]["clips"]
    if kind == "negative":
        clip = clips[draw(st.integers(0, len(clips) - 1))]
        clip["out_frame"] = clip["in_frame"] - draw(st.integers(0, 100))
    elif kind == "overlap":
        clips[1]["start"] = clips[0]["start"] + draw(st.integers(0, clips[0]["out_frame"] - clips[0]["in_frame"] - 1))
    elif kind == "path":
        asset = data["assets"][draw(st.integers(0, len(data["assets"]) - 1))]
        field = draw(st.sampled_from(["path", "sidecar"]))
        asset["takes"][0][field] = draw(st.sampled_from([
            "../outside.mp4", "../../../../etc/passwd", "/etc/passwd", "demo_media/../../up.mp4",
            "demo_media/../demo_media/gen0_0.mp4", "C:/Users/x/v.mp4", "\\\\host\\share\\v.mp4", "~/v.mp4"]))
    elif kind == "version":
        data["schema_version"] = draw(st.sampled_from([0, -1, 2, 10**9, "1", 1.0, None, True, [1]]))
    else:
        data["shots"][0]["duration_s"] = draw(st.sampled_from([-1.0, 0.0, 1e308, 10**400]))
    return kind, json.dumps(data).encode()


@st.composite
def byte_level(draw, base):
    """Truncation, invalid UTF-8, flipped and deleted bytes of the real file."""
    folder, data, _ = base
    raw = json.dumps(data, indent=1).encode()
    kind = draw(st.sampled_from(["truncate", "utf8", "flip", "cut"]))
    at = draw(st.integers(0, len(raw) - 1))
    if kind == "truncate":
        raw = raw[:at]
    elif kind == "utf8":
        raw = raw[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"])) + raw[at:]
    elif kind == "flip":
        raw = raw[:at] + bytes([raw[at] ^ (1 << draw(st.integers(0, 7)))]) + raw[at + 1:]
    else:
        raw = raw[:at] + raw[at + draw(st.integers(1, 200)):]
    return kind, raw


@st.composite
def nesting(draw, base):
    """A value replaced by lists/dicts nested up to far beyond what a parser should follow."""
    _, data, paths = base
    depth = draw(st.sampled_from([2, 50, 500, 900, 990, 2000, 100_000]))
    path = draw(st.sampled_from([p for p in paths if p]))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    marker = "__NEST__"
    data = copy.deepcopy(data)
    _parent(data, path)[path[-1]] = marker
    text = json.dumps(data).replace(f'"{marker}"', opener * depth + "1" + closer * depth, 1)
    return "nesting", text.encode()


def _tree(folder: Path) -> dict:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


def _check_case(folder: Path, name: str, content: bytes, stats: Counter, kind: str) -> None:
    path = folder / name
    path.write_bytes(content)
    before = _tree(folder)
    loaded = None
    with _writes() as writes:
        try:
            loaded = load_project(path)
            load_project(path, recover=True)
        except ProjectFileError as e:
            message = str(e)
            assert name in message and "Traceback" not in message and len(message) < 3000, message
            if kind == "overlap":
                assert "overlap" in message
            stats[f"{kind}: clear error"] += 1
    assert writes == [], f"loading wrote {writes}"
    assert path.read_bytes() == content and _tree(folder) == before
    if loaded is not None:
        assert kind != "overlap", "overlapping clips were accepted"
        stats[f"{kind}: opened"] += 1
        Project.model_validate(loaded.project.model_dump())  # every invariant holds
        with _writes() as writes:
            save_project(loaded.project, path)
        assert writes, "the audit hook saw no writes: it would not notice a load writing either"
        outside = [w for w in writes if not Path(w[1]).resolve().is_relative_to(folder.resolve())]
        assert outside == [], f"saving wrote outside the project folder: {outside}"
        assert load_project(path).project.model_dump() == loaded.project.model_dump()
    for leftover in (path, backup_path(path), autosave_path(path)):
        leftover.unlink(missing_ok=True)


def test_fuzzed_project_files_open_cleanly_or_fail_clearly(base):
    folder = base[0]
    stats: Counter = Counter()
    cases = st.one_of(structural(base), structural(base), semantic(base), byte_level(base), nesting(base))

    @settings(max_examples=MIN_CASES + 100, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(case=cases)
    def run(case):
        kind, content = case
        stats["cases"] += 1
        _check_case(folder, "case.ltxproj", content, stats, kind)

    run()
    print("\n" + ", ".join(f"{k}: {v}" for k, v in sorted(stats.items())))
    assert stats["cases"] >= MIN_CASES
    assert sum(v for k, v in stats.items() if k.endswith("opened")) > 0  # not everything was refused


def test_symlinked_media_and_project_file(base, tmp_path):
    folder = base[0]
    outside = tmp_path / "elsewhere.mp4"
    outside.write_bytes(b"not really a video")
    link = folder / "demo_media" / "linked.mp4"
    link.symlink_to(outside)
    data = copy.deepcopy(base[1])
    data["assets"][0]["takes"][0]["path"] = "demo_media/linked.mp4"  # a generated take through a link
    stats: Counter = Counter()
    try:
        _check_case(folder, "linked.ltxproj", json.dumps(data).encode(), stats, "symlink")
        # The project file itself a symlink to a file in another folder: opens, and is never modified.
        real = tmp_path / "real.ltxproj"
        real.write_text(json.dumps(base[1]))
        alias = folder / "alias.ltxproj"
        alias.symlink_to(real)
        with _writes() as writes:
            assert load_project(alias).project.name == "demo"
        assert writes == [] and real.read_text() == json.dumps(base[1])
        alias.unlink()
    finally:
        link.unlink()
    assert stats["symlink: opened"] == 1
