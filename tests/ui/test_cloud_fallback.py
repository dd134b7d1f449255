"""Local generation that cannot run (out of memory after the whole fallback chain) is offered in the cloud,
cost first, in the real window: the real local provider on the tiny model with an OOM injected before every
pipeline call, and the real fal client against the loopback fal fake."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QObject

from ltx_editor.generation.cloud.fal_provider import FalLTXProvider
from ltx_editor.generation.errors import BackendUnavailable
from ltx_editor.generation.factory import LTXVideoProviderFactory
from ltx_editor.generation.local.provider import LocalLTXProvider
from ltx_editor.ui.preferences import Preferences
from tests.fakes.fal_server import FAST_OPTIONS, FakeFalServer
from tests.fakes.model_fixtures import *  # noqa: F403 (the tiny model fixtures)
from tests.fakes.model_fixtures import TINY_LTX_MODEL_ID
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import click, visible_items

TIMEOUT_MS = 120_000


def out_of_memory(_name: str, _kwargs: dict) -> None:
    """before_pipeline_call hook: every attempt of the chain (tiling, offload, smaller model) runs out."""
    import torch  # already loaded by the local provider on its own thread; never imported by this module

    raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")


@pytest.fixture
def fal(monkeypatch):
    with FakeFalServer() as server:
        server.patch_client(monkeypatch)
        monkeypatch.setenv("FAL_KEY", server.key)  # no keychain in tests: keys come from the environment
        yield server


@pytest.fixture
def editor(request, monkeypatch, fal, tiny_ltx_dir):
    """The main window, its local backend always out of memory, its fal backend the loopback fake.
    Set `w.local_missing` to an error to make the local backend fail as the factory does without torch."""
    missing: list[Exception] = []

    def create(backend: str, **options):
        if backend == "local" and missing:
            raise missing[0]
        if backend == "local":
            provider = LocalLTXProvider(max_sequence_length=16, **options,
                                        model_paths={TINY_LTX_MODEL_ID: str(tiny_ltx_dir)})
            provider.before_pipeline_call = out_of_memory
            return provider
        assert backend == "fal", backend
        return FalLTXProvider(**FAST_OPTIONS, **options)  # no api_key: read per job, as in the editor

    monkeypatch.setattr(LTXVideoProviderFactory, "create", staticmethod(create))
    w = request.getfixturevalue("main_window")  # built after the patch: its worker uses `create`
    w.prefs.localModelPath = str(tiny_ltx_dir)
    w.prefs.allowCpu = True  # no GPU here: local runs on the CPU only when asked (honest readiness)
    gen = w.app.generate
    gen.backend, gen.modelId = "local", TINY_LTX_MODEL_ID
    gen.customSize, gen.width, gen.height, gen.durationS, gen.steps = True, 32, 32, 0.375, 2
    gen.prompt = "a lighthouse in a storm"
    offers: list[tuple[str, str]] = []
    w.app.cloudFallbackOffered.connect(lambda job_id, text: offers.append((job_id, text)))
    w.offers, w.local_missing = offers, missing
    return w


def state(w, job_id: str) -> str | None:
    job = w.app.jobs.job(job_id)  # the window's job list hears of a job a moment after it is queued
    return job.state if job is not None else None


def fail_locally(w, qtbot) -> str:
    job_id = w.app.generate.generate()
    assert job_id
    qtbot.waitUntil(lambda: state(w, job_id) == "failed", timeout=TIMEOUT_MS)
    assert w.app.jobs.job(job_id).error.type == "OutOfMemory"
    return job_id


def offered_dialog(w, qtbot) -> QObject:
    dialog = w.find("fallbackDialog", QObject)
    qtbot.waitUntil(lambda: dialog.property("opened"))  # past the opening transition: its buttons take clicks
    return dialog


def test_out_of_memory_offers_fal_cost_first_and_accepting_lands_the_clip_in_the_bin(editor, fal, qtbot):
    w = editor
    local_id = fail_locally(w, qtbot)
    dialog = offered_dialog(w, qtbot)
    text = visible_items(w.window, "fallbackText")[0].property("text")
    assert text.startswith("≈ $0.01 to run it on fal.ai"), text  # the price is the first thing read
    assert "Not enough memory" in text and w.offers == [(local_id, text)]
    assert w.find("errorDialog", QObject).property("shownCount") == 0  # the offer replaces the plain error

    click(w.window, visible_items(w.window, "runInCloudButton")[0])
    qtbot.waitUntil(lambda: not dialog.property("visible"))
    qtbot.waitUntil(lambda: w.app.jobs.rowCount() == 2, timeout=10_000)
    cloud = next(w.app.jobs.job(w.app.jobs.get(i)["jobId"]) for i in range(2)
                 if w.app.jobs.get(i)["jobId"] != local_id)
    assert cloud.request.backend == "fal" and cloud.request.prompt == "a lighthouse in a storm"
    qtbot.waitUntil(lambda: state(w, cloud.id) in ("finished", "failed"), timeout=TIMEOUT_MS)
    assert w.app.jobs.job(cloud.id).state == "finished", w.app.jobs.job(cloud.id).error
    qtbot.waitUntil(lambda: w.app.binModel.rowCount() == 1, timeout=10_000)
    assert [j.app for j in fal.jobs.values()] == ["fal-ai/ltxv-13b-098-distilled"]
    take = w.app.document.project.assets[0].takes[0]
    assert take.backend == "fal"
    assert w.app.jobs.job(local_id).state == "failed"  # the local attempt stays in the list, explained
    assert not [m for m in w.qml_warnings if "FallbackDialog.qml" in m or "Main.qml" in m]


def test_keep_local_forgets_the_offer_and_queues_nothing(editor, fal, qtbot):
    w = editor
    local_id = fail_locally(w, qtbot)
    dialog = offered_dialog(w, qtbot)
    click(w.window, visible_items(w.window, "keepLocalButton")[0])
    qtbot.waitUntil(lambda: not dialog.property("visible"))
    qtbot.wait(200)
    assert w.app.jobs.rowCount() == 1 and not fal.jobs
    assert w.app.acceptCloudFallback(local_id) == ""  # declined offers cannot be taken up later
    assert w.app.jobs.rowCount() == 1 and not fal.jobs


def test_no_local_backend_is_offered_too(editor, fal, qtbot):
    w = editor
    w.local_missing.append(BackendUnavailable("Local generation needs torch, which is not installed.",
                                              hint="Install the [local] extra."))
    job_id = w.app.generate.generate()
    qtbot.waitUntil(lambda: len(w.offers) == 1, timeout=10_000)
    assert w.offers[0][0] == job_id and w.offers[0][1].startswith("≈ $0.01 to run it on fal.ai")
    assert w.offers[0][1].endswith("it cannot run on this computer: Local generation needs torch, which is "
                                   "not installed.")
    qtbot.waitUntil(lambda: w.find("fallbackDialog", QObject).property("visible"))


def test_setting_off_shows_the_plain_error(editor, fal, qtbot):
    w = editor
    w.prefs.cloudFallback = "off"
    fail_locally(w, qtbot)
    err = w.find("errorDialog", QObject)
    qtbot.waitUntil(lambda: err.property("visible"))
    assert err.property("message").startswith("Generation failed: Not enough memory")
    assert "run this job in the cloud" in err.property("hint")  # the provider's own advice, nothing added
    assert not w.offers and w.find("fallbackDialog", QObject).property("shownCount") == 0


def test_no_key_means_no_offer_and_the_error_says_how_to_add_one(editor, fal, qtbot, monkeypatch):
    w = editor
    monkeypatch.delenv("FAL_KEY")
    fail_locally(w, qtbot)
    err = w.find("errorDialog", QObject)
    qtbot.waitUntil(lambda: err.property("visible"))
    assert err.property("message").startswith("Generation failed: Not enough memory")
    assert "add a fal.ai or Replicate key in Preferences" in err.property("hint")
    assert "FAL_KEY" in err.property("hint")
    assert not w.offers and w.find("fallbackDialog", QObject).property("shownCount") == 0


def test_accepting_past_the_budget_is_refused_in_words(editor, fal, qtbot):
    w = editor
    w.app.document.project.budget_usd = 0.005  # below the offer's ≈ $0.01
    local_id = fail_locally(w, qtbot)
    qtbot.waitUntil(lambda: len(w.offers) == 1)
    assert w.app.acceptCloudFallback(local_id) == ""
    err = w.find("errorDialog", QObject)
    qtbot.waitUntil(lambda: err.property("visible"))
    assert "would go past the project budget of $0.01" in err.property("message")
    assert w.app.jobs.rowCount() == 1 and not fal.jobs


def test_the_preference_defaults_to_fal_refuses_nonsense_and_is_saved(tmp_path, qapp):
    path = tmp_path / "preferences.json"
    prefs = Preferences(path=path)
    assert prefs.cloudFallback == "fal"
    errors: list[str] = []
    prefs.error.connect(errors.append)
    prefs.cloudFallback = "aws"
    assert prefs.cloudFallback == "fal" and errors and errors[0].startswith("cloud fallback:")
    prefs.cloudFallback = "replicate"
    prefs.save()
    assert Preferences(path=path).cloudFallback == "replicate"
