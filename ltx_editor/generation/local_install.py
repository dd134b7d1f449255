"""Installing local generation from inside the editor: the `[local]` extra's requirements, with the torch build
this machine's GPU can use (the CUDA wheel index matching the NVIDIA driver, as .ci/setup picks it), through pip
in a child process whose output lines are the progress. Qt-free; the model manager runs it and reports.
"""
from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

TORCH_INDEX = "https://download.pytorch.org/whl/{tag}"
FALLBACK_LOCAL = ["torch>=2.4", "diffusers>=0.42.1,<0.43", "transformers>=5,<6", "accelerate>=1.0",
                  "sentencepiece>=0.2", "peft>=0.17", "safetensors>=0.4", "huggingface_hub>=1.0", "imageio>=2.35"]


def local_requirements() -> list[str]:
    """The `[local]` extra of the installed ltx-editor (pyproject.toml's list when installed from source)."""
    try:
        reqs = importlib.metadata.requires("ltx-editor") or []
    except importlib.metadata.PackageNotFoundError:
        return list(FALLBACK_LOCAL)
    out = []
    for req in reqs:
        spec, _, marker = req.partition(";")
        if re.search(r"extra\s*==\s*['\"]local['\"]", marker):
            out.append(spec.strip())
    return out or list(FALLBACK_LOCAL)


def cuda_wheel_tag(nvidia_smi_output: str) -> str | None:
    """cu130 / cu128 / cu126 for the newest CUDA the driver supports (nvidia-smi's header); None when older."""
    match = re.search(r"CUDA Version:\s*(\d+)\.(\d+)", nvidia_smi_output)
    if not match:
        return None
    version = int(match.group(1)) * 100 + int(match.group(2))
    for floor, tag in ((1300, "cu130"), (1208, "cu128"), (1206, "cu126")):
        if version >= floor:
            return tag
    return None


def torch_index() -> str | None:
    """PyTorch's CUDA wheel index for this machine's NVIDIA driver; None without one (PyPI's wheel is used)."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    tag = cuda_wheel_tag(out)
    return TORCH_INDEX.format(tag=tag) if tag else None


def install_commands(requirements: list[str] | None = None, index: str | None = None,
                     extra_args: tuple[str, ...] = (), replace_torch: bool = False) -> list[list[str]]:
    """pip commands: torch from the CUDA index first (when there is one), then the rest from the default index.
    `replace_torch`: a CPU wheel is installed (it satisfies `torch>=2.4` too): reinstall from the CUDA index."""
    reqs = local_requirements() if requirements is None else list(requirements)
    pip = [sys.executable, "-m", "pip", "install", "--progress-bar", "off", "--disable-pip-version-check",
           *extra_args]
    commands = []
    if index is not None:
        torch = [r for r in reqs if re.match(r"torch\b", r)]
        if torch:
            commands.append([*pip, *(["--force-reinstall"] if replace_torch else []), *torch, "--index-url", index])
    commands.append([*pip, *reqs])
    return commands


@dataclass
class Installer:
    """Runs the pip commands one after another in a child; `on_line(text)` for each output line, then
    `on_done(ok, message)`. `cancel()` stops it at once."""

    commands: list[list[str]]
    on_line: Callable[[str], None]
    on_done: Callable[[bool, str], None]
    proc: subprocess.Popen | None = None
    _cancelled: bool = False
    _tail: list[str] = field(default_factory=list)

    def start(self) -> Installer:
        threading.Thread(target=self._run, name="install-local", daemon=True).start()
        return self

    def _run(self) -> None:
        for argv in self.commands:
            if self._cancelled:
                break
            try:
                self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                             stdin=subprocess.DEVNULL, bufsize=1)
            except OSError as exc:
                self.on_done(False, f"pip could not start: {exc.strerror or exc}")
                return
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                line = line.rstrip()
                if line:
                    self._tail = [*self._tail[-7:], line]
                    self.on_line(line)
            if self.proc.wait() != 0:
                if self._cancelled:
                    break
                errors = [t for t in self._tail if "ERROR" in t] or self._tail[-3:]
                self.on_done(False, "Installing local generation failed: " + " ".join(errors)[:600])
                return
        if self._cancelled:
            self.on_done(False, "Installing local generation was cancelled.")
            return
        importlib.invalidate_caches()  # the new packages are importable without a restart
        self.on_done(True, "Local generation is installed.")

    def cancel(self) -> None:
        self._cancelled = True
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()


__all__ = ["Installer", "cuda_wheel_tag", "install_commands", "local_requirements", "torch_index"]
