"""The Assessment model: drafts step by step, what is missing, cross-field rules, evaluation."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from assessments import models as assessments_models
from assessments.models import Assessment
from assessments.questionnaire.steps import STEPS_BY_NUMBER
from tests.factories import make_assessment, valid_inputs
from vertebro_rules.rules import evaluate
from vertebro_rules.validation import to_inputs

# Tests of rules 2026.2 behaviour through the web (2026.3 changes it on purpose).
pytestmark = pytest.mark.usefixtures("rules_2026_2")

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
STEP_1 = {
    "patient_ref": "MRN-0042",
    "patient_age": 81,
    "treated_level": "T12",
    "index_procedure_date": date(2026, 9, 1),
    "fracture_etiology": "osteoporotic",
    "prior_vertebral_fractures": 2,
}


def test_an_empty_draft_misses_every_required_input(alice):
    draft = Assessment.objects.create(owner=alice)
    assert draft.missing_inputs() == [
        "patient_ref",
        "patient_age",
        "treated_level",
        "index_procedure_date",
        "fracture_etiology",
        "prior_vertebral_fractures",
        "assessment_date",
        "initial_response",
        "vas_current",
        "conservative_therapy_weeks",
        "mri_performed",
        "cement_fill",
        "point_tenderness",
        "neuro_exam",
    ]
    assert not any(STEPS_BY_NUMBER[step].is_complete(draft) for step in (1, 2, 3, 4))


def test_a_draft_saved_after_step_1_has_step_1_complete_only(alice):
    draft = Assessment.objects.create(owner=alice, **STEP_1)
    draft.refresh_from_db()
    assert STEPS_BY_NUMBER[1].is_complete(draft)
    assert not STEPS_BY_NUMBER[2].is_complete(draft)
    assert "patient_ref" not in draft.missing_inputs()
    assert draft.missing_inputs()[0] == "assessment_date"


def test_a_complete_assessment_misses_nothing(alice):
    assessment = make_assessment(alice)
    assert assessment.missing_inputs() == []
    assert all(STEPS_BY_NUMBER[step].is_complete(assessment) for step in (1, 2, 3, 4))


def test_relief_then_recurrence_makes_the_recurrence_date_missing_in_step_2(alice):
    assessment = make_assessment(alice, initial_response="relief_then_recurrence")
    assert assessment.missing_inputs() == ["recurrence_date"]
    assert not STEPS_BY_NUMBER[2].is_complete(assessment)
    assert STEPS_BY_NUMBER[3].is_complete(assessment)


def test_an_mri_makes_its_findings_missing_in_step_3(alice):
    assessment = make_assessment(alice, active_fracture_location=None, cleft_sign=None)
    assert assessment.missing_inputs() == ["active_fracture_location", "cleft_sign"]
    assert STEPS_BY_NUMBER[2].is_complete(assessment)
    assert not STEPS_BY_NUMBER[3].is_complete(assessment)


def test_no_mri_needs_no_findings(alice):
    assessment = make_assessment(
        alice,
        mri_performed=False,
        active_fracture_location=None,
        cleft_sign=None,
        marrow_edema=None,
    )
    assert STEPS_BY_NUMBER[3].is_complete(assessment)


@time_machine.travel(NOW, tick=False)
def test_clean_refuses_cross_field_contradictions_naming_the_fields(alice):
    assessment = Assessment(
        owner=alice,
        **valid_inputs(
            assessment_date=date(2026, 9, 1),
            recurrence_date=date(2026, 9, 15),
            active_fracture_location="none_identified",
        ),
    )
    with pytest.raises(ValidationError) as refused:
        assessment.clean()
    errors = refused.value.message_dict
    assert set(errors) == {"assessment_date", "recurrence_date", "marrow_edema"}
    assert "before the index procedure" in errors["assessment_date"][0]


@time_machine.travel(NOW, tick=False)
def test_clean_refuses_mri_findings_without_an_mri(alice):
    assessment = Assessment(owner=alice, **valid_inputs(mri_performed=False))
    with pytest.raises(ValidationError) as refused:
        assessment.clean()
    assert set(refused.value.message_dict) == {
        "active_fracture_location",
        "cleft_sign",
        "marrow_edema",
    }


@time_machine.travel(NOW, tick=False)
def test_clean_accepts_a_partial_draft(alice):
    Assessment(owner=alice, **STEP_1).clean()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # The column's check is the newest rules version's (2026.3 words the age range so).
        ("patient_age", 121, "Enter an age from 18 to 120."),
        ("vas_current", 11, "Enter a value from 0 to 10."),
        ("bmd_t_score", "-7.5", "Enter a value from -7.0 to 4.0."),
        ("index_procedure_date", date(2026, 11, 26), "The date cannot be in the future"),
        ("index_procedure_date", date(1984, 12, 31), "The date cannot be before 1 Jan 1985."),
        ("patient_ref", "MRN\t1", "Use printable characters only"),
        ("contraindications", ["pregnancy"], "Unknown value 'pregnancy'"),
        ("contraindications", "cement_allergy", "Expected a list of strings."),
    ],
)
def test_field_validators_apply_the_spec_ranges(alice, field, value, message):
    assessment = Assessment(owner=alice, **{**STEP_1, field: value})
    with pytest.raises(ValidationError) as refused:
        assessment.full_clean()
    assert refused.value.message_dict[field][0].startswith(message)


@time_machine.travel(NOW, tick=False)
def test_full_clean_accepts_a_valid_assessment(alice):
    Assessment(owner=alice, **valid_inputs()).full_clean()


def test_evaluate_runs_the_rules_on_the_stored_inputs(alice):
    assessment = make_assessment(alice, treated_level="T11", cement_fill="adequate")
    assessment.refresh_from_db()
    guidance = assessment.evaluate()
    assert guidance.recommendation == "repeat_may_be_considered"
    assert guidance.reasons[0].rule == "R11"
    assert guidance.headline.endswith("at T11.")
    assert guidance == evaluate(
        to_inputs(valid_inputs(treated_level="T11", cement_fill="adequate"))
    )


def test_evaluate_reads_decimals_back_from_the_database(alice):
    assessment = make_assessment(alice, bmd_t_score="-2.5", index_cement_volume_ml="6.8")
    assessment.refresh_from_db()
    guidance = assessment.evaluate()
    notes = {note.id: note.text for note in guidance.notes}
    assert "T-score -2.5" in notes["N8"]
    assert "6.8 mL" in notes["N1"]


def test_answers_given_as_json_are_read_as_the_rules_questions():
    rules = Assessment(rules_version="2026.2").rules()
    values = assessments_models.answers_read(
        rules,
        {
            "patient_age": 81,
            "index_procedure_date": "2026-09-01",
            "treated_level": "T12",
            "not_a_question": "x",  # a name the version does not ask: left out
            "prior_vertebral_fractures": "two",  # a value it cannot read: left out
        },
    )
    assert values == {
        "patient_age": 81,
        "index_procedure_date": date(2026, 9, 1),
        "treated_level": "T12",
    }


def test_an_answer_from_the_record_is_marked_only_while_it_holds_the_value_sent(alice):
    draft = Assessment.objects.create(
        owner=alice,
        patient_age=81,
        treated_level="T12",
        from_record={"answers": {"patient_age": 81, "treated_level": "L1"}, "notes": []},
    )
    assert draft.answers_from_record() == ["patient_age"]
