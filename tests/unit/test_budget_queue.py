"""The queue and the budget owner together (JobQueue(budget=BudgetGuard)): an estimate is reserved when a job
is queued, given back when it fails, is cancelled or removed, kept while a retry runs (counted once), and held
for a job restored from the project file; only a finished job's actual cost (BudgetGuard.record) is spent."""
from __future__ import annotations

import pytest

from ltx_editor.core.project import Project
from ltx_editor.generation.cost import BudgetGuard
from ltx_editor.generation.errors import BudgetExceeded, OutOfMemory
from ltx_editor.generation.queue import JobQueue
from tests.unit.test_queue import Harness, req, wait_until

UNIT = 0.1  # ScriptedProvider's estimate for a cloud job


def budgeted(tmp_path, cap: float) -> tuple[Harness, BudgetGuard]:
    h = Harness(tmp_path)
    guard = BudgetGuard(Project(budget_usd=cap))
    h.queue = JobQueue(h.providers.__getitem__, lambda: tmp_path, h._on_change, budget=guard,
                       on_remove=h.removed.append)
    return h, guard


def test_failed_and_removed_jobs_give_their_reservation_back_and_a_finished_one_keeps_it_until_recorded(tmp_path):
    h, guard = budgeted(tmp_path, cap=2.5 * UNIT)
    fal = h.providers["fal"]
    fal.hold.clear()  # the running job waits until released
    fal.fail_next.append(OutOfMemory("out of memory"))
    h.queue.set_concurrency("fal", 1)  # the second job waits in the queue
    h.start()
    try:
        failing = h.queue.submit(req("a", "fal"))
        waiting = h.queue.submit(req("b", "fal"))
        assert guard.reserved_usd == pytest.approx(2 * UNIT)
        with pytest.raises(BudgetExceeded):
            h.queue.submit(req("c", "fal"))
        wait_until(lambda: h.queue.get(failing.id).state == "running")
        h.queue.remove(waiting.id)  # removed while queued
        assert guard.reserved_usd == pytest.approx(UNIT)
        fal.hold.set()
        wait_until(lambda: h.queue.get(failing.id).state == "failed")
        assert guard.reserved_usd == 0 and guard.project.spent_usd == 0

        done = h.queue.submit(req("d", "fal"))
        wait_until(lambda: h.queue.get(done.id).state == "finished")
        assert guard.reserved_for(done.id) == pytest.approx(UNIT)  # until the intake records what it cost
        guard.record(0.08, done.id)
        assert guard.reserved_usd == 0 and guard.project.spent_usd == pytest.approx(0.08)
    finally:
        h.stop()


def test_a_retry_is_counted_once_and_a_restored_queued_job_holds_its_estimate(tmp_path):
    h, guard = budgeted(tmp_path, cap=1.5 * UNIT)
    fal = h.providers["fal"]
    fal.fail_next.append(OutOfMemory("out of memory"))
    h.start()
    try:
        job = h.queue.submit(req("a", "fal"))
        wait_until(lambda: h.queue.get(job.id).state == "failed")
        assert guard.reserved_usd == 0
        h.queue.retry(job.id)  # fits again: its own earlier reservation is not counted against it
        assert guard.reserved_usd == pytest.approx(UNIT)
        wait_until(lambda: h.queue.get(job.id).state == "finished")
        guard.record(UNIT, job.id)
    finally:
        h.stop()

    h2, guard2 = budgeted(tmp_path, cap=1.5 * UNIT)
    restored = h2.queue.restore([{"id": "job_saved", "request": req("b", "fal").model_dump(mode="json"),
                                  "state": "queued"}])
    assert [j.id for j in restored] == ["job_saved"]
    assert guard2.reserved_for("job_saved") == pytest.approx(UNIT)  # accepted before: held, not refused
    with pytest.raises(BudgetExceeded):  # and it counts against what comes next
        h2.queue.submit(req("c", "fal"))
    h2.queue.cancel("job_saved")
    assert guard2.reserved_usd == 0
