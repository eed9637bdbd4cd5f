"""The table rows of My assessments, written in Python.

The start page lists up to 20 assessments; through the template language each row cost about
150 µs (some thirty variable lookups and filters, an include for the amendment chain), more
than the rest of the page together. Here each row is one f-string, as Django's admin writes
its change list rows in Python. Every value that comes from the database or the user passes
through `escape`; the markup is the template's (`tests/questionnaire/test_list_rows_html.py`
renders the same rows through the template it replaced and compares them). Dates are written
by Django's localized formats (`|date`, `|time`), each distinct date once a page.
"""

from collections.abc import Callable
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from assessments.questionnaire.presenters import ListRow, url_for_each_id

NOT_FINAL = (
    '<span class="text-body-secondary">—<span class="visually-hidden"> (not final)</span></span>'
)


class _Dates:
    """`|date` and `|time` of the page's values, each distinct value formatted once."""

    def __init__(self) -> None:
        self._written: dict[tuple[str, date], str] = {}

    def day(self, value: date | datetime | None) -> str:
        """`|date` ("j M Y"): the same words for every moment of one local day."""
        if value is None:
            return ""
        day = value.date() if isinstance(value, datetime) else value
        return self._once("date", day, date_format)

    def minute(self, value: datetime) -> str:
        """`|time` ("H:i"): the same words for every moment of one local minute."""
        return self._once("time", value.replace(second=0, microsecond=0), time_format)

    def _once(self, kind: str, value: date, write: Callable[[date], str]) -> str:
        key = (kind, value)
        if key not in self._written:
            self._written[key] = write(value)
        return self._written[key]


def _text(value: object) -> str:
    """The value escaped; nothing for no value (`|default` in the template)."""
    return escape(value) if value else ""


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _chain(row: ListRow, open_url: Callable, dates: _Dates) -> str:
    """Where the line sits in an amendment chain: what it amends, what superseded it."""
    html = ""
    if amends := row.amends:
        finalized = dates.day(amends.finalized_at and _local(amends.finalized_at))
        html += (
            f'<div class="small text-body-secondary">amends <a href="{open_url(amends.pk)}">'
            f"{_text(amends.patient_ref)}, finalized {finalized}</a></div>"
        )
    if amendment := row.amendment:
        link = f'<a href="{open_url(amendment.pk)}">{_text(amendment.patient_ref)}'
        if amendment.is_final:
            finalized = dates.day(amendment.finalized_at and _local(amendment.finalized_at))
            html += (
                f'<div class="small text-body-secondary">superseded by {link}, '
                f"finalized {finalized}</a></div>"
            )
        else:
            html += (
                f'<div class="small text-body-secondary">amendment in progress: {link}</a></div>'
            )
    return html


def _status(row: ListRow) -> str:
    label = escape(row.status_label)
    if row.is_final:
        return f'<span class="badge text-bg-dark">{label}</span>'
    emphasis = " fw-semibold text-success-emphasis" if row.ready else ""
    return (
        f'<span class="badge text-bg-light border">{label}</span> '
        f'<span class="small d-block{emphasis}">{escape(row.progress)}</span>'
    )


def _recommendation(row: ListRow) -> str:
    if not row.recommendation_label:
        return NOT_FINAL
    return (
        f'<span class="badge text-bg-{escape(row.recommendation_tone)} badge-recommendation '
        f'text-wrap text-start">{escape(row.recommendation_label)}</span>'
    )


def _row(row: ListRow, open_url: Callable, dates: _Dates) -> str:
    assessment = row.assessment
    updated = _local(assessment.updated)
    reference = _text(assessment.patient_ref)
    assessed = dates.day(assessment.assessment_date) if assessment.assessment_date else "—"
    discard = (
        ""
        if row.is_final
        else (
            f'<a class="btn btn-sm btn-outline-danger text-nowrap" href="{row.discard_url}" '
            f'aria-label="Discard the draft {reference or "without a reference"}">Discard…</a>'
        )
    )
    return (
        "<tr>"
        f'<th scope="row"><a class="text-nowrap" href="{row.open_url}">'
        f"{reference or '(no reference)'}</a>{_chain(row, open_url, dates)}</th>"
        f'<td data-label="Level">{_text(assessment.treated_level) or "—"}</td>'
        f'<td data-label="Assessed" class="text-nowrap">{assessed}</td>'
        f'<td data-label="Status">{_status(row)}</td>'
        f'<td data-label="Recommendation">{_recommendation(row)}</td>'
        f'<td class="text-nowrap" data-label="Last change">'
        f'<time datetime="{updated.strftime("%Y-%m-%dT%H:%M:%S%z")}">{dates.day(updated)}<br>'
        f'<span class="small text-body-secondary">{dates.minute(updated)}</span></time></td>'
        '<td class="text-end"><div class="d-flex flex-wrap justify-content-end gap-1">'
        f'<a class="btn btn-sm btn-outline-secondary text-nowrap" href="{row.pdf_url}" download '
        f'aria-label="Download PDF for {reference or "this assessment"}">Download PDF</a>'
        f"{discard}</div></td>"
        "</tr>"
    )


def rows_html(rows: list[ListRow]) -> SafeString:
    """The `<tr>` of every line of My assessments, in order. The URLs are Django's `reverse`
    of a UUID (no character to escape); everything else is escaped above."""
    open_url = url_for_each_id("assessments:open")
    dates = _Dates()
    return mark_safe("\n".join(_row(row, open_url, dates) for row in rows))
