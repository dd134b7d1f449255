"""The editor's log: a rotating file in the user's log folder, warnings on stderr, API keys always redacted,
control characters from untrusted text (names, prompts, service replies) escaped.

Qt-free, so the GUI and the headless commands set it up the same way.
"""
from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from platformdirs import user_log_dir

from ltx_editor.core.safe_text import for_log
from ltx_editor.generation.secrets import install_log_redaction

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class SafeFormatter(logging.Formatter):
    """A record as one entry that a terminal shows as text: ESC, BEL, C1 and CR escaped, and every line
    after the first indented, so a hostile name can neither drive the terminal nor forge a log line."""

    def format(self, record: logging.LogRecord) -> str:
        return for_log(super().format(record))


def log_dir() -> Path:
    return Path(user_log_dir("ltx-editor", appauthor=False))


def setup_logging(level: int = logging.INFO, folder: Path | None = None) -> Path:
    """Log to `folder`/ltx-editor.log (1 MB x 3 files) and warnings to stderr; returns the log file.

    Every handler gets the key redaction filter, so no line written anywhere can hold an API key."""
    folder = folder or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    log_file = folder / "ltx-editor.log"
    root = logging.getLogger()
    root.setLevel(min(root.level or level, level))
    if not any(getattr(h, "baseFilename", None) == str(log_file) for h in root.handlers):
        to_file = logging.handlers.RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3,
                                                       encoding="utf-8")
        to_file.setFormatter(SafeFormatter(LOG_FORMAT))
        to_file.setLevel(level)
        to_stderr = logging.StreamHandler()
        to_stderr.setLevel(logging.WARNING)
        to_stderr.setFormatter(SafeFormatter(LOG_FORMAT))
        root.addHandler(to_file)
        root.addHandler(to_stderr)
    install_log_redaction()
    return log_file
