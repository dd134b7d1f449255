"""What this machine can run: GPUs with their VRAM, the installed torch build, RAM, free disk. No torch import.

The editor process never imports torch (it costs seconds and hundreds of MB), so the GPUs come from the vendor
tools run as short child processes (`nvidia-smi`, `rocm-smi`), Apple silicon from the platform, and the torch
build from its installed `torch/version.py` read as text (the `+cpu` / `+cu124` tag alone misses Linux wheels
from PyPI, which are CUDA builds without a tag). The result is cached; `probe(refresh=True)` asks again.
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Literal

GIB = 1024**3
MIB = 1024**2
TOOL_TIMEOUT_S = 3.0  # a wedged driver makes nvidia-smi hang; the editor must not
NVIDIA_QUERY = ("--query-gpu=index,name,memory.total,memory.free,driver_version",
                "--format=csv,noheader,nounits")

Vendor = Literal["nvidia", "amd", "apple"]
TorchBuild = Literal["cuda", "rocm", "xpu", "cpu", "mps", "absent"]


@dataclass(frozen=True)
class Gpu:
    index: int
    name: str
    vendor: Vendor
    vram_total_bytes: int
    vram_free_bytes: int | None = None  # None where the tool cannot tell (Apple: shared with the system)
    driver: str = ""

    @property
    def vram_total_gb(self) -> float:
        return self.vram_total_bytes / GIB

    def describe(self) -> str:
        free = f", {self.vram_free_bytes / GIB:.1f} free" if self.vram_free_bytes is not None else ""
        return f"{self.name} ({self.vram_total_gb:.0f} GB{free})"


@dataclass(frozen=True)
class TorchInfo:
    build: TorchBuild  # "absent" when torch is not installed
    version: str = ""
    cuda: str = ""  # the CUDA (or HIP) version the wheel was built for

    def describe(self) -> str:
        if self.build == "absent":
            return "torch not installed"
        extra = f" (CUDA {self.cuda})" if self.build == "cuda" else f" (ROCm {self.cuda})" if self.build == "rocm" else ""
        return f"torch {self.version}, {self.build.upper() if self.build != 'mps' else 'MPS'} build{extra}"


@dataclass(frozen=True)
class Hardware:
    gpus: tuple[Gpu, ...]
    torch: TorchInfo
    ram_total_bytes: int
    ram_available_bytes: int
    disk_path: str  # the folder whose disk was measured (the models folder, or its nearest existing parent)
    disk_free_bytes: int
    system: str
    notes: tuple[str, ...] = ()  # why a tool gave nothing (e.g. "nvidia-smi failed: ...")
    probe_ms: float = 0.0
    probed_at: float = field(default_factory=time.time)

    @property
    def best_gpu(self) -> Gpu | None:
        return max(self.gpus, key=lambda g: g.vram_total_bytes, default=None)

    @property
    def vram_gb(self) -> float:
        """The largest GPU's memory, 0 without a GPU (one model runs on one GPU)."""
        gpu = self.best_gpu
        return gpu.vram_total_gb if gpu else 0.0

    @property
    def torch_can_use_gpu(self) -> bool:
        """Whether the installed torch build matches a GPU found here (a CPU wheel on an NVIDIA box cannot)."""
        vendors = {g.vendor for g in self.gpus}
        return ((self.torch.build == "cuda" and "nvidia" in vendors)
                or (self.torch.build == "rocm" and "amd" in vendors)
                or (self.torch.build == "mps" and "apple" in vendors))

    def summary(self) -> str:
        """One line for the status bar."""
        gpu = self.best_gpu
        gpus = "No GPU" if gpu is None else gpu.describe() + (f" +{len(self.gpus) - 1}" if len(self.gpus) > 1 else "")
        return f"{gpus} · RAM {self.ram_total_bytes / GIB:.0f} GB · {self.disk_free_bytes / GIB:.0f} GB free"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["vram_gb"] = round(self.vram_gb, 2)
        data["torch_can_use_gpu"] = self.torch_can_use_gpu
        data["summary"] = self.summary()
        return data


# -- GPUs -------------------------------------------------------------------------------------------------
def _run_tool(argv: list[str], notes: list[str]) -> str | None:
    """stdout of a vendor tool, or None (with a note saying why) when it is missing, fails or hangs."""
    exe = shutil.which(argv[0])
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, *argv[1:]], capture_output=True, text=True, timeout=TOOL_TIMEOUT_S,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        notes.append(f"{argv[0]} did not answer within {TOOL_TIMEOUT_S:g} s")
        return None
    except OSError as exc:
        notes.append(f"{argv[0]} could not run: {exc.strerror or exc}")
        return None
    if done.returncode != 0:
        first = (done.stdout.strip() or done.stderr.strip() or f"exit status {done.returncode}").splitlines()[0]
        notes.append(f"{argv[0]} failed: {first[:200]}")
        return None
    return done.stdout


def parse_nvidia_smi(text: str) -> list[Gpu]:
    """Rows of `nvidia-smi --query-gpu=index,name,memory.total,memory.free,driver_version` (MiB, no units)."""
    gpus = []
    for line in text.splitlines():
        parts = line.split(",")
        if len(parts) < 5:
            continue
        index, name = parts[0].strip(), ",".join(parts[1:-3]).strip()
        total, free, driver = (p.strip() for p in parts[-3:])
        try:
            gpus.append(Gpu(index=int(index), name=name, vendor="nvidia", vram_total_bytes=int(float(total) * MIB),
                            vram_free_bytes=int(float(free) * MIB) if _number(free) else None, driver=driver))
        except ValueError:
            continue  # "[N/A]" and friends on odd boards: skip the row rather than guess
    return gpus


def _number(text: str) -> bool:
    return bool(re.fullmatch(r"\d+(\.\d+)?", text))


def _nvidia(notes: list[str]) -> list[Gpu]:
    out = _run_tool(["nvidia-smi", *NVIDIA_QUERY], notes)
    return parse_nvidia_smi(out) if out else []


def parse_rocm_smi(text: str) -> list[Gpu]:
    """`rocm-smi --showproductname --showmeminfo vram --showdriverversion --json` (bytes as strings)."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    driver = str(data.get("system", {}).get("Driver version", ""))
    gpus = []
    for key, card in data.items():
        match = re.fullmatch(r"card(\d+)", key)
        if not match or not isinstance(card, dict):
            continue
        total = int(card.get("VRAM Total Memory (B)", 0) or 0)
        used = card.get("VRAM Total Used Memory (B)")
        name = card.get("Card Series") or card.get("Card series") or card.get("Card model") or "AMD GPU"
        gpus.append(Gpu(index=int(match.group(1)), name=str(name), vendor="amd", vram_total_bytes=total,
                        vram_free_bytes=total - int(used) if used is not None else None, driver=driver))
    return gpus


def _amd(notes: list[str]) -> list[Gpu]:
    out = _run_tool(["rocm-smi", "--showproductname", "--showmeminfo", "vram", "--showdriverversion", "--json"],
                    notes)
    return parse_rocm_smi(out) if out else []


def _apple(ram_total: int) -> list[Gpu]:
    """Apple silicon: one GPU sharing the system memory (MPS may use about three quarters of it)."""
    if platform.system() != "Darwin" or platform.machine() != "arm64":
        return []
    return [Gpu(index=0, name=f"Apple {platform.processor() or 'silicon'} GPU", vendor="apple",
                vram_total_bytes=int(ram_total * 0.75))]


# -- torch, memory, disk ----------------------------------------------------------------------------------
def torch_info() -> TorchInfo:
    """The installed torch's build, read from its files (never imported)."""
    try:
        dist = importlib.metadata.distribution("torch")
    except importlib.metadata.PackageNotFoundError:
        return TorchInfo(build="absent")
    version = dist.version
    try:
        text = Path(str(dist.locate_file("torch/version.py"))).read_text(encoding="utf-8")
    except OSError:
        text = ""
    fields = dict(re.findall(r"^(cuda|hip|xpu)\s*(?::[^=]*)?=\s*'([^']*)'", text, flags=re.M))
    if fields.get("cuda"):
        return TorchInfo(build="cuda", version=version, cuda=fields["cuda"])
    if fields.get("hip"):
        return TorchInfo(build="rocm", version=version, cuda=fields["hip"])
    if fields.get("xpu"):
        return TorchInfo(build="xpu", version=version)
    tag = version.partition("+")[2]
    if not text and tag.startswith("cu"):  # no version.py to read: trust the wheel's local tag
        return TorchInfo(build="cuda", version=version, cuda=f"{tag[2:-1]}.{tag[-1]}" if len(tag) > 3 else "")
    if platform.system() == "Darwin" and platform.machine() == "arm64":
        return TorchInfo(build="mps", version=version)
    return TorchInfo(build="cpu", version=version)


def memory() -> tuple[int, int]:
    """(total, available) RAM in bytes."""
    try:
        info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line)
        return int(info["MemTotal"].split()[0]) * 1024, int(info["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError):
        pass
    try:
        import psutil

        vm = psutil.virtual_memory()
        return int(vm.total), int(vm.available)
    except ImportError:
        pass
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        return total, total
    except (AttributeError, ValueError, OSError):
        return 0, 0


def existing_parent(path: str | Path) -> Path:
    """`path`, or its nearest parent that exists (a models folder not made yet lives on that disk)."""
    p = Path(path).expanduser().absolute()
    while not p.exists() and p.parent != p:
        p = p.parent
    return p


def disk_free(path: str | Path) -> int:
    try:
        return shutil.disk_usage(existing_parent(path)).free
    except OSError:
        return 0


# -- the probe --------------------------------------------------------------------------------------------
def default_models_dir() -> Path:
    """The shared Hugging Face cache (what huggingface_hub uses), without importing it."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return Path(home).expanduser() / "hub"


def _probe(models_dir: str | Path | None) -> Hardware:
    started = time.perf_counter()
    notes: list[str] = []
    ram_total, ram_available = memory()
    gpus = _nvidia(notes) or _amd(notes) or _apple(ram_total)
    folder = _models_folder(models_dir)
    return Hardware(gpus=tuple(gpus), torch=torch_info(), ram_total_bytes=ram_total,
                    ram_available_bytes=ram_available, disk_path=str(folder), disk_free_bytes=disk_free(folder),
                    system=f"{platform.system()} {platform.machine()}", notes=tuple(notes),
                    probe_ms=(time.perf_counter() - started) * 1000)


_cache: dict[str, Hardware] = {}
_lock = threading.Lock()


def probe(models_dir: str | Path | None = None, *, refresh: bool = False) -> Hardware:
    """This machine's hardware, cached; `refresh=True` probes again (after a driver install, or to update free
    VRAM and disk). GPUs, torch and RAM belong to the machine: another models folder only measures its disk (the
    first local job asks for the worker's devices without the model manager's folder, and nvidia-smi on the GUI
    thread costs tens of milliseconds)."""
    key = str(models_dir or "")
    with _lock:
        if not refresh and key in _cache:
            return _cache[key]
        known = None if refresh else next(iter(_cache.values()), None)
    found = _probe(models_dir) if known is None else _on_disk_of(known, models_dir)
    with _lock:
        if refresh:  # what the machine has may have changed: every folder's entry is out of date
            _cache.clear()
        _cache[key] = found
    return found


def _on_disk_of(known: Hardware, models_dir: str | Path | None) -> Hardware:
    folder = _models_folder(models_dir)
    return replace(known, disk_path=str(folder), disk_free_bytes=disk_free(folder))


def _models_folder(models_dir: str | Path | None) -> Path:
    """The folder whose disk is reported: the models folder, or its nearest existing parent."""
    return existing_parent(models_dir or default_models_dir())


__all__ = ["GIB", "Gpu", "Hardware", "TorchInfo", "default_models_dir", "disk_free", "existing_parent", "memory",
           "parse_nvidia_smi", "parse_rocm_smi", "probe", "torch_info"]
