"""docs/specification.md and the rules agree: version, rule ids in order, note ids in order."""

import re
from pathlib import Path

from vertebro_rules import rules

SPECIFICATION = Path(__file__).resolve().parents[2] / "docs" / "specification.md"


def _section(text: str, number: int) -> str:
    start = text.index(f"\n## {number}. ")
    end = text.find("\n## ", start + 1)
    return text[start:end]


def _table_ids(section: str, pattern: str) -> list[str]:
    return re.findall(pattern, section, flags=re.MULTILINE)


def test_the_specification_names_the_rules_version_of_the_code():
    title = SPECIFICATION.read_text(encoding="utf-8").splitlines()[0]
    assert f"(rules version {rules.RULES_VERSION})" in title


def test_the_rules_are_tried_in_the_order_of_the_specification_table():
    section = _section(SPECIFICATION.read_text(encoding="utf-8"), 4)
    in_spec = _table_ids(section, r"^\| \d+ \| (R\d+)\b")
    assert in_spec == [rule.id for rule in rules.RULES]


def test_the_notes_are_those_of_the_specification_in_id_order():
    section = _section(SPECIFICATION.read_text(encoding="utf-8"), 5)
    in_spec = _table_ids(section, r"^\| (N\d+)\b")
    assert in_spec == [note.id for note in rules.NOTES]
