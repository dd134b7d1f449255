"""Preferences > Remote worker through the real QML: an address and a token (a secret: memory / keychain /
LTX_WORKER_TOKEN, never in the preferences file), Test connection says ok / refused / unreachable, and the
editor's local jobs then run on that worker (a real tiny-model job over loopback, landing in the project)."""
from __future__ import annotations

import json
import socket

import pytest
from PySide6.QtQuick import QQuickItem

from ltx_editor.generation import secrets
from ltx_editor.generation.worker.client import WorkerLTXProvider
from ltx_editor.generation.worker.http_server import create_app
from ltx_editor.generation.worker.remote import RemoteWorkerProvider
from tests.fakes.keychains import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import *  # noqa: F403 (pytest fixtures)
from tests.fakes.model_fixtures import tiny_request
from tests.fakes.remote_worker import serve_app
from tests.ui.helpers_app import *  # noqa: F403 (pytest fixtures)
from tests.ui.helpers_app import click, items_named, type_text

TOKEN = "box-token-typed-in-preferences"


@pytest.fixture
def box(tmp_path_factory):
    work = tmp_path_factory.mktemp("box")
    with serve_app(create_app(TOKEN, WorkerLTXProvider(max_sequence_length=16), work)) as address:
        yield address


@pytest.fixture
def prefs_dialog(main_window, no_keyring, qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("LTX_WORKER_TOKEN", raising=False)
    dialog = main_window.find("preferencesDialog")
    dialog.setProperty("visible", True)
    qtbot.waitUntil(lambda: bool(items_named(main_window.window, "workerAddressField")))
    return main_window


def _item(w, name: str) -> QQuickItem:
    return items_named(w.window, name)[0]


def _type_into(w, qtbot, name: str, text: str) -> None:
    field = _item(w, name)
    field.setProperty("text", "")
    field.forceActiveFocus()
    qtbot.waitUntil(lambda: field.hasActiveFocus())
    type_text(w.window, text)
    qtbot.waitUntil(lambda: field.property("text") == text)


def _test_connection(w, qtbot) -> str:
    result = _item(w, "workerTestResult")
    with qtbot.waitSignal(w.prefs.remoteWorkerTested, timeout=20_000):
        click(w.window, _item(w, "testWorkerButton"))
    qtbot.waitUntil(lambda: " — " in result.property("text"))
    return result.property("text")


def _free_port() -> int:
    s = socket.create_server(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_address_token_and_test_connection(prefs_dialog, box, qtbot, tmp_path):
    w = prefs_dialog
    _type_into(w, qtbot, "workerAddressField", box)
    assert _test_connection(w, qtbot).startswith("refused — No token")
    _type_into(w, qtbot, "keyField_worker", TOKEN)
    with qtbot.waitSignal(w.prefs.keysChanged):
        click(w.window, _item(w, "storeKey_worker"))
    assert secrets.key_source("worker") == ("session", TOKEN)
    text = _test_connection(w, qtbot)
    assert text.startswith("ok — Connected to http://" + box) and TOKEN not in text
    w.prefs.setApiKey("worker", "a-token-the-box-does-not-know")
    text = _test_connection(w, qtbot)
    assert text.startswith("refused — ") and "a-token-the-box" not in text
    _type_into(w, qtbot, "workerAddressField", f"127.0.0.1:{_free_port()}")
    assert _test_connection(w, qtbot).startswith("unreachable — Could not reach")
    w.find("preferencesDialog").setProperty("visible", False)  # closing saves the preferences
    qtbot.waitUntil(lambda: w.prefs.path.is_file())
    saved = json.loads(w.prefs.path.read_text())
    assert saved["remote_worker"].startswith("127.0.0.1:")
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and b"a-token-the-box" in p.read_bytes()]
    assert not [x for x in w.qml_warnings if "RemoteWorkerSection" in x or "PreferencesDialog" in x]


def test_local_jobs_run_on_the_remote_worker_once_it_is_set(prefs_dialog, box, qtbot, tiny_ltx_dir):
    w = prefs_dialog
    _type_into(w, qtbot, "workerAddressField", box)
    _item(w, "workerAddressField").setProperty("focus", False)  # commits the field, as leaving it does
    qtbot.waitUntil(lambda: w.prefs.values.remote_worker == box)
    w.prefs.setApiKey("worker", TOKEN)
    assert isinstance(w.app.worker._provider_for("local"), RemoteWorkerProvider)
    job = w.app.worker.queue.submit(tiny_request(tiny_ltx_dir))
    qtbot.waitUntil(lambda: w.app.worker.queue.get(job.id).state in ("finished", "failed"), timeout=180_000)
    done = w.app.worker.queue.get(job.id)
    assert done.state == "finished", done.error
    assert done.result.video_path.is_file() and done.result.sidecar_path.is_file()
