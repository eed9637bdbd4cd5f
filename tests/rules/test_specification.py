"""docs/specification.md and the rules agree: the version of the active rules, the rule ids in
the order they are tried, the warning and note ids in id order."""

import inspect
import re
from pathlib import Path

from vertebro_rules.versions import v2026_3
from vertebro_rules.versions.v2026_3 import rules

SPECIFICATION = Path(__file__).resolve().parents[2] / "docs" / "specification.md"


def _section(text: str, number: str) -> str:
    start = text.index(f"\n## {number}. ")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def _table_ids(section: str, pattern: str) -> list[str]:
    return re.findall(pattern, section, flags=re.MULTILINE)


def _ids_in_code(pattern: str) -> list[str]:
    """The ids the rules module emits, in id order (a warning or note is built where it fires)."""
    found = set(re.findall(pattern, inspect.getsource(rules)))
    return sorted(found, key=lambda name: int(name[1:]))


def test_the_specification_names_the_rules_version_of_the_code():
    title = SPECIFICATION.read_text(encoding="utf-8").splitlines()[0]
    assert f"(rules version {v2026_3.RULES_VERSION})" in title


def test_the_rules_are_tried_in_the_order_of_the_specification_table():
    section = _section(SPECIFICATION.read_text(encoding="utf-8"), "4")
    in_spec = _table_ids(section, r"^\| \d+ \| (R\d+)\b")
    assert in_spec == list(rules.RULE_IDS)


def test_the_warnings_are_those_of_the_specification_in_id_order():
    section = _section(SPECIFICATION.read_text(encoding="utf-8"), "5a")
    in_spec = _table_ids(section, r"^\| (P\d+)\b")
    assert in_spec == _ids_in_code(r'"(P\d+)"')
    assert in_spec == [f"P{n}" for n in range(1, 15)]


def test_the_notes_are_those_of_the_specification_in_id_order():
    section = _section(SPECIFICATION.read_text(encoding="utf-8"), "5")
    in_spec = _table_ids(section, r"^\| (N\d+)\b")
    assert in_spec == _ids_in_code(r'"(N\d+)"')
    assert "N3" not in in_spec and "N4" not in in_spec  # retired in 2026.3


def test_the_specification_lists_the_readings_chosen():
    section = _section(SPECIFICATION.read_text(encoding="utf-8"), "10")
    assert "Drafts keep their rules version" in section
    assert "Every warning is acknowledged" in section
