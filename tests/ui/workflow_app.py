"""Fixtures for the workflow GUI tests: the real AppController (worker thread, JobQueue, bin intake, undo stack)
on the tiny LTX model, a generated source clip, and helpers to find and click QML items (tests/ui/conftest.py's load_qml loads them).

Import with `from tests.ui.workflow_app import *  # noqa: F403` (exports only the fixtures and helpers).
"""
from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtQuick import QQuickItem, QQuickWindow
from PySide6.QtTest import QTest

from ltx_editor.core.project import Project, ProjectSettings, Track
from ltx_editor.core.project_io import media_dir
from ltx_editor.generation.factory import LTXVideoProviderFactory
from ltx_editor.generation.landing import add_result
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.generation.request import CancelToken
from ltx_editor.ui.app_controller import AppController
from ltx_editor.ui.preferences import Preferences
from tests.fakes.model_fixtures import (
    TINY_LTX_MODEL_ID,
    tiny_ltx2_dir,
    tiny_ltx_dir,
    tiny_models_root,
    tiny_request,
)

__all__ = ["tiny_models_root", "tiny_ltx_dir", "tiny_ltx2_dir", "source_video", "app", "click",
           "find_item", "wait_jobs_done", "add_source_asset"]
GENERATION_TIMEOUT_MS = 240_000


@pytest.fixture(scope="module")
def source_video(tmp_path_factory, tiny_ltx_dir):
    """A real 25-frame 32x32 clip from the tiny model (made once per module)."""
    provider = LocalLTXProvider(max_sequence_length=16)
    out = tmp_path_factory.mktemp("source")
    try:
        return asyncio.run(provider.generate(tiny_request(tiny_ltx_dir, num_frames_override=25, seed=3), out,
                                             lambda e: None, CancelToken()))
    finally:
        asyncio.run(provider.close())


def _tiny_provider(backend: str, **options) -> LocalLTXProvider:
    assert backend == "local", backend
    return LocalLTXProvider(max_sequence_length=16, **options)  # a short prompt context: fast on the tiny model


@pytest.fixture
def app(qtbot, tmp_path, tiny_ltx_dir, monkeypatch):
    """The real AppController with a blank project saved at tmp_path/proj.ltxproj (one video track V1), the
    generate panel set to the tiny model at 32x32, 2 steps, a fixed seed, and the worker running."""
    monkeypatch.setattr(LTXVideoProviderFactory, "create", staticmethod(_tiny_provider))
    prefs = Preferences(path=tmp_path / "prefs.json")
    prefs.values.local_model_path = str(tiny_ltx_dir)
    prefs.values.allow_cpu = True  # no GPU here: local runs on the CPU only when asked (honest readiness)
    prefs.values.autosave_minutes = 0
    controller = AppController(prefs)
    # 32x32: keyframe spans generate at the project's size, which the tiny model makes quickly
    controller.document.replace(Project(settings=ProjectSettings(width=32, height=32),
                                        tracks=[Track(id="v1", kind="video", name="V1")]), tmp_path / "proj.ltxproj")
    gen = controller.generate
    gen.backend = "local"
    gen.modelId = TINY_LTX_MODEL_ID
    gen.customSize = True
    gen.width, gen.height, gen.steps, gen.guidance = 32, 32, 2, 1.0
    gen.seedLocked, gen.seed = True, 7
    gen.fps = 24.0
    errors: list[tuple[str, str]] = []
    controller.errorOccurred.connect(lambda m, h: errors.append((m, h)))
    controller.errors = errors
    controller.start()
    qtbot.waitUntil(lambda: controller.modelManager.hardware is not None)  # local readiness needs the GPU check
    # JobQueue.run() clears a stop() that came before it started: wait for its loop before any test can end.
    qtbot.waitUntil(lambda: controller.worker.queue._loop is not None, timeout=10_000)
    yield controller
    controller.shutdown()
    assert not controller.worker.running, "the generation worker did not stop"


def add_source_asset(app, result) -> str:
    """Copy a generated clip into the project's media folder and add it to the bin; returns the asset id."""
    folder = media_dir(app.document.working_path)
    folder.mkdir(parents=True, exist_ok=True)
    video = folder / Path(result.video_path).name
    shutil.copy2(result.video_path, video)
    local = result.model_copy(update={"video_path": video, "sidecar_path": None})
    asset, _ = add_result(app.document.project, app.document.working_path, local, "source")
    app.document.mark_dirty("bin")
    return asset.id


def wait_jobs_done(qtbot, app, count: int, timeout: int = GENERATION_TIMEOUT_MS) -> list:
    """Wait until `count` jobs exist and all of them finished (failing fast on a failed job)."""
    queue = app.worker.queue

    def done() -> bool:
        failed = [j for j in queue.jobs if j.state in ("failed", "cancelled", "interrupted")]
        assert not failed, [(j.label, j.error) for j in failed]
        return len(queue.jobs) >= count and all(j.state == "finished" and j.result_asset_id for j in queue.jobs)

    qtbot.waitUntil(done, timeout=timeout)
    return queue.jobs


def _items(root: QQuickItem):
    for child in root.childItems():
        yield child
        yield from _items(child)


def find_item(root: QQuickItem, name: str, index: int = 0, wait_ms: int = 3000) -> QQuickItem:
    """The index-th visible item named `name` in root's visual tree (ListView delegates included), waiting
    for the next polish/layout pass when it is not there yet."""
    deadline = time.monotonic() + wait_ms / 1000
    while True:
        found = [i for i in _items(root) if i.objectName() == name and i.isVisible()]
        if len(found) > index or time.monotonic() > deadline:
            break
        QTest.qWait(20)
    assert len(found) > index, f"no visible item {name!r} (#{index})"
    return found[index]


def click(window: QQuickWindow, item: QQuickItem, button=Qt.MouseButton.LeftButton) -> None:
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseClick(window, button, Qt.KeyboardModifier.NoModifier, centre)
