"""The guidance so far under version 2026.3 (docs/specification.md §6): a red flag is shown as
soon as the answers its rule reads are saved and valid, whatever else is missing or refused;
once every answer is given, the guidance is the result's."""

from typing import Any

from tests.rules.v2026_3.cases import RULES, TODAY, case
from vertebro_rules.versions.v2026_3 import flags, rules

STEP_1 = ("patient_ref", "patient_age", "sex", "treated_level", "index_procedure_date",
          "index_cement_volume_ml", "fracture_etiology", "bmd_t_score", "prior_vertebral_fractures")  # fmt: skip


def typed(**overrides: Any) -> dict[str, Any]:
    """The answers of `case(**overrides)` as the model holds them (dates, decimals)."""
    return {
        name: RULES.FIELDS_BY_NAME[name].from_json(raw) for name, raw in case(**overrides).items()
    }


def only(values: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: value for name, value in values.items() if name in names}


def test_a_new_deficit_is_flagged_as_soon_as_it_is_saved() -> None:
    values = only(typed(neuro_exam="new_deficit"), *STEP_1, "neuro_exam")
    shown = RULES.progress(values, today=TODAY)
    assert shown.guidance is None
    assert shown.red_flag is not None
    assert shown.red_flag.rule == "R1"
    assert shown.red_flag.recommendation == "urgent_referral"
    assert shown.red_flag.headline == (
        "Urgent referral for a new neurological deficit; repeat vertebroplasty at L1 is outside "
        "this guidance."
    )
    assert shown.red_flag.next_step == (
        "Refer immediately (emergency): spinal surgical assessment with MRI of the whole spine "
        "(CT if MRI cannot be done)."
    )


def test_without_the_level_the_red_flag_says_the_fixed_line() -> None:
    shown = RULES.progress({"neuro_exam": "new_deficit"}, today=TODAY)
    assert shown.red_flag is not None
    assert shown.red_flag.headline == flags.NEW_DEFICIT_LINE


def test_a_refused_answer_raises_no_red_flag() -> None:
    values = {**typed(neuro_exam="new_deficit"), "patient_age": 12}
    shown = RULES.progress(values, today=TODAY)
    assert shown.invalid == ("patient_age",)
    assert shown.red_flag is not None and shown.red_flag.rule == "R1"
    assert RULES.progress({"neuro_exam": "new_deficits"}, today=TODAY).red_flag is None


def test_infection_with_pain_is_flagged_before_step_4_is_complete() -> None:
    values = only(typed(infection_signs=True), *STEP_1, "vas_current", "infection_signs")
    flag = RULES.progress(values, today=TODAY).red_flag
    assert flag is not None
    assert (flag.rule, flag.recommendation) == ("R17", "exclude_infection")
    assert flag.headline == rules.r17_headline("L1", active=False)
    assert flag.next_step == rules.s2_text("L1")
    active = RULES.progress({**values, "vertebral_infection": "active"}, today=TODAY).red_flag
    assert active is not None
    assert (active.recommendation, active.next_step) == ("manage_infection", rules.S28_TEXT)


def test_severe_pain_back_in_the_first_weeks_is_flagged_from_the_pain_timeline() -> None:
    values = typed(
        initial_response="relief_then_recurrence",
        recurrence_date="2026-06-10",
        conservative_therapy_weeks=1,
        vas_current=8,
    )
    step_1_and_2 = only(values, *STEP_1, *RULES.fields_of_step(2))
    flag = RULES.progress(step_1_and_2, today=TODAY).red_flag
    assert flag is not None
    assert flag.rule == "R16"
    assert flag.headline == (
        "Assess now for a complication of the vertebroplasty at L1: severe pain returned on day 9."
    )
    assert flag.next_step == rules.s3_text("L1")
    # Once step 4 records that the procedure was assessed, the flag is gone.
    assessed = {**values, "complication_assessed": True}
    shown = RULES.progress(assessed, today=TODAY)
    assert shown.red_flag is None
    assert shown.guidance is not None and shown.guidance.reasons[0].rule == "R10"


def test_complete_answers_give_the_result_and_the_same_red_flag() -> None:
    values = typed(vas_before_index=5)
    shown = RULES.progress(values, today=TODAY)
    expected = RULES.evaluate(RULES.to_inputs(values))
    assert shown.guidance == expected
    assert shown.red_flag is not None
    assert shown.red_flag.headline == expected.headline
    assert RULES.progress(typed(), today=TODAY).red_flag is None


def test_the_scenario_so_far_is_provisional_until_the_mri_is_answered() -> None:
    values = only(typed(), *STEP_1, *RULES.fields_of_step(2))
    shown = RULES.progress(values, today=TODAY)
    assert (shown.scenario, shown.provisional) == ("immediate_failure", True)
    assert shown.days_since_index == 17
    assert "MRI findings" in shown.still_needed
