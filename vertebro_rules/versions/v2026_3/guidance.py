"""The result of the rules of version 2026.3, as a value, and its JSON (docs/specification.md §6)."""

import functools
import re
from dataclasses import dataclass
from datetime import date
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


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the recommendation was made: the deciding rule, its words and the references cited."""

    rule: str
    text: str
    refs: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "text": self.text, "refs": list(self.refs)}


@dataclass(frozen=True, slots=True)
class Note:
    """A note shown under "Evidence and background" (§5)."""

    id: str
    text: str
    refs: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "refs": list(self.refs)}


@dataclass(frozen=True, slots=True)
class InputWarning:
    """An implausible or contradictory answer, and what to check (§5a); no references."""

    id: str
    fields: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "fields": list(self.fields), "text": self.text}


@dataclass(frozen=True, slots=True)
class NextStep:
    """What to do next (§5b)."""

    id: str
    text: str
    refs: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "refs": list(self.refs)}


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
