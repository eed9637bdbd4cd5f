"""The result of the rules, as a value, and its JSON (docs/specification.md §6)."""

from dataclasses import dataclass

from .references import EVIDENCE, Reference


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the recommendation was made: the deciding rule, its words and references."""

    rule: str
    text: str
    refs: tuple[int, ...]

    def to_dict(self) -> dict:
        return {"rule": self.rule, "text": self.text, "refs": list(self.refs)}


@dataclass(frozen=True, slots=True)
class Note:
    """A note shown beside the recommendation (§5)."""

    id: str
    text: str
    refs: tuple[int, ...]

    def to_dict(self) -> dict:
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
    notes: tuple[Note, ...]
    days_since_index: int
    days_since_recurrence: int | None
    disclaimer: str

    @property
    def cited_refs(self) -> tuple[int, ...]:
        """Reference numbers cited by the reasons and notes, ascending."""
        cited = {ref for item in (*self.reasons, *self.notes) for ref in item.refs}
        return tuple(sorted(cited))

    @property
    def references(self) -> tuple[Reference, ...]:
        """The evidence-list entries that the reasons and notes cite, ascending (§6)."""
        return tuple(EVIDENCE[number] for number in self.cited_refs)

    def to_dict(self) -> dict:
        return {
            "rules_version": self.rules_version,
            "scenario": self.scenario,
            "recommendation": self.recommendation,
            "headline": self.headline,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "missing": list(self.missing),
            "notes": [note.to_dict() for note in self.notes],
            "days_since_index": self.days_since_index,
            "days_since_recurrence": self.days_since_recurrence,
            "references": [reference.to_dict() for reference in self.references],
            "disclaimer": self.disclaimer,
        }
