"""Every QML file passes qmllint with its default settings: types resolve (the LtxEditor module is described
in qml/LtxEditor/, see ltx_editor/ui/qml_typeinfo.py), every property read exists on its type, no
unqualified access, no id shadowing a property.

Files are named by absolute path: given relative paths, qmllint 6.x misreads qml/qmldir for the singleton
Theme.qml (it then reports Theme as "not declared as singleton in qmldir", which it is)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ltx_editor.ui.qml_types import QML_DIR

ROOT = QML_DIR.parent


def test_qmllint_has_nothing_to_say_about_any_qml_file():
    qmllint = Path(sys.executable).with_name("pyside6-qmllint")
    files = sorted(str(p) for p in QML_DIR.rglob("*.qml") if not p.is_symlink())
    assert len(files) > 30, files  # the whole tree, not an empty glob
    run = subprocess.run([str(qmllint), "--ignore-settings", *files], cwd=ROOT, capture_output=True, text=True,
                         timeout=600)
    warnings = [line for line in (run.stdout + run.stderr).splitlines() if line.startswith("Warning:")]
    assert not warnings, f"{len(warnings)} qmllint warnings:\n" + "\n".join(warnings[:60])
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
