"""The import layers of docs/architecture.md: the clinical core imports no Django and no
other package of the project; nothing lower imports a higher layer."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PACKAGES = ("vertebro_rules", "accounts", "assessments", "outcomes", "interop")


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _offending(package: str, forbidden) -> list[str]:
    return [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(package)
        for name in sorted(_imports(path))
        if forbidden(name)
    ]


def _top(name: str) -> str:
    return name.split(".")[0]


def test_the_core_imports_only_the_standard_library_and_itself():
    allowed = set(sys.stdlib_module_names) | {"vertebro_rules"}
    assert _offending("vertebro_rules", lambda name: _top(name) not in allowed) == []


@pytest.mark.parametrize("package", ["accounts"])
def test_site_wide_accounts_import_no_app_above_them(package):
    higher = {"assessments", "outcomes", "interop"}
    assert _offending(package, lambda name: _top(name) in higher) == []


def test_the_assessment_model_imports_no_feature_package():
    model = ROOT / "assessments" / "models.py"
    features = ("assessments.questionnaire", "assessments.reports", "assessments.audit")
    offending = [
        name
        for name in _imports(model)
        if name.startswith(features) or _top(name) in {"outcomes", "interop"}
    ]
    assert offending == []


@pytest.mark.parametrize("package", PROJECT_PACKAGES)
def test_views_are_imported_only_by_url_configurations(package):
    def is_views(name: str) -> bool:
        return name.split(".")[-1] == "views" and _top(name) in PROJECT_PACKAGES

    offending = [
        line
        for line in _offending(package, is_views)
        if not line.split(" imports ")[0].endswith(("urls.py",))
    ]
    assert offending == []
