"""The impact of the current rules version on past work (docs/specification.md §9).

Every finalized assessment that is not superseded is evaluated again, under
the current rules, from its stored inputs, and compared with the guidance
frozen when it was finalized. Those whose outcome differs — the
recommendation, the deciding rule, the missing work-up items or the notes
shown — are listed; those whose inputs the current rules refuse are listed
apart, with the messages. Nothing is written: the assessments keep their
frozen guidance, and a clinician amends where needed.

The assessments are read in chunks, and only counts and the rows being
written are held, so memory stays flat whatever the number of assessments.
"""

import csv
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from vertebro_rules.inputs import FIELDS_BY_NAME, INPUT_FIELD_NAMES
from vertebro_rules.rules import RULES_VERSION, evaluate
from vertebro_rules.validation import InvalidInput, to_inputs, validate_values
from vertebro_rules.vocabulary import Recommendation

CHUNK_SIZE = 2000
SPOOL_BYTES = 4 * 1024 * 1024

# The kinds of change, in the order the summary gives them.
RECOMMENDATION = "recommendation"
RULE = "deciding rule"
MISSING = "missing work-up"
NOTES = "notes"
KINDS = (RECOMMENDATION, RULE, MISSING, NOTES)

_HEADER_FIELDS = (
    "id",
    "patient_ref",
    "treated_level",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "finalized_at",
    "rules_version",
    "guidance",
)
_FIELDS = (*_HEADER_FIELDS, *INPUT_FIELD_NAMES)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a guidance decided: the parts an impact report compares."""

    recommendation: str
    rule: str
    missing: tuple[str, ...]
    notes: tuple[str, ...]

    @classmethod
    def of(cls, guidance: dict) -> "Outcome":
        return cls(
            recommendation=guidance["recommendation"],
            rule=guidance["reasons"][0]["rule"],
            missing=tuple(guidance.get("missing", ())),
            notes=tuple(note["id"] for note in guidance.get("notes", ())),
        )


@dataclass(frozen=True, slots=True)
class Row:
    """One assessment whose outcome differs under the current rules, or whose inputs they
    refuse (`messages` then says why and `new` is None)."""

    assessment_id: str
    patient_ref: str
    treated_level: str
    clinician: str
    finalized: date | None
    old_rules_version: str
    old: Outcome
    new: Outcome | None = None
    messages: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        return self.new is None

    @property
    def kinds(self) -> tuple[str, ...]:
        if self.new is None:
            return ()
        changed = {
            RECOMMENDATION: self.old.recommendation != self.new.recommendation,
            RULE: self.old.rule != self.new.rule,
            MISSING: self.old.missing != self.new.missing,
            NOTES: self.old.notes != self.new.notes,
        }
        return tuple(kind for kind in KINDS if changed[kind])

    @property
    def notes_added(self) -> tuple[str, ...]:
        return tuple(n for n in self.new.notes if n not in self.old.notes) if self.new else ()

    @property
    def notes_removed(self) -> tuple[str, ...]:
        return tuple(n for n in self.old.notes if n not in self.new.notes) if self.new else ()

    @property
    def missing_added(self) -> tuple[str, ...]:
        return tuple(m for m in self.new.missing if m not in self.old.missing) if self.new else ()

    @property
    def missing_removed(self) -> tuple[str, ...]:
        return tuple(m for m in self.old.missing if m not in self.new.missing) if self.new else ()

    @property
    def old_recommendation_label(self) -> str:
        return _recommendation_label(self.old.recommendation)

    @property
    def new_recommendation_label(self) -> str:
        return _recommendation_label(self.new.recommendation) if self.new else ""

    @property
    def link(self) -> str:
        return reverse("assessments:result", args=[self.assessment_id])


@dataclass
class Summary:
    """Counts over every assessment read: by kind of change, refused, unchanged."""

    rules_version: str = RULES_VERSION
    assessments: int = 0
    unchanged: int = 0
    changed: int = 0
    refused: int = 0
    by_kind: Counter = field(default_factory=Counter)
    from_versions: Counter = field(default_factory=Counter)

    def add(self, row: Row | None, old_rules_version: str) -> None:
        self.assessments += 1
        self.from_versions[old_rules_version or "unknown"] += 1
        if row is None:
            self.unchanged += 1
        elif row.refused:
            self.refused += 1
        else:
            self.changed += 1
            self.by_kind.update(row.kinds)

    def lines(self) -> list[str]:
        """The summary in words, one count a line."""
        versions = ", ".join(f"{v}: {n}" for v, n in sorted(self.from_versions.items()))
        lines = [
            f"Finalized assessments (not superseded) evaluated again under rules "
            f"{self.rules_version}: {self.assessments}"
            + (f" (finalized under {versions})" if versions else ""),
            f"Outcome unchanged: {self.unchanged}",
            f"Outcome differs: {self.changed}",
        ]
        lines += [f"  {kind} changed: {self.by_kind[kind]}" for kind in KINDS]
        lines.append(f"Inputs refused by the current rules: {self.refused}")
        return lines


def _recommendation_label(code: str) -> str:
    return Recommendation(code).label if code in Recommendation.values else code


def _clinician(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def compare(
    values: dict, old_guidance: dict, *, today: date
) -> tuple[Outcome, Outcome | None, tuple[str, ...]]:
    """The frozen outcome, the current rules' outcome (None when they refuse the inputs) and
    the refusal messages, for one assessment's inputs."""
    old = Outcome.of(old_guidance)
    try:
        validate_values(values, today=today)
    except InvalidInput as invalid:
        messages = tuple(
            f"{FIELDS_BY_NAME[name].label if name in FIELDS_BY_NAME else name}: {' '.join(texts)}"
            for name, texts in invalid.errors.items()
        )
        return old, None, messages
    new = Outcome.of(evaluate(to_inputs(values)).to_dict())
    return old, new, ()


def finalized_records(queryset=None) -> Iterator[tuple]:
    """Every finalized, not superseded assessment as a tuple of `_FIELDS`, read in chunks."""
    queryset = queryset if queryset is not None else Assessment.objects.all()
    return (
        queryset.final()
        .exclude(guidance=None)
        .order_by("finalized_at", "id")
        .values_list(*_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )


def impact_rows(records: Iterable[tuple], summary: Summary, *, today: date) -> Iterator[Row]:
    """The rows of the report, as the records are read; `summary` counts every record."""
    header_size = len(_HEADER_FIELDS)
    for record in records:
        pk, ref, level, first, last, username, finalized_at, version, guidance = record[
            :header_size
        ]
        values = dict(zip(INPUT_FIELD_NAMES, record[header_size:], strict=True))
        old, new, messages = compare(values, guidance, today=today)
        row = None
        if new is None or new != old:
            row = Row(
                assessment_id=str(pk),
                patient_ref=ref or "",
                treated_level=level or "",
                clinician=_clinician(first, last, username),
                finalized=timezone.localdate(finalized_at) if finalized_at else None,
                old_rules_version=version or guidance.get("rules_version", ""),
                old=old,
                new=new,
                messages=messages,
            )
        summary.add(row, version or guidance.get("rules_version", ""))
        if row is not None:
            yield row


CSV_COLUMNS = (
    "result",
    "patient_ref",
    "treated_level",
    "clinician",
    "finalized",
    "old_rules_version",
    "new_rules_version",
    "old_recommendation",
    "new_recommendation",
    "old_rule",
    "new_rule",
    "changes",
    "missing_added",
    "missing_removed",
    "notes_added",
    "notes_removed",
    "refused_because",
    "link",
    "assessment_id",
)


def csv_fields(row: Row, rules_version: str = RULES_VERSION) -> list[str]:
    """One row of the CSV, in `CSV_COLUMNS` order."""
    new = row.new
    return [
        "refused" if row.refused else "changed",
        row.patient_ref,
        row.treated_level,
        row.clinician,
        row.finalized.isoformat() if row.finalized else "",
        row.old_rules_version,
        rules_version,
        row.old.recommendation,
        new.recommendation if new else "",
        row.old.rule,
        new.rule if new else "",
        "; ".join(row.kinds),
        " ".join(row.missing_added),
        " ".join(row.missing_removed),
        " ".join(row.notes_added),
        " ".join(row.notes_removed),
        " | ".join(row.messages),
        row.link,
        row.assessment_id,
    ]


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows: Iterable[Row]) -> Iterator[str]:
    """The CSV text, a line at a time: the changed rows as they come, then the refused ones
    (kept in a temporary file meanwhile, so memory stays flat)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="utf-8") as apart:
        apart_writer = csv.writer(apart)
        for row in rows:
            fields = [_safe(value) for value in csv_fields(row)]
            if row.refused:
                apart_writer.writerow(fields)
            else:
                yield writer.writerow(fields)
        apart.seek(0)
        yield from apart
