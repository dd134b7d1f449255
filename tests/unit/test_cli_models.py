"""`ltx-editor models` and `ltx-editor doctor` as a person runs them (the real entry point, a fake Hub through
HF_ENDPOINT), and defaults that fit: `generate --backend replicate` picks a model Replicate can run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ltx_editor.cli import main
from ltx_editor.cli_generate import _parser, build_request
from ltx_editor.core.catalog import CATALOG
from tests.fakes.hf_hub_server import FakeHub, diffusers_repo

MODEL, REPO = "ltxv-2b-0.9.5", "Lightricks/LTX-Video-0.9.5"
FAKE_BIN = Path(__file__).resolve().parents[1] / "fakes" / "bin"


def test_models_list_json_and_text(tmp_path, capsys):
    assert main(["models", "list", "--json", "--models-dir", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["models_dir"] == str(tmp_path)
    ids = [m["model_id"] for m in data["models"]]
    assert MODEL in ids and all(m["state"] == "absent" for m in data["models"])
    assert all("local" in CATALOG[i].backends for i in ids)
    assert main(["models", "--models-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "state" in out and MODEL in out


def test_download_then_remove_through_the_cli(tmp_path, monkeypatch):
    with FakeHub() as hub:
        hub.add_repo(REPO, diffusers_repo(2))
        env = {**os.environ, "HF_ENDPOINT": hub.base_url, "XDG_CONFIG_HOME": str(tmp_path / "config")}
        run = [sys.executable, "-m", "ltx_editor.cli", "models"]
        done = subprocess.run([*run, "download", MODEL, "--models-dir", str(tmp_path / "m"), "--json"],
                              capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    stages = [json.loads(line)["stage"] for line in done.stdout.splitlines()]
    assert stages[0] == "planning" and stages[-1] == "done"
    listed = subprocess.run([*run, "list", "--json", "--models-dir", str(tmp_path / "m")], capture_output=True,
                            text=True, env=env, timeout=60)
    entry = next(m for m in json.loads(listed.stdout)["models"] if m["model_id"] == MODEL)
    assert entry["state"] == "downloaded" and entry["size_bytes"] > 2 * 1024 * 1024
    gone = subprocess.run([*run, "remove", MODEL, "--models-dir", str(tmp_path / "m")], capture_output=True,
                          text=True, env=env, timeout=60)
    assert gone.returncode == 0 and "GB freed" in gone.stdout


def test_download_refused_for_lack_of_space_exits_3(tmp_path):
    with FakeHub() as hub:
        hub.add_repo(REPO, diffusers_repo(1), claimed_size=1024**5)
        env = {**os.environ, "HF_ENDPOINT": hub.base_url, "XDG_CONFIG_HOME": str(tmp_path / "config")}
        done = subprocess.run([sys.executable, "-m", "ltx_editor.cli", "models", "download", MODEL,
                               "--models-dir", str(tmp_path / "m")], capture_output=True, text=True, env=env,
                              timeout=120)
    assert done.returncode == 3 and "GB free" in done.stderr and "Traceback" not in done.stderr


def test_unknown_model_and_missing_id_are_errors_in_words(tmp_path, capsys):
    assert main(["models", "download", "no-such-model", "--models-dir", str(tmp_path)]) == 1
    assert "Known local models" in capsys.readouterr().err
    assert main(["models", "remove"]) == 2


def test_doctor_reports_everything_and_never_a_key(tmp_path, monkeypatch, capsys):
    key = "r8_DoctorMustNeverPrintThis000000"
    monkeypatch.setenv("REPLICATE_API_TOKEN", key)
    monkeypatch.setenv("PATH", f"{FAKE_BIN}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_NVIDIA_SMI", "two")
    assert main(["doctor", "--json", "--models-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    report = json.loads(out)
    assert key not in out
    assert report["cloud_keys"]["replicate"] == {"present": True, "from": "environment"}
    assert report["cloud_keys"]["fal"]["present"] is False
    assert [g["name"] for g in report["hardware"]["gpus"]][0] == "NVIDIA GeForce RTX 4090"
    assert report["ffmpeg"]["ok"] and report["models_folder"]["path"] == str(tmp_path)
    assert report["torch"]["build"] in ("cpu", "cuda", "rocm", "mps", "xpu", "absent")
    assert main(["doctor", "--models-dir", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "RTX 4090" in text and key not in text and "replicate key present (from environment)" in text


@pytest.mark.parametrize("backend", ["replicate", "fal", "local"])
def test_generate_defaults_to_a_model_the_backend_can_run(backend, tmp_path):
    parser = _parser()
    args = parser.parse_args(["--backend", backend, "--prompt", "a cat", "-o", str(tmp_path / "x.mp4")])
    request = build_request(args, parser)
    model = CATALOG[request.settings.model_id]
    assert model.supports(backend, request.mode), (backend, model.id)
