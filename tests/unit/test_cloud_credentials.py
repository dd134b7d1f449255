"""Cloud keys as the providers use them: keychain first (an in-memory keyring backend stands in for the OS
keychain), else the environment; "no keychain" said clearly; validate_credentials makes one cheap
authenticated call; a changed key applies to the very next call."""
from __future__ import annotations

import asyncio

import pytest

from ltx_editor.core.settings import GenerationSettings
from ltx_editor.generation import secrets
from ltx_editor.generation.errors import BackendUnavailable, BadCredentials
from ltx_editor.generation.request import CancelToken, GenerationRequest
from tests.fakes.fal_server import FakeFalServer
from tests.fakes.keychains import *  # noqa: F403 (pytest fixtures)
from tests.fakes.replicate_server import FakeReplicateServer

FAL_KEY = "5f1e2d3c-aaaa-bbbb-cccc-0123456789ab:00112233445566778899aabbccddeeff"
FAL_KEY_2 = "5f1e2d3c-aaaa-bbbb-cccc-0123456789ab:ffeeddccbbaa99887766554433221100"
REP_KEY = "r8_CredentialsTestToken0123456789"
REP_KEY_2 = "r8_RotatedCredentialsToken9876543210"


@pytest.fixture
def keychain(memory_keyring):
    return memory_keyring

@pytest.fixture
def no_keychain(no_keyring):
    return None

@pytest.fixture
def fal(monkeypatch):
    with FakeFalServer(key=FAL_KEY) as server:
        server.patch_client(monkeypatch)
        yield server


@pytest.fixture
def rep():
    with FakeReplicateServer(token=REP_KEY) as server:
        yield server


def _request(backend):
    return GenerationRequest(backend=backend, prompt="rain on glass",
                             settings=GenerationSettings(model_id="ltxv-13b-0.9.7-distilled", seed=1, duration_s=1))


async def _generate(provider, out):
    return await provider.generate(_request(provider.backend), out, lambda _e: None, CancelToken())


def _auth(server, route):
    return [r.headers.get("authorization") for r in server.requests_to(route)]


def test_keychain_key_is_used_and_a_changed_key_applies_at_once(keychain, fal, rep, tmp_path):
    secrets.set_api_key("fal", FAL_KEY)
    secrets.set_api_key("replicate", REP_KEY)
    fal_provider, rep_provider = fal.provider(key=""), rep.provider(key="")  # no fixed key: read per job

    async def scenario():
        try:
            await _generate(fal_provider, tmp_path)
            await _generate(rep_provider, tmp_path)
            # the person pastes new keys in Preferences; the services now accept only those
            secrets.set_api_key("fal", FAL_KEY_2)
            secrets.set_api_key("replicate", REP_KEY_2)
            fal.key, rep.token = FAL_KEY_2, REP_KEY_2
            await _generate(fal_provider, tmp_path)
            await _generate(rep_provider, tmp_path)
        finally:
            await fal_provider.close()
            await rep_provider.close()

    asyncio.run(scenario())
    assert _auth(fal, "submit") == [f"Key {FAL_KEY}", f"Key {FAL_KEY_2}"]
    assert _auth(rep, "create") == [f"Bearer {REP_KEY}", f"Bearer {REP_KEY_2}"]
    assert len(list(tmp_path.glob("*.mp4"))) == 4


def test_without_a_keychain_the_environment_is_used_and_said_so(no_keychain, fal, monkeypatch, tmp_path):
    available, reason = secrets.keychain_status()
    assert not available and "No system keychain" in reason and "FAL_KEY" in reason
    monkeypatch.setenv("FAL_KEY", FAL_KEY)
    provider = fal.provider(key="")

    async def scenario():
        try:
            return await _generate(provider, tmp_path)
        finally:
            await provider.close()

    assert asyncio.run(scenario()).video_path.is_file()
    assert _auth(fal, "submit") == [f"Key {FAL_KEY}"]


@pytest.mark.parametrize("backend", ["fal", "replicate"])
def test_no_key_at_all_is_a_clear_error_before_any_request(no_keychain, fal, rep, backend, tmp_path):
    server = fal if backend == "fal" else rep
    provider = server.provider(key="")
    with pytest.raises(BadCredentials, match="No .* API key is set") as err:
        asyncio.run(_generate(provider, tmp_path))
    assert ("FAL_KEY" if backend == "fal" else "REPLICATE_API_TOKEN") in err.value.hint
    assert server.requests == [] and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("backend", ["fal", "replicate"])
def test_validate_credentials_is_one_cheap_authenticated_call(fal, rep, backend):
    server = fal if backend == "fal" else rep
    route = "token" if backend == "fal" else "account"
    good_key = FAL_KEY if backend == "fal" else REP_KEY

    async def check(key):
        provider = server.provider(key=key)
        try:
            await provider.validate_credentials()
        finally:
            await provider.close()

    asyncio.run(check(good_key))
    assert len(server.requests) == 1 and server.requests[0].route == route
    with pytest.raises(BadCredentials, match="rejected the API key") as err:
        asyncio.run(check("not-the-right-key-123456"))
    assert len(server.requests) == 2
    assert "not-the-right-key-123456" not in f"{err.value} {err.value.hint}"


def test_validate_credentials_when_the_service_is_unreachable(rep):
    provider = rep.provider(base_url="http://127.0.0.1:9", request_timeout_s=2)
    with pytest.raises(BackendUnavailable, match="Could not reach Replicate"):
        asyncio.run(provider.validate_credentials())
