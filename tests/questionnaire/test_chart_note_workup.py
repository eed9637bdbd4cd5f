"""The chart note's line on the work-up says exactly what is known.

- Beside a decision on a repeat procedure (indicated, may be considered, not indicated) reached
  with no work-up item missing: that every item the rules ask for is recorded; beside "may be
  considered" also that whether to repeat is still to be decided (never a bare "Work-up
  complete." that reads as "go ahead").
- Beside "not indicated" decided before the rules look at the work-up (no current pain): no
  claim about it, since the items not asked for then are not listed as missing.
- Beside an urgent referral, an infection, a complication, the oncology pathway, the spine team
  or a new fracture level: that more assessment follows (the next steps are the work-up).
"""

import html as html_lib
import re

import pytest
from django.urls import reverse

from assessments import rules_versions
from assessments.services import assessment_finalize
from tests.factories import NO_MRI, make_assessment
from tests.step_posts import relative_inputs

RECORDED = "Work-up: every item the rules ask for before deciding is recorded."
STILL_TO_DECIDE = "Whether to repeat the procedure is still to be decided"
FURTHER = "Further assessment needed: see next steps."


@pytest.fixture(autouse=True)
def rules_2026_3(settings):
    settings.VERTEBRO_RULES_VERSION = "2026.3"


def _note(client, assessment) -> str:
    page = client.get(reverse("assessments:result", args=[assessment.pk])).content.decode()
    return html_lib.unescape(re.search(r'id="chart-note"[^>]*>(.*?)</textarea>', page, re.S)[1])


def _final(alice, **answers):
    draft = make_assessment(alice, **relative_inputs(**answers))
    warnings = [warning.id for warning in draft.evaluate().warnings]
    return assessment_finalize(assessment=draft, user=alice, acknowledged=warnings)


CASES = {
    # Day 17, no relief, edema at the treated level, inadequate fill: R10.
    "repeat_indicated": {},
    "urgent_referral": {"neuro_exam": "new_deficit"},
    "exclude_infection": {"infection_signs": True},
    "evaluate_new_level": {"active_fracture_location": "adjacent_level"},
    "decide_with_spine_team": {**NO_MRI, "mri_not_possible": True},
    "refer_oncology_mdt": {"fracture_etiology": "neoplastic"},
}


@pytest.mark.parametrize(("recommendation", "answers"), CASES.items(), ids=list(CASES))
def test_the_work_up_is_said_to_be_recorded_only_beside_a_decision_on_a_repeat_procedure(
    client, alice, recommendation, answers
):
    final = _final(alice, **answers)
    assert final.guidance["recommendation"] == recommendation
    assert final.guidance["missing"] == []
    client.force_login(alice)
    lines = _note(client, final).splitlines()
    if recommendation == "repeat_indicated":
        assert RECORDED in lines
        assert FURTHER not in lines
    else:
        assert not any(line.startswith("Work-up") for line in lines)
        # The line stands above the next steps it points to.
        assert lines[lines.index(FURTHER) + 1] == rules_versions.next_steps_line("2026.3")


def test_beside_may_be_considered_the_decision_is_said_to_be_still_open(client, alice):
    # Day 17, no relief, edema at the treated level, adequate fill: R11, may be considered.
    final = _final(alice, cement_fill="adequate")
    assert final.guidance["recommendation"] == "repeat_may_be_considered"
    assert final.guidance["missing"] == []
    client.force_login(alice)
    lines = _note(client, final).splitlines()
    (line,) = [line for line in lines if line.startswith("Work-up")]
    assert line.startswith(RECORDED)
    assert STILL_TO_DECIDE in line
    assert "Work-up complete." not in lines
    # The reason it points to stands above it.
    assert lines.index(line) > next(i for i, text in enumerate(lines) if text.startswith("Reason"))


def test_not_indicated_before_the_work_up_is_looked_at_makes_no_claim_about_it(client, alice):
    # No current pain (VAS 0), point tenderness not examined, the cement fill not assessed:
    # "not indicated" is decided before the rules ask for the work-up.
    final = _final(
        alice, vas_current=0, point_tenderness="not_examined", cement_fill="not_assessed"
    )
    assert final.guidance["recommendation"] == "not_indicated"
    assert final.guidance["missing"] == []
    client.force_login(alice)
    note = _note(client, final)
    assert RECORDED not in note
    assert "Work-up complete." not in note


def test_missing_work_up_is_named_whatever_the_recommendation(client, alice):
    final = _final(alice, **NO_MRI)
    assert final.guidance["missing"]
    client.force_login(alice)
    note = _note(client, final)
    assert "Work-up still missing: " in note
    assert RECORDED not in note
    assert FURTHER not in note


def test_the_chart_note_uses_short_labels_for_the_long_questions(client, alice):
    final = _final(alice, infection_signs=False, complication_assessed=True)
    client.force_login(alice)
    note = _note(client, final)
    assert "Signs of infection (now or within the last 4 weeks): No" in note
    assert "Index procedure assessed for a complication since the pain began: Yes" in note
    assert "fever, CRP or ESR raised" not in note
    assert "for example the new fracture level in Step 3" not in note
