"""The impact of a rules version on past work (docs/specification.md §9), before a switch.

Every finalized assessment that is not superseded is evaluated again, under
a candidate rules version (by default the active one), from its stored
inputs, and compared with the guidance frozen when it was finalized. Those
whose outcome differs — the recommendation, a red flag, the warnings, the
next steps, the deciding rule, the missing work-up items or the notes shown
— are listed, each saying whether the patient already had the repeat
procedure (what a department needs to decide whom to recall); those whose
inputs the candidate refuses are listed apart, with the messages. Lists
compared as sets: notes (or warnings, next steps, work-up items) that differ
only in order are no change. Nothing is written: the assessments keep their
frozen guidance, and a clinician amends where needed.

The assessments are read in chunks, and only counts and the rows being
written are held, so memory stays flat whatever the number of assessments.
"""

import csv
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments import rules_versions
from assessments.models import Assessment
from vertebro_lib.codes import label
from vertebro_lib.spreadsheets import neutralise
from vertebro_rules import versions
from vertebro_rules.errors import InvalidInput
from vertebro_rules.vocabulary import Recommendation

CHUNK_SIZE = 2000
SPOOL_BYTES = 4 * 1024 * 1024

# The kinds of change, in the order the summary gives them.
RECOMMENDATION = "recommendation"
RED_FLAG = "red flag"
WARNINGS = "warnings"
NEXT_STEPS = "next steps"
RULE = "deciding rule"
MISSING = "missing work-up"
NOTES = "notes"
KINDS = (RECOMMENDATION, RED_FLAG, WARNINGS, NEXT_STEPS, RULE, MISSING, NOTES)
# The red flags of the rules (§4): a new neurological deficit, infection, a complication.
RED_FLAG_RULES = frozenset({"R1", "R16", "R17"})

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
    # Whether the patient already had the repeat procedure (recorded with the outcomes).
    "procedure__performed",
    "procedure__performed_on",
)
MODEL_FIELDS = frozenset(field.name for field in Assessment._meta.concrete_fields)


def candidate_rules(version: str | None = None) -> versions.RulesVersion:
    """The rules version to compare with (the active one by default); UnknownVersion if none."""
    return versions.get(version or rules_versions.active_version())


def input_fields(rules: versions.RulesVersion) -> tuple[str, ...]:
    """The candidate's inputs the assessments store (a new input is read as not answered)."""
    return tuple(name for name in rules.INPUT_FIELD_NAMES if name in MODEL_FIELDS)


def _ids(items) -> tuple[str, ...]:
    """The ids of a guidance list, sorted: the report compares them as sets."""
    return tuple(sorted({item["id"] if isinstance(item, dict) else item for item in items}))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a guidance decided: the parts an impact report compares (lists as sorted sets)."""

    recommendation: str
    rule: str
    red_flags: tuple[str, ...]
    warnings: tuple[str, ...]
    next_steps: tuple[str, ...]
    missing: tuple[str, ...]
    notes: tuple[str, ...]

    @classmethod
    def of_result(cls, result) -> "Outcome":
        """The outcome of a rules version's `Guidance` (the same as `of(result.to_dict())`,
        without building the dictionary)."""
        reasons = result.reasons
        return cls(
            recommendation=str(result.recommendation),
            rule=reasons[0].rule,
            red_flags=tuple(sorted({reason.rule for reason in reasons} & RED_FLAG_RULES)),
            warnings=tuple(sorted({item.id for item in getattr(result, "warnings", ())})),
            next_steps=tuple(sorted({item.id for item in getattr(result, "next_steps", ())})),
            missing=tuple(sorted({str(item) for item in result.missing})),
            notes=tuple(sorted({item.id for item in result.notes})),
        )

    @classmethod
    def of(cls, guidance: dict) -> "Outcome":
        reasons = guidance["reasons"]
        return cls(
            recommendation=guidance["recommendation"],
            rule=reasons[0]["rule"],
            red_flags=tuple(sorted({r["rule"] for r in reasons} & RED_FLAG_RULES)),
            warnings=_ids(guidance.get("warnings") or ()),
            next_steps=_ids(guidance.get("next_steps") or ()),
            missing=_ids(guidance.get("missing") or ()),
            notes=_ids(guidance.get("notes") or ()),
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
    procedure: str = ""  # what was decided after the assessment, "" when not recorded
    performed_on: date | None = None
    # The assessment's result page (`result_link`; given by `impact_rows`, which resolves the
    # URL once for the whole report).
    link: str = ""

    @property
    def had_procedure(self) -> bool:
        return self.procedure == "yes"

    @property
    def procedure_text(self) -> str:
        if self.procedure == "yes":
            return "Performed" + (f" {date_format(self.performed_on)}" if self.performed_on else "")
        return PROCEDURE_WORDS.get(self.procedure, self.procedure)

    @property
    def refused(self) -> bool:
        return self.new is None

    @property
    def kinds(self) -> tuple[str, ...]:
        if self.new is None:
            return ()
        changed = {
            RECOMMENDATION: self.old.recommendation != self.new.recommendation,
            RED_FLAG: self.old.red_flags != self.new.red_flags,
            WARNINGS: self.old.warnings != self.new.warnings,
            NEXT_STEPS: self.old.next_steps != self.new.next_steps,
            RULE: self.old.rule != self.new.rule,
            MISSING: self.old.missing != self.new.missing,
            NOTES: self.old.notes != self.new.notes,
        }
        return tuple(kind for kind in KINDS if changed[kind])

    def _added(self, name: str) -> tuple[str, ...]:
        if self.new is None:
            return ()
        old = set(getattr(self.old, name))
        return tuple(item for item in getattr(self.new, name) if item not in old)

    def _removed(self, name: str) -> tuple[str, ...]:
        if self.new is None:
            return ()
        new = set(getattr(self.new, name))
        return tuple(item for item in getattr(self.old, name) if item not in new)

    @property
    def notes_added(self) -> tuple[str, ...]:
        return self._added("notes")

    @property
    def notes_removed(self) -> tuple[str, ...]:
        return self._removed("notes")

    @property
    def missing_added(self) -> tuple[str, ...]:
        return self._added("missing")

    @property
    def missing_removed(self) -> tuple[str, ...]:
        return self._removed("missing")

    @property
    def warnings_added(self) -> tuple[str, ...]:
        return self._added("warnings")

    @property
    def warnings_removed(self) -> tuple[str, ...]:
        return self._removed("warnings")

    @property
    def next_steps_added(self) -> tuple[str, ...]:
        return self._added("next_steps")

    @property
    def next_steps_removed(self) -> tuple[str, ...]:
        return self._removed("next_steps")

    @property
    def red_flags_added(self) -> tuple[str, ...]:
        return self._added("red_flags")

    @property
    def red_flags_removed(self) -> tuple[str, ...]:
        return self._removed("red_flags")

    @property
    def old_recommendation_label(self) -> str:
        return _recommendation_label(self.old.recommendation)

    @property
    def new_recommendation_label(self) -> str:
        return _recommendation_label(self.new.recommendation) if self.new else ""


# The assessment id in the URL resolved once per report; each row's id replaces it.
_LINK_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def result_link_maker() -> Callable[[str], str]:
    """A function giving an assessment's result page: `reverse()` once for a whole report
    (resolving it for each of 100,000 rows was a seventh of the report's time)."""
    template = reverse("assessments:result", args=[_LINK_PLACEHOLDER])
    head, _, tail = template.rpartition(_LINK_PLACEHOLDER)
    return lambda assessment_id: f"{head}{assessment_id}{tail}"


PROCEDURE_WORDS = {
    "": "Not recorded",
    "no": "Not performed",
    "declined": "Declined by the patient",
    "not_offered": "Not offered",
}


@dataclass
class Summary:
    """Counts over every assessment read: by kind of change, refused, unchanged."""

    rules_version: str = field(default_factory=rules_versions.active_version)
    assessments: int = 0
    unchanged: int = 0
    changed: int = 0
    refused: int = 0
    # Of those changed or refused: the patients who already had the repeat procedure.
    listed_had_procedure: int = 0
    by_kind: Counter = field(default_factory=Counter)
    from_versions: Counter = field(default_factory=Counter)

    def add(self, row: Row | None, old_rules_version: str) -> None:
        self.assessments += 1
        self.from_versions[old_rules_version or "unknown"] += 1
        if row is None:
            self.unchanged += 1
            return
        if row.had_procedure:
            self.listed_had_procedure += 1
        if row.refused:
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
        lines.append(f"Inputs refused by rules {self.rules_version}: {self.refused}")
        lines.append(
            f"Of those listed, patients who already had the repeat procedure: "
            f"{self.listed_had_procedure}"
        )
        return lines


def _recommendation_label(code: str) -> str:
    return label(Recommendation, code)


def _clinician(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def compare(
    values: dict, old_guidance: dict, *, today: date, rules: versions.RulesVersion | None = None
) -> tuple[Outcome, Outcome | None, tuple[str, ...]]:
    """The frozen outcome, the candidate rules' outcome (None when they refuse the inputs)
    and the refusal messages, for one assessment's inputs."""
    rules = rules or candidate_rules()
    old = Outcome.of(old_guidance)
    if values.keys() != rules.FIELDS_BY_NAME.keys():
        values = {
            name: values[name] if name in values else rules.FIELDS_BY_NAME[name].absent
            for name in rules.INPUT_FIELD_NAMES
        }
    try:
        rules.validate_values(values, today=today)
    except InvalidInput as invalid:
        labels = rules.FIELDS_BY_NAME
        messages = tuple(
            f"{labels[name].label if name in labels else name}: {' '.join(texts)}"
            for name, texts in invalid.errors.items()
        )
        return old, None, messages
    new = Outcome.of_result(rules.evaluate(rules.to_inputs(values)))
    return old, new, ()


def finalized_records(queryset=None, rules: versions.RulesVersion | None = None) -> Iterator[tuple]:
    """Every finalized, not superseded assessment as a tuple of the header fields and the
    candidate's stored inputs, read in chunks."""
    rules = rules or candidate_rules()
    queryset = queryset if queryset is not None else Assessment.objects.all()
    return (
        queryset.final()
        .exclude(guidance=None)
        .order_by("finalized_at", "id")
        .values_list(*_HEADER_FIELDS, *input_fields(rules))
        .iterator(chunk_size=CHUNK_SIZE)
    )


def impact_rows(
    records: Iterable[tuple],
    summary: Summary,
    *,
    today: date,
    rules: versions.RulesVersion | None = None,
) -> Iterator[Row]:
    """The rows of the report, as the records are read; `summary` counts every record."""
    rules = rules or candidate_rules()
    summary.rules_version = rules.RULES_VERSION
    stored = input_fields(rules)
    # The candidate's inputs the assessments do not store (a new input) are not answered.
    unstored = {
        name: rules.FIELDS_BY_NAME[name].absent
        for name in rules.INPUT_FIELD_NAMES
        if name not in stored
    }
    header_size = len(_HEADER_FIELDS)
    link = result_link_maker()
    zone = timezone.get_current_timezone()
    for record in records:
        (
            pk,
            ref,
            level,
            first,
            last,
            username,
            finalized_at,
            version,
            guidance,
            performed,
            performed_on,
        ) = record[:header_size]
        values = {**dict(zip(stored, record[header_size:], strict=True)), **unstored}
        old, new, messages = compare(values, guidance, today=today, rules=rules)
        row = None
        if new is None or new != old:
            row = Row(
                assessment_id=str(pk),
                patient_ref=ref or "",
                treated_level=level or "",
                clinician=_clinician(first, last, username),
                finalized=timezone.localdate(finalized_at, zone) if finalized_at else None,
                old_rules_version=version or guidance.get("rules_version", ""),
                old=old,
                new=new,
                messages=messages,
                procedure=performed or "",
                performed_on=performed_on,
                link=link(str(pk)),
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
    "procedure",
    "procedure_date",
    "red_flags_added",
    "red_flags_removed",
    "warnings_added",
    "warnings_removed",
    "next_steps_added",
    "next_steps_removed",
    "missing_added",
    "missing_removed",
    "notes_added",
    "notes_removed",
    "refused_because",
    "link",
    "assessment_id",
)


def csv_fields(row: Row, rules_version: str) -> list[str]:
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
        row.procedure or "not_recorded",
        row.performed_on.isoformat() if row.performed_on else "",
        " ".join(row.red_flags_added),
        " ".join(row.red_flags_removed),
        " ".join(row.warnings_added),
        " ".join(row.warnings_removed),
        " ".join(row.next_steps_added),
        " ".join(row.next_steps_removed),
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
    return neutralise(text)


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows: Iterable[Row], summary: Summary) -> Iterator[str]:
    """The CSV text, a line at a time: the changed rows as they come, then the refused ones
    (kept in a temporary file meanwhile, so memory stays flat)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="utf-8") as apart:
        apart_writer = csv.writer(apart)
        for row in rows:
            fields = [_safe(value) for value in csv_fields(row, summary.rules_version)]
            if row.refused:
                apart_writer.writerow(fields)
            else:
                yield writer.writerow(fields)
        apart.seek(0)
        yield from apart
