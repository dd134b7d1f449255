"""API keys for the cloud services: the OS keychain when there is one, else the environment.

Keys live in the keychain under the service "ltx-editor" (account "fal" / "replicate"). Headless Linux has
no keychain backend (keyring raises NoKeyringError): then FAL_KEY / REPLICATE_API_TOKEN are read from the
environment and `keychain_status()` says so. Keys are read per job, so a changed key takes effect at once.

`redact()` removes key material from any text (client exception messages can echo request headers);
`install_log_redaction()` applies it to log records. No function here puts a key into a message.
"""
from __future__ import annotations

import logging
import os
import re
import threading
from typing import Literal

from ltx_editor.core.errors import LtxEditorError

Service = Literal["fal", "replicate"]
KEYRING_SERVICE = "ltx-editor"
ENV_VARS: dict[str, str] = {"fal": "FAL_KEY", "replicate": "REPLICATE_API_TOKEN"}
SERVICE_NAMES: dict[str, str] = {"fal": "fal.ai", "replicate": "Replicate"}

log = logging.getLogger(__name__)


class KeychainError(LtxEditorError):
    """The key could not be stored or removed. The message never contains the key."""


def _check_service(service: str) -> None:
    if service not in ENV_VARS:
        raise ValueError(f"Unknown service {service!r}; use 'fal' or 'replicate'.")


def _backend():
    """The keyring backend, or None when no usable keychain exists (fail/null backends, import errors)."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring install must not break the editor
        return None
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def keychain_status() -> tuple[bool, str]:
    """(available, reason) for Preferences: where keys are stored, or why they come from the environment."""
    backend = _backend()
    if backend is None:
        return False, ("No system keychain is available on this machine, so keys are read from the "
                       "environment variables FAL_KEY and REPLICATE_API_TOKEN.")
    name = getattr(backend, "name", type(backend).__name__)
    return True, f"Keys are stored in the system keychain ({name})."


_seen_lock = threading.Lock()
_seen_keys: set[str] = set()  # every key handed out in this process, so redact() can remove it later


def _remember(key: str | None) -> str | None:
    if key:
        with _seen_lock:
            _seen_keys.add(key)
    return key


def get_api_key(service: Service) -> str | None:
    """The key for `service`: the keychain's entry first, else the environment; None when neither has one."""
    _check_service(service)
    backend = _backend()
    if backend is not None:
        try:
            key = backend.get_password(KEYRING_SERVICE, service)
        except Exception as exc:  # locked or broken keychain: fall back to the environment
            log.warning("Reading the %s key from the keychain failed (%s); using the environment.",
                        SERVICE_NAMES[service], type(exc).__name__)
            key = None
        if key:
            return _remember(key.strip())
    env = os.environ.get(ENV_VARS[service], "").strip()
    return _remember(env) if env else None


def set_api_key(service: Service, key: str) -> None:
    """Store `key` in the keychain; raises KeychainError (naming the env variable to use) when there is none."""
    _check_service(service)
    key = key.strip()
    if not key:
        raise KeychainError("The key is empty.", hint="Paste the whole key, or use Remove to delete it.")
    _remember(key)
    backend = _backend()
    if backend is None:
        raise KeychainError(f"No system keychain is available, so the {SERVICE_NAMES[service]} key cannot be saved.",
                            hint=f"Set {ENV_VARS[service]} in the environment before starting LTX Editor.")
    try:
        backend.set_password(KEYRING_SERVICE, service, key)
    except Exception as exc:
        raise KeychainError(f"The keychain refused to store the {SERVICE_NAMES[service]} key "
                            f"({type(exc).__name__}).", hint="Unlock the keychain and try again.") from None


def delete_api_key(service: Service) -> None:
    """Remove the stored key (a missing entry is fine). The environment variable, if any, stays."""
    _check_service(service)
    backend = _backend()
    if backend is None:
        return
    try:
        from keyring.errors import PasswordDeleteError

        backend.delete_password(KEYRING_SERVICE, service)
    except PasswordDeleteError:
        pass
    except Exception as exc:
        raise KeychainError(f"The keychain refused to remove the {SERVICE_NAMES[service]} key "
                            f"({type(exc).__name__}).", hint="Unlock the keychain and try again.") from None


# -- redaction --------------------------------------------------------------------------------------------
REDACTED = "[redacted]"
_PATTERNS = [
    # Authorization header values as clients print them: "Key abc:def", "Bearer r8_...", "Token ..."
    re.compile(r"(?i)\b(key|bearer|token)(\s+|=|:\s*)([A-Za-z0-9._~+/=:\-]{12,})"),
    re.compile(r"\br8_[A-Za-z0-9]{16,}\b"),  # Replicate tokens
    re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[0-9a-f]{16,}\b"),  # fal keys
]


def _known_keys() -> list[str]:
    keys = set()
    for var in ENV_VARS.values():
        if value := os.environ.get(var, "").strip():
            keys.add(value)
    with _seen_lock:
        keys |= _seen_keys
    # Longest first, so a key that contains another is removed whole.
    return sorted((k for k in keys if len(k) >= 6), key=len, reverse=True)


def redact(text: object, extra: tuple[str, ...] | list[str] = ()) -> str:
    """`text` with every known key, and anything shaped like an API key or auth header, replaced."""
    out = str(text)
    for key in [*extra, *_known_keys()]:
        if key and len(key) >= 6:
            out = out.replace(key, REDACTED)
    for pattern in _PATTERNS:
        if pattern.groups >= 3:
            out = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", out)
        else:
            out = pattern.sub(REDACTED, out)
    return out


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with redact(); attach to handlers (or loggers that log directly)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks carry exception text; render it now, redacted, and drop the live exception.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_FILTER = RedactingFilter()
# Loggers of the HTTP clients we drive; their records are filtered where they are created.
CLIENT_LOGGERS = ("fal_client", "fal_client.client", "fal_client.auth", "replicate", "httpx", "httpcore",
                  "ltx_editor")


def install_log_redaction(handlers: list[logging.Handler] | None = None) -> None:
    """Filter the client loggers and the given handlers (default: the root logger's) through redact().

    Idempotent. Handler filters see every record that reaches them, including child loggers' records.
    """
    for name in CLIENT_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    for handler in handlers if handlers is not None else logging.getLogger().handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
