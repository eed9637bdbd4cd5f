"""The import layers of docs/architecture.md.

`lint-imports` (run by `make test`, contracts in `.importlinter`) holds the layers between
the packages, inside `assessments`, and the rule that only URL configurations import views.
What import-linter cannot say is checked here: the clinical core imports nothing but the
standard library and itself (no installed library at all, not only no Django)."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_core_imports_only_the_standard_library_and_itself():
    allowed = set(sys.stdlib_module_names) | {"vertebro_rules"}
    offending = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / "vertebro_rules").rglob("*.py"))
        for name in sorted(_imports(path))
        if name.split(".")[0] not in allowed
    ]
    assert offending == []


def test_the_contracts_cover_every_package_of_the_project():
    config = (ROOT / ".importlinter").read_text(encoding="utf-8")
    packages = sorted(
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench", "scripts"}
    )
    root_packages = config.split("root_packages =")[1].split("include_external_packages")[0]
    assert sorted(root_packages.split()) == packages
