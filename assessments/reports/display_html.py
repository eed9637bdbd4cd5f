"""The answers and the guidance card of the review and result pages, written in Python.

Through the template language the answers (some thirty `<dt>`/`<dd>` pairs, each with three
lookups and a condition) and the guidance card (a dozen sections, each reason, note and next
step with its citation) cost about 2 ms a page, more than the rest of the page together.
Here each piece is an f-string over the display model (`display.py`), as Django's admin writes
its change list rows in Python. The templates they replace stay as the reference:
`templates/assessments/partials/answer_groups.html`, `guidance_card.html` and `warnings.html`
render the same HTML, byte for byte, for every kind of input
(`tests/reports/test_display_html.py`). Every value passes through `conditional_escape`, as a
template's `{{ value }}` does; dates are written by Django's localized formats (`|date`).
"""

import html
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.conf import settings
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from assessments.reports.display import (
    Acknowledgement,
    AnswerGroup,
    Cited,
    GuidanceDisplay,
    Warning,
)
from vertebro_lib.urls import reverse_once


def _text(value: object) -> str:
    """`{{ value }}`: localized (numbers, dates), then escaped unless already safe. A plain
    string (most values) is escaped as `django.utils.html.escape` does, without its wrapper."""
    if type(value) is str:
        return html.escape(value)
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what `localize` writes of a whole number without grouping
    return conditional_escape(localize(value))


def _date(value: date | datetime | None, format_name: str | None = None) -> str:
    """`|date` (or `|date:"FORMAT"`): local time, Django's localized format, escaped."""
    if value is None:
        return ""
    return conditional_escape(date_format(template_localtime(value), format_name))


# The answers -----------------------------------------------------------------------------

_ANSWER_CLASSES = {
    (True, True): " text-danger fw-semibold",
    (True, False): " text-danger fw-semibold",
    (False, True): " fst-italic text-body-secondary",
    (False, False): "",
}


def _answers(group: AnswerGroup) -> str:
    return "".join(
        '\n        <dt class="col-sm-6 fw-normal text-body-secondary">'
        f"{_text(answer.label)}</dt>\n"
        f'        <dd class="col-sm-6{_ANSWER_CLASSES[bool(answer.missing), bool(answer.empty)]}">'
        f"{_text(answer.text)}</dd>\n      "
        for answer in group.answers
    )


def answer_groups_html(
    groups: Sequence[AnswerGroup],
    *,
    assessment_id: object = None,
    editable: bool = False,
    heading_level: object = 2,
) -> SafeString:
    """Every answer, one card per step (`answer_groups.html`); `editable` adds each step's
    Edit link (to the step of `assessment_id`)."""
    level = _text(heading_level)
    cards = []
    for group in groups:
        number = _text(group.number)
        title = _text(group.title)
        edit = (
            '<a class="btn btn-sm btn-outline-primary" '
            f'href="{reverse_once("assessments:step", assessment_id, group.number)}">'
            f'Edit<span class="visually-hidden"> {title}</span></a>'
            if editable
            else ""
        )
        cards.append(
            f'\n  <section class="card shadow-sm mb-3" aria-labelledby="group-{number}">\n'
            '    <div class="card-header d-flex justify-content-between align-items-center '
            'bg-transparent">\n'
            f'      <h{level} class="h5 mb-0" id="group-{number}">{number}. {title}</h{level}>\n'
            f"      {edit}\n"
            "    </div>\n"
            '    <dl class="answers card-body row mb-0">\n'
            f"      {_answers(group)}\n"
            "    </dl>\n"
            "  </section>\n"
        )
    return mark_safe("\n" + "".join(cards) + "\n")


# The warnings ----------------------------------------------------------------------------


def _acknowledged(warning: Warning, acknowledgements: Iterable[Acknowledgement]) -> str:
    return "".join(
        f' <span class="small d-block">Read by {_text(ack.name)}, '
        f"{_date(ack.when, 'DATETIME_FORMAT')}.</span>"
        for ack in acknowledgements
        if ack.id == warning.label
    )


def warnings_html(
    guidance: GuidanceDisplay, acknowledgements: Sequence[Acknowledgement] = ()
) -> SafeString:
    """The warnings to check (§5a), with who read each one at finalization (`warnings.html`)."""
    if not guidance.warnings:
        return mark_safe("\n")
    count = len(guidance.warnings)
    heading = (
        "1 warning: check this answer" if count == 1 else f"{count} warnings: check these answers"
    )
    items = "".join(
        f'\n        <li id="warning-{_text(warning.label)}" data-code="{_text(warning.label)}">'
        f"{_text(warning.text)}"
        + (
            ' <span class="small">(answers to check: '
            f"{'; '.join(_text(name) for name in warning.fields)})</span>"
            if warning.fields
            else ""
        )
        + f"{_acknowledged(warning, acknowledgements)}</li>\n      "
        for warning in guidance.warnings
    )
    return mark_safe(
        "\n"
        '  <section class="alert alert-warning mb-4 guidance-warnings" id="guidance-warnings" '
        'aria-labelledby="warnings-title">\n'
        f'    <h2 class="h5" id="warnings-title">{heading}</h2>\n'
        '    <ul class="mb-0">\n'
        f"      {items}\n"
        "    </ul>\n"
        "  </section>\n"
        "\n"
    )


# The guidance card -----------------------------------------------------------------------


def _cited_items(items: Iterable[Cited], indent: str) -> str:
    """Reasons, next steps or notes: each in a list item with its id and its citation."""
    return "".join(
        f'\n{indent}  <li class="list-group-item" data-code="{_text(item.label)}">'
        f"{_text(item.text)}"
        + (
            f' <span class="text-body-secondary small citation">{_text(item.citation)}</span>'
            if item.citation
            else ""
        )
        + f"</li>\n{indent}"
        for item in items
    )


def _card(guidance: GuidanceDisplay, new_level: Iterable[str]) -> str:
    tone = _text(guidance.tone)
    recurrence = (
        '<dt class="col-sm-4">Days since the pain returned</dt>'
        f'<dd class="col-sm-8">{_text(guidance.days_since_recurrence)}</dd>'
        if guidance.days_since_recurrence is not None
        else ""
    )
    new_level_html = "".join(f'<p class="mb-2 new-level">{_text(line)}</p>' for line in new_level)
    return (
        f'<section class="card guidance-card guidance-card--{tone} border-{tone} shadow-sm mb-4" '
        'aria-labelledby="recommendation-title">\n'
        f'  <div class="card-header text-bg-{tone}">\n'
        '    <p class="small text-uppercase fw-semibold mb-1">Recommendation</p>\n'
        '    <h2 class="h3 mb-0" id="recommendation-title" '
        f'data-recommendation="{_text(guidance.recommendation)}">{_text(guidance.label)}</h2>\n'
        "  </div>\n"
        '  <div class="card-body">\n'
        f'    <p class="fs-5 fw-semibold mb-3">{_text(guidance.headline)}</p>\n'
        f"    {new_level_html}\n"
        '    <dl class="row small mb-0">\n'
        '      <dt class="col-sm-4">Scenario</dt>'
        f'<dd class="col-sm-8">{_text(guidance.scenario)}</dd>\n'
        '      <dt class="col-sm-4">Days since the index procedure</dt>'
        f'<dd class="col-sm-8">{_text(guidance.days_since_index)}</dd>\n'
        f"      {recurrence}\n"
        "    </dl>\n"
        "  </div>\n"
        "</section>\n"
    )


def _reasons(guidance: GuidanceDisplay) -> str:
    return (
        '<section class="mb-4" aria-labelledby="reasons-title">\n'
        '  <h2 class="h4" id="reasons-title">Why</h2>\n'
        '  <ul class="list-group">\n'
        f"    {_cited_items(guidance.reasons, '    ')}\n"
        "  </ul>\n"
        "</section>\n"
    )


def _missing_workup(guidance: GuidanceDisplay) -> str:
    if not guidance.missing_workup:
        return ""
    items = "".join(
        f'<li><span class="checklist__box" aria-hidden="true"></span>{_text(item)}</li>'
        for item in guidance.missing_workup
    )
    return (
        "\n"
        '  <section class="mb-4" aria-labelledby="missing-title">\n'
        '    <h2 class="h4" id="missing-title">Work-up still missing</h2>\n'
        '    <ul class="list-unstyled checklist">\n'
        f"      {items}\n"
        "    </ul>\n"
        "  </section>\n"
    )


def _next_steps(guidance: GuidanceDisplay) -> str:
    if not guidance.next_steps:
        return ""
    reassess = (
        '<p class="mb-2" id="reassess-from">Reassess from '
        f'<time datetime="{_date(guidance.reassess_from, "Y-m-d")}">'
        f"{_date(guidance.reassess_from)}</time>.</p>"
        if guidance.reassess_from
        else ""
    )
    return (
        "\n"
        '  <section class="mb-4" aria-labelledby="next-steps-title">\n'
        '    <h2 class="h4" id="next-steps-title">Next steps</h2>\n'
        f"    {reassess}\n"
        f'    <p class="small text-body-secondary mb-2">{_text(guidance.next_steps_line)}</p>\n'
        '    <ul class="list-group">\n'
        f"      {_cited_items(guidance.next_steps, '      ')}\n"
        "    </ul>\n"
        "  </section>\n"
    )


def _notes(guidance: GuidanceDisplay) -> str:
    if not guidance.notes:
        return ""
    return (
        "\n"
        '  <section class="mb-4" aria-labelledby="notes-title">\n'
        '    <h2 class="h4" id="notes-title">Notes</h2>\n'
        '    <ul class="list-group">\n'
        f"      {_cited_items(guidance.notes, '      ')}\n"
        "    </ul>\n"
        "  </section>\n"
    )


def _references(guidance: GuidanceDisplay) -> str:
    if not guidance.references:
        return ""
    items = "".join(
        f'<li value="{_text(ref.number)}">{_text(ref.text)}</li>' for ref in guidance.references
    )
    return (
        "\n"
        '<section class="mb-4" aria-labelledby="references-title">\n'
        '  <h2 class="h4" id="references-title">References</h2>\n'
        '  <ol class="references small">\n'
        f"    {items}\n"
        "  </ol>\n"
        "</section>\n"
    )


def guidance_card_html(
    guidance: GuidanceDisplay,
    *,
    new_level: Iterable[str] = (),
    acknowledgements: Sequence[Acknowledgement] = (),
    warnings_above: bool = False,
) -> SafeString:
    """The recommendation and everything behind it (`guidance_card.html`): the card, the
    warnings (unless the page shows them above), the reasons, the work-up still missing, the
    next steps, the notes, the references and the disclaimer."""
    warnings = "" if warnings_above else warnings_html(guidance, acknowledgements)
    return mark_safe(
        _card(guidance, new_level)
        + f"\n{warnings}\n\n"
        + _reasons(guidance)
        + f"\n{_missing_workup(guidance)}\n\n"
        + f"{_next_steps(guidance)}\n\n"
        + f"{_notes(guidance)}\n\n"
        + f"{_references(guidance)}\n\n"
        + '<p class="alert alert-light border small mb-0" id="disclaimer">'
        f"{_text(guidance.disclaimer)} Rules version {_text(guidance.rules_version)}.</p>\n"
    )
