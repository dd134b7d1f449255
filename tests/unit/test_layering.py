"""The layering holds (ARCHITECTURE.md): the import-linter contracts in pyproject.toml, and what import-linter
cannot see — torch, diffusers and transformers are never imported while a module outside generation/local
is being imported (only lazily, inside a function that runs when local generation first runs)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "ltx_editor"
HEAVY = {"torch", "diffusers", "transformers", "accelerate"}
LOCAL = "ltx_editor.generation.local"


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    assert lint.exists(), "install the dev extra: pip install -e .[dev] (import-linter)"
    run = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


# -- what runs at import time ---------------------------------------------------------------------------------
def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_time_statements(body: list[ast.stmt]):
    """Statements that run when the module is imported: not function bodies, not `if TYPE_CHECKING:`."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from import_time_statements(node.orelse)
            continue
        yield node
        for field in ("body", "orelse", "finalbody", "handlers"):  # if/try/with/class bodies run too
            children = getattr(node, field, None)
            if isinstance(children, list):
                stmts = [c for c in children if isinstance(c, ast.stmt)]
                stmts += [s for h in children if isinstance(h, ast.ExceptHandler) for s in h.body]
                yield from import_time_statements(stmts)


def imported_at_import_time(path: Path, modules: set[str]) -> set[str]:
    """Absolute names this module imports while it is being imported (packages on the way included)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in import_time_statements(ast.parse(path.read_text(encoding="utf-8")).body):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [base] + [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in modules]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return found


def test_torch_is_never_imported_while_importing_a_module_outside_generation_local():
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    direct = {name: imported_at_import_time(path, set(paths)) for name, path in paths.items()}
    heavy_at_import: dict[str, list[str]] = {}  # module -> the chain that reaches a heavy library

    def reaches(name: str, seen: tuple[str, ...]) -> list[str] | None:
        if name in heavy_at_import:
            return heavy_at_import[name]
        for dep in sorted(direct.get(name, ())):
            if dep.split(".")[0] in HEAVY:
                return [*seen, name, dep]
            if dep in paths and dep not in seen and dep != name:
                chain = reaches(dep, (*seen, name))
                if chain:
                    return chain
        return None

    offenders = {}
    for name in sorted(paths):
        if name == LOCAL or name.startswith(LOCAL + "."):
            continue
        chain = reaches(name, ())
        if chain:
            offenders[name] = " -> ".join(chain)
    assert not offenders, "torch-family imports at import time outside generation/local:\n" + "\n".join(
        offenders.values())


def test_the_import_time_scan_sees_top_level_imports_and_skips_lazy_ones(tmp_path, monkeypatch):
    """The checker itself: a top-level (or try/class-level) import counts, a function-level one does not."""
    pkg = tmp_path / "ltx_editor"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "eager.py").write_text("try:\n    import torch\nexcept ImportError:\n    torch = None\n")
    (pkg / "lazy.py").write_text("def run():\n    import torch\n    return torch\n")
    (pkg / "typed.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import torch\n")
    (pkg / "via.py").write_text("from . import eager\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    modules = {module_name(p) for p in pkg.rglob("*.py")}
    assert "torch" in imported_at_import_time(pkg / "eager.py", modules)
    assert "torch" not in imported_at_import_time(pkg / "lazy.py", modules)
    assert "torch" not in imported_at_import_time(pkg / "typed.py", modules)
    assert "ltx_editor.eager" in imported_at_import_time(pkg / "via.py", modules)
