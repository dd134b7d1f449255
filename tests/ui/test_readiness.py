"""Honest readiness in the generate panel, one test per state: no GPU, a torch build that cannot use the GPU,
the model not downloaded (or partly), too big for this GPU, ready; and each offered fix does what it says.

The GPUs come from the fake nvidia-smi on PATH through the real probe; the "CUDA torch" state swaps only the
probe's torch field (this machine has the CPU wheel), the rest of the Hardware value is the probe's own.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from PySide6.QtQuick import QQuickItem

from ltx_editor.generation import hardware
from ltx_editor.generation.hardware import TorchInfo
from tests.fakes.hf_hub_server import FakeHub, diffusers_repo
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import click

FAKE_BIN = Path(__file__).resolve().parents[1] / "fakes" / "bin"
SMALL, SMALL_REPO = "ltxv-2b-0.9.5", "Lightricks/LTX-Video-0.9.5"  # needs 8 GB (diffusers layout)
BIG = "ltxv-13b-0.9.7-distilled"  # needs ~30 GB


@pytest.fixture
def gpus(monkeypatch):
    """Returns set(mode, cuda=True): probe the fake nvidia-smi in that mode, torch a CUDA build or not."""
    monkeypatch.setenv("PATH", f"{FAKE_BIN}{os.pathsep}{os.environ['PATH']}")

    def set_mode(w, mode: str, cuda: bool = True) -> hardware.Hardware:
        monkeypatch.setenv("FAKE_NVIDIA_SMI", mode)
        hw = hardware.probe(w.app.modelManager.modelsFolder, refresh=True)
        if cuda:
            hw = dataclasses.replace(hw, torch=TorchInfo("cuda", "2.13.0+cu128", "12.8"))
        w.app.modelManager.set_hardware(hw)
        return hw

    return set_mode


@pytest.fixture
def window(main_window, tmp_path):
    w = main_window
    w.prefs.modelCacheDir = str(tmp_path / "models")
    w.app.generate.backend = "local"
    return w


def status(w) -> tuple[str, str]:
    fix = w.find("backendFix", QQuickItem)
    return (w.find("backendStatus", QQuickItem).property("text"),
            fix.property("text") if fix.property("visible") else "")


def local(w) -> dict:
    return next(b for b in w.app.generate.backends if b["id"] == "local")


def test_no_gpu_offers_the_cloud_with_its_price_or_the_cpu(window, gpus, qtbot):
    w = window
    gpus(w, "none", cuda=False)
    qtbot.waitUntil(lambda: "no GPU found" in status(w)[0])
    text, fix = status(w)
    assert "min per clip" in text and fix.startswith("Generate on fal.ai") and "$" in fix
    assert not w.app.generate.canGenerate
    click(w.window, w.find("backendFix", QQuickItem))
    qtbot.waitUntil(lambda: w.app.generate.backend == "fal")
    assert w.app.generate.modelId in [m.id for m in w.app.generate.models.items]  # fal can run it


def test_cpu_torch_on_an_nvidia_box_says_install(window, gpus, qtbot):
    w = window
    gpus(w, "two", cuda=False)
    qtbot.waitUntil(lambda: local(w)["action"] == "install-local")
    assert "CPU build cannot use the NVIDIA GeForce RTX 4090" in status(w)[0]


def test_not_downloaded_offers_the_download_with_its_size(window, gpus, qtbot):
    w = window
    gpus(w, "two")
    w.app.generate.modelId = SMALL
    qtbot.waitUntil(lambda: local(w)["action"] == f"download:{SMALL}")
    text, fix = status(w)
    assert "is not downloaded" in text and "GB" in text and fix.startswith("Download")


def test_too_big_for_this_gpu_offers_a_smaller_model(window, gpus, qtbot, tmp_path):
    w = window
    gpus(w, "one8")
    w.prefs.localModelPath = str(tmp_path)  # weights of one's own: only the fit is left to judge
    w.app.generate.modelId = BIG
    qtbot.waitUntil(lambda: local(w)["action"].startswith("model:"))
    text, fix = status(w)
    assert f"needs {w.app.modelManager.entries()[BIG].vram_gb:.0f} GB VRAM, this GPU has 8" in text
    smaller = local(w)["action"].split(":", 1)[1]
    assert w.app.modelManager.entries()[smaller].fits and fix.startswith("Use ")
    click(w.window, w.find("backendFix", QQuickItem))
    qtbot.waitUntil(lambda: w.app.generate.modelId == smaller)
    qtbot.waitUntil(lambda: local(w)["ready"])


def test_ready_only_with_a_downloaded_model_that_fits(window, gpus, qtbot, tmp_path):
    w = window
    with FakeHub() as hub:
        hub.add_repo(SMALL_REPO, diffusers_repo(1))
        w.app.modelManager._endpoint = hub.base_url
        gpus(w, "one8")
        w.app.generate.modelId = SMALL
        qtbot.waitUntil(lambda: local(w)["action"] == f"download:{SMALL}")
        click(w.window, w.find("backendFix", QQuickItem))  # "Download LTXV 2B 0.9.5" runs the download
        qtbot.waitUntil(lambda: local(w)["ready"], timeout=60_000)
    text, _ = status(w)
    assert text.startswith("Local ready — LTXV 2B 0.9.5 on NVIDIA GeForce RTX 3070")
    assert w.app.generate.canGenerate or w.app.generate.problem == "Write a prompt."


def test_cpu_by_choice_is_ready_with_a_time_estimate(window, gpus, qtbot, tmp_path):
    w = window
    gpus(w, "none", cuda=False)
    w.prefs.localModelPath = str(tmp_path)  # weights of one's own
    qtbot.waitUntil(lambda: local(w)["action"] == "backend:fal")
    w.app.generate.applyFix("allow-cpu")
    qtbot.waitUntil(lambda: local(w)["ready"])
    assert "on the CPU: about" in status(w)[0] and "min per clip" in status(w)[0]


def test_a_model_found_in_a_comfyui_folder_is_used_in_place(window, gpus, qtbot, tmp_path):
    """The single-file model's weights sit in ComfyUI; only its config repo is in the cache: the request
    points at the ComfyUI file, never at a second download."""
    w = window
    single = "ltxv-13b-0.9.8-dev"
    info = w.app.modelManager.store.entry(single)
    comfy = tmp_path / "ComfyUI" / "models" / "checkpoints"
    comfy.mkdir(parents=True)
    (comfy / info.filename).write_bytes(b"\0" * 1024)
    w.app.modelManager.addModelFolder(str(tmp_path / "ComfyUI"))
    qtbot.waitUntil(lambda: w.app.modelManager.entries()[single].where == "ComfyUI")
    w.app.generate.modelId = single
    w.app.generate.prompt = "a lighthouse"
    request = w.app.generate._request()
    assert request.model_path == str(comfy / info.filename)


def test_each_backend_lists_only_the_models_it_can_run(window, qtbot):
    """Choosing a backend picks a model it can run and the model list holds nothing else, in every mode."""
    from ltx_editor.core.catalog import CATALOG
    from ltx_editor.core.model_defaults import models_for
    from ltx_editor.core.settings import GenerationMode

    w, gen = window, window.app.generate
    box = w.find("modelBox", QQuickItem)
    gen.modelId = "ltxv-13b-0.9.8-dev"  # a local-only checkpoint: no cloud service runs it
    for backend in ("replicate", "local", "fal", "local", "replicate"):
        gen.backend = backend
        offered = [m.id for m in gen.models.items]
        assert offered == [m.id for m in models_for(backend)]
        count = len(offered)
        qtbot.waitUntil(lambda count=count: box.property("count") == count)
        assert gen.modelId in offered, (backend, gen.modelId)
        for mode in [m["id"] for m in gen.modes]:
            gen.mode = mode
            assert CATALOG[gen.modelId].supports(backend, GenerationMode(mode)), (backend, gen.modelId, mode)


def test_the_cpu_estimate_follows_the_steps_and_the_size(window, gpus, qtbot, tmp_path):
    """The time said before a CPU job starts is for these settings: ten times the steps, ten times the time;
    a smaller picture, less."""
    from ltx_editor.core.catalog import CATALOG
    from ltx_editor.generation.local_readiness import _minutes, cpu_estimate_s

    w, gen = window, window.app.generate
    gpus(w, "none", cuda=False)
    w.prefs.localModelPath = str(tmp_path)  # weights of one's own
    gen.applyFix("allow-cpu")
    qtbot.waitUntil(lambda: local(w)["ready"])

    def expected() -> str:
        s = gen.form.settings()
        return _minutes(cpu_estimate_s(CATALOG[gen.modelId], s.steps, s.width * s.height * s.num_frames))

    texts = []
    for steps in (2, 20):
        gen.steps = steps
        qtbot.waitUntil(lambda: f"about {expected()} per clip" in status(w)[0])
        texts.append(status(w)[0])
    assert texts[0] != texts[1]
    small = cpu_estimate_s(CATALOG[gen.modelId], 20, 1)
    assert cpu_estimate_s(CATALOG[gen.modelId], 2, 1) * 10 == pytest.approx(small)
    gen.durationS = 1.0  # fewer frames: a shorter wait, said at once
    qtbot.waitUntil(lambda: f"about {expected()} per clip" in status(w)[0] and status(w)[0] != texts[1])
