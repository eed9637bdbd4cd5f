"""The review and result pages write the answers and the guidance card in Python
(assessments/reports/display_html.py): the same HTML, byte for byte, as the partial templates
they replace (kept as the reference), for every recommendation, warning, note, next step and
work-up item the rules reach, for frozen and live guidance, and with every value escaped."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from assessments.models import NEWEST
from assessments.reports import display_html
from assessments.reports.display import (
    Acknowledgement,
    Answer,
    AnswerGroup,
    Cited,
    GuidanceDisplay,
    Reference,
    Warning,
    answer_groups,
    guidance_section,
)
from tests.factories import finalize_acknowledging_warnings, make_assessment
from tests.rules.random_cases_2026_3 import random_valid_cases

TODAY = date.today()
RANDOM_CASES = 300
SEED = 20261204
NASTY = "<b>\"R&D\"</b> 'x'"
NASTY_ESCAPED = "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt; &#x27;x&#x27;"


def _reference_groups(groups, assessment_id, *, editable, heading_level) -> str:
    return get_template("assessments/partials/answer_groups.html").render(
        {
            "groups": groups,
            "assessment": {"pk": assessment_id},
            "editable": editable,
            "heading_level": heading_level,
        }
    )


def _reference_card(guidance, new_level=(), acknowledgements=(), *, warnings_above=False) -> str:
    return get_template("assessments/partials/guidance_card.html").render(
        {
            "guidance": guidance,
            "new_level": new_level,
            "acknowledgements": acknowledgements,
            "warnings_above": warnings_above,
        }
    )


def _reference_warnings(guidance, acknowledgements=()) -> str:
    return get_template("assessments/partials/warnings.html").render(
        {"guidance": guidance, "acknowledgements": acknowledgements}
    )


def _assert_card_as_template(guidance, new_level=(), acknowledgements=()) -> None:
    for above in (False, True):
        written = display_html.guidance_card_html(
            guidance, new_level=new_level, acknowledgements=acknowledgements, warnings_above=above
        )
        assert written == _reference_card(
            guidance, new_level, acknowledgements, warnings_above=above
        )
    assert display_html.warnings_html(guidance, acknowledgements) == _reference_warnings(
        guidance, acknowledgements
    )


def _live_guidance(case: dict) -> GuidanceDisplay:
    guidance = NEWEST.evaluate(NEWEST.validate_case(case, today=TODAY))
    return GuidanceDisplay.from_json(guidance.to_dict())


def _cited(label: str, text: str, refs=(), unconfirmed=()) -> Cited:
    return Cited(label, text, tuple(refs), tuple(unconfirmed))


def _synthetic(**changes) -> GuidanceDisplay:
    """A guidance with every part filled, and values that need escaping."""
    values = {
        "recommendation": "repeat_indicated",
        "label": f"Label {NASTY}",
        "tone": "success",
        "marker": None,
        "headline": f"Headline {NASTY}",
        "scenario": f"Scenario {NASTY}",
        "reasons": (
            _cited("R10", f"Reason {NASTY}", (1, 3)),
            _cited(NASTY, "Second reason, no citation"),
            _cited("R2", "Unconfirmed", (1,), ("ref 1: source not yet confirmed",)),
        ),
        "missing_workup": (f"Work-up {NASTY}", "MRI"),
        "notes": (_cited("N1", f"Note {NASTY}", (2,)), _cited("N2", "Plain note")),
        "references": (Reference(1, f"Ref {NASTY}"), Reference(3, "Three")),
        "disclaimer": f"Disclaimer {NASTY}",
        "rules_version": "2026.3",
        "days_since_index": 12345,
        "days_since_recurrence": 0,
        "warnings": (
            Warning("W1", f"Warning {NASTY}", (f"Field {NASTY}", "Other; field")),
            Warning(NASTY, "No fields", ()),
        ),
        "next_steps": (_cited("S1", f"Step {NASTY}", (4, 5)), _cited("S2", "Plain step")),
        "next_steps_line": f"Line {NASTY}",
        "reassess_from": date(2027, 1, 5),
    }
    return GuidanceDisplay(**{**values, **changes})


ACKNOWLEDGED = (
    Acknowledgement("W1", f"Dr {NASTY}", timezone.make_aware(datetime(2026, 11, 25, 14, 5))),
    Acknowledgement("W9", "Someone else", timezone.make_aware(datetime(2026, 11, 25, 9, 0))),
    Acknowledgement("W1", "Second reader", datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"days_since_recurrence": None, "reassess_from": None},
        {"warnings": (), "next_steps": (), "notes": (), "missing_workup": (), "references": ()},
        {"warnings": (Warning("W1", "One warning", ("A field",)),), "reasons": ()},
        {"next_steps_line": "", "reassess_from": None, "tone": NASTY},
    ],
    ids=["every-part", "no-dates", "no-optional-section", "one-warning", "bare"],
)
def test_a_card_of_every_shape_is_written_as_the_template_wrote_it(changes):
    guidance = _synthetic(**changes)
    for acknowledgements in ((), ACKNOWLEDGED):
        _assert_card_as_template(guidance, (f"Level {NASTY}", "Second line"), acknowledgements)
        _assert_card_as_template(guidance, (), acknowledgements)


def test_every_value_of_the_card_is_escaped():
    written = str(display_html.guidance_card_html(_synthetic(), acknowledgements=ACKNOWLEDGED))
    assert NASTY not in written
    assert written.count(NASTY_ESCAPED) >= 15
    assert "Read by Dr " + NASTY_ESCAPED + ", 25 Nov 2026, 14:05." in written


def test_the_guidance_of_every_case_the_rules_reach_is_written_as_the_template_wrote_it():
    cases = random_valid_cases(RANDOM_CASES, SEED, TODAY - timedelta(days=2))
    recommendations = set()
    for case in cases:
        guidance = _live_guidance(case)
        recommendations.add(guidance.recommendation)
        _assert_card_as_template(guidance)
    # The random cases reach every kind of card, not only the commonest.
    assert len(recommendations) >= 8


def _groups(text: str, *, missing: bool, empty: bool) -> list[AnswerGroup]:
    return [
        AnswerGroup(
            1,
            f"Title {NASTY}",
            "Step 1",
            [
                Answer(f"Label {NASTY}", text, missing=missing, empty=empty),
                Answer("Second", "Yes", missing=False, empty=False),
            ],
        ),
        AnswerGroup(2, "Empty step", "Step 2", []),
    ]


@pytest.mark.parametrize("editable", [False, True])
@pytest.mark.parametrize("heading_level", [2, 3])
@pytest.mark.parametrize(
    ("missing", "empty"), [(False, False), (True, False), (False, True), (True, True)]
)
def test_answers_of_every_kind_are_written_as_the_template_wrote_them(
    editable, heading_level, missing, empty
):
    assessment_id = "0b7c8d6e-1111-4a2b-9c3d-123456789abc"
    groups = _groups(f"Answer {NASTY}", missing=missing, empty=empty)
    written = display_html.answer_groups_html(
        groups, assessment_id=assessment_id, editable=editable, heading_level=heading_level
    )
    assert written == _reference_groups(
        groups, assessment_id, editable=editable, heading_level=heading_level
    )
    assert NASTY not in written
    assert display_html.answer_groups_html(
        [], assessment_id=assessment_id, editable=editable
    ) == _reference_groups([], assessment_id, editable=editable, heading_level=2)


def test_the_answers_of_a_draft_and_of_a_final_assessment_are_written_as_the_template_wrote_them(
    alice,
):
    draft = make_assessment(alice, patient_ref=NASTY, vas_current=None, mri_performed=False)
    final = finalize_acknowledging_warnings(make_assessment(alice, patient_ref="FINAL"), alice)
    for assessment in (draft, final):
        groups = answer_groups(assessment)
        for editable, level in ((True, 2), (False, 3)):
            written = display_html.answer_groups_html(
                groups, assessment_id=assessment.pk, editable=editable, heading_level=level
            )
            assert written == _reference_groups(
                groups, assessment.pk, editable=editable, heading_level=level
            )
    edit_link = reverse("assessments:step", args=[draft.pk, 4])
    assert f'href="{edit_link}"' in display_html.answer_groups_html(
        answer_groups(draft), assessment_id=draft.pk, editable=True
    )


def test_a_frozen_guidance_with_its_acknowledged_warnings_is_written_as_the_template_wrote_it(
    alice,
):
    draft = make_assessment(alice, patient_age=101, vas_current=0, initial_response="no_relief")
    assert draft.evaluate().warnings  # the case raises warnings to acknowledge
    final = finalize_acknowledging_warnings(draft, alice)
    section = guidance_section(final, today=TODAY)
    assert section.acknowledgements
    _assert_card_as_template(section.guidance, section.new_level, section.acknowledgements)
    written = str(display_html.warnings_html(section.guidance, section.acknowledgements))
    assert "Read by " in written


def test_the_review_and_result_pages_show_the_html_the_templates_wrote(client, alice):
    """The pages themselves: the tags' output stands where the includes stood."""
    draft = make_assessment(alice)
    client.force_login(alice)
    for name, editable, level in (("review", True, 2), ("result", False, 3)):
        response = client.get(reverse(f"assessments:{name}", args=[draft.pk]))
        page = response.content.decode()
        context = response.context
        assert (
            _reference_card(
                context["guidance"],
                context["new_level"],
                context["acknowledgements"],
                warnings_above=name == "review",
            )
            in page
        )
        assert (
            _reference_groups(context["groups"], draft.pk, editable=editable, heading_level=level)
            in page
        )
