"""The job queue in the window: a failed job shows its error in words (in the row and in a dialog), can be
retried; a queued job shows its place in line and can be cancelled with its button."""
from PySide6.QtCore import QObject
from PySide6.QtQuick import QQuickItem

from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import click, visible_items


def small_form(gen, prompt):
    gen.customSize, gen.width, gen.height, gen.durationS, gen.steps = True, 32, 32, 0.375, 2
    gen.prompt = prompt


def test_a_failed_job_is_explained_and_can_be_retried(main_window, qtbot, tmp_path):
    w = main_window
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    w.prefs.localModelPath = str(empty)  # exists, so the backend looks ready; loading it fails
    w.prefs.allowCpu = True  # no GPU here: local runs on the CPU only when asked (honest readiness)
    small_form(w.app.generate, "a job that cannot load its model")
    job_id = w.app.generate.generate()
    assert job_id
    qtbot.waitUntil(lambda: w.app.jobs.rowCount() == 1 and w.app.jobs.get(0)["jobState"] == "failed",
                    timeout=240_000)
    err = w.find("errorDialog", QObject)
    qtbot.waitUntil(lambda: err.property("visible"))
    assert err.property("message").startswith("Generation failed: ")
    row = w.app.jobs.get(0)
    assert row["error"] and row["canRetry"] and not row["canCancel"]
    w.find("sideTabs", QQuickItem).setProperty("currentIndex", 1)
    qtbot.waitUntil(lambda: len(visible_items(w.window, "jobError")) == 1)
    assert row["error"] in visible_items(w.window, "jobError")[0].property("text")
    err.metaObject().invokeMethod(err, "accept")
    qtbot.waitUntil(lambda: not err.property("visible"))  # invisible once its closing transition is over
    retry = visible_items(w.window, "retryJobButton")[0]
    click(w.window, retry)
    qtbot.waitUntil(lambda: err.property("visible") and err.property("shownCount") == 2, timeout=240_000)


def test_a_queued_job_shows_its_place_and_cancels(main_window, qtbot, tmp_path):
    w = main_window
    empty = tmp_path / "slow-model"
    empty.mkdir()
    w.prefs.localModelPath = str(empty)
    w.prefs.allowCpu = True  # no GPU here: local runs on the CPU only when asked (honest readiness)
    w.app.worker.queue.set_concurrency("local", 1)
    small_form(w.app.generate, "first")
    w.app.worker.stop()  # nothing runs: both jobs stay queued, in order
    first, second = w.app.generate.generate(), w.app.generate.generate()
    qtbot.waitUntil(lambda: w.app.jobs.rowCount() == 2)
    w.find("sideTabs", QQuickItem).setProperty("currentIndex", 1)
    qtbot.waitUntil(lambda: len(visible_items(w.window, "cancelJobButton")) == 2)
    details = [i.property("text") for i in visible_items(w.window, "jobDetail")]
    assert details == ["#2 in line", "#1 in line"]  # newest first
    click(w.window, visible_items(w.window, "cancelJobButton")[0])
    qtbot.waitUntil(lambda: w.app.jobs.job(second).state == "cancelled")
    assert w.app.jobs.job(first).state == "queued"
    qtbot.waitUntil(lambda: len(visible_items(w.window, "cancelJobButton")) == 1)
