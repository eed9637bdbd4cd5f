"""What the PDF summary and its print preview show, prepared from an assessment.

The guidance and the answers come from the one display model
(`assessments.reports.display`): frozen for a finalized (or superseded)
assessment, so that a report printed next year says what it said on the day;
evaluated afresh for a draft, or listing what is still needed. This module
adds what only the printed page has: title, status watermark, page size,
generation time and sign-off.

The template only lays out what `build_report` returns.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, get_format

from assessments import integrity
from assessments.models import Assessment
from assessments.reports import display
from vertebro_lib.people import person_name
from vertebro_rules import rules

TITLE = "Vertebro — repeat vertebroplasty assessment"
DRAFT_WATERMARK = "DRAFT — not finalized"
SUPERSEDED_WATERMARK = "SUPERSEDED"
SUPERSEDED_NOTICE = "Superseded by an amended assessment — do not act on this report"

# The @page size rule for each VERTEBRO_PAGE_SIZE (static files).
PAGE_STYLESHEETS = {"A4": "pdf/page-a4.css", "Letter": "pdf/page-letter.css"}


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
    guidance: display.GuidanceDisplay | None
    marker: display.Marker
    missing_inputs: list[str] = field(default_factory=list)
    input_errors: list[str] = field(default_factory=list)
    basis: list[display.AnswerGroup] = field(default_factory=list)
    finalized_by: str = ""
    finalized_at: str = ""
    record_digest: str = ""
    amendment_reason: str = ""  # why this assessment amends another
    # Each warning with who ticked it as read and when ("" for a draft).
    warnings: list[dict] = field(default_factory=list)
    red_flags: tuple[str, ...] = ()
    new_level: tuple[str, ...] = ()


def _local(moment: datetime) -> str:
    """The pages' date and time, with the time zone a printed page cannot otherwise tell."""
    return date_format(timezone.localtime(moment), get_format("DATETIME_FORMAT") + " T")


def build_report(assessment: Assessment, *, generated_at: datetime | None = None) -> Report:
    """Everything the report template shows for this assessment."""
    generated_at = generated_at or timezone.now()
    status = assessment.status
    section = display.guidance_section(assessment, today=timezone.localdate(generated_at))
    guidance = section.guidance
    report = Report(
        title=TITLE,
        patient_ref=assessment.patient_ref or display.NOT_RECORDED,
        treated_level=assessment.treated_level or display.NOT_RECORDED,
        amendment_reason=assessment.amendment_reason,
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
        rules_version=(guidance and guidance.rules_version)
        or assessment.rules_version
        or rules.RULES_VERSION,
        disclaimer=(guidance and guidance.disclaimer) or rules.DISCLAIMER,
        generated_at=_local(generated_at),
        assessment_date=(
            date_format(assessment.assessment_date)
            if assessment.assessment_date
            else display.NOT_RECORDED
        ),
        guidance=guidance,
        marker=guidance.marker if guidance else display.INCOMPLETE,
        missing_inputs=section.missing_inputs,
        input_errors=section.invalid_inputs,
        basis=display.answer_groups(assessment),
        red_flags=section.red_flags,
        new_level=section.new_level,
    )
    if guidance is not None:
        read = {ack.id: ack for ack in section.acknowledgements}
        report.warnings = [
            {
                "warning": warning,
                "read": (
                    f"Read by {read[warning.label].name}, {_local(read[warning.label].when)}."
                    if warning.label in read
                    else ""
                ),
            }
            for warning in guidance.warnings
        ]
    if assessment.finalized_at:
        user = assessment.finalized_by
        report.finalized_by = person_name(user)
        report.finalized_at = _local(assessment.finalized_at)
        report.record_digest = integrity.short_digest(assessment.record_digest)
    return report
