"""API keys for the cloud services (and the remote worker's token), without ever requiring a keychain.

Where a key comes from, first match wins:
1. the environment (FAL_KEY / REPLICATE_API_TOKEN / LTX_WORKER_TOKEN): what a person exported is what runs;
2. a key typed in this session: kept in memory only, usable at once, gone when the editor closes;
3. the OS keychain (service "ltx-editor", account "fal" / "replicate" / "worker") when the machine has one;
4. a private key file the person chose to save to after a warning (`credentials.json` in the config folder,
   mode 0600, as `gh` and the AWS CLI do): plain text, so only on request.
Headless Linux has no keychain backend (keyring raises NoKeyringError): a typed key then still works for the
session. Keys are read per job, so a changed key takes effect at once; they are never in projects, sidecars,
logs or exception messages.

`redact()` removes key material from any text (client exception messages can echo request headers);
`install_log_redaction()` applies it to log records. No function here puts a key into a message.
"""
from __future__ import annotations

import json
import logging
import os
import re
import stat
import threading
from pathlib import Path
from typing import Literal

from ltx_editor.core.errors import LtxEditorError

Service = Literal["fal", "replicate", "worker"]
Where = Literal["environment", "session", "keychain", "file"]
KEYRING_SERVICE = "ltx-editor"
ENV_VARS: dict[str, str] = {"fal": "FAL_KEY", "replicate": "REPLICATE_API_TOKEN", "worker": "LTX_WORKER_TOKEN"}
SERVICE_NAMES: dict[str, str] = {"fal": "fal.ai", "replicate": "Replicate", "worker": "remote worker"}

log = logging.getLogger(__name__)


class KeychainError(LtxEditorError):
    """The key could not be stored or removed. The message never contains the key."""


def _check_service(service: str) -> None:
    if service not in ENV_VARS:
        raise ValueError(f"Unknown service {service!r}; use 'fal', 'replicate' or 'worker'.")


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
        return False, ("No system keychain is available on this machine. A key you type is used until the "
                       "editor closes; you may also save it in a private file, or set FAL_KEY and "
                       "REPLICATE_API_TOKEN in the environment.")
    name = getattr(backend, "name", type(backend).__name__)
    return True, f"Keys are stored in the system keychain ({name})."


_seen_lock = threading.Lock()
_seen_keys: set[str] = set()  # every key handed out in this process, so redact() can remove it later


def _remember(key: str | None) -> str | None:
    if key:
        with _seen_lock:
            _seen_keys.add(key)
    return key


_session: dict[str, str] = {}  # keys typed in this run: memory only, never written anywhere


def forget_session_keys() -> None:
    """Drop every key typed in this session (tests; the editor simply exits)."""
    _session.clear()


def key_file_path() -> Path:
    """The private key file (only written when the person asks): credentials.json in the config folder."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("ltx-editor", appauthor=False)) / "credentials.json"


FILE_WARNING = ("The key is saved as plain text in {path}, readable only by your user account (mode 0600), "
                "as gh and the AWS CLI do. Anyone who can log in as you, or read your backups, can read it. "
                "Without saving, a typed key is used until LTX Editor closes.")


def _read_file() -> dict[str, str]:
    path = key_file_path()
    try:
        info = path.stat()
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):  # someone widened it: make it private again
            os.chmod(path, 0o600)
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("The key file %s could not be read (%s); ignoring it.", path, type(exc).__name__)
        return {}
    return {k: v for k, v in data.items() if k in ENV_VARS and isinstance(v, str)} if isinstance(data, dict) else {}


def _write_file(data: dict[str, str]) -> None:
    """Replace the key file atomically; created 0600 (never world-readable, not even for an instant)."""
    path = key_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.chmod(tmp, 0o600)  # in case the file existed with a wider mode
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise KeychainError(f"The key file {path} could not be written ({exc.strerror or type(exc).__name__}).",
                            hint="Check that the config folder is writable.") from None
    if not data:
        path.unlink(missing_ok=True)


def _keychain_key(service: str) -> str | None:
    backend = _backend()
    if backend is None:
        return None
    try:
        key = backend.get_password(KEYRING_SERVICE, service)
    except Exception as exc:  # locked or broken keychain: fall through to the other sources
        log.warning("Reading the %s key from the keychain failed (%s).", SERVICE_NAMES[service],
                    type(exc).__name__)
        return None
    return key.strip() if key and key.strip() else None


def key_source(service: Service) -> tuple[Where | None, str | None]:
    """(where the key comes from, the key), by the order in the module docstring; (None, None) without one."""
    _check_service(service)
    env = os.environ.get(ENV_VARS[service], "").strip()
    if env:
        return "environment", _remember(env)
    if _session.get(service):
        return "session", _session[service]
    if key := _keychain_key(service):
        return "keychain", _remember(key)
    if key := _read_file().get(service, "").strip():
        return "file", _remember(key)
    return None, None


def get_api_key(service: Service) -> str | None:
    """The key for `service` (environment, this session, keychain, key file); None when there is none."""
    return key_source(service)[1]


def set_api_key(service: Service, key: str, *, save_to_file: bool = False) -> Where:
    """Use `key` from now on; returns where it is kept.

    It is held in memory at once (works until the editor closes, whatever else happens). It is also stored in
    the keychain when there is one, or — only with `save_to_file`, after the person read FILE_WARNING — in the
    private key file. Raises KeychainError (without the key) when a requested store fails."""
    _check_service(service)
    key = key.strip()
    if not key:
        raise KeychainError("The key is empty.", hint="Paste the whole key, or use Remove to delete it.")
    _remember(key)
    _session[service] = key
    if save_to_file:
        data = _read_file()
        data[service] = key
        _write_file(data)
        return "file"
    backend = _backend()
    if backend is None:
        return "session"
    try:
        backend.set_password(KEYRING_SERVICE, service, key)
    except Exception as exc:
        raise KeychainError(f"The keychain refused to store the {SERVICE_NAMES[service]} key "
                            f"({type(exc).__name__}); it is used until the editor closes.",
                            hint="Unlock the keychain and try again, or save it in the private key file.") from None
    return "keychain"


def delete_api_key(service: Service) -> None:
    """Forget the key everywhere LTX Editor keeps it (memory, keychain, key file). The environment stays."""
    _check_service(service)
    _session.pop(service, None)
    data = _read_file()
    if data.pop(service, None) is not None:
        _write_file(data)
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
