"""Fault injection on both cloud services through their real clients: every case ends in a finished clip (mp4 +
recipe) or a clear typed error, and nothing half-written is left in the output folder."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from ltx_editor.core.settings import GenerationSettings
from ltx_editor.generation.errors import (
    BadCredentials,
    DownloadError,
    GenerationError,
    InvalidRequest,
    ServiceError,
)
from ltx_editor.generation.request import CancelToken, GenerationRequest
from tests.fakes.fal_server import FakeFalServer
from tests.fakes.http_fault import Fault, LoopbackServer
from tests.fakes.provider_run import run_provider
from tests.fakes.replicate_server import FakeReplicateServer, throttled


@dataclass
class Cloud:
    name: str
    server: Any
    submit: str  # route names on the fake
    poll: str
    model_id: str

    def provider(self, **options):
        return self.server.provider(**options)

    def jobs(self) -> dict:
        return self.server.jobs if self.name == "fal" else self.server.predictions

    def cancelled(self) -> bool:
        return all(job.cancelled for job in self.jobs().values()) and bool(self.jobs())

    def request(self) -> GenerationRequest:
        return GenerationRequest(backend=self.name, prompt="a paper boat", settings=GenerationSettings(
            model_id=self.model_id, seed=3, duration_s=2))


@pytest.fixture(params=["fal", "replicate"])
def cloud(request, monkeypatch):
    if request.param == "fal":
        with FakeFalServer() as server:
            server.patch_client(monkeypatch)
            yield Cloud("fal", server, "submit", "status", "ltxv-13b-0.9.7-distilled")
    else:
        with FakeReplicateServer() as server:
            yield Cloud("replicate", server, "create", "get", "ltxv-13b-0.9.7-distilled")


def _outcome(cloud: Cloud, tmp_path, **options):
    """(result, None) or (None, error); asserts the folder holds a whole clip + recipe, or nothing."""
    try:
        result, error = run_provider(cloud.provider(**options), cloud.request(), tmp_path), None
    except GenerationError as exc:
        result, error = None, exc
    names = sorted(p.name for p in tmp_path.iterdir())
    assert cloud.server.auth_leaks == []  # no key ever reached the file host
    if result is None:
        assert names == [], f"left behind: {names}"
        assert error.message and error.hint, "every error says what happened and what to do"
    else:
        assert names == sorted([result.video_path.name, result.sidecar_path.name])
        assert result.video_path.read_bytes()[4:8] == b"ftyp"
    return result, error


def test_401_bad_key(cloud, tmp_path):
    _, error = _outcome(cloud, tmp_path, key="wrong-key-0123456789abcdef")
    assert isinstance(error, BadCredentials) and "rejected the API key" in error.message
    assert "wrong-key-0123456789abcdef" not in f"{error} {error.hint} {error!r}"  # the fake echoes it back
    assert not cloud.jobs()


def test_422_names_the_bad_field(cloud, tmp_path):
    body = ({"detail": [{"loc": ["body", "num_frames"], "msg": "ensure this value is between 9 and 1441",
                         "type": "value_error"}]} if cloud.name == "fal" else
            {"title": "Input validation failed", "status": 422, "detail": "- input.num_frames: must be 8k+1"})
    cloud.server.faults.add(cloud.submit, Fault.http(422, body))
    _, error = _outcome(cloud, tmp_path)
    assert isinstance(error, InvalidRequest) and "num_frames" in error.message and not error.retryable


def test_429_with_retry_after_then_success(cloud, tmp_path):
    fault = throttled(0.1) if cloud.name == "replicate" else Fault.http(429, {"detail": "slow down"},
                                                                          {"Retry-After": "0.1"})
    cloud.server.faults.add(cloud.submit, fault)
    result, _ = _outcome(cloud, tmp_path)
    assert result is not None and len(cloud.server.requests_to(cloud.submit)) == 2


def test_500_on_submit_is_a_service_error(cloud, tmp_path):
    cloud.server.faults.add(cloud.submit, Fault.http(500))
    _, error = _outcome(cloud, tmp_path)
    assert isinstance(error, ServiceError) and "HTTP 500" in error.message


@pytest.mark.parametrize("fault", [Fault.http(500), Fault.http(502), Fault.reset(), Fault.malformed()],
                         ids=["500", "502", "reset", "malformed"])
def test_a_few_failed_polls_are_tolerated(cloud, tmp_path, fault):
    cloud.server.faults.add(cloud.poll, fault, times=2)
    result, _ = _outcome(cloud, tmp_path)
    assert result is not None and cloud.server.faults.pending() == 0


def test_polls_that_time_out_end_in_a_clear_error_and_cancel_the_job(cloud, tmp_path):
    cloud.server.run_s = 30
    cloud.server.faults.add(cloud.poll, Fault.hang(0.6), times=3)
    _, error = _outcome(cloud, tmp_path, poll_timeout_s=0.15, max_poll_failures=2)
    assert isinstance(error, ServiceError) and "stopped answering" in error.message
    assert cloud.cancelled()


def test_a_job_past_its_deadline_is_cancelled(cloud, tmp_path):
    cloud.server.outcomes.append("stuck")
    _, error = _outcome(cloud, tmp_path, job_timeout_s=0.3)
    assert isinstance(error, ServiceError) and "did not finish" in error.message
    assert cloud.cancelled() and len(cloud.server.requests_to("cancel")) == 1


def test_failed_job_reports_the_services_reason(cloud, tmp_path):
    cloud.server.outcomes.append("fail")
    _, error = _outcome(cloud, tmp_path)
    assert isinstance(error, ServiceError) and "failed the job" in error.message
    assert ("CUDA error" if cloud.name == "fal" else "CUDA out of memory") in error.message


def test_download_cut_halfway_resumes(cloud, tmp_path):
    cloud.server.result_size = 3_000_000
    cloud.server.faults.add("file", Fault.cut(0.5))
    result, _ = _outcome(cloud, tmp_path)
    files = cloud.server.requests_to("file")
    assert result is not None and len(files) == 2 and files[1].headers["range"] != "bytes=0-"


def test_download_that_keeps_dropping_is_a_download_error(cloud, tmp_path):
    cloud.server.faults.add("file", Fault.cut(0.5), times=10)
    _, error = _outcome(cloud, tmp_path)
    assert isinstance(error, DownloadError) and "dropped" in error.message


def test_a_result_that_is_not_a_video_is_refused(cloud, tmp_path):
    cloud.server.faults.add("file", Fault.http(200, b"<html>Access denied</html>", {"Content-Type": "text/html"}))
    _, error = _outcome(cloud, tmp_path)
    assert isinstance(error, ServiceError) and "not a video" in error.message


def test_unreachable_service_is_a_clear_error(cloud, tmp_path, monkeypatch):
    dead = LoopbackServer()
    url = dead.base_url
    dead.stop()  # a port nobody listens on
    if cloud.name == "fal":
        import fal_client.client as fc

        monkeypatch.setattr(fc, "QUEUE_URL_FORMAT", f"{url}/queue/")
        monkeypatch.setattr(fc, "MAX_ATTEMPTS", 1)  # the client's own retries of a refused connection
        provider = cloud.provider()
    else:
        provider = cloud.server.provider(base_url=url)
    with pytest.raises(ServiceError, match="Could not reach") as err:
        run_provider(provider, cloud.request(), tmp_path)
    assert "connection" in err.value.hint and list(tmp_path.iterdir()) == []


def test_replicate_create_that_times_out(tmp_path):
    with FakeReplicateServer() as server:
        server.faults.add("create", Fault.hang(1.0))
        cloud = Cloud("replicate", server, "create", "get", "ltxv-13b-0.9.7-distilled")
        _, error = _outcome(cloud, tmp_path, request_timeout_s=0.2)
    assert isinstance(error, ServiceError) and "did not answer in time" in error.message


def test_the_fake_file_host_refuses_a_request_carrying_a_key(tmp_path):
    from ltx_editor.generation.download import DownloadOptions, download_file

    async def leaky():
        async with httpx.AsyncClient(headers={"Authorization": "Bearer r8_leaky"}) as client:
            await download_file(url, tmp_path / "x.mp4", client=client, options=DownloadOptions(retries=0))

    with LoopbackServer() as host:
        url = host.add_file("x.mp4", b"\x00\x00\x00\x18ftypmp42")
        with pytest.raises(DownloadError, match="HTTP 400"):
            asyncio.run(leaky())
        assert host.auth_leaks == ["/files/x.mp4"] and list(tmp_path.iterdir()) == []


def test_cancel_during_a_hung_poll_is_prompt_and_cancels_the_job(cloud, tmp_path):
    import threading
    import time

    from ltx_editor.generation.errors import Cancelled

    cloud.server.run_s = 30
    cloud.server.faults.add(cloud.poll, Fault.delay(0.05))
    cloud.server.faults.add(cloud.poll, Fault.hang(3.0))  # the second poll hangs
    token = CancelToken()

    def cancel_once_hung():
        while len(cloud.server.requests_to(cloud.poll)) < 2:
            time.sleep(0.01)
        time.sleep(0.1)
        token.cancel()

    threading.Thread(target=cancel_once_hung, daemon=True).start()
    provider = cloud.provider(poll_timeout_s=10)

    async def go():
        try:
            return await provider.generate(cloud.request(), tmp_path, lambda _e: None, token)
        finally:
            await provider.close()

    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        asyncio.run(go())
    assert time.monotonic() - t0 < 1.5  # not the 10 s poll timeout, nor the 3 s hang
    assert cloud.cancelled() and list(tmp_path.iterdir()) == []


def test_fal_persistent_429_is_a_rate_limit_error_with_the_wait(monkeypatch, tmp_path):
    import fal_client.client as fc

    from ltx_editor.generation.errors import RateLimited

    monkeypatch.setattr(fc, "MAX_ATTEMPTS", 2)  # the client's own retries (10, ~25 s) shrunk for the test
    with FakeFalServer() as server:
        server.patch_client(monkeypatch)
        server.faults.add("submit", Fault.http(429, {"detail": "Too many requests"}, {"Retry-After": "7"}), times=5)
        cloud = Cloud("fal", server, "submit", "status", "ltxv-13b-0.9.7-distilled")
        _, error = _outcome(cloud, tmp_path)
        assert len(server.requests_to("submit")) == 2 and not server.jobs
    assert isinstance(error, RateLimited) and error.retry_after_s == 7 and "about 7 s" in error.hint
