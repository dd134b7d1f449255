"""Outputs never overwrite inputs (issue 16 item 2): every spelling of a file the job reads is refused.

A project with imported video, a still, a keyframe image, a generated clip with its recipe, its backup and
its autosave. Each is named as the output of an export in many spellings — relative, absolute, `./`,
`sub/../`, doubled slashes, a symlink, a chain of symlinks, a symlinked folder, a hard link — through the
core export (hypothesis), `ltx-editor render`, the editor's Export and `ltx-editor generate`. Every one is
refused with a clear error before anything is written: no input changes, no file is left. Exports to a new
name, or over an earlier export, still work.
"""
from __future__ import annotations

import itertools
import os
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ltx_editor.core.export import export_timeline
from ltx_editor.core.media import count_video_frames
from ltx_editor.core.output_guard import OutputOverwritesInput
from ltx_editor.core.project import Asset, Clip, Keyframe, Project, ProjectSettings, Take, Track
from ltx_editor.core.project_io import autosave, load_project, save_project
from ltx_editor.core.settings import GenerationMode, GenerationSettings
from ltx_editor.generation.request import Condition, GenerationRequest, GenerationResult
from ltx_editor.generation.sidecar import write_sidecar
from tests.fakes.media_factory import sample_video, still
from tests.reliability.hardening import bounded, changes, record_tally, run_cli, snapshot
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)

_tally = {"cases": 0, "crashes": 0, "modified": 0, "left": 0, "hangs": 0}
_alias_ids = itertools.count()


@pytest.fixture(scope="module", autouse=True)
def _figures():
    yield
    record_tally("output_guard", _tally)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The project folder: p.ltxproj (+ .bak, .autosave) and every kind of file a project names."""
    root = tmp_path_factory.mktemp("guard")
    (root / "media").mkdir()
    (root / "gen").mkdir()
    sample_video(root / "media" / "a.mp4", frames=24)
    sample_video(root / "media" / "b.mp4", frames=24)
    still(root / "media" / "still.png")
    still(root / "k.png", color="blue")
    sample_video(root / "gen" / "g.mp4", frames=24)
    settings_ = GenerationSettings(seed=7, width_override=64, height_override=64, num_frames_override=9, steps=2)
    request = GenerationRequest(mode=GenerationMode.IMAGE_TO_VIDEO, prompt="a fox", settings=settings_,
                                conditions=[Condition(kind="image", path=str(root / "media" / "still.png"))])
    result = GenerationResult(video_path=root / "gen" / "g.mp4", num_frames=24, fps=24, width=64, height=48, seed=7,
                              backend="local", model_id=settings_.model_id, prompt="a fox")
    write_sidecar(result, request, root / "gen" / "g.json")

    def take(tid: str, path: str, **kw) -> Take:
        return Take(id=tid, path=path, fps=24, width=64, height=48, **({"frame_count": 24} | kw))

    assets = [Asset(id="a", name="a", kind="video", active_take_id="ta", takes=[take("ta", "media/a.mp4")]),
              Asset(id="b", name="b", kind="video", active_take_id="tb", takes=[take("tb", "media/b.mp4")]),
              Asset(id="s", name="s", kind="image", active_take_id="ts", takes=[take("ts", "media/still.png",
                                                                                     frame_count=1)]),
              Asset(id="g", name="g", kind="generated", active_take_id="tg",
                    takes=[take("tg", "gen/g.mp4", sidecar="gen/g.json")])]
    clips = [Clip(id="c1", asset_id="a", take_id="ta", start=0, out_frame=24),
             Clip(id="c2", asset_id="s", take_id="ts", start=24, out_frame=12),
             Clip(id="c3", asset_id="b", take_id="tb", start=36, out_frame=24)]
    project = Project(name="guard", settings=ProjectSettings(width=64, height=48, fps=24), assets=assets,
                      tracks=[Track(id="v", kind="video", clips=clips)],
                      keyframes=[Keyframe(id="k", frame=0, image="k.png")])
    save_project(project, root / "p.ltxproj")
    save_project(project, root / "p.ltxproj")  # the second save leaves p.ltxproj.bak
    autosave(project, root / "p.ltxproj")
    os.utime(root / "p.ltxproj.autosave", ns=(1, 1))  # older than the file: opening it offers no recovery
    return root


TARGETS = ["media/a.mp4", "media/b.mp4", "media/still.png", "k.png", "gen/g.mp4", "gen/g.json", "p.ltxproj",
           "p.ltxproj.bak", "p.ltxproj.autosave"]
SPELLINGS = ["relative", "absolute", "dot", "up_and_down", "double_slashes", "symlink", "symlink_chain",
             "symlinked_folder", "hard_link"]


def spell(site: Path, target: str, how: str, aliases: Path) -> str:
    """`target` (relative to the site) named the `how` way; links are made in `aliases`."""
    real = site / target
    if how == "relative":
        return os.path.relpath(real)
    if how == "absolute":
        return str(real)
    if how == "dot":
        return str(real.parent / "." / real.name)
    if how == "up_and_down":
        return str(real.parent / ".." / real.parent.name / real.name) if real.parent != site else \
            str(site / "media" / ".." / real.name)
    if how == "double_slashes":
        return str(real).replace("/", "//")
    link = aliases / f"alias{Path(target).suffix or '.mp4'}"
    if how == "symlink":
        link.symlink_to(real)
    elif how == "symlink_chain":
        hop = aliases / f"hop{link.suffix}"
        hop.symlink_to(real)
        link.symlink_to(hop)
    elif how == "symlinked_folder":
        (aliases / "folder").symlink_to(real.parent)
        return str(aliases / "folder" / real.name)
    elif how == "hard_link":
        os.link(real, link)
    return str(link)


def _new_aliases(site: Path) -> Path:
    folder = site.parent / f"aliases-{next(_alias_ids)}"
    folder.mkdir()
    return folder


def _tally_folder(before: dict, after: dict) -> tuple[list, list]:
    modified, added = changes(before, after)
    _tally["modified"] += len(modified)
    _tally["left"] += len(added)
    return modified, added


# -- the core export ----------------------------------------------------------------------------------------
@pytest.mark.timeout(900)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(TARGETS), how=st.sampled_from(SPELLINGS))
def test_the_export_refuses_every_spelling_of_a_project_file(site, target, how):
    aliases = _new_aliases(site)
    try:
        out = spell(site, target, how, aliases)
        loaded = load_project(site / "p.ltxproj")
        before = snapshot(site), snapshot(aliases)
        cancel = threading.Event()  # bounds a wrongly started export: ffmpeg is stopped with the case
        outcome = bounded(export_timeline, loaded.project, loaded.path, out, cancel=cancel, timeout=30)
        cancel.set()
        _tally["cases"] += 1
        _tally["hangs"] += outcome.hung
        if not isinstance(outcome.error, OutputOverwritesInput):
            _tally["crashes"] += 1
        modified, added = _tally_folder(before[0], snapshot(site))
        modified2, added2 = _tally_folder(before[1], snapshot(aliases))
        assert isinstance(outcome.error, OutputOverwritesInput), (out, outcome)
        assert "Refusing to write the export" in outcome.error.message and outcome.error.hint
        assert not (modified or added or modified2 or added2), (modified, added, modified2, added2)
    finally:
        shutil.rmtree(aliases)


def test_a_new_name_or_an_earlier_export_is_still_written(site, tmp_path):
    """The guard refuses only the project's own files: a fresh name, the same name again (an earlier export)
    and a symlink to a file outside the project all export, with every frame."""
    loaded = load_project(site / "p.ltxproj")
    elsewhere = tmp_path / "elsewhere.mp4"
    elsewhere.write_bytes(b"an unrelated file")
    (tmp_path / "link.mp4").symlink_to(elsewhere)
    for out in (tmp_path / "new.mp4", tmp_path / "new.mp4", tmp_path / "link.mp4"):
        before = snapshot(site)
        outcome = bounded(export_timeline, loaded.project, loaded.path, out, timeout=120)
        _tally["cases"] += 1
        assert outcome.error is None and not outcome.hung, outcome
        assert count_video_frames(out) == loaded.project.duration()
        assert not any(_tally_folder(before, snapshot(site)))
    assert elsewhere.read_bytes() == b"an unrelated file"  # the link was replaced, not written through


# -- ltx-editor render ----------------------------------------------------------------------------------------
RENDER_CASES = [("media/a.mp4", "relative"), ("media/a.mp4", "up_and_down"), ("media/b.mp4", "symlink"),
                ("media/b.mp4", "hard_link"), ("gen/g.mp4", "symlinked_folder"), ("p.ltxproj", "symlink"),
                ("p.ltxproj.bak", "hard_link"), ("media/still.png", "symlink_chain"), ("k.png", "hard_link")]


@pytest.mark.timeout(900)
def test_render_refuses_to_overwrite_its_inputs(site):
    failures = {}
    for target, how in RENDER_CASES:
        aliases = _new_aliases(site)
        try:
            out = spell(site, target, how, aliases)
            if not out.endswith(".mp4"):  # render wants an .mp4 name: reach other files through a link
                link = aliases / "as_mp4.mp4"
                link.symlink_to(out)
                out = str(link)
            before = snapshot(site)
            result = run_cli("render", str(site / "p.ltxproj"), "-o", out, "-q", cwd=Path.cwd())
            _tally["cases"] += 1
            _tally["hangs"] += result.hung
            problems = []
            if result.returncode != 1 or result.tracebacks or "Refusing to write the export" not in result.stderr:
                _tally["crashes"] += 1
                problems.append(f"exit {result.returncode}: {result.stderr[-600:]}")
            modified, added = _tally_folder(before, snapshot(site))
            if modified or added:
                problems.append(f"modified {modified}, left {added}")
            if problems:
                failures[(target, how)] = problems
        finally:
            shutil.rmtree(aliases)
    assert not failures, failures


# -- the editor's Export --------------------------------------------------------------------------------------
@pytest.mark.timeout(300)
def test_the_editor_export_refuses_its_inputs_before_starting(main_window, qtbot, site):
    app = main_window.app
    assert app.openProjectFile(str(site / "p.ltxproj"), False)
    for target, how in [("media/a.mp4", "absolute"), ("media/b.mp4", "symlink"), ("gen/g.mp4", "hard_link"),
                        ("media/a.mp4", "up_and_down"), ("p.ltxproj", "symlink"), ("k.png", "symlink")]:
        aliases = _new_aliases(site)
        try:
            out = spell(site, target, how, aliases)
            if not out.endswith(".mp4"):  # the controller names a non-video target .mp4: link it so
                (aliases / "as_mp4.mp4").symlink_to(out)
                out = str(aliases / "as_mp4.mp4")
            before = snapshot(site)
            with qtbot.waitSignal(app.exporter.failed, timeout=10_000) as failed:
                started = app.exporter.start(out)
            _tally["cases"] += 1
            modified, added = _tally_folder(before, snapshot(site))
            assert not started and not app.exporter.property("running")
            assert "Refusing to write the export" in failed.args[0], failed.args
            assert not modified and not added
        finally:
            shutil.rmtree(aliases)


# -- ltx-editor generate ---------------------------------------------------------------------------------------
def _generate_cases(site: Path, aliases: Path) -> dict[str, list[str]]:
    png, video, recipe = site / "media" / "still.png", site / "media" / "a.mp4", site / "gen" / "g.json"
    lora = aliases / "style.safetensors"
    lora.write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00{}")
    (aliases / "png_link.mp4").symlink_to(png)
    os.link(png, aliases / "png_hard.mp4")
    os.link(lora, aliases / "recipe_is_lora.json")  # -o recipe_is_lora.mp4 would write its recipe over the LoRA
    base = ["generate", "--prompt", "a fox", "-q"]
    return {
        "image via symlink": [*base, "--image", str(png), "-o", str(aliases / "png_link.mp4")],
        "image via hard link": [*base, "--image", str(png), "-o", str(aliases / "png_hard.mp4")],
        "video itself": [*base, "--video", str(video), "-o", str(video)],
        "video via ..": [*base, "--video", str(video), "-o", str(site / "media" / ".." / "media" / "a.mp4")],
        "extended clip": [*base, "--extend", str(video), "-o", str(video)],
        "keyframe via symlink": [*base, "--keyframe", f"{png}@0", "-o", str(aliases / "png_link.mp4")],
        "recipe over the LoRA": [*base, "--lora", f"{lora}:0.5", "-o", str(aliases / "recipe_is_lora.mp4")],
        "replayed recipe": ["generate", "--from-sidecar", str(recipe), "-o", str(site / "gen" / "g.mp4"), "-q"],
    }


@pytest.mark.timeout(900)
def test_generate_refuses_outputs_that_are_its_inputs(site):
    aliases = _new_aliases(site)
    failures = {}
    try:
        for name, argv in _generate_cases(site, aliases).items():
            before = snapshot(site), snapshot(aliases)
            result = run_cli(*argv, cwd=Path.cwd())
            _tally["cases"] += 1
            _tally["hangs"] += result.hung
            problems = []
            if result.returncode != 1 or result.tracebacks or "Refusing to write the clip" not in result.stderr:
                _tally["crashes"] += 1
                problems.append(f"exit {result.returncode}: {result.stderr[-600:]}")
            modified, added = _tally_folder(before[0], snapshot(site))
            modified2, added2 = _tally_folder(before[1], snapshot(aliases))
            if modified or added or modified2 or added2:
                problems.append(f"modified {modified + modified2}, left {added + added2}")
            if problems:
                failures[name] = problems
    finally:
        shutil.rmtree(aliases)
    assert not failures, failures
