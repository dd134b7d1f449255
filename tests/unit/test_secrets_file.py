"""Keys without a keychain: memory for the session, a private 0600 file only when asked, environment first,
and never a key in the file's neighbours, a project, a log or an error."""
from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys

import pytest

from ltx_editor.generation import secrets
from ltx_editor.generation.secrets import KeychainError, delete_api_key, get_api_key, key_source, set_api_key
from tests.fakes.keychains import *  # noqa: F403 (pytest fixtures)

FAL_KEY = "0a1b2c3d-1111-2222-3333-444455556666:0123456789abcdef0123456789abcdef"
REPLICATE_KEY = "r8_AbCdEfGhIjKlMnOpQrStUvWxYz012345"


@pytest.fixture(autouse=True)
def private_config(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    secrets.forget_session_keys()
    yield tmp_path / "config" / "ltx-editor" / "credentials.json"
    secrets.forget_session_keys()


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_saved_file_is_private_and_read_after_a_restart(no_keyring, private_config):
    assert set_api_key("fal", FAL_KEY, save_to_file=True) == "file"
    assert _mode(private_config) == 0o600
    assert json.loads(private_config.read_text()) == {"fal": FAL_KEY}
    assert not any(p.name.endswith(".tmp") for p in private_config.parent.iterdir())
    secrets.forget_session_keys()  # the editor closed and opened again
    assert key_source("fal") == ("file", FAL_KEY)
    set_api_key("replicate", REPLICATE_KEY, save_to_file=True)
    assert json.loads(private_config.read_text()) == {"fal": FAL_KEY, "replicate": REPLICATE_KEY}
    delete_api_key("fal")
    assert json.loads(private_config.read_text()) == {"replicate": REPLICATE_KEY}
    delete_api_key("replicate")
    assert not private_config.exists()  # the last key gone: no empty file left


def test_widened_file_is_made_private_again(no_keyring, private_config):
    set_api_key("fal", FAL_KEY, save_to_file=True)
    os.chmod(private_config, 0o644)
    secrets.forget_session_keys()
    assert get_api_key("fal") == FAL_KEY and _mode(private_config) == 0o600


def test_order_environment_session_keychain_file(memory_keyring, monkeypatch, private_config):
    set_api_key("fal", "file-key-aaaaaaaaaaaa", save_to_file=True)
    secrets.forget_session_keys()
    assert key_source("fal")[0] == "file"
    memory_keyring.set_password(secrets.KEYRING_SERVICE, "fal", "keychain-key-bbbbbbbb")
    assert key_source("fal") == ("keychain", "keychain-key-bbbbbbbb")
    set_api_key("fal", "typed-key-cccccccccc")
    assert key_source("fal") == ("session", "typed-key-cccccccccc")
    monkeypatch.setenv("FAL_KEY", "env-key-dddddddddddd")
    assert key_source("fal") == ("environment", "env-key-dddddddddddd")


def test_garbage_file_is_ignored_with_a_keyless_warning(no_keyring, private_config, caplog):
    private_config.parent.mkdir(parents=True)
    private_config.write_text(f"not json {FAL_KEY}")
    with caplog.at_level(logging.WARNING):
        assert get_api_key("fal") is None
    assert "could not be read" in caplog.text and FAL_KEY not in caplog.text


def test_unwritable_config_folder_says_so_without_the_key(no_keyring, private_config):
    private_config.parent.mkdir(parents=True)
    os.chmod(private_config.parent, 0o500)
    try:
        if os.access(private_config.parent, os.W_OK):  # root ignores the mode: make the path a file instead
            os.chmod(private_config.parent, 0o700)
            private_config.mkdir()
        with pytest.raises(KeychainError) as err:
            set_api_key("fal", FAL_KEY, save_to_file=True)
        assert FAL_KEY not in str(err.value) and "could not be written" in str(err.value)
        assert get_api_key("fal") == FAL_KEY  # still usable for the session
    finally:
        os.chmod(private_config.parent, 0o700)


def test_session_key_lives_only_in_memory(no_keyring, private_config, tmp_path):
    """A typed key is never written anywhere: a fresh process does not see it."""
    set_api_key("replicate", REPLICATE_KEY)
    assert get_api_key("replicate") == REPLICATE_KEY
    code = "from ltx_editor.generation.secrets import get_api_key; print(get_api_key('replicate'))"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.strip() == "None", out.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file() and REPLICATE_KEY.encode() in p.read_bytes()]
    assert written == []
