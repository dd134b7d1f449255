"""The hardware probe: GPUs from a fake nvidia-smi on PATH (several, none, failing, hung), this machine as it
is, the torch build read without importing torch, and the cache."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ltx_editor.generation import hardware

FAKE_BIN = Path(__file__).resolve().parents[1] / "fakes" / "bin"


@pytest.fixture
def fake_smi(monkeypatch):
    """Put the fake nvidia-smi first on PATH; returns a setter for its mode."""
    monkeypatch.setenv("PATH", f"{FAKE_BIN}{os.pathsep}{os.environ.get('PATH', '')}")

    def mode(name: str) -> None:
        monkeypatch.setenv("FAKE_NVIDIA_SMI", name)

    return mode


def test_two_nvidia_gpus(fake_smi, tmp_path):
    fake_smi("two")
    hw = hardware.probe(tmp_path, refresh=True)
    assert [g.name for g in hw.gpus] == ["NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 3060"]
    assert hw.gpus[0].vram_total_bytes == 24564 * 1024**2 and hw.gpus[0].vram_free_bytes == 23012 * 1024**2
    assert hw.gpus[1].driver == "550.54.14" and hw.gpus[1].vendor == "nvidia"
    assert hw.best_gpu.index == 0 and round(hw.vram_gb) == 24
    assert "RTX 4090 (24 GB, 22.5 free) +1" in hw.summary()
    assert hw.notes == ()


def test_driver_without_gpus_and_failing_driver(fake_smi, tmp_path):
    fake_smi("none")
    hw = hardware.probe(tmp_path, refresh=True)
    assert hw.gpus == () and hw.vram_gb == 0 and hw.summary().startswith("No GPU")
    assert hw.notes == ("nvidia-smi failed: No devices were found",)
    fake_smi("fail")
    hw = hardware.probe(tmp_path, refresh=True)
    assert hw.gpus == () and "couldn't communicate with the NVIDIA driver" in hw.notes[0]


def test_hung_tool_is_abandoned(fake_smi, tmp_path, monkeypatch):
    fake_smi("hang")
    monkeypatch.setattr(hardware, "TOOL_TIMEOUT_S", 0.3)
    hw = hardware.probe(tmp_path, refresh=True)
    assert hw.gpus == () and "did not answer" in hw.notes[0] and hw.probe_ms < 2000


def test_cache_and_refresh(fake_smi, tmp_path):
    fake_smi("one8")
    first = hardware.probe(tmp_path, refresh=True)
    fake_smi("two")
    assert hardware.probe(tmp_path) is first  # cached: no new child process
    assert len(hardware.probe(tmp_path, refresh=True).gpus) == 2


def test_another_models_folder_measures_its_disk_but_not_the_gpus_again(fake_smi, tmp_path, monkeypatch):
    """The first local job asks for the worker's devices without the model manager's folder: no second
    nvidia-smi on the GUI thread for facts that belong to the machine."""
    fake_smi("one8")
    first = hardware.probe(tmp_path / "models", refresh=True)
    fake_smi("two")  # a probe that ran nvidia-smi again would see two cards
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.setattr(hardware, "disk_free", lambda path: 123 if Path(path) == other else 0)
    again = hardware.probe(other)
    assert again.gpus == first.gpus and again.torch == first.torch and again.probed_at == first.probed_at
    assert (again.disk_path, again.disk_free_bytes) == (str(other), 123)
    assert hardware.probe(other) is again
    assert len(hardware.probe(other, refresh=True).gpus) == 2
    assert len(hardware.probe(tmp_path / "models").gpus) == 2  # a refresh is news for every folder


def test_this_machine(tmp_path):
    """Whatever this machine has: the fields are consistent and the disk is the models folder's."""
    hw = hardware.probe(tmp_path / "not" / "made" / "yet", refresh=True)
    assert hw.ram_total_bytes > 0 and 0 < hw.ram_available_bytes <= hw.ram_total_bytes
    assert hw.disk_path == str(tmp_path) and hw.disk_free_bytes > 0
    assert hw.torch.build in ("cuda", "rocm", "xpu", "cpu", "mps", "absent")
    data = hw.as_dict()
    assert data["summary"] == hw.summary() and data["torch"]["build"] == hw.torch.build


def test_parsers_tolerate_odd_rows():
    rows = "0, Quadro RTX 8000, 49152, [N/A], 470.1\n\nbad row\n1, GPU, with comma, 1024, 1000, 1.0\n"
    gpus = hardware.parse_nvidia_smi(rows)
    assert gpus[0].vram_free_bytes is None and gpus[1].name == "GPU, with comma"
    amd = ('{"card0": {"Card Series": "Radeon RX 7900 XTX", "VRAM Total Memory (B)": "25753026560",'
           ' "VRAM Total Used Memory (B)": "1000"}, "system": {"Driver version": "6.7.0"}}')
    (gpu,) = hardware.parse_rocm_smi(amd)
    assert gpu.vendor == "amd" and gpu.vram_free_bytes == 25753026560 - 1000 and gpu.driver == "6.7.0"
    assert hardware.parse_rocm_smi("not json") == []


def test_torch_build_from_its_files(tmp_path, monkeypatch):
    """A CUDA wheel without a local tag (PyPI's Linux torch) is recognised from torch/version.py."""
    site = tmp_path / "site"
    (site / "torch").mkdir(parents=True)
    (site / "torch" / "version.py").write_text("__version__ = '2.5.1'\ncuda: Optional[str] = '12.4'\nhip = None\n")
    dist = site / "torch-2.5.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: torch\nVersion: 2.5.1\n")
    monkeypatch.syspath_prepend(str(site))
    info = hardware.torch_info()
    assert (info.build, info.version, info.cuda) == ("cuda", "2.5.1", "12.4")
    assert info.describe() == "torch 2.5.1, CUDA build (CUDA 12.4)"


def test_probe_imports_no_torch(tmp_path):
    code = ("import sys; from ltx_editor.generation import hardware; h = hardware.probe(); "
            "print(h.torch.build); assert 'torch' not in sys.modules, 'torch imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_apple_silicon_shares_its_memory_with_an_mps_torch(fake_smi, tmp_path, monkeypatch):
    """On an arm64 Mac there is no vendor tool: one GPU with about three quarters of the RAM, and a torch
    without CUDA or ROCm is the MPS build, which can use it."""
    import platform

    fake_smi("fail")  # no NVIDIA driver
    monkeypatch.setattr(platform, "system", lambda: "Darwin")
    monkeypatch.setattr(platform, "machine", lambda: "arm64")
    monkeypatch.setattr(platform, "processor", lambda: "arm")
    monkeypatch.setattr(hardware, "_amd", lambda notes: [])  # whatever rocm-smi this machine has: a Mac has none
    hw = hardware.probe(tmp_path, refresh=True)
    (gpu,) = hw.gpus
    assert gpu.vendor == "apple" and gpu.vram_free_bytes is None
    assert gpu.vram_total_bytes == int(hw.ram_total_bytes * 0.75)
    if hw.torch.build != "absent":
        assert hw.torch.build == "mps" and hw.torch_can_use_gpu
