"""What QML hands over as a file: a file:// URL (dialogs, drops) or a plain path."""
from __future__ import annotations

from PySide6.QtCore import QUrl


def local_path(url_or_path: str) -> str:
    url = QUrl(url_or_path)
    return url.toLocalFile() if url.isLocalFile() else url_or_path
