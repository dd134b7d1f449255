"""A tiny installable Python package, for pip runs that must work offline (the local-install tests stand it in
for the [local] extra): `pip install --no-index --no-build-isolation --no-deps --target DIR <its folder>`."""
from __future__ import annotations

from pathlib import Path

OFFLINE_PIP_ARGS = ("--no-index", "--no-build-isolation", "--no-deps")


def tiny_package(root: Path, name: str) -> Path:
    """A source tree for package `name` under `root` (importable as `name`, VALUE = 42); returns its folder."""
    pkg = root / name
    (pkg / name).mkdir(parents=True)
    (pkg / name / "__init__.py").write_text("VALUE = 42\n")
    (pkg / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools>=68"]\n'
                                        'build-backend = "setuptools.build_meta"\n'
                                        f'[project]\nname = "{name}"\nversion = "1.0"\n')
    return pkg
