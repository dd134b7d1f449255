"""A key typed in Preferences on a machine without a keychain works at once (memory only, until the editor
closes), is saved in a private file only after the warning, and the row says where the key in use comes from."""
from __future__ import annotations

import stat

import pytest
from PySide6.QtQuick import QQuickItem

from ltx_editor.generation import secrets
from ltx_editor.ui.preferences import Preferences
from tests.fakes.keychains import *  # noqa: F403 (pytest fixtures)
from tests.ui.helpers_app import click, type_text

REPLICATE_KEY = "r8_TypedInTheDialog0123456789ab"


@pytest.fixture
def key_row(load_qml, no_keyring, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    prefs = Preferences(path=tmp_path / "prefs.json")
    loaded = load_qml("ApiKeyRow.qml", size=(900, 200), preferences=prefs, service="replicate",
                      serviceName="Replicate", envName="REPLICATE_API_TOKEN")
    prefs.setParent(loaded.engine)  # deleted with the engine, never before the QML bound to it
    return loaded, prefs


def _type_key(loaded, qtbot, text: str) -> None:
    field = loaded.find("keyField_replicate", QQuickItem)
    field.forceActiveFocus()
    qtbot.waitUntil(lambda: field.hasActiveFocus())
    type_text(loaded.window, text)
    qtbot.waitUntil(lambda: field.property("text") == text)


def test_typed_key_is_used_at_once_and_only_in_memory(key_row, qtbot, tmp_path):
    loaded, prefs = key_row
    assert loaded.warnings == []
    button = loaded.find("storeKey_replicate", QQuickItem)
    assert button.property("text") == "Use"  # no keychain: it is not "stored" anywhere
    _type_key(loaded, qtbot, REPLICATE_KEY)
    with qtbot.waitSignal(prefs.keysChanged):
        click(loaded.window, button)
    assert secrets.get_api_key("replicate") == REPLICATE_KEY
    assert loaded.find("keyField_replicate", QQuickItem).property("text") == ""
    qtbot.waitUntil(lambda: "until LTX Editor closes" in loaded.find("keySource_replicate", QQuickItem)
                    .property("text"))
    assert not secrets.key_file_path().exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and REPLICATE_KEY.encode() in p.read_bytes()]


def test_saving_to_the_private_file_shows_the_warning_first(key_row, qtbot):
    loaded, prefs = key_row
    box = loaded.find("saveKeyToFile_replicate", QQuickItem)
    warning = loaded.find("keyFileWarning_replicate", QQuickItem)
    assert box.property("visible") and not warning.property("visible")
    click(loaded.window, box)
    qtbot.waitUntil(lambda: warning.property("visible"))
    assert "0600" in warning.property("text") and "plain text" in warning.property("text")
    assert loaded.find("storeKey_replicate", QQuickItem).property("text") == "Store"
    _type_key(loaded, qtbot, REPLICATE_KEY)
    with qtbot.waitSignal(prefs.keysChanged):
        click(loaded.window, loaded.find("storeKey_replicate", QQuickItem))
    path = secrets.key_file_path()
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    secrets.forget_session_keys()  # as after a restart
    assert secrets.key_source("replicate") == ("file", REPLICATE_KEY)
    assert prefs.apiKeySource("replicate") == "saved in the private key file"


def test_environment_wins_and_is_named(key_row, qtbot, monkeypatch):
    loaded, prefs = key_row
    monkeypatch.setenv("REPLICATE_API_TOKEN", "r8_FromTheEnvironment000000000")
    prefs.keysChanged.emit()
    label = loaded.find("keySource_replicate", QQuickItem)
    qtbot.waitUntil(lambda: "REPLICATE_API_TOKEN" in label.property("text"))
    assert "r8_FromTheEnvironment" not in label.property("text")
