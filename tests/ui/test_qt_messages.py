"""Qt's messages stay out of Python while the suite runs.

Qt's media player logs from a loader thread of its own. A Python message handler that pytest-qt installed
for each test and removed after it was, during that swap, called as a null object by PySide: the run died
with SIGSEGV (CI, tests/ui/test_cloud_fallback.py under load). The suite runs with `--no-qt-log`
(pyproject.toml), so Qt's default handler writes to stderr, which pytest captures per test anyway."""
from PySide6.QtCore import qInstallMessageHandler


def test_no_python_qt_message_handler_is_installed_during_a_test(qapp):
    previous = qInstallMessageHandler(None)
    try:
        assert previous is None, f"a Python Qt message handler is installed: {previous!r}"
    finally:
        if previous is not None:
            qInstallMessageHandler(previous)
