"""The editor's own wiring (AppController) with its fal backend on the loopback fal fake, for tests of what
happens to cloud jobs (budget, intake). Import with `from tests.ui.fal_app import *  # noqa: F403`."""
from __future__ import annotations

import pytest

from ltx_editor.core.project import Project, Track
from ltx_editor.generation.cloud.fal_provider import FalLTXProvider
from ltx_editor.generation.cost import estimate
from ltx_editor.generation.factory import LTXVideoProviderFactory
from ltx_editor.ui.app_controller import AppController
from ltx_editor.ui.preferences import Preferences
from tests.fakes.fal_server import FAST_OPTIONS, FakeFalServer

__all__ = ["fal", "make_app", "jobs_in", "TIMEOUT_MS"]
TIMEOUT_MS = 30_000


@pytest.fixture
def fal(monkeypatch):
    with FakeFalServer(queue_s=0.05, run_s=0.6) as server:  # long enough for jobs to overlap
        server.patch_client(monkeypatch)
        monkeypatch.setenv("FAL_KEY", server.key)  # no keychain in tests: keys come from the environment
        yield server


@pytest.fixture
def make_app(qtbot, tmp_path, monkeypatch, fal):
    """make_app(budget_units=None) -> the real AppController on a project saved at tmp_path/proj.ltxproj, the
    generate panel on fal; `app.unit` is one job's estimate, the cap `budget_units` of them (None: no cap)."""
    made: list[AppController] = []

    def create(backend: str, **options):
        assert backend == "fal", backend
        return FalLTXProvider(**FAST_OPTIONS, **options)  # no api_key: read per job, as in the editor

    monkeypatch.setattr(LTXVideoProviderFactory, "create", staticmethod(create))

    def make(budget_units: float | None = None) -> AppController:
        prefs = Preferences(path=tmp_path / "prefs.json")
        prefs.values.autosave_minutes = 0
        controller = AppController(prefs)
        gen = controller.generate
        gen.backend = "fal"
        gen.prompt = "a paper boat on a rainy street"
        unit = estimate(gen.form.request())
        assert unit, "the fal model the panel picked must have a published price"
        cap = None if budget_units is None else round(budget_units * unit, 4)
        project = Project(budget_usd=cap, tracks=[Track(id="v1", kind="video", name="V1")])
        controller.document.replace(project, tmp_path / "proj.ltxproj")
        errors: list[tuple[str, str]] = []
        controller.errorOccurred.connect(lambda m, h: errors.append((m, h)))  # the panel's refusals come here too
        controller.errors, controller.unit = errors, unit
        controller.start()
        qtbot.waitUntil(lambda: controller.worker.queue._loop is not None, timeout=10_000)
        made.append(controller)
        return controller

    yield make
    for controller in made:
        controller.shutdown()
        assert not controller.worker.running


def jobs_in(app, *states: str) -> list:
    return [j for j in app.worker.queue.jobs if j.state in states]
