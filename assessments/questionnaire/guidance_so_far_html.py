"""The guidance-so-far panel beside steps 2 to 4, written in Python.

Through the template language the panel cost about 80 µs a step page (a dozen lookups and
conditions, its review link reversed). The template it replaces stays as the reference:
`templates/assessments/partials/guidance_so_far.html` renders the same HTML, byte for byte,
for every state of the panel (`tests/questionnaire/test_guidance_so_far_html.py`).
"""

import html

from django.utils.safestring import SafeString, mark_safe

from assessments.questionnaire.presenters import GuidanceSoFar
from vertebro_lib.urls import reverse_once


def _e(value: object) -> str:
    """`{{ value }}` of a text (every value of the panel is one)."""
    return html.escape(str(value))


def _scenario(so_far: GuidanceSoFar) -> str:
    if not so_far.scenario:
        return "\n          Decided once the pain timeline is saved.\n        "
    caveat = (
        f'<div class="small text-body-secondary">{_e(so_far.caveat)}</div>' if so_far.caveat else ""
    )
    return (
        f"\n          {_e(so_far.scenario)}\n"
        f'          <div class="small">{_e(so_far.timeline)}</div>\n'
        f"          {caveat}\n        "
    )


def _decided(so_far: GuidanceSoFar, review_url: str) -> str:
    if so_far.guidance:
        guidance = so_far.guidance
        return (
            "\n        <dt>Recommendation</dt>\n"
            "        <dd>\n"
            f'          <span class="badge text-bg-{_e(guidance.tone)}">'
            f"{_e(guidance.label)}</span>\n"
            f'          <div class="small">{_e(guidance.headline)}</div>\n'
            f'          <a class="d-inline-block mt-1" href="{review_url}">Review and finalize</a>\n'
            "        </dd>\n      "
        )
    if so_far.invalid:
        return (
            "\n        <dt>To correct</dt>\n"
            f'        <dd>{_e(so_far.invalid)} <a href="{review_url}">(see the review)</a>'
            "</dd>\n      "
        )
    return ""


def guidance_so_far_html(so_far: GuidanceSoFar, assessment_id: object) -> SafeString:
    """What the saved answers already decide and still need (`guidance_so_far.html`)."""
    review_url = (
        reverse_once("assessments:review", assessment_id)
        if so_far.guidance or so_far.invalid
        else ""
    )
    red_flag = (
        '\n      <p class="text-danger fw-semibold mb-2" id="guidance-so-far-red-flag">'
        f'<span aria-hidden="true">⚠</span> Red flag: {_e(so_far.red_flag.headline)}'
        "</p>\n    "
        if so_far.red_flag
        else ""
    )
    still_needed = (
        "\n        <dt>Still needed</dt>\n"
        f"        <dd>{_e(so_far.still_needed[0].upper() + so_far.still_needed[1:])}</dd>"
        "\n      "
        if so_far.still_needed
        else ""
    )
    return mark_safe(
        '<details class="card shadow-sm guidance-so-far" id="guidance-so-far" data-open-wide>\n'
        '  <summary class="card-header">\n'
        '    <h2 class="h6 d-inline mb-0">Guidance so far</h2>\n'
        f'    <span class="guidance-so-far__summary">{_e(so_far.summary)}</span>\n'
        "  </summary>\n"
        '  <div class="card-body">\n'
        f"    {red_flag}\n"
        '    <dl class="mb-0">\n'
        "      <dt>Scenario</dt>\n"
        "      <dd>\n"
        f"        {_scenario(so_far)}\n"
        "      </dd>\n"
        f"      {_decided(so_far, review_url)}\n"
        f"      {still_needed}\n"
        "    </dl>\n"
        '    <p class="small text-body-secondary mt-2 mb-0">From the answers saved so far, with '
        "the rules that give the result (version "
        f"{_e(so_far.rules_version)}).</p>\n"
        "  </div>\n"
        "</details>\n"
    )
