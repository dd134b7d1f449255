"""Installing local generation from the editor: the [local] extra's requirements, torch from the CUDA index
the NVIDIA driver can use, pip run in a child with its lines as progress, a clear error on failure."""
from __future__ import annotations

import sys
import threading

from ltx_editor.generation.local_install import (
    Installer,
    cuda_wheel_tag,
    install_commands,
    local_requirements,
)
from tests.fakes.tiny_package import OFFLINE_PIP_ARGS, tiny_package


def test_requirements_come_from_the_local_extra():
    reqs = local_requirements()
    assert any(r.startswith("diffusers") for r in reqs) and any(r.startswith("torch") for r in reqs)


def test_torch_comes_from_the_cuda_index_when_there_is_one():
    first, rest = install_commands(["torch>=2.4", "diffusers"], index="https://download.pytorch.org/whl/cu128")
    assert first[-3:] == ["torch>=2.4", "--index-url", "https://download.pytorch.org/whl/cu128"]
    assert rest[:3] == [sys.executable, "-m", "pip"] and rest[-2:] == ["torch>=2.4", "diffusers"]
    (only,) = install_commands(["torch>=2.4"], index=None)
    assert "--index-url" not in only


def test_cuda_tag_from_the_driver_header():
    assert cuda_wheel_tag("| Driver Version: 550.54.14     CUDA Version: 12.8 |") == "cu128"
    assert cuda_wheel_tag("CUDA Version: 13.1") == "cu130"
    assert cuda_wheel_tag("CUDA Version: 12.6") == "cu126"
    assert cuda_wheel_tag("CUDA Version: 12.2") is None and cuda_wheel_tag("no header") is None


def run(installer_commands) -> tuple[bool, str, list[str]]:
    done, result, lines = threading.Event(), [], []
    Installer(installer_commands, lines.append, lambda ok, msg: (result.extend([ok, msg]), done.set())).start()
    assert done.wait(300)
    return result[0], result[1], lines


def test_a_failing_install_says_why(tmp_path):
    cmds = install_commands(["ltx-editor-no-such-package-xyz==1.0"], extra_args=("--no-index", "--target",
                                                                                 str(tmp_path / "t")))
    ok, message, lines = run(cmds)
    assert not ok and message.startswith("Installing local generation failed:") and "ERROR" in message
    assert lines  # pip's own lines were reported as they came


def test_a_working_install_reports_progress_and_success(tmp_path):
    pkg = tiny_package(tmp_path, "tinypkg")
    target = tmp_path / "site"
    cmds = install_commands([str(pkg)], extra_args=(*OFFLINE_PIP_ARGS, "--target", str(target)))
    ok, message, lines = run(cmds)
    assert ok, (message, lines[-5:])
    assert message == "Local generation is installed." and (target / "tinypkg" / "__init__.py").is_file()
