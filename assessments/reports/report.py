"""What the PDF summary shows, prepared from an assessment (issue 4).

A finalized (or superseded) assessment is reported from its frozen guidance
(`Assessment.guidance`, the §6 JSON stored at finalization) and its stored
inputs, which are never changed after finalization: a report printed next
year says what it said on the day. A draft is evaluated afresh, or, while
inputs are missing or invalid, lists what is still needed instead of
guidance.

The template only lays out what `build_report` returns.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.dateformat import format as format_date

from assessments import integrity
from assessments.models import Assessment
from assessments.questionnaire import presenters
from vertebro_rules import rules, vocabulary

TITLE = "Vertebro — repeat vertebroplasty assessment"
NOT_RECORDED = "not recorded"
DRAFT_WATERMARK = "DRAFT — not finalized"
SUPERSEDED_WATERMARK = "SUPERSEDED"
SUPERSEDED_NOTICE = "Superseded by an amended assessment — do not act on this report"
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i T"

# The @page size rule for each VERTEBRO_PAGE_SIZE (static files).
PAGE_STYLESHEETS = {"A4": "pdf/page-a4.css", "Letter": "pdf/page-letter.css"}


@dataclass(frozen=True)
class Marker:
    """A black-and-white-safe marker of the recommendation's class: a symbol,
    a word and a border style (the stylesheet's `summary-<css>`), never colour alone."""

    css: str
    symbol: str
    word: str


PROCEED = Marker("proceed", "✔", "Repeat procedure is an option")
WAIT = Marker("wait", "◷", "Not yet: more is needed first")
DECLINE = Marker("decline", "✘", "No repeat procedure at this level")
URGENT = Marker("urgent", "⚠", "Urgent")

MARKERS = {
    vocabulary.Recommendation.REPEAT_INDICATED: PROCEED,
    vocabulary.Recommendation.REPEAT_MAY_BE_CONSIDERED: PROCEED,
    vocabulary.Recommendation.REASSESS_LATER: WAIT,
    vocabulary.Recommendation.COMPLETE_WORKUP: WAIT,
    vocabulary.Recommendation.CONTINUE_CONSERVATIVE: WAIT,
    vocabulary.Recommendation.NOT_INDICATED: DECLINE,
    vocabulary.Recommendation.CONTRAINDICATED: DECLINE,
    vocabulary.Recommendation.EVALUATE_NEW_LEVEL: DECLINE,
    vocabulary.Recommendation.URGENT_REFERRAL: URGENT,
}
INCOMPLETE = Marker("incomplete", "☐", "No guidance yet")


@dataclass(frozen=True)
class Cited:
    label: str
    text: str
    refs: str


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    recorded: bool


@dataclass(frozen=True)
class InputGroup:
    step: int
    title: str
    answers: list[Answer]


@dataclass(frozen=True)
class Reference:
    number: int
    text: str


@dataclass
class Report:
    title: str
    patient_ref: str
    treated_level: str
    status: str
    status_label: str
    watermark: str
    status_notice: str
    page_stylesheet: str
    rules_version: str
    disclaimer: str
    generated_at: str
    assessment_date: str
    has_guidance: bool
    marker: Marker
    recommendation: str = ""
    headline: str = ""
    scenario: str = ""
    days_since_index: int | None = None
    days_since_recurrence: int | None = None
    reasons: list[Cited] = field(default_factory=list)
    missing_workup: list[str] = field(default_factory=list)
    notes: list[Cited] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    missing_inputs: list[str] = field(default_factory=list)
    input_errors: list[str] = field(default_factory=list)
    basis: list[InputGroup] = field(default_factory=list)
    finalized_by: str = ""
    finalized_at: str = ""
    record_digest: str = ""


def input_groups(assessment: Assessment) -> list[InputGroup]:
    """Every input of §1 grouped by step, in the words of the review page."""
    return [
        InputGroup(
            step=group.number,
            title=f"Step {group.number} — {group.title}",
            answers=[
                Answer(answer.label, answer.text, not (answer.empty or answer.missing))
                for answer in group.answers
            ],
        )
        for group in presenters.answer_groups(assessment)
    ]


def _refs(refs) -> str:
    return "[" + ", ".join(str(ref) for ref in refs) + "]"


def _local(moment: datetime) -> str:
    return format_date(timezone.localtime(moment), DATETIME_FORMAT)


def build_report(assessment: Assessment, *, generated_at: datetime | None = None) -> Report:
    """Everything the report template shows for this assessment."""
    generated_at = generated_at or timezone.now()
    status = assessment.status
    if assessment.is_final and assessment.guidance:
        guidance, missing_inputs, input_errors = assessment.guidance, [], []
    else:
        guidance, missing_inputs, input_errors = presenters.draft_guidance(
            assessment, today=timezone.localdate(generated_at)
        )

    report = Report(
        title=TITLE,
        patient_ref=assessment.patient_ref or NOT_RECORDED,
        treated_level=assessment.treated_level or NOT_RECORDED,
        status=status,
        status_label=Assessment.Status(status).label,
        watermark=(
            DRAFT_WATERMARK
            if status == Assessment.Status.DRAFT
            else SUPERSEDED_WATERMARK
            if status == Assessment.Status.SUPERSEDED
            else ""
        ),
        status_notice=(
            DRAFT_WATERMARK
            if status == Assessment.Status.DRAFT
            else SUPERSEDED_NOTICE
            if status == Assessment.Status.SUPERSEDED
            else ""
        ),
        page_stylesheet=PAGE_STYLESHEETS[settings.VERTEBRO_PAGE_SIZE],
        rules_version=(guidance or {}).get("rules_version")
        or assessment.rules_version
        or rules.RULES_VERSION,
        disclaimer=(guidance or {}).get("disclaimer") or rules.DISCLAIMER,
        generated_at=_local(generated_at),
        assessment_date=(
            format_date(assessment.assessment_date, DATE_FORMAT)
            if assessment.assessment_date
            else NOT_RECORDED
        ),
        has_guidance=guidance is not None,
        marker=MARKERS.get(guidance["recommendation"], INCOMPLETE) if guidance else INCOMPLETE,
        missing_inputs=missing_inputs,
        input_errors=input_errors,
        basis=input_groups(assessment),
    )
    if guidance is not None:
        # The words of the guidance: a finalized assessment's kept record, or the current code's.
        view = presenters.GuidanceView.from_dict(
            guidance, assessment.display_record if assessment.is_final else None
        )
        report.recommendation = view.label
        report.headline = guidance["headline"]
        report.scenario = view.scenario
        report.days_since_index = guidance["days_since_index"]
        report.days_since_recurrence = guidance["days_since_recurrence"]
        report.reasons = [
            Cited(r["rule"], r["text"], _refs(r["refs"])) for r in guidance.get("reasons", [])
        ]
        report.notes = [
            Cited(n["id"], n["text"], _refs(n["refs"])) for n in guidance.get("notes", [])
        ]
        report.missing_workup = view.missing
        report.references = [Reference(item.number, item.text) for item in view.references]
    if assessment.finalized_at:
        user = assessment.finalized_by
        report.finalized_by = (user.get_full_name() or user.get_username()) if user else ""
        report.finalized_at = _local(assessment.finalized_at)
        report.record_digest = integrity.short_digest(assessment.record_digest)
    return report
