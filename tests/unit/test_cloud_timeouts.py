"""Every network call generation makes ends against a host that accepts the connection and never answers.

Each case points the real client (fal_client, replicate, httpx) at a loopback SilentHost, or hangs one route of
a loopback fake, with limits shrunk to fractions of a second, and checks three things: the call ends within a
few seconds (not the client's own minutes of retries), the error is retryable and names the service, and
nothing is left in the output folder.
"""
from __future__ import annotations

import asyncio
import time

import pytest

from ltx_editor.core.settings import GenerationMode as M
from ltx_editor.core.settings import GenerationSettings
from ltx_editor.generation.download import DownloadOptions, download_file
from ltx_editor.generation.enhance import PromptEnhancer
from ltx_editor.generation.errors import DownloadError, GenerationError, ServiceError
from ltx_editor.generation.request import Condition, GenerationRequest
from tests.fakes.fal_server import FakeFalServer
from tests.fakes.http_fault import Fault, SilentHost
from tests.fakes.provider_run import run_provider
from tests.fakes.replicate_server import FakeReplicateServer

BOUND_S = 4.0  # every case must end well inside this, on a busy 2-core machine too
LIMITS = {"connect_timeout_s": 0.5, "read_timeout_s": 0.3, "request_timeout_s": 0.8, "poll_timeout_s": 0.5,
          "upload_timeout_s": 0.8}


def _request(backend: str, mode: M = M.TEXT_TO_VIDEO, conditions=()) -> GenerationRequest:
    return GenerationRequest(backend=backend, mode=mode, prompt="a paper boat", conditions=list(conditions),
                             settings=GenerationSettings(model_id="ltxv-13b-0.9.7-distilled", seed=3, duration_s=2))


def _fails_in_time(provider, request, out) -> GenerationError:
    t0 = time.monotonic()
    with pytest.raises(GenerationError) as err:
        run_provider(provider, request, out)
    elapsed = time.monotonic() - t0
    assert elapsed < BOUND_S, f"took {elapsed:.1f} s"
    assert list(out.iterdir()) == []
    return err.value


def _point_fal_at(monkeypatch, url: str) -> None:
    import fal_client.client as fc

    for name, path in (("QUEUE_URL_FORMAT", "/queue/"), ("RUN_URL_FORMAT", "/run/"), ("REST_URL", "/rest"),
                       ("CDN_URL", "/cdn")):
        monkeypatch.setattr(fc, name, url + path)


def test_fal_submit_to_a_host_that_never_answers_ends_in_a_retryable_error(monkeypatch, tmp_path):
    from ltx_editor.generation.cloud.fal_provider import FalLTXProvider

    with SilentHost() as host:
        _point_fal_at(monkeypatch, host.base_url)
        error = _fails_in_time(FalLTXProvider(api_key="fal-key", **LIMITS), _request("fal"), tmp_path)
    assert isinstance(error, ServiceError) and error.retryable
    assert error.message.startswith("fal.ai did not answer in time (submitting the job")
    assert host.accepted >= 1  # it really connected: only the read/total limits could end this


def test_replicate_create_to_a_host_that_never_answers_ends_in_a_retryable_error(tmp_path):
    from ltx_editor.generation.cloud.replicate_provider import ReplicateLTXProvider

    with SilentHost() as host:
        provider = ReplicateLTXProvider(api_key="r8_key", base_url=host.base_url, **LIMITS)
        error = _fails_in_time(provider, _request("replicate"), tmp_path)
    assert isinstance(error, ServiceError) and error.retryable and "Replicate did not answer" in error.message
    assert host.accepted >= 1


@pytest.mark.parametrize("service", ["fal", "replicate"])
def test_an_upload_that_hangs_ends_with_the_file_and_service_named(service, monkeypatch, tmp_path):
    image = tmp_path / "first.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    out = tmp_path / "out"
    out.mkdir()
    request = _request(service, M.IMAGE_TO_VIDEO, [Condition(kind="image", path=str(image))])
    fake = FakeFalServer() if service == "fal" else FakeReplicateServer()
    with fake as server:
        if service == "fal":
            server.patch_client(monkeypatch)
            server.faults.add("token", Fault.hang(3.0), times=20)  # the CDN token request never answers
        else:
            server.faults.add("files", Fault.hang(3.0), times=20)
        error = _fails_in_time(server.provider(**LIMITS), request, out)
    name = "fal.ai" if service == "fal" else "Replicate"
    assert isinstance(error, ServiceError) and error.retryable
    assert error.message.startswith(f"{name} did not answer in time (uploading first.png")


def test_fal_result_fetch_that_hangs_is_bounded(monkeypatch, tmp_path):
    with FakeFalServer() as server:
        server.patch_client(monkeypatch)
        server.faults.add("result", Fault.hang(3.0), times=20)
        error = _fails_in_time(server.provider(**LIMITS), _request("fal"), tmp_path)
    assert isinstance(error, ServiceError) and error.retryable
    assert error.message.startswith("fal.ai did not answer in time (fetching the result")


@pytest.mark.parametrize("service", ["fal", "replicate"])
def test_polls_that_hang_end_as_service_stopped_answering(service, monkeypatch, tmp_path):
    fake = FakeFalServer() if service == "fal" else FakeReplicateServer()
    with fake as server:
        if service == "fal":
            server.patch_client(monkeypatch)
        server.faults.add("status" if service == "fal" else "get", Fault.hang(3.0), times=50)
        error = _fails_in_time(server.provider(**{**LIMITS, "poll_timeout_s": 0.2, "max_poll_failures": 2}),
                               _request(service), tmp_path)
    assert isinstance(error, ServiceError) and error.retryable
    assert error.message.startswith(("fal.ai stopped answering", "Replicate stopped answering"))


@pytest.mark.parametrize("service", ["fal", "replicate"])
def test_key_check_against_a_silent_host_is_bounded(service, monkeypatch):
    from ltx_editor.generation.cloud.fal_provider import FalLTXProvider
    from ltx_editor.generation.cloud.replicate_provider import ReplicateLTXProvider

    with SilentHost() as host:
        if service == "fal":
            _point_fal_at(monkeypatch, host.base_url)
            provider = FalLTXProvider(api_key="fal-key", **LIMITS)
        else:
            provider = ReplicateLTXProvider(api_key="r8_key", base_url=host.base_url, **LIMITS)

        async def check():
            try:
                await provider.validate_credentials()
            finally:
                await provider.close()

        t0 = time.monotonic()
        with pytest.raises(GenerationError) as err:
            asyncio.run(check())
    assert time.monotonic() - t0 < BOUND_S
    assert err.value.retryable and ("fal.ai" if service == "fal" else "Replicate") in err.value.message


def test_a_download_from_a_silent_host_is_bounded_and_names_the_service(tmp_path):
    opts = DownloadOptions(retries=1, backoff_s=0.01, connect_timeout_s=0.5, read_timeout_s=0.3)
    with SilentHost() as host:
        t0 = time.monotonic()
        with pytest.raises(DownloadError) as err:
            asyncio.run(download_file(f"{host.base_url}/files/x.mp4", tmp_path / "x.mp4", options=opts,
                                      service="fal.ai"))
    assert time.monotonic() - t0 < BOUND_S
    assert err.value.retryable and "fal.ai's file host" in err.value.message and "stalled" in err.value.message
    assert list(tmp_path.iterdir()) == []


def test_the_total_download_limit_ends_what_read_limits_never_would(tmp_path):
    # A read limit longer than the whole allowance: only the total limit can end this.
    opts = DownloadOptions(retries=5, connect_timeout_s=0.5, read_timeout_s=30.0, total_timeout_s=0.5)
    with SilentHost() as host:
        t0 = time.monotonic()
        with pytest.raises(DownloadError) as err:
            asyncio.run(download_file(f"{host.base_url}/files/x.mp4", tmp_path / "x.mp4", options=opts,
                                      service="Replicate"))
    assert time.monotonic() - t0 < BOUND_S
    assert "did not finish within 0.5 s" in err.value.message and "Replicate's file host" in err.value.message
    assert err.value.retryable and list(tmp_path.iterdir()) == []


def test_the_prompt_enhancer_gives_up_on_a_silent_host_and_keeps_the_prompt():
    with SilentHost() as host:
        enhancer = PromptEnhancer(host.base_url + "/v1", "m", "sk-secret", timeout_s=0.5, connect_timeout_s=0.3)
        t0 = time.monotonic()
        outcome = asyncio.run(enhancer.enhance("a dog"))
    assert time.monotonic() - t0 < BOUND_S
    assert outcome.prompt == "a dog" and outcome.enhanced is None
    assert "no answer within 0.5 s from the prompt enhancer at 127.0.0.1" in outcome.note
    assert "sk-secret" not in outcome.note


# -- the whole matrix: every call of both services, stalled two ways, ends in time with the service named ---------
STEPS = [("fal", "submit"), ("fal", "status"), ("fal", "result"), ("fal", "token"), ("fal", "file"),
         ("fal", "key check"), ("replicate", "create"), ("replicate", "get"), ("replicate", "files"),
         ("replicate", "file"), ("replicate", "key check")]
STALLS = {"no answer, then a hang-up": lambda: Fault.hang(3.0), "an answer after the limits": lambda: Fault.delay(3.0)}


@pytest.mark.parametrize("stall", list(STALLS))
@pytest.mark.parametrize(("service", "step"), STEPS, ids=[f"{s}-{r}" for s, r in STEPS])
def test_every_call_stalled_ends_in_time_naming_the_service(service, step, stall, monkeypatch, tmp_path):
    name = "fal.ai" if service == "fal" else "Replicate"
    fake = FakeFalServer() if service == "fal" else FakeReplicateServer()
    options = {**LIMITS, "poll_timeout_s": 0.3, "max_poll_failures": 1,
               "download": DownloadOptions(retries=1, backoff_s=0.01, connect_timeout_s=0.5, read_timeout_s=0.3,
                                           total_timeout_s=1.0)}
    with fake as server:
        if service == "fal":
            server.patch_client(monkeypatch)
        route = {"key check": "token" if service == "fal" else "account"}.get(step, step)
        server.faults.add(route, STALLS[stall](), times=50)
        provider = server.provider(**options)
        t0 = time.monotonic()
        with pytest.raises(GenerationError) as err:
            if step == "key check":
                async def check():
                    try:
                        await provider.validate_credentials()
                    finally:
                        await provider.close()

                asyncio.run(check())
            else:
                image = tmp_path / "first.png"
                image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
                out = tmp_path / "out"
                out.mkdir()
                uploads = step in ("token", "files")
                request = _request(service, M.IMAGE_TO_VIDEO if uploads else M.TEXT_TO_VIDEO,
                                   [Condition(kind="image", path=str(image))] if uploads else ())
                run_provider(provider, request, out)
                assert list(out.iterdir()) == []
    assert time.monotonic() - t0 < BOUND_S
    assert err.value.retryable and name in err.value.message, err.value.message
