"""`ltx-editor` headless commands (info, render) on real projects and media, exit codes, and main.py."""
from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from ltx_editor.cli import main
from ltx_editor.core.media import import_media, probe
from ltx_editor.core.project import Clip, Project, ProjectSettings, Track
from ltx_editor.core.project_io import save_project
from tests.fakes.media_factory import frame_numbers, numbered_video, tone

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "film.ltxproj"
    project = Project(name="Film", settings=ProjectSettings(fps=24, width=64, height=48), spent_usd=1.25,
                      budget_usd=10)
    video = import_media(project, path, numbered_video(tmp_path / "media" / "n.mp4", frames=30))
    music = import_media(project, path, tone(tmp_path / "media" / "m.wav", seconds=1.0))
    project.assets += [video, music]
    project.tracks = [
        Track(id="v1", kind="video", name="V1", clips=[
            Clip(id="c1", asset_id=video.id, take_id=video.active_take_id, start=0, in_frame=5, out_frame=20),
            Clip(id="c2", asset_id=video.id, take_id=video.active_take_id, start=20, in_frame=0, out_frame=10)]),
        Track(id="a1", kind="audio", name="Music", muted=True, clips=[
            Clip(id="c3", asset_id=music.id, take_id=music.active_take_id, start=0, out_frame=24)])]
    save_project(project, path)
    return path


def test_info_text_and_json(project_file, capsys):
    assert main(["info", str(project_file)]) == 0
    out = capsys.readouterr().out
    assert "Film" in out and "64x48 at 24 fps" in out and "(30 frames)" in out
    assert "3 clips on 2 tracks" in out and "[muted]" in out and "spent 1.25 USD of a 10.00 USD budget" in out
    assert "no missing media" in out
    (project_file.parent / "media" / "m.wav").unlink()
    assert main(["info", str(project_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["duration_frames"] == 30 and data["clips"] == 3 and data["spent_usd"] == 1.25
    assert [Path(m).name for m in data["missing_media"]] == ["m.wav"] and data["offline_assets"] == ["m"]


def test_render_with_progress_bar(project_file, tmp_path, capsys):
    out = tmp_path / "renders" / "film.mp4"
    assert main(["render", str(project_file), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "rendering [" in captured.err and "100%" in captured.err
    assert str(out) in captured.out
    assert frame_numbers(out) == list(range(5, 20)) + [0] * 5 + list(range(10))  # c1, a black gap, c2
    assert probe(out).audio_codec == "aac"


def test_errors_exit_1_with_message_and_hint(project_file, tmp_path, capsys):
    assert main(["info", str(tmp_path / "nope.ltxproj")]) == 1
    assert "does not exist" in capsys.readouterr().err
    broken = tmp_path / "broken.ltxproj"
    broken.write_text('{"schema_version": 1, "name": ')
    assert main(["render", str(broken), "-o", str(tmp_path / "x.mp4")]) == 1
    err = capsys.readouterr().err
    assert "damaged or truncated" in err and "Traceback" not in err
    (project_file.parent / "media" / "n.mp4").unlink()
    assert main(["render", str(project_file), "-o", str(tmp_path / "y.mp4")]) == 1
    err = capsys.readouterr().err
    assert "c1" in err and "missing" in err and "Relink" in err
    assert not (tmp_path / "y.mp4").exists()
    assert main(["render", str(project_file), "-o", str(tmp_path / "y.gif")]) == 1
    assert ".mp4" in capsys.readouterr().err


def test_gui_is_opened_lazily_with_the_project(monkeypatch, project_file):
    calls = []
    fake_app = types.ModuleType("ltx_editor.app")
    fake_app.main = lambda argv: calls.append(argv) or 0  # stands in for the Qt window, which would block
    monkeypatch.setitem(sys.modules, "ltx_editor.app", fake_app)
    assert main([str(project_file)]) == 0
    assert main([]) == 0
    assert [c[1:] for c in calls] == [[str(project_file)], []]
    assert main([str(project_file), "extra"]) == 2


def test_main_py_and_headless_commands_never_import_qt(project_file):
    help_run = subprocess.run([sys.executable, "main.py", "--help"], cwd=ROOT, capture_output=True, text=True,
                              timeout=60)
    assert help_run.returncode == 0 and "render" in help_run.stdout and "info" in help_run.stdout
    code = ("import sys; from ltx_editor.cli import main; rc = main(['info', sys.argv[1]]); "
            "print('QT' if any(m.startswith(('PySide6', 'torch')) for m in sys.modules) else 'NOQT'); sys.exit(rc)")
    run = subprocess.run([sys.executable, "-c", code, str(project_file)], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stdout.strip().endswith("NOQT"), run.stdout + run.stderr
    bad = subprocess.run([sys.executable, "main.py", "info", "missing.ltxproj"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 1 and "error:" in bad.stderr and "Traceback" not in bad.stderr
