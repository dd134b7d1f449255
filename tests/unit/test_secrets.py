"""API keys: keychain when present, environment otherwise, and no key in any message or log line."""
from __future__ import annotations

import logging

import keyring
import pytest

from ltx_editor.generation import secrets
from ltx_editor.generation.secrets import (
    KEYRING_SERVICE,
    KeychainError,
    RedactingFilter,
    delete_api_key,
    get_api_key,
    install_log_redaction,
    keychain_status,
    redact,
    set_api_key,
)
from tests.fakes.keychains import *  # noqa: F403 (pytest fixtures)

FAL_KEY = "0a1b2c3d-1111-2222-3333-444455556666:0123456789abcdef0123456789abcdef"
REPLICATE_KEY = "r8_AbCdEfGhIjKlMnOpQrStUvWxYz012345"


@pytest.fixture(autouse=True)
def _fresh_session():
    secrets.forget_session_keys()
    yield
    secrets.forget_session_keys()


def test_headless_machine_falls_back_to_environment(no_keyring, monkeypatch):
    available, reason = keychain_status()
    assert not available and "FAL_KEY" in reason and "REPLICATE_API_TOKEN" in reason
    assert "until the editor closes" in reason
    assert get_api_key("fal") is None
    monkeypatch.setenv("FAL_KEY", FAL_KEY)
    assert get_api_key("fal") == FAL_KEY


def test_set_without_keychain_keeps_the_key_for_the_session(no_keyring):
    assert set_api_key("replicate", REPLICATE_KEY) == "session"
    assert get_api_key("replicate") == REPLICATE_KEY
    assert not secrets.key_file_path().exists()  # nothing written without being asked
    delete_api_key("replicate")
    assert get_api_key("replicate") is None
    delete_api_key("replicate")  # nothing to delete, no error


def test_keychain_round_trip_and_the_environment_wins(memory_keyring, monkeypatch):
    assert keychain_status()[0]
    assert set_api_key("replicate", f"  {REPLICATE_KEY}\n") == "keychain"
    assert memory_keyring.store[(KEYRING_SERVICE, "replicate")] == REPLICATE_KEY
    assert get_api_key("replicate") == REPLICATE_KEY
    set_api_key("replicate", "r8_changedkey111111111111111")  # a changed key is read at once
    assert get_api_key("replicate") == "r8_changedkey111111111111111"
    monkeypatch.setenv("REPLICATE_API_TOKEN", "r8_fromtheenvironment000000")
    assert secrets.key_source("replicate") == ("environment", "r8_fromtheenvironment000000")
    monkeypatch.delenv("REPLICATE_API_TOKEN")
    delete_api_key("replicate")
    delete_api_key("replicate")  # already gone: fine
    assert get_api_key("replicate") is None and (KEYRING_SERVICE, "replicate") not in memory_keyring.store


def test_broken_keychain_read_falls_back(memory_keyring, monkeypatch, caplog):
    def boom(*_):
        raise RuntimeError(f"locked; secret was {FAL_KEY}")

    monkeypatch.setattr(memory_keyring, "get_password", boom)
    monkeypatch.setenv("FAL_KEY", FAL_KEY)
    with caplog.at_level(logging.WARNING):
        assert get_api_key("fal") == FAL_KEY
    assert FAL_KEY not in caplog.text


def test_refusing_keychain_gives_a_keyless_error_and_keeps_the_key_for_now(memory_keyring, monkeypatch):
    def refuse(*_):
        raise keyring.errors.PasswordSetError(f"cannot store {FAL_KEY}")

    monkeypatch.setattr(memory_keyring, "set_password", refuse)
    with pytest.raises(KeychainError) as err:
        set_api_key("fal", FAL_KEY)
    assert FAL_KEY not in str(err.value) and err.value.__cause__ is None
    assert get_api_key("fal") == FAL_KEY  # usable until the editor closes


def test_empty_key_and_unknown_service():
    with pytest.raises(KeychainError):
        set_api_key("fal", "   ")
    with pytest.raises(ValueError):
        get_api_key("openai")  # type: ignore[arg-type]


def test_redact_known_keys_and_key_shapes(monkeypatch):
    monkeypatch.setenv("FAL_KEY", "plain-env-secret-123")
    text = (f"401 for header Authorization: Key {FAL_KEY}; Bearer {REPLICATE_KEY}; "
            f"token=abcdefghijklmnopqrstuvwxyz; env plain-env-secret-123; bare {REPLICATE_KEY}")
    clean = redact(text)
    for secret in (FAL_KEY, REPLICATE_KEY, "abcdefghijklmnopqrstuvwxyz", "plain-env-secret-123"):
        assert secret not in clean
    assert clean.startswith("401 for header Authorization: Key [redacted]")
    assert redact("fal.ai rejected the API key. Set a valid key in Preferences.") == \
        "fal.ai rejected the API key. Set a valid key in Preferences."


def test_keys_handed_out_are_redacted_later(memory_keyring):
    odd = "zz-custom-format-key-42"
    set_api_key("fal", odd)
    get_api_key("fal")
    delete_api_key("fal")  # even after it changed, text holding it stays clean
    assert odd not in redact(f"failed with {odd}")


def test_log_filter_redacts_messages_args_and_tracebacks(caplog):
    logger = logging.getLogger("ltx_editor.test_secrets")
    install_log_redaction([caplog.handler])
    install_log_redaction([caplog.handler])  # idempotent
    assert sum(isinstance(f, RedactingFilter) for f in caplog.handler.filters) == 1
    with caplog.at_level(logging.INFO):
        logger.info("sending Authorization: Bearer %s", REPLICATE_KEY)
        try:
            raise RuntimeError(f"server echoed Key {FAL_KEY}")
        except RuntimeError:
            logger.exception("request failed")
    text = caplog.text + "".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert REPLICATE_KEY not in text and FAL_KEY not in text
    assert "request failed" in text and "[redacted]" in text
    caplog.handler.removeFilter(secrets._FILTER)
