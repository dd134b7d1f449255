"""Describe the Python-registered `LtxEditor` QML module to qmllint (and qmlls): qml/LtxEditor/qmldir and
qml/LtxEditor/ltxeditor.qmltypes, so `import LtxEditor 1.0` resolves and every property, signal and slot of
the controllers and models is checked in the QML that uses them.

    python -m ltx_editor.ui.qml_typeinfo           # regenerate (after changing a QML-facing class)
    python -m ltx_editor.ui.qml_typeinfo --check   # exit 1 when the checked-in files are stale

The classes' moc-style metatypes come from their live QMetaObjects (pyside6-metaobjectdump reads source and
cannot follow `Property(T, lambda self: ...)` or property factories, which these classes use); Qt's own
`pyside6-qmltyperegistrar` turns them into the .qmltypes, resolving Qt base classes from PySide6's metatypes.
"""
from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys
import tempfile
from importlib import import_module
from pathlib import Path

from PySide6.QtCore import QMetaMethod, QObject

from .qml_types import MAJOR, QML_DIR, URI

MODULE_DIR = QML_DIR / URI
QMLTYPES = MODULE_DIR / "ltxeditor.qmltypes"
QMLDIR = MODULE_DIR / "qmldir"
UI_DIR = Path(__file__).resolve().parent
# Python base classes of QML types (not QML types themselves) that qmllint must know to follow inheritance.
BASE_MODULES = ("ltx_editor.ui.list_model",)


def type_modules() -> list[str]:
    """Every ui module that registers a QML type (@QmlElement), and the modules of their Python bases: a new
    controller is described as soon as it exists."""
    found = {f"ltx_editor.ui.{p.stem}" for p in UI_DIR.glob("*.py") if "@QmlElement" in p.read_text(encoding="utf-8")}
    return sorted(found | set(BASE_MODULES))


QMLDIR_TEXT = f"""module {URI}
typeinfo ltxeditor.qmltypes
depends QtQuick
singleton Theme {MAJOR}.0 ../Theme.qml
"""


def _qml_decorations(module) -> dict[str, dict[str, str]]:
    """class name -> its QML classInfos, read from the decorators in the module's source."""
    found: dict[str, dict[str, str]] = {}
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if not isinstance(node, ast.ClassDef):
            continue
        info: dict[str, str] = {}
        for deco in node.decorator_list:
            name = deco.func.id if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Name) else \
                deco.id if isinstance(deco, ast.Name) else ""
            if name == "QmlElement":
                info["QML.Element"] = "auto"
            elif name == "QmlUncreatable":
                reason = deco.args[0].value if deco.args and isinstance(deco.args[0], ast.Constant) else ""
                info.update({"QML.Creatable": "false", "QML.UncreatableReason": reason})
        if info:
            found[node.name] = info
    return found


def _arguments(method: QMetaMethod, python: object | None) -> list[dict[str, str]]:
    names = []
    if python is not None:
        try:
            names = [p for p in inspect.signature(python).parameters if p != "self"]
        except (TypeError, ValueError):
            names = []
    types = [t.data().decode() for t in method.parameterTypes()]
    if len(names) != len(types):
        names = [f"a{i + 1}" for i in range(len(types))]
    return [{"name": n, "type": t} for n, t in zip(names, types, strict=True)]


def _class_entry(cls: type, qml: dict[str, str]) -> dict:
    mo = cls.staticMetaObject
    entry: dict = {"className": mo.className(), "qualifiedClassName": mo.className(), "object": True,
                   "superClasses": [{"access": "public", "name": mo.superClass().className()}]}
    if qml:
        entry["classInfos"] = [{"name": k, "value": v} for k, v in qml.items()]
    props = []
    for i in range(mo.propertyOffset(), mo.propertyCount()):
        p = mo.property(i)
        prop = {"name": p.name(), "type": p.typeName(), "index": i - mo.propertyOffset(), "read": p.name()}
        if p.isWritable():
            prop["write"] = "set" + p.name()[:1].upper() + p.name()[1:]
        if p.hasNotifySignal():
            prop["notify"] = p.notifySignal().name().data().decode()
        if p.isConstant():
            prop["constant"] = True
        props.append(prop)
    entry["properties"] = props
    signals, slots = [], []
    for i in range(mo.methodOffset(), mo.methodCount()):
        m = mo.method(i)
        name = m.name().data().decode()
        if name.startswith("_"):
            continue  # private plumbing (e.g. a signal from a worker thread); not QML's business
        item = {"access": "public", "name": name, "arguments": _arguments(m, getattr(cls, name, None)),
                "returnType": m.typeName() or "void"}
        if m.methodType() == QMetaMethod.MethodType.Signal:
            item["arguments"] = _arguments(m, None)
            signals.append(item)
        elif m.methodType() == QMetaMethod.MethodType.Slot:
            slots.append(item)
    entry["signals"], entry["slots"] = signals, slots
    return entry


def metatypes() -> list[dict]:
    """moc-format metatypes of every QML-facing class (one entry per module), in a stable order."""
    out = []
    for name in type_modules():
        module = import_module(name)
        qml = _qml_decorations(module)
        classes = [obj for key, obj in sorted(vars(module).items())
                   if inspect.isclass(obj) and issubclass(obj, QObject) and obj.__module__ == name]
        if not classes:
            continue
        out.append({"classes": [_class_entry(c, qml.get(c.__name__, {})) for c in classes],
                    "outputRevision": 68, "inputFile": f"{name.replace('.', '/')}.py"})
    return out


def _foreign_types() -> list[Path]:
    import PySide6

    folder = Path(PySide6.__file__).parent / "Qt" / "metatypes"
    wanted = ("qt6core_", "qt6gui_", "qt6qml_", "qt6quick_")
    return sorted(p for p in folder.glob("*.json") if p.name.startswith(wanted))


def qmltypes_text() -> str:
    """The .qmltypes qmltyperegistrar makes from the metatypes (deterministic for the same classes)."""
    with tempfile.TemporaryDirectory() as tmp:
        meta, out = Path(tmp) / "ltxeditor_metatypes.json", Path(tmp) / "ltxeditor.qmltypes"
        meta.write_text(json.dumps(metatypes(), indent=1), encoding="utf-8")
        registrar = Path(sys.executable).with_name("pyside6-qmltyperegistrar")
        subprocess.run([str(registrar), f"--generate-qmltypes={out}", f"--import-name={URI}",
                        f"--major-version={MAJOR}", "--minor-version=0",
                        "--foreign-types=" + ",".join(str(p) for p in _foreign_types()),
                        str(meta), "-o", str(Path(tmp) / "registrations.cpp")],
                       check=True, capture_output=True, text=True, timeout=120)
        return out.read_text(encoding="utf-8")


def stale() -> list[Path]:
    """The checked-in files that differ from what the classes say now."""
    wanted = {QMLTYPES: qmltypes_text(), QMLDIR: QMLDIR_TEXT}
    return [p for p, text in wanted.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        old = stale()
        for path in old:
            print(f"stale: {path} (run python -m ltx_editor.ui.qml_typeinfo)")
        return 1 if old else 0
    MODULE_DIR.mkdir(exist_ok=True)
    QMLTYPES.write_text(qmltypes_text(), encoding="utf-8")
    QMLDIR.write_text(QMLDIR_TEXT, encoding="utf-8")
    print(f"wrote {QMLTYPES} and {QMLDIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
