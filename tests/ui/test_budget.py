"""The project's budget cap holds through the editor's own wiring (AppController: generate panel -> JobQueue
with the BudgetGuard -> worker thread -> JobIntake), with cloud jobs running concurrently against the loopback
fal fake through the real fal client: each job's estimate is reserved when it is queued, the actual cost
replaces it when it lands, and a failed or cancelled job gives its reservation back."""
from __future__ import annotations

import threading

import pytest

from ltx_editor.generation.errors import BudgetExceeded
from tests.ui.fal_app import *  # noqa: F403 (the fal fake and the AppController built on it)
from tests.ui.fal_app import TIMEOUT_MS, jobs_in


@pytest.fixture
def app(make_app):
    return make_app(budget_units=2.5)  # two jobs fit under the cap, a third does not


def test_five_fal_jobs_under_a_cap_for_two_queue_two_and_refuse_three(app, fal, qtbot):
    ids = [app.generate.generate() for _ in range(5)]  # clicked five times, as fast as the panel allows
    accepted = [i for i in ids if i]
    assert len(accepted) == 2, ids
    assert len(app.errors) == 3 and all("project budget" in m for m, _ in app.errors), app.errors
    assert app.budget.reserved_usd == pytest.approx(2 * app.unit)
    qtbot.waitUntil(lambda: len(jobs_in(app, "running")) == 2, timeout=TIMEOUT_MS)  # both run at once
    assert app.budget.reserved_usd == pytest.approx(2 * app.unit)  # still held while they run
    with pytest.raises(BudgetExceeded):  # nor can another path (the cloud fallback) slip past it meanwhile
        app.worker.queue.submit(app.generate.form.request())

    qtbot.waitUntil(lambda: len(jobs_in(app, "finished")) == 2 and app.binModel.rowCount() == 2,
                    timeout=TIMEOUT_MS)
    project = app.document.project
    costs = [app.worker.queue.get(i).result.cost_usd for i in accepted]
    assert all(costs) and project.spent_usd == pytest.approx(sum(costs), abs=1e-6)
    assert app.budget.reserved_usd == 0  # the actual costs replaced the reservations, counted once
    assert len(fal.jobs) == 2  # the refused ones never reached the service
    assert not app.generate.generate() and "spent" in app.errors[-1][0]  # spent money keeps counting


def test_concurrent_submits_from_threads_never_overbook_the_cap(app, fal, qtbot):
    request = app.generate.form.request()
    outcomes: list[str] = []
    lock, start = threading.Lock(), threading.Barrier(5)

    def submit() -> None:
        start.wait()
        try:
            app.worker.queue.submit(request)
            result = "queued"
        except BudgetExceeded:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=submit) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(outcomes) == ["queued"] * 2 + ["refused"] * 3
    qtbot.waitUntil(lambda: len(jobs_in(app, "finished")) == 2, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: app.budget.reserved_usd == 0, timeout=TIMEOUT_MS)
    assert app.document.project.spent_usd <= app.document.project.budget_usd


def test_a_failed_or_cancelled_job_gives_its_reservation_back(app, fal, qtbot):
    fal.outcomes.extend(["fail"])
    failing = app.generate.generate()
    waiting = app.generate.generate()
    assert failing and waiting and app.budget.reserved_usd == pytest.approx(2 * app.unit)
    assert not app.generate.generate()  # full

    app.cancelJob(waiting)  # cancelled while running or queued: its money is free again
    qtbot.waitUntil(lambda: app.worker.queue.get(waiting).state == "cancelled", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: app.worker.queue.get(failing).state == "failed", timeout=TIMEOUT_MS)
    assert app.budget.reserved_usd == 0 and app.document.project.spent_usd == 0
    assert app.binModel.rowCount() == 0

    again = app.generate.generate()  # the whole cap is available again
    assert again and app.generate.generate()
    qtbot.waitUntil(lambda: len(jobs_in(app, "finished")) == 2, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: app.budget.reserved_usd == 0, timeout=TIMEOUT_MS)
    assert app.document.project.spent_usd == pytest.approx(
        sum(j.result.cost_usd for j in jobs_in(app, "finished")), abs=1e-6)


def test_removing_a_queued_job_and_opening_another_project_release_what_they_held(app, fal, qtbot, tmp_path):
    app.worker.queue.set_concurrency("fal", 1)  # the second job waits in the queue
    first, second = app.generate.generate(), app.generate.generate()
    assert app.worker.queue.get(second).state == "queued"
    app.removeJob(second)
    assert app.budget.reserved_usd == pytest.approx(app.unit)
    app.newProject()  # the old project's jobs go with it (a running one once it has stopped), and so does
    assert app.budget.reserved_usd == 0  # what they held
    qtbot.waitUntil(lambda: app.worker.queue.get(first) is None, timeout=TIMEOUT_MS)
    assert app.budget.reserved_usd == 0 and app.document.project.spent_usd == 0
