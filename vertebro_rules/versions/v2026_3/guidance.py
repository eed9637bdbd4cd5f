"""The result of the rules of version 2026.3, as a value, and its JSON (docs/specification.md §6)."""

import functools
import re
from dataclasses import dataclass
from datetime import date
from json.encoder import encode_basestring as _quote
from typing import Any

from .references import EVIDENCE, Reference

# §4 (F27): the references a text cites, as "ref n" or "refs n, m".
_CITATION = re.compile(r"refs? ([0-9]+(?:, [0-9]+)*)")


@functools.lru_cache(maxsize=16384)
def cited(text: str) -> tuple[int, ...]:
    """The reference numbers `text` cites, ascending, each once (§4: `refs`).

    Most texts recur word for word from case to case, so the answer is cached.
    """
    if "ref" not in text:
        return ()
    numbers = {int(number) for group in _CITATION.findall(text) for number in group.split(", ")}
    return tuple(sorted(numbers))


def _strings_json(strings: tuple[str, ...]) -> str:
    return f"[{', '.join(map(_quote, strings))}]"


def _refs_json(refs: tuple[int, ...]) -> str:
    return f"[{', '.join(map(str, refs))}]"


@functools.lru_cache(maxsize=64)
def _references_json(numbers: tuple[int, ...]) -> str:
    """The `references` list of §6 for these reference numbers (few combinations recur)."""
    return (
        "["
        + ", ".join(
            f'{{"id": {EVIDENCE[number].id}, "text": {_quote(EVIDENCE[number].text)}}}'
            for number in numbers
        )
        + "]"
    )


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the recommendation was made: the deciding rule, its words and the references cited."""

    rule: str
    text: str
    refs: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text, "refs": list(self.refs)}

    def to_json(self) -> str:
        return (
            f'{{"rule": {_quote(self.rule)}, "text": {_quote(self.text)}, '
            f'"refs": {_refs_json(self.refs)}}}'
        )


@dataclass(frozen=True, slots=True)
class Note:
    """A note shown under "Evidence and background" (§5)."""

    id: str
    text: str
    refs: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "refs": list(self.refs)}

    def to_json(self) -> str:
        return (
            f'{{"id": {_quote(self.id)}, "text": {_quote(self.text)}, '
            f'"refs": {_refs_json(self.refs)}}}'
        )


@dataclass(frozen=True, slots=True)
class InputWarning:
    """An implausible or contradictory answer, and what to check (§5a); no references."""

    id: str
    fields: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "fields": list(self.fields), "text": self.text}

    def to_json(self) -> str:
        return (
            f'{{"id": {_quote(self.id)}, "fields": {_strings_json(self.fields)}, '
            f'"text": {_quote(self.text)}}}'
        )


@dataclass(frozen=True, slots=True)
class NextStep:
    """What to do next (§5b)."""

    id: str
    text: str
    refs: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "refs": list(self.refs)}

    def to_json(self) -> str:
        return (
            f'{{"id": {_quote(self.id)}, "text": {_quote(self.text)}, '
            f'"refs": {_refs_json(self.refs)}}}'
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Guidance:
    """The result of the rules; `to_dict()` is the JSON of §6."""

    rules_version: str
    scenario: str
    recommendation: str
    headline: str
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]
    warnings: tuple[InputWarning, ...]
    next_steps: tuple[NextStep, ...]
    reassess_from: date | None
    notes: tuple[Note, ...]
    days_since_index: int
    days_since_recurrence: int | None
    disclaimer: str

    @property
    def cited_refs(self) -> tuple[int, ...]:
        """Reference numbers cited by the reasons, notes and next steps, ascending."""
        cited_numbers = {ref for reason in self.reasons for ref in reason.refs}
        cited_numbers.update(ref for note in self.notes for ref in note.refs)
        cited_numbers.update(ref for step in self.next_steps for ref in step.refs)
        return tuple(sorted(cited_numbers))

    @property
    def references(self) -> tuple[Reference, ...]:
        """The evidence-list entries that the reasons, notes and next steps cite (§6)."""
        return tuple(EVIDENCE[number] for number in self.cited_refs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules_version": self.rules_version,
            "scenario": self.scenario,
            "recommendation": self.recommendation,
            "headline": self.headline,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "missing": list(self.missing),
            "warnings": [warning.to_dict() for warning in self.warnings],
            "next_steps": [step.to_dict() for step in self.next_steps],
            "reassess_from": None if self.reassess_from is None else self.reassess_from.isoformat(),
            "notes": [note.to_dict() for note in self.notes],
            "days_since_index": self.days_since_index,
            "days_since_recurrence": self.days_since_recurrence,
            "references": [reference.to_dict() for reference in self.references],
            "disclaimer": self.disclaimer,
        }

    def to_json(self) -> str:
        """The text of `json.dumps(self.to_dict(), ensure_ascii=False)`, built directly.

        The `evaluate --jsonl` stream writes one of these per case: building the text
        from its parts skips the dictionaries and the general encoder, and the parts
        that recur (the references) are encoded once.
        """
        return (
            f'{{"rules_version": {_quote(self.rules_version)}, '
            f'"scenario": {_quote(self.scenario)}, '
            f'"recommendation": {_quote(self.recommendation)}, '
            f'"headline": {_quote(self.headline)}, '
            f'"reasons": [{", ".join([reason.to_json() for reason in self.reasons])}], '
            f'"missing": {_strings_json(self.missing)}, '
            f'"warnings": [{", ".join([warning.to_json() for warning in self.warnings])}], '
            f'"next_steps": [{", ".join([step.to_json() for step in self.next_steps])}], '
            f'"reassess_from": {_date_json(self.reassess_from)}, '
            f'"notes": [{", ".join([note.to_json() for note in self.notes])}], '
            f'"days_since_index": {int(self.days_since_index)}, '
            f'"days_since_recurrence": {_integer_json(self.days_since_recurrence)}, '
            f'"references": {_references_json(self.cited_refs)}, '
            f'"disclaimer": {_quote(self.disclaimer)}}}'
        )


def _date_json(value: date | None) -> str:
    return "null" if value is None else f'"{value.isoformat()}"'


def _integer_json(value: int | None) -> str:
    return "null" if value is None else str(int(value))
