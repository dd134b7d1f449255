"""Cost: estimates from the catalog's price rules (per job, per batch), the project's running total, and the
budget cap that refuses a job with a clear message — also through the real JobQueue's before_submit hook."""
from __future__ import annotations

import pytest

from ltx_editor.core.project import Project
from ltx_editor.core.settings import GenerationMode as M
from ltx_editor.core.settings import GenerationSettings
from ltx_editor.generation.cost import BudgetGuard, estimate, estimate_batch
from ltx_editor.generation.errors import BudgetExceeded
from ltx_editor.generation.queue import JobQueue
from ltx_editor.generation.request import GenerationRequest


def _req(backend="fal", model_id="ltxv-13b-0.9.7-distilled", **settings):
    return GenerationRequest(backend=backend, prompt="a kite", mode=M.TEXT_TO_VIDEO,
                             settings=GenerationSettings(model_id=model_id, **settings))


@pytest.mark.parametrize(("model_id", "settings", "usd"), [
    ("ltxv-13b-0.9.7-distilled", {"duration_s": 5, "fps": 24}, 0.04),  # $0.04 per video
    ("ltxv-13b-0.9.7-distilled", {"duration_s": 5, "fps": 24, "upscale": True}, 0.04),  # 0.9.7: no detail pass
    ("ltxv-13b-0.9.8-distilled", {"duration_s": 2, "fps": 24}, 0.02 * 49 / 24),  # $0.02 per second
    ("ltxv-13b-0.9.8-distilled", {"duration_s": 2, "fps": 30}, 0.02 * 57 / 24),  # ... billed at 24 fps
    ("ltxv-13b-0.9.8-distilled", {"duration_s": 2, "fps": 24, "upscale": True}, 0.04 * 49 / 24),  # detail pass x2
    ("ltxv-2b-0.9.5", {}, 0.04),  # per video
    ("ltxv-13b-0.9.7-dev", {}, 0.20),  # per video
    ("ltx-2-pro", {"duration_s": 7, "fps": 25, "resolution": "1080p"}, 0.06 * 8),  # billed as the 8 s it makes
    ("ltx-2-pro", {"duration_s": 6, "fps": 25, "resolution": "1440p"}, 0.12 * 6),
    ("ltx-2-fast", {"duration_s": 10, "fps": 25, "resolution": "2160p"}, 0.16 * 10),
    ("ltx-2.3-pro", {"duration_s": 6, "fps": 25, "resolution": "1080p"}, 0.08 * 6),
    ("ltx-2-19b", {"duration_s": 4, "fps": 25, "resolution": "480p"}, 0.0018 * 41),  # 40.2 MP, rounded up
    ("ltx-2-19b-distilled", {"duration_s": 4, "fps": 25, "resolution": "480p"}, 0.001 * 41),
])
def test_estimate_follows_the_catalog_price_rules(model_id, settings, usd):
    assert estimate(_req(model_id=model_id, **settings)) == pytest.approx(usd, abs=1e-4)


def test_local_is_free_and_replicate_has_no_published_price():
    assert estimate(_req("local", "ltxv-2b-0.9.8-distilled")) == 0.0
    assert estimate(_req("replicate")) is None
    assert estimate(_req("fal", "ltxv-2b-0.9.8-distilled")) is None  # not served by fal: no price to show


def test_batch_estimate_sums_known_prices_and_counts_unknown_ones():
    batch = estimate_batch([_req(duration_s=5, fps=24), _req(duration_s=5, fps=24), _req("replicate"),
                            _req(model_id="ltxv-2b-0.9.5")])
    assert batch.per_job[2] is None and batch.unknown == 1
    assert batch.total_usd == pytest.approx(2 * 0.04 + 0.04, abs=1e-4)
    assert batch.describe() == f"≈ ${batch.total_usd:.2f} for 4 jobs (+ 1 billed by GPU time)"


def test_budget_guard_refuses_past_the_cap_and_keeps_the_running_total():
    project = Project(budget_usd=1.00, spent_usd=0.50)
    guard = BudgetGuard(project)
    guard.reserve("a", 0.30)
    assert guard.remaining_usd == pytest.approx(0.20)
    with pytest.raises(BudgetExceeded) as err:
        guard.reserve("b", 0.25)
    message = str(err.value)
    assert "$1.00" in message and "$0.50 spent" in message and "$0.30 in the queue" in message
    assert "$0.20 left" in message and "Raise the budget" in err.value.hint and not err.value.retryable
    guard.record(0.28, job_id="a")  # the actual cost replaces the reservation
    assert project.spent_usd == pytest.approx(0.78) and guard.reserved_usd == 0
    guard.reserve("c", 0.22)  # fits exactly
    guard.release("c")  # failed or cancelled: nothing spent
    assert project.spent_usd == pytest.approx(0.78) and guard.reserved_usd == 0
    guard.check(None)  # unknown price (Replicate) is not refused
    BudgetGuard(Project(spent_usd=99)).check(50)  # no cap, no refusal


def test_queue_refuses_a_job_past_the_budget_and_queues_nothing(tmp_path):
    from ltx_editor.generation.cloud.fal_provider import FalLTXProvider

    provider = FalLTXProvider(api_key="unused")
    guard = BudgetGuard(Project(budget_usd=0.50))
    queue = JobQueue(lambda _backend: provider, lambda: tmp_path, lambda _job: None,
                     before_submit=guard.before_submit)
    first = queue.submit(_req(model_id="ltxv-13b-0.9.7-dev"))  # $0.20 per video
    assert first.cost_estimate == pytest.approx(0.20, abs=1e-4)
    queue.submit(_req(model_id="ltxv-13b-0.9.7-dev"))
    with pytest.raises(BudgetExceeded, match="project budget of \\$0.50"):
        queue.submit(_req(model_id="ltxv-13b-0.9.7-dev"))
    assert len(queue.jobs) == 2 and guard.reserved_usd == pytest.approx(0.40, abs=1e-4)
