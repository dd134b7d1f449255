""".ci/setup's GPU detection (.ci/torch-index): the CUDA build of torch a working NVIDIA driver can run, and
nothing (the CPU pin stays) without a GPU, with a failing driver, or with a driver too old for our builds."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAKE_BIN = ROOT / "tests" / "fakes" / "bin"


def torch_index(mode: str | None, tmp_path: Path) -> subprocess.CompletedProcess:
    path = os.environ["PATH"]
    if mode is not None:
        path = f"{FAKE_BIN}{os.pathsep}{path}"
    else:  # a machine without the tool: a PATH holding only the basics the script needs
        bare = tmp_path / "bin"
        bare.mkdir()
        for tool in ("sed", "head", "timeout", "bash"):
            os.symlink(shutil.which(tool), bare / tool)
        path = str(bare)
    env = {**os.environ, "PATH": path, "FAKE_NVIDIA_SMI": mode or ""}
    return subprocess.run([shutil.which("bash"), str(ROOT / ".ci" / "torch-index")], capture_output=True,
                          text=True, env=env, timeout=30)


def test_nvidia_driver_gets_its_cuda_build(tmp_path):
    done = torch_index("two", tmp_path)  # driver 550, CUDA 12.8
    assert done.returncode == 0 and done.stdout.strip() == "https://download.pytorch.org/whl/cu128"


@pytest.mark.parametrize("mode", [None, "none", "fail"])
def test_no_working_gpu_keeps_the_cpu_pin(mode, tmp_path):
    done = torch_index(mode, tmp_path)
    assert done.returncode == 1 and done.stdout == ""


def test_old_driver_says_why(tmp_path):
    done = torch_index("one8", tmp_path)  # CUDA 12.2: below every build we install
    assert done.returncode == 1 and "update the driver" in done.stderr


def test_setup_uses_the_detection():
    text = (ROOT / ".ci" / "setup").read_text()
    assert ".ci/torch-index" in text and '--index-url "$TORCH_INDEX"' in text and 'torch==$TORCH_VERSION"' in text
    assert subprocess.run(["bash", "-n", str(ROOT / ".ci" / "setup")]).returncode == 0
