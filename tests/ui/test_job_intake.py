"""JobIntake: every finished job comes into the project one way, once — through the editor's own wiring
(AppController) with real fal jobs from the loopback fake: the result is a bin asset inside the project's
media folder (moved there when the project was saved elsewhere meanwhile), a regeneration is a new take of
its asset, a retried job's new attempt is a new asset, and repeated updates of one attempt add nothing."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from ltx_editor.core.project_io import media_dir
from tests.ui.fal_app import *  # noqa: F403 (the fal fake and the AppController built on it)
from tests.ui.fal_app import TIMEOUT_MS, jobs_in


@pytest.fixture
def app(make_app):
    return make_app()


def finished(app, job_id: str) -> bool:
    job = app.worker.queue.get(job_id)
    assert job is not None and job.state not in ("failed", "cancelled"), job and job.error
    return job.state == "finished" and bool(job.result_asset_id)


def test_a_result_lands_in_the_bin_inside_the_project_even_after_save_as_elsewhere(app, fal, qtbot, tmp_path):
    job_id = app.generate.generate()
    assert job_id
    qtbot.waitUntil(lambda: bool(fal.jobs), timeout=TIMEOUT_MS)  # submitted: its output folder is chosen
    moved_to = tmp_path / "elsewhere" / "renamed.ltxproj"
    moved_to.parent.mkdir()
    assert app.saveAs(str(moved_to))  # while the job runs: its clip is written under the old folder
    qtbot.waitUntil(lambda: finished(app, job_id), timeout=TIMEOUT_MS)
    (asset,) = app.document.project.assets
    take = asset.active_take
    video = app.document.media_path(take.path)
    assert video.is_file() and video.parent == media_dir(moved_to)  # brought into the project's own folder
    assert take.sidecar and app.document.media_path(take.sidecar).is_file()  # the recipe travelled with it
    assert app.worker.queue.get(job_id).result_asset_id == asset.id and app.document.dirty
    assert app.document.project.spent_usd > 0  # its cost was recorded on the way in


def test_regenerate_adds_a_take_to_the_same_asset(app, qtbot):
    first = app.generate.generate()
    qtbot.waitUntil(lambda: finished(app, first), timeout=TIMEOUT_MS)
    (asset,) = app.document.project.assets
    again = app.binActions.regenerate(asset.id)
    assert again
    qtbot.waitUntil(lambda: finished(app, again), timeout=TIMEOUT_MS)
    (same,) = app.document.project.assets  # no second asset
    assert same.id == asset.id and len(same.takes) == 2 and same.active_take_id == same.takes[1].id
    assert app.worker.queue.get(again).result_asset_id == asset.id


def test_each_attempt_comes_in_once(app, fal, qtbot):
    fal.outcomes.extend(["fail"])
    job_id = app.generate.generate()
    qtbot.waitUntil(lambda: app.worker.queue.get(job_id).state == "failed", timeout=TIMEOUT_MS)
    assert app.document.project.assets == [] and app.document.project.spent_usd == 0
    app.retryJob(job_id)
    qtbot.waitUntil(lambda: finished(app, job_id), timeout=TIMEOUT_MS)
    assert len(app.document.project.assets) == 1
    spent = app.document.project.spent_usd
    job = copy.copy(app.worker.queue.get(job_id))
    assert not app.intake.on_job_changed(job)  # the same attempt again (a late or repeated update): nothing
    assert len(app.document.project.assets) == 1 and app.document.project.spent_usd == spent
    assert len(jobs_in(app, "finished")) == 1 and Path(app.document.media_path(
        app.document.project.assets[0].active_take.path)).is_file()


def test_the_preview_shows_a_result_in_an_event_of_its_own(app, qtbot):
    """Taking a result in and switching the preview's media to it are two GUI-thread events, not one longer
    one (the GUI stall bench saw them add up while other jobs and an export ran)."""
    import inspect

    stacks = []
    app.intake.resultArrived.connect(lambda _asset_id: stacks.append([f.function for f in inspect.stack()]))
    job_id = app.generate.generate()
    qtbot.waitUntil(lambda: finished(app, job_id), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: len(stacks) == 1, timeout=10_000)
    assert "on_job_changed" not in stacks[0]  # not from inside the intake's handler
    (asset,) = app.document.project.assets
    shown = Path(asset.active_take.path).name
    qtbot.waitUntil(lambda: app.preview.mode == "asset" and app.preview.source.endswith(shown), timeout=10_000)


def test_a_result_plays_by_itself_only_when_it_is_the_last_one(app, fal, qtbot):
    """While other jobs are queued or running (or an export), a new result is shown paused: playing it would
    take the CPUs they use, and the next result would take the player over anyway. The last one plays."""
    played = []
    app.preview.playRequested.connect(played.append)
    fal.outcomes.append("stuck")  # the service gives outcomes in the order jobs reach it: one at a time
    waiting = app.generate.generate()
    assert waiting
    qtbot.waitUntil(lambda: len(fal.jobs) == 1, timeout=TIMEOUT_MS)
    first = app.generate.generate()  # fal runs two at once: this one finishes while the other never does
    assert first
    qtbot.waitUntil(lambda: finished(app, first), timeout=TIMEOUT_MS)
    shown = Path(app.document.project.assets[0].active_take.path).name
    qtbot.waitUntil(lambda: app.preview.source.endswith(shown), timeout=10_000)
    assert app.activeJobCount() == 1 and played == []  # shown, not played: the other job still runs
    app.cancelJob(waiting)
    qtbot.waitUntil(lambda: app.activeJobCount() == 0, timeout=TIMEOUT_MS)
    last = app.generate.generate()
    qtbot.waitUntil(lambda: finished(app, last), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: played == [1.0], timeout=10_000)
    newest = Path(app.document.project.asset(app.worker.queue.get(last).result_asset_id).active_take.path).name
    assert app.preview.source.endswith(newest)
