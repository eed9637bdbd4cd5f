"""services.assessment_finalize: validate everything, freeze the guidance, then never again."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from assessments.models import Assessment
from assessments.services import AssessmentNotEditable, assessment_finalize
from tests.factories import make_assessment
from vertebro_rules.validation import InvalidInput

NOW = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
FROZEN_FIELDS = (
    "status",
    "guidance",
    "rules_version",
    "finalized_at",
    "finalized_by_id",
    "version",
)


def frozen_state(assessment: Assessment) -> dict:
    assessment.refresh_from_db()
    return {name: getattr(assessment, name) for name in FROZEN_FIELDS}


@pytest.mark.usefixtures("rules_2026_2")  # expects the version and outcome of 2026.2
@time_machine.travel(NOW, tick=False)
def test_finalizing_freezes_the_guidance_and_who_finalized_it_when(alice):
    assessment = make_assessment(alice)
    version = assessment.version
    expected = assessment.evaluate().to_dict()
    assessment_finalize(assessment=assessment, user=alice)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.FINAL
    assert assessment.is_final
    assert assessment.guidance == expected
    assert assessment.guidance["recommendation"] == "repeat_indicated"
    assert assessment.rules_version == "2026.2"
    assert assessment.finalized_by == alice
    assert assessment.finalized_at == NOW
    assert assessment.version == version + 1


@time_machine.travel(NOW, tick=False)
def test_an_incomplete_draft_is_refused_naming_the_missing_fields_and_left_unchanged(alice):
    draft = make_assessment(alice, vas_current=None, point_tenderness=None)
    before = frozen_state(draft)
    with pytest.raises(InvalidInput) as refused:
        assessment_finalize(assessment=draft, user=alice)
    assert refused.value.errors == {
        "vas_current": ["This field is required."],
        "point_tenderness": ["This field is required."],
    }
    assert frozen_state(draft) == before
    assert before["status"] == Assessment.Status.DRAFT
    assert before["guidance"] is None


@pytest.mark.usefixtures("rules_2026_2")  # a refusal of 2026.2 (2026.3 warns instead)
@time_machine.travel(NOW, tick=False)
def test_an_invalid_draft_is_refused_naming_the_bad_fields_and_left_unchanged(alice):
    # Drafts are saved step by step, so a contradiction across steps can reach finalization.
    draft = make_assessment(
        alice,
        active_fracture_location="none_identified",
        initial_response="ongoing_relief",
        recurrence_date=date(2026, 10, 5),
    )
    before = frozen_state(draft)
    with pytest.raises(InvalidInput) as refused:
        assessment_finalize(assessment=draft, user=alice)
    assert set(refused.value.errors) == {"recurrence_date", "marrow_edema"}
    assert frozen_state(draft) == before


@time_machine.travel(NOW, tick=False)
def test_a_date_that_is_in_the_future_at_finalization_is_refused(alice):
    draft = make_assessment(alice, assessment_date=date(2026, 11, 26))
    with pytest.raises(InvalidInput) as refused:
        assessment_finalize(assessment=draft, user=alice)
    assert list(refused.value.errors) == ["assessment_date"]
    assert frozen_state(draft)["status"] == Assessment.Status.DRAFT


@time_machine.travel(NOW, tick=False)
def test_a_second_finalization_is_refused_and_changes_nothing(alice, bob):
    assessment = make_assessment(alice)
    assessment_finalize(assessment=assessment, user=alice)
    before = frozen_state(assessment)
    later = time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), tick=False)
    with later, pytest.raises(AssessmentNotEditable):
        assessment_finalize(assessment=assessment, user=bob)
    assert frozen_state(assessment) == before
    assert before["finalized_by_id"] == alice.pk


@time_machine.travel(NOW, tick=False)
def test_the_frozen_guidance_does_not_follow_later_changes_to_the_row(alice):
    assessment = make_assessment(alice)
    assessment_finalize(assessment=assessment, user=alice)
    Assessment.objects.filter(pk=assessment.pk).update(cement_fill="adequate")
    assessment.refresh_from_db()
    assert assessment.guidance["reasons"][0]["rule"] == "R10"
    assert assessment.evaluate().reasons[0].rule == "R11"
