"""The guidance so far: what a draft's answers already decide, never disagreeing with the result."""

from datetime import date

from hypothesis import given

from tests.rules.cases import NO_MRI, TODAY, valid_inputs
from tests.rules.test_guidance_properties import CI_SETTINGS, valid_values
from vertebro_rules.inputs import fields_of_step
from vertebro_rules.progress import progress
from vertebro_rules.rules import evaluate
from vertebro_rules.validation import to_inputs, validate_values

NEW_LEVEL_SCENARIOS = {"adjacent_level_fracture", "non_adjacent_fracture"}


def answered_up_to(step: int, values: dict) -> dict:
    """The answers of a draft saved up to `step` (later steps empty)."""
    later = [name for number in range(step + 1, 5) for name in fields_of_step(number)]
    return {**values, **dict.fromkeys(later)}


def test_after_step_1_the_scenario_waits_for_the_pain_timeline():
    so_far = progress(answered_up_to(1, valid_inputs()), today=TODAY)

    assert so_far.scenario is None
    assert so_far.days_since_index is None
    assert so_far.still_needed == (
        "pain timeline",
        "MRI findings",
        "cement fill on CT",
        "examination",
    )
    assert so_far.guidance is None


def test_after_step_2_an_immediate_failure_is_named_with_its_day_until_the_mri_is_known():
    # No relief, seen on day 17: immediate failure, unless the MRI shows a new level.
    so_far = progress(answered_up_to(2, valid_inputs()), today=TODAY)

    assert so_far.scenario == "immediate_failure"
    assert so_far.days_since_index == 17
    assert so_far.provisional is True
    assert so_far.still_needed == ("MRI findings", "cement fill on CT", "examination")
    assert so_far.guidance is None


def test_no_current_pain_is_decided_whatever_the_mri_shows():
    so_far = progress(answered_up_to(2, valid_inputs(vas_current=0)), today=TODAY)

    assert so_far.scenario == "no_current_pain"
    assert so_far.provisional is False


def test_without_an_mri_the_scenario_is_definite():
    values = answered_up_to(2, valid_inputs()) | {"mri_performed": False}

    so_far = progress(values, today=TODAY)

    assert so_far.scenario == "immediate_failure"
    assert so_far.provisional is False
    assert so_far.still_needed == ("cement fill on CT", "examination")


def test_a_new_fracture_on_mri_at_an_adjacent_level_changes_the_scenario():
    values = answered_up_to(2, valid_inputs()) | {
        "mri_performed": True,
        "active_fracture_location": "adjacent_level",
    }

    so_far = progress(values, today=TODAY)

    assert so_far.scenario == "adjacent_level_fracture"
    assert so_far.provisional is False
    # The other MRI findings are still required.
    assert so_far.still_needed == ("MRI findings", "cement fill on CT", "examination")


def test_a_recurrence_counts_the_days_to_the_recurrence():
    values = valid_inputs(
        index_procedure_date=date(2026, 6, 1),
        initial_response="relief_then_recurrence",
        recurrence_date=date(2026, 9, 1),
        assessment_date=date(2026, 11, 20),
        conservative_therapy_weeks=8,
    )

    so_far = progress(answered_up_to(2, values), today=TODAY)

    assert so_far.scenario == "delayed_recurrence"
    assert so_far.days_since_index == 172
    assert so_far.days_to_recurrence == 92


def test_a_recurrence_without_its_date_has_no_scenario_yet():
    values = answered_up_to(2, valid_inputs(initial_response="relief_then_recurrence"))

    so_far = progress(values, today=TODAY)

    assert so_far.scenario is None
    assert so_far.still_needed[0] == "pain timeline"


def test_a_complete_case_gets_the_result_guidance():
    values = valid_inputs(**NO_MRI)

    so_far = progress(values, today=TODAY)

    validate_values(values, today=TODAY)
    assert so_far.guidance == evaluate(to_inputs(values))
    assert so_far.guidance.recommendation == "complete_workup"
    assert so_far.scenario == so_far.guidance.scenario
    assert so_far.still_needed == ()
    assert so_far.invalid == ()


def test_a_complete_case_with_a_refused_answer_names_it_and_gives_no_guidance():
    # Ongoing relief beside an active fracture at the treated level is a contradiction (§1).
    values = valid_inputs(initial_response="ongoing_relief")

    so_far = progress(values, today=TODAY)

    assert so_far.guidance is None
    assert "initial_response" in so_far.invalid


@CI_SETTINGS
@given(valid_values())
def test_the_scenario_so_far_never_disagrees_with_the_result(values):
    result = evaluate(to_inputs(values)).scenario
    after_step_2 = progress(answered_up_to(2, values), today=TODAY)
    after_step_3 = progress(answered_up_to(3, values), today=TODAY)

    # Imaging answered: the scenario is the result's.
    assert (after_step_3.scenario, after_step_3.provisional) == (result, False)
    if not after_step_2.provisional:
        assert after_step_2.scenario == result
    elif result != after_step_2.scenario:
        # Only a new fracture at another level on MRI changes a provisional scenario.
        assert result in NEW_LEVEL_SCENARIOS
    assert progress(values, today=TODAY).guidance == evaluate(to_inputs(values))
