"""The chart note says "Work-up complete." only beside a decision on a repeat procedure
(indicated, may be considered, not indicated). Beside an urgent referral, an infection, a
complication, the oncology pathway, the spine team or a new fracture level the next steps
are themselves work-up: the note says that more assessment follows."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from assessments import rules_versions
from assessments.services import assessment_finalize
from tests.factories import NO_MRI, make_assessment
from tests.step_posts import relative_inputs

COMPLETE = "Work-up complete."
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
def test_work_up_complete_is_printed_only_beside_a_decision_on_a_repeat_procedure(
    client, alice, recommendation, answers
):
    final = _final(alice, **answers)
    assert final.guidance["recommendation"] == recommendation
    assert final.guidance["missing"] == []
    client.force_login(alice)
    lines = _note(client, final).splitlines()
    if recommendation == "repeat_indicated":
        assert COMPLETE in lines
        assert FURTHER not in lines
    else:
        assert COMPLETE not in lines
        # The line stands above the next steps it points to.
        assert lines[lines.index(FURTHER) + 1] == rules_versions.next_steps_line("2026.3")


def test_missing_work_up_is_named_whatever_the_recommendation(client, alice):
    final = _final(alice, **NO_MRI)
    assert final.guidance["missing"]
    client.force_login(alice)
    note = _note(client, final)
    assert "Work-up still missing: " in note
    assert COMPLETE not in note
    assert FURTHER not in note


def test_the_chart_note_uses_short_labels_for_the_long_questions(client, alice):
    final = _final(alice, infection_signs=False, complication_assessed=True)
    client.force_login(alice)
    note = _note(client, final)
    assert "Signs of infection (now or within the last 4 weeks): No" in note
    assert "Index procedure assessed for a complication since the pain began: Yes" in note
    assert "fever, CRP or ESR raised" not in note
    assert "for example the new fracture level in Step 3" not in note
