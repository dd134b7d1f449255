"""Hostile file names through ffmpeg (issue 16 item 3): every argument and concat list entry passed safely.

Hypothesis draws media and folder names from pieces that mean something to ffmpeg or a shell: line breaks
(the concat list is read line by line, so a name could add `file`/`inpoint` directives), quotes, backslashes,
leading dashes (an option), `pipe:`/`concat:` (a protocol), `%d` (an image sequence), globs, ESC. Each
project is imported, probed and exported: the export holds exactly the timeline's frames, each one from the
right file at the right place (numbered frames read back from the pixels); clips in safe names still go
through the stream copy; nothing is modified and no temp file is left.
"""
from __future__ import annotations

import itertools
import os
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ltx_editor.core.errors import LtxEditorError
from ltx_editor.core.export import export_timeline, prepare
from ltx_editor.core.media import import_media, probe
from ltx_editor.core.project import Asset, Clip, Project, ProjectSettings, Take, Track
from ltx_editor.core.project_io import save_project
from tests.fakes.media_factory import frame_numbers, numbered_video, sample_video, still
from tests.reliability.hardening import bounded, changes, record_tally, run_cli, snapshot

_tally = {"cases": 0, "crashes": 0, "hangs": 0, "modified": 0, "left": 0}
_ids = itertools.count()
GOP = 12

PIECES = ["a", "clip", "-", "--", "-i", "\n", "\r", "\r\n", "'", '"', "\\", "%d", "%%", "%03d", ":", "pipe:",
          "concat:", "file:", "file ", "file 'n.mp4'", "inpoint 5", "|", ";", " ", "#", "$HOME", "`id`",
          "*", "?", "[0]", "{a,b}", ",", "=", "\t", "\x1b[31m", "\x07", "é", "✓", "ffconcat version 1.0"]
names = st.lists(st.sampled_from(PIECES), min_size=1, max_size=5).map("".join).filter(
    lambda n: n not in (".", "..") and "/" not in n and len(n.encode()) < 120)


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    record_tally("ffmpeg_names", _tally)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("names-src")
    return {"numbered": numbered_video(root / "n.mp4", frames=36, gop=GOP), "other": sample_video(root / "o.mp4"),
            "still": still(root / "s.png", color="0x787878")}


def _project(folder: Path, media: list[str], still_name: str | None) -> tuple[Project, list[int]]:
    """Clip i shows frames [GOP*(i%3), +GOP) of its numbered copy (a keyframe span: copyable); a still
    (grey 0x78 = 20 * LEVEL: read back as 20) goes in the middle. Returns the expected frame numbers."""
    assets, clips, expected, start = [], [], [], 0
    for i, rel in enumerate(media):
        first = GOP * (i % 3)
        assets.append(Asset(id=f"a{i}", name=rel, kind="video", active_take_id=f"t{i}",
                            takes=[Take(id=f"t{i}", path=rel, frame_count=36, fps=24, width=64, height=48)]))
        clips.append(Clip(id=f"c{i}", asset_id=f"a{i}", take_id=f"t{i}", start=start, in_frame=first,
                          out_frame=first + GOP))
        expected += list(range(first, first + GOP))
        start += GOP
        if i == 0 and still_name is not None:
            assets.append(Asset(id="s", name=still_name, kind="image", active_take_id="ts",
                                takes=[Take(id="ts", path=still_name, frame_count=1, fps=24, width=64, height=48)]))
            clips.append(Clip(id="cs", asset_id="s", take_id="ts", start=start, out_frame=6))
            expected += [20] * 6
            start += 6
    project = Project(name="names", settings=ProjectSettings(width=64, height=48, fps=24), assets=assets,
                      tracks=[Track(id="v", kind="video", clips=clips)])
    return project, expected


def _export_case(sources: dict, folder_name: str, media: list[str], still_name: str | None) -> None:
    box = sources["numbered"].parent.parent / f"case-{next(_ids)}"
    try:
        sub = box / folder_name
        sub.mkdir(parents=True)
        rels = [f"{folder_name}/{n}" for n in media]
        for rel in rels:
            shutil.copy(sources["numbered"], box / rel)
        if still_name is not None:
            shutil.copy(sources["still"], box / still_name)
        project, expected = _project(box, rels, still_name)
        save_project(project, box / "p.ltxproj")
        before = snapshot(box)
        _tally["cases"] += 1
        for rel in rels:  # import reads each name as itself
            asset = import_media(Project(name="i"), box / "p.ltxproj", box / rel)
            assert asset.takes[0].frame_count == 36, rel
        safe = not any(c in "".join(rels) for c in "\n\r")
        assert prepare(project, box / "p.ltxproj")[1].stream_copy == (safe and still_name is None)
        cancel = threading.Event()
        out = box / "out.mp4"
        outcome = bounded(export_timeline, project, box / "p.ltxproj", out, cancel=cancel, timeout=120)
        cancel.set()
        _tally["hangs"] += outcome.hung
        modified, added = changes(before, snapshot(box))
        _tally["modified"] += len(modified)
        _tally["left"] += len([a for a in added if a != "out.mp4"])
        if outcome.hung or outcome.error is not None:
            _tally["crashes"] += 1
        assert not outcome.hung and outcome.error is None, (media, still_name, outcome)
        assert frame_numbers(out) == expected, (folder_name, media, still_name)
        assert not modified and added == ["out.mp4"], (modified, added)
    finally:
        shutil.rmtree(box, ignore_errors=True)


@pytest.mark.timeout(1800)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(folder=names, media=st.lists(names, min_size=1, max_size=3), still_name=st.none() | names)
@example(folder="media", media=["x\nfile 'n.mp4'\n#", "y"], still_name=None)  # the injection in the issue
@example(folder="-dir", media=["-i", "pipe:1", "concat:a|b"], still_name="%d")
@example(folder="a\rb", media=["'", '"', "\\"], still_name="frame%03d")
def test_hostile_names_import_and_export_frame_exact(sources, folder, media, still_name):
    media = [f"{n}{i}.mp4" for i, n in enumerate(media)]  # distinct, and an .mp4 as the editor names them
    _export_case(sources, folder, media, None if still_name is None else f"{still_name}.png")


@pytest.mark.timeout(300)
def test_render_cannot_be_made_to_read_another_file_through_a_name(sources, tmp_path):
    """The issue's attack, end to end through `ltx-editor render`: written as a concat list line, this name
    would open clip.mp4 (another video: its quote is never closed), cut it to 0.1 s and comment the rest."""
    shutil.copy(sources["other"], tmp_path / "clip.mp4")
    hostile = "clip.mp4\nduration 0.1\n#.mp4"
    shutil.copy(sources["numbered"], tmp_path / hostile)
    shutil.copy(sources["numbered"], tmp_path / "plain.mp4")
    project, expected = _project(tmp_path, [hostile, "plain.mp4"], None)
    save_project(project, tmp_path / "p.ltxproj")
    before = snapshot(tmp_path)
    result = run_cli("render", str(tmp_path / "p.ltxproj"), "-o", str(tmp_path / "out.mp4"), "-q")
    _tally["cases"] += 1
    assert result.returncode == 0 and not result.tracebacks, result.stderr
    assert frame_numbers(tmp_path / "out.mp4") == expected
    modified, added = changes(before, snapshot(tmp_path))
    assert not modified and added == ["out.mp4"]


@pytest.mark.timeout(300)
def test_a_plain_link_to_a_hostile_name_is_not_written_into_the_concat_list(sources, tmp_path):
    """The concat list names the file a link resolves to: a link called plain.mp4 to the issue's hostile
    name must not smuggle the name's directives in."""
    shutil.copy(sources["other"], tmp_path / "clip.mp4")
    hostile = tmp_path / "clip.mp4\nduration 0.1\n#.mp4"
    shutil.copy(sources["numbered"], hostile)
    (tmp_path / "plain.mp4").symlink_to(hostile.name)
    shutil.copy(sources["numbered"], tmp_path / "second.mp4")
    project, expected = _project(tmp_path, ["plain.mp4", "second.mp4"], None)
    before = snapshot(tmp_path)
    _tally["cases"] += 1
    outcome = bounded(export_timeline, project, tmp_path / "p.ltxproj", tmp_path / "out.mp4", timeout=120)
    assert not outcome.hung and outcome.error is None, outcome
    assert frame_numbers(tmp_path / "out.mp4") == expected
    assert changes(before, snapshot(tmp_path)) == ([], ["out.mp4"])


@pytest.mark.parametrize("raw", [b"bad\xff.mp4", b"\xc3(.mp4", b"\xed\xa0\x80.mp4"])
def test_a_name_that_is_not_text_is_refused_in_words(sources, tmp_path, raw):
    """A name with bytes that are not UTF-8 cannot be stored in a project (JSON text): import refuses it
    with a clear error naming it, not a validation traceback."""
    bad = tmp_path / os.fsdecode(raw)
    shutil.copy(sources["numbered"], bad)
    before = snapshot(tmp_path)
    project = Project(name="p")
    _tally["cases"] += 1
    outcome = bounded(import_media, project, tmp_path / "p.ltxproj", bad, timeout=60)
    assert isinstance(outcome.error, LtxEditorError), outcome.error
    assert "not valid text" in outcome.error.message and project.assets == []
    assert changes(before, snapshot(tmp_path)) == ([], [])


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", ["pipe:0.mp4", "-i.mp4", "concat:n.mp4", "file:x.mp4", "%d.mp4"])
def test_a_relative_hostile_name_is_read_as_a_file(sources, tmp_path, monkeypatch, name):
    """Condition videos are read through imageio-ffmpeg: a relative `pipe:0.mp4` must be that file, not
    ffmpeg's standard input (which would wait forever), nor `-i.mp4` an option."""
    from ltx_editor.generation.local.conditions import count_frames, load_video_frames

    shutil.copy(sources["numbered"], tmp_path / name)
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    _tally["cases"] += 1
    counted = bounded(count_frames, name, timeout=60)
    frames = bounded(load_video_frames, name, "first", 2, timeout=60)
    _tally["hangs"] += counted.hung or frames.hung
    assert counted.value == 36 and not counted.hung, counted
    assert frames.value is not None and len(frames.value) == 2, frames
    probed = bounded(probe, name, timeout=60)  # and the editor's own probe, the same way
    assert probed.error is None and probed.value.frame_count == 36, probed
    assert changes(before, snapshot(tmp_path)) == ([], [])


@pytest.mark.timeout(300)
@pytest.mark.parametrize("folder", ["pipe:1", "-o", "file:x"])
def test_an_export_into_a_relative_folder_with_a_hostile_name_writes_that_file(sources, tmp_path, monkeypatch,
                                                                                folder):
    """`render -o pipe:1/out.mp4`: the temp file beside the output must be written as a file, not to ffmpeg's
    standard output (its progress pipe) or taken for an option."""
    shutil.copy(sources["numbered"], tmp_path / "n.mp4")
    (tmp_path / folder).mkdir()
    project, expected = _project(tmp_path, ["n.mp4"], None)
    monkeypatch.chdir(tmp_path)
    _tally["cases"] += 1
    outcome = bounded(export_timeline, project, tmp_path / "p.ltxproj", Path(folder) / "out.mp4", timeout=120)
    _tally["hangs"] += outcome.hung
    assert not outcome.hung and outcome.error is None, outcome
    assert frame_numbers(tmp_path / folder / "out.mp4") == expected
    assert sorted(os.listdir(tmp_path / folder)) == ["out.mp4"]
