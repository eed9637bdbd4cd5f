"""The step indicator of the step and review pages, written in Python.

Through the template language it cost about 0.2 ms a page (five links, each its URL reversed
and a dozen conditions). The template it replaces stays as the reference:
`templates/assessments/partials/step_indicator.html` renders the same HTML, byte for byte,
for every state of every step (`tests/questionnaire/test_step_indicator_html.py`).
"""

import html

from django.utils.safestring import SafeString, mark_safe

from assessments.questionnaire.steps import StepLink
from vertebro_lib.urls import reverse_once

NUMBER = '<span class="step-indicator__number">{}</span>'


def _label(link: StepLink, steps_url: str, review_url: str) -> str:
    title = html.escape(link.title)
    number = NUMBER.format(link.number) if link.number else ""
    if link.current:
        return f'<span class="step-indicator__label" aria-current="step">{number}{title}</span>'
    if link.reachable:
        href = f"{steps_url}{link.number}/" if link.number else review_url
        mark = NUMBER.format("✓" if link.complete else link.number) if link.number else ""
        complete = '<span class="visually-hidden"> (complete)</span>' if link.complete else ""
        return f'<a class="step-indicator__label" href="{href}">{mark}{title}{complete}</a>'
    return (
        f'<span class="step-indicator__label is-disabled">{number}{title}'
        '<span class="visually-hidden"> (not yet available)</span></span>'
    )


def step_indicator_html(links: list[StepLink], assessment_id: object = None) -> SafeString:
    """Every step and the review, which are complete, which one is shown, which are links
    (to the steps and the review of `assessment_id`)."""
    reachable = assessment_id is not None and any(link.reachable for link in links)
    # Reversed once a page: a step's URL is step 0's with its own number at the end.
    steps_url = (
        reverse_once("assessments:step", assessment_id, 0).removesuffix("0/") if reachable else ""
    )
    review_url = reverse_once("assessments:review", assessment_id) if reachable else ""
    items = "".join(
        '\n      <li class="step-indicator__item'
        + (" is-current" if link.current else " is-complete" if link.complete else "")
        + '">\n        \n          '
        + _label(link, steps_url, review_url)
        + "\n        \n      </li>\n    "
        for link in links
    )
    return mark_safe(
        '<nav aria-label="Steps of the assessment" class="mb-4">\n'
        '  <ol class="step-indicator list-unstyled d-flex flex-wrap gap-2 mb-0">\n'
        f"    {items}\n"
        "  </ol>\n"
        "</nav>\n"
    )
