"""Keychains for tests: a real keyring backend that keeps passwords in a dict (a stand-in for the OS
keychain), and fixtures that install it or the "no keychain" backend for one test."""
from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError

__all__ = ["MemoryKeyring", "memory_keyring", "no_keyring"]


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        del self.store[(service, username)]


def _forget_typed_keys() -> None:
    """Keys typed in a session live in the process's memory: one test's must not reach the next."""
    from ltx_editor.generation.secrets import forget_session_keys

    forget_session_keys()


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    _forget_typed_keys()
    yield backend
    _forget_typed_keys()
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    _forget_typed_keys()
    yield
    _forget_typed_keys()
    keyring.set_keyring(previous)
