"""The editor's log file: written where platformdirs says, rotated, and never holding an API key."""
import logging

import pytest

from ltx_editor.logs import setup_logging


@pytest.fixture
def root_handlers():
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[len(before):]:
        handler.close()
    root.handlers[:] = before
    root.setLevel(level)


def test_log_file_redacts_keys_from_messages_and_tracebacks(tmp_path, monkeypatch, root_handlers):
    key = "r8_" + "A1b2C3d4E5f6G7h8J9k0"
    monkeypatch.setenv("REPLICATE_API_TOKEN", key)
    log_file = setup_logging(folder=tmp_path / "logs")
    assert setup_logging(folder=tmp_path / "logs") == log_file  # twice adds no second handler
    log = logging.getLogger("ltx_editor.test")
    log.info("calling the service with %s", key)
    try:
        raise RuntimeError(f"401 for token {key}")
    except RuntimeError:
        log.exception("it failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text()
    assert "calling the service with [redacted]" in text and "it failed" in text
    assert key not in text
    assert sum(getattr(h, "baseFilename", "") == str(log_file) for h in logging.getLogger().handlers) == 1
