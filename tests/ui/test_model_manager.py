"""The model manager view, driven by clicks against the fake Hub: a model goes absent -> downloading (bytes,
speed, ETA) -> paused -> resumed -> downloaded -> deleted; a cancel throws the partial bytes away; the machine's
hardware is listed; a ComfyUI folder's LoRAs show their family and trigger words."""
from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from PySide6.QtQuick import QQuickItem

from ltx_editor.generation import hardware
from ltx_editor.ui.models_controller import ModelsController
from ltx_editor.ui.preferences import Preferences
from tests.fakes.hf_hub_server import FakeHub, diffusers_repo
from tests.fakes.tiny_package import OFFLINE_PIP_ARGS, tiny_package
from tests.ui.helpers_app import *  # noqa: F403 (the main_window fixture)
from tests.ui.helpers_app import click, scroll_into_view

MODEL, REPO = "ltxv-2b-0.9.5", "Lightricks/LTX-Video-0.9.5"
FAKE_BIN = Path(__file__).resolve().parents[1] / "fakes" / "bin"


@pytest.fixture
def hub():
    with FakeHub() as server:
        yield server


@pytest.fixture
def manager(load_qml, hub, tmp_path, monkeypatch, qtbot):
    monkeypatch.setenv("PATH", f"{FAKE_BIN}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_NVIDIA_SMI", "one8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the download journal
    prefs = Preferences(path=tmp_path / "prefs.json")
    prefs.values.model_cache_dir = str(tmp_path / "models")
    machine = ModelsController(prefs, endpoint=hub.base_url)
    machine.probe_now(refresh=True)
    loaded = load_qml("ModelManager.qml", size=(900, 2400), machine=machine)
    prefs.setParent(loaded.engine)  # deleted with the engine, never before the QML bound to them
    machine.setParent(loaded.engine)
    yield loaded, machine
    machine.shutdown()


def button(loaded, name: str) -> QQuickItem:
    item = loaded.find(name, QQuickItem)
    assert item is not None, name
    return item


def press(loaded, qtbot, name: str) -> None:
    item = button(loaded, name)
    qtbot.waitUntil(lambda: item.isVisible())
    scroll_into_view(item)
    click(loaded.window, item)


def row(machine: ModelsController, model_id: str = MODEL) -> dict:
    m = machine.models
    r = m.row_of(model_id)
    return {name: m.role_value(m.items[r], name) for name in m.ROLES}


def test_hardware_and_models_are_listed(manager, qtbot):
    loaded, machine = manager
    assert loaded.warnings == []
    assert "NVIDIA GeForce RTX 3070" in button(loaded, "hardwareLine0").property("text")
    assert button(loaded, f"state_{MODEL}").property("text") == "Not downloaded"
    assert "fits this GPU" in button(loaded, f"verdict_{MODEL}").property("text")
    big = next(e for e in machine.entries().values() if not e.fits)
    assert "this GPU has 8" in button(loaded, f"verdict_{big.model_id}").property("text")


def test_download_pause_resume_delete(manager, hub, qtbot):
    loaded, machine = manager
    hub.add_repo(REPO, diffusers_repo(24, parts=("transformer",)))
    hub.bytes_per_s = 8 * 1024 * 1024
    press(loaded, qtbot, f"download_{MODEL}")
    text = button(loaded, f"progressText_{MODEL}")
    qtbot.waitUntil(lambda: "MB/s" in text.property("text") and row(machine)["fraction"] > 0, timeout=30_000)
    assert " of " in text.property("text")  # bytes of total, speed, time left
    press(loaded, qtbot, f"pause_{MODEL}")
    qtbot.waitUntil(lambda: row(machine)["paused"], timeout=10_000)
    assert button(loaded, f"download_{MODEL}").property("text") == "Resume"
    hub.bytes_per_s = None
    press(loaded, qtbot, f"download_{MODEL}")
    state = button(loaded, f"state_{MODEL}")
    qtbot.waitUntil(lambda: state.property("text").startswith("Downloaded"), timeout=60_000)
    assert machine.entries()[MODEL].size_bytes > 24 * 1024 * 1024
    press(loaded, qtbot, f"delete_{MODEL}")
    qtbot.waitUntil(lambda: state.property("text") == "Not downloaded")
    assert button(loaded, "managerNotice").property("text").startswith("Freed")


def test_cancel_throws_the_partial_bytes_away(manager, hub, qtbot):
    loaded, machine = manager
    hub.add_repo(REPO, diffusers_repo(24, parts=("transformer",)))
    hub.bytes_per_s = 6 * 1024 * 1024
    press(loaded, qtbot, f"download_{MODEL}")
    qtbot.waitUntil(lambda: row(machine)["downloading"] and row(machine)["fraction"] > 0, timeout=30_000)
    press(loaded, qtbot, f"cancel_{MODEL}")
    qtbot.waitUntil(lambda: not row(machine)["downloading"] and row(machine)["modelState"] == "absent", timeout=15_000)
    blobs = Path(machine.modelsFolder) / f"models--{REPO.replace('/', '--')}" / "blobs"
    assert not list(blobs.glob("*.incomplete"))


def _lora(path: Path, metadata: dict[str, str]) -> None:
    header = json.dumps({"__metadata__": metadata, "w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})
    path.write_bytes(struct.pack("<Q", len(header)) + header.encode() + b"\0\0\0\0")


def test_comfyui_folder_loras_show_family_and_triggers(manager, tmp_path, qtbot):
    loaded, machine = manager
    loras = tmp_path / "ComfyUI" / "models" / "loras"
    loras.mkdir(parents=True)
    _lora(loras / "cakeify.safetensors", {"modelspec.title": "Cakeify", "modelspec.architecture": "ltx-video",
                                          "modelspec.trigger_phrase": "CAKEIFY"})
    _lora(loras / "kohya.safetensors", {"ss_output_name": "squish", "ss_base_model_version": "ltx2",
                                        "ss_tag_frequency": json.dumps({"a": {"sq1sh": 9, "blob": 2}})})
    (loras / "broken.safetensors").write_bytes(b"not a safetensors file")
    machine.addModelFolder(str(tmp_path / "ComfyUI"))
    qtbot.waitUntil(lambda: machine.loras.rowCount() == 3)
    got = {r.name: (r.family, r.triggers, bool(r.error)) for r in machine.loras.items}
    assert got["Cakeify"] == ("ltx-video", ("CAKEIFY",), False)
    assert got["squish"] == ("ltx-2", ("sq1sh", "blob"), False)
    assert got["broken"][2]
    assert str(tmp_path / "ComfyUI") in machine.modelFolders


def test_the_library_view_shows_each_lora_with_family_and_trigger(manager, tmp_path, qtbot):
    loaded, machine = manager
    folder = tmp_path / "loras"
    folder.mkdir()
    _lora(folder / "cakeify.safetensors", {"modelspec.title": "Cakeify", "modelspec.architecture": "ltx-video",
                                           "modelspec.trigger_phrase": "CAKEIFY"})
    machine.addModelFolder(str(folder))  # loose files in a plain folder are scanned too
    qtbot.waitUntil(lambda: loaded.find("loraRow0", QQuickItem) is not None)
    text = button(loaded, "loraRow0").property("text")
    assert text.startswith("Cakeify") and "ltx-video" in text and "trigger: CAKEIFY" in text


def test_install_local_generation_from_the_manager(manager, tmp_path, qtbot, monkeypatch):
    """With the local runtime missing the manager offers the install; pip runs in a child with its lines as
    progress, and the view sees the new packages without a restart. A tiny local package stands in for the
    [local] extra (no network here); the flow around it is the real one."""
    loaded, machine = manager
    pkg = tiny_package(tmp_path, "ltxuitinypkg")
    target = tmp_path / "site"
    target.mkdir()
    monkeypatch.syspath_prepend(str(target))
    machine.LOCAL_MODULES = ("ltxuitinypkg",)
    machine.install_requirements = [str(pkg)]
    machine.install_args = (*OFFLINE_PIP_ARGS, "--target", str(target))
    machine.installChanged.emit()
    assert not machine.localInstalled
    with qtbot.waitSignal(machine.hardwareChanged, timeout=180_000):  # success probes again (the torch build)
        press(loaded, qtbot, "installLocal")
        qtbot.waitUntil(lambda: machine.installing)
    assert machine.localInstalled and not machine.installing
    assert button(loaded, "installText").property("text") == "Local generation is installed."
    assert not button(loaded, "installLocal").isVisible()


def test_a_download_that_cannot_fit_is_refused_in_words_before_any_byte(manager, hub, qtbot):
    loaded, machine = manager
    hub.add_repo(REPO, diffusers_repo(1), claimed_size=1024**5)  # the Hub announces a petabyte
    press(loaded, qtbot, f"download_{MODEL}")
    text = button(loaded, f"progressText_{MODEL}")
    qtbot.waitUntil(lambda: "GB free" in text.property("text"), timeout=30_000)
    assert "GB more" in text.property("text") and "models folder" in text.property("text")  # the hint: another one
    assert hub.served_bytes(REPO) < 1024 and not row(machine)["downloading"]


def test_the_models_folder_is_a_preference(manager, hub, tmp_path, qtbot):
    """Another models folder: shown, its free disk probed, downloads land there."""
    loaded, machine = manager
    other = tmp_path / "elsewhere" / "hub"
    with qtbot.waitSignal(machine.hardwareChanged, timeout=10_000):
        machine._prefs.modelCacheDir = str(other)
    assert machine.modelsFolder == str(other) and str(other) in button(loaded, "modelsFolder").property("text")
    assert machine.hardware.disk_path == str(tmp_path)  # the nearest existing folder on the way to it
    assert any(str(other) in line for line in machine.hardwareDetails)
    hub.add_repo(REPO, diffusers_repo(1))
    machine.download(MODEL)
    qtbot.waitUntil(lambda: machine.entries()[MODEL].state == "downloaded", timeout=60_000)
    assert (other / f"models--{REPO.replace('/', '--')}" / "snapshots").is_dir()


def test_status_bar_and_menu_in_the_main_window(main_window, qtbot):
    w = main_window
    label = w.find("hardwareLabel", QQuickItem)
    hw = w.app.modelManager.hardware
    assert label.property("text") == hw.summary() and "RAM" in label.property("text")
    dialog = w.find("modelManagerDialog", QObject)
    action = w.window.findChild(QObject, "modelManagerAction")
    action.metaObject().invokeMethod(action, "trigger")  # as the Generate menu does
    qtbot.waitUntil(lambda: dialog.property("visible"))
    assert w.qml_warnings == []


def test_a_running_local_job_marks_its_model_in_use(manager, hub, qtbot):
    from ltx_editor.core.settings import GenerationSettings
    from ltx_editor.generation.queue import Job
    from ltx_editor.generation.request import GenerationRequest

    loaded, machine = manager
    hub.add_repo(REPO, diffusers_repo(1))
    machine.download(MODEL)
    qtbot.waitUntil(lambda: machine.entries()[MODEL].state == "downloaded", timeout=60_000)
    job = Job(id="job_1", request=GenerationRequest(backend="local", prompt="x",
                                                    settings=GenerationSettings(model_id=MODEL)), state="running")
    scans = []
    store_scan = machine._store.scan
    machine._store.scan = lambda *a, **k: scans.append(1) or store_scan(*a, **k)
    rejudged = []  # modelsChanged makes the generate panel judge every backend again, on the GUI thread
    machine.modelsChanged.connect(lambda: rejudged.append(1))
    machine.on_job_changed(job)
    assert scans == []  # a job starting is not a reason to read the models folders on the GUI thread
    assert rejudged == []  # nor to judge the backends again: "in use" counts as downloaded for every verdict
    state = button(loaded, f"state_{MODEL}")
    qtbot.waitUntil(lambda: state.property("text").startswith("In use"))
    assert "in use" in machine.remove(MODEL)  # refused while it runs, in words
    job.state = "finished"
    machine.on_job_changed(job)
    qtbot.waitUntil(lambda: state.property("text").startswith("Downloaded"))
    assert rejudged == []


def test_hardware_is_probed_again_on_demand_from_the_status_bar_and_preferences(main_window, qtbot, monkeypatch):
    """The probe is cached; a click on the status bar's summary, or Check again in Preferences, asks again (a GPU
    driver installed since shows up without a restart)."""
    w = main_window
    monkeypatch.setenv("PATH", f"{FAKE_BIN}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_NVIDIA_SMI", "one8")
    label = w.find("hardwareLabel", QQuickItem)
    click(w.window, label)
    qtbot.waitUntil(lambda: "RTX 3070" in label.property("text"), timeout=10_000)
    monkeypatch.setenv("FAKE_NVIDIA_SMI", "two")
    w.find("preferencesDialog", QObject).open()
    line = w.find("prefsHardwareLine0", QQuickItem)
    assert "RTX 3070" in line.property("text")
    refresh = w.find("prefsRefreshHardware", QQuickItem)
    qtbot.waitUntil(lambda: refresh.isVisible())
    click(w.window, refresh)
    qtbot.waitUntil(lambda: "RTX 4090" in w.find("prefsHardwareLine0", QQuickItem).property("text"), timeout=10_000)
    assert "RTX 4090" in label.property("text") and "+1" in label.property("text")
    assert w.qml_warnings == []
    monkeypatch.undo()  # the probe cache is per process: leave it holding this machine for later tests
    hardware.probe(w.app.modelManager.modelsFolder, refresh=True)


def test_an_older_probe_answering_late_does_not_undo_a_newer_one(manager, qtbot, monkeypatch):
    """A probe started on a thread (e.g. by a models-folder change) that answers after a newer probe must
    not bring back what it saw: the newer hardware stands."""
    import dataclasses
    import threading

    from ltx_editor.ui import models_controller

    _, machine = manager
    seen = machine.hardware
    release = threading.Event()
    monkeypatch.setattr(models_controller.hardware, "probe", lambda folder, refresh=False: release.wait(30) and seen)
    machine.refreshHardware()  # the older probe: it answers only once released
    newer = dataclasses.replace(seen, gpus=())  # e.g. the driver went away: probed since
    machine.set_hardware(newer)
    with qtbot.waitSignal(machine._probed, timeout=30_000):
        release.set()
    assert machine.hardware is newer
