"""Validation of version 2026.3 (docs/specification.md §1, §8): only the impossible is refused,
each bad field named with its message; every limit accepted at its bound and refused one step
beyond; scope refusals worded as the spec says; the three retired refusals accepted; a refused
case still names the red flags its valid answers raise."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.rules.v2026_3.cases import NO_MRI, RECURRENCE, RULES, TODAY, case
from vertebro_rules import versions
from vertebro_rules.errors import InvalidInput
from vertebro_rules.versions.v2026_3 import flags
from vertebro_rules.versions.v2026_3.inputs import AGE_SCOPE, INPUT_FIELD_NAMES, Inputs

LEVELS = "T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, L1, L2, L3, L4, L5"


def errors_for(**overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as refused:
        RULES.validate_case(case(**overrides), today=TODAY)
    return refused.value.errors


def accepts(**overrides: Any) -> Inputs:
    inputs: Inputs = RULES.validate_case(case(**overrides), today=TODAY)
    return inputs


def test_the_base_case_is_valid_and_every_input_is_typed() -> None:
    inputs = accepts()
    assert inputs.index_cement_volume_ml == Decimal("4.2")
    assert inputs.vertebral_infection == "not_assessed"
    assert inputs.infection_signs is False
    assert inputs.complication_assessed is False
    assert inputs.opioid_failure is False
    assert inputs.mri_not_possible is False
    assert inputs.contraindications == ()
    import dataclasses

    assert [field.name for field in dataclasses.fields(Inputs)] != []
    assert {field.name for field in dataclasses.fields(Inputs)} == set(INPUT_FIELD_NAMES)


@pytest.mark.parametrize(
    ("field", "good", "bad", "message"),
    [
        ("patient_age", [18, 120], [121, 500, -1], "Enter an age from 18 to 120."),
        ("patient_age", [], [17, 0, 5], AGE_SCOPE),
        ("prior_vertebral_fractures", [0, 25], [-1, 26], "Enter a value from 0 to 25."),
        ("vas_before_index", [0, 10], [-1, 11], "Enter a value from 0 to 10."),
        ("vas_current", [0, 10], [-1, 11], "Enter a value from 0 to 10."),
        ("conservative_therapy_weeks", [0, 520], [-1, 521], "Enter a value from 0 to 520."),
        (
            "index_cement_volume_ml",
            [0.5, 20.0, 20],
            [0.4, 20.1, 0],
            "Enter a value from 0.5 to 20.0.",
        ),
        ("bmd_t_score", [-7.0, 4.0, 0], [-7.1, 4.1], "Enter a value from -7.0 to 4.0."),
        ("index_cement_volume_ml", [4.2], [4.25, 0.55], "Use at most 1 decimal place."),
        ("bmd_t_score", [-2.5], [-2.55, 1.05], "Use at most 1 decimal place."),
    ],
)
def test_numbers_are_accepted_at_their_bounds_and_refused_beyond(
    field: str, good: list[Any], bad: list[Any], message: str
) -> None:
    for value in good:
        accepts(**{field: value})
    for value in bad:
        assert errors_for(**{field: value}) == {field: [message]}, value


@pytest.mark.parametrize(
    ("level", "message"),
    [
        ("C1", "Vertebro covers T1 to L5: cervical vertebroplasty is outside its scope."),
        ("C7", "Vertebro covers T1 to L5: cervical vertebroplasty is outside its scope."),
        ("S1", "Vertebro covers T1 to L5: sacroplasty is outside its scope."),
        ("S5", "Vertebro covers T1 to L5: sacroplasty is outside its scope."),
        ("C8", f"Choose one of: {LEVELS}."),
        ("S6", f"Choose one of: {LEVELS}."),
        ("l1", f"Choose one of: {LEVELS}."),
        ("L6", f"Choose one of: {LEVELS}."),
    ],
)
def test_levels_outside_t1_to_l5_are_refused_with_the_scope_message(
    level: str, message: str
) -> None:
    assert errors_for(treated_level=level) == {"treated_level": [message]}


def test_the_scope_message_for_children_says_the_tool_does_not_cover_them() -> None:
    assert AGE_SCOPE == (
        "Vertebro covers adults (18 years and over): the evidence it rests on comes from adults. "
        "For a younger patient, decide with a paediatric spine team."
    )


@pytest.mark.parametrize("level", ["T1", "T12", "L1", "L5"])
def test_levels_t1_to_l5_are_accepted(level: str) -> None:
    assert accepts(treated_level=level).treated_level == level


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"assessment_date": "2026-11-26"}, "assessment_date", "The date cannot be in the future (today is 25 Nov 2026)."),
        ({"index_procedure_date": "1984-12-31"}, "index_procedure_date", "The date cannot be before 1 Jan 1985."),
        ({"assessment_date": "2026-05-31"}, "assessment_date", "The assessment date cannot be before the index procedure (1 Jun 2026)."),
        ({**RECURRENCE, "recurrence_date": "2026-06-01"}, "recurrence_date", "The pain cannot have returned on or before the index procedure (1 Jun 2026)."),
        ({**RECURRENCE, "recurrence_date": "2026-11-21"}, "recurrence_date", "The pain cannot have returned after the assessment date (20 Nov 2026)."),
    ],
)  # fmt: skip
def test_impossible_dates_are_refused(overrides: dict[str, Any], field: str, message: str) -> None:
    assert errors_for(**overrides) == {field: [message]}


def test_dates_at_their_limits_are_accepted() -> None:
    accepts(index_procedure_date="1985-01-01", assessment_date="1985-01-01")
    accepts(assessment_date=TODAY.isoformat())
    accepts(index_procedure_date="2026-06-18")
    accepts(**{**RECURRENCE, "recurrence_date": "2026-06-02", "conservative_therapy_weeks": 0})
    accepts(**{**RECURRENCE, "recurrence_date": "2026-11-20", "conservative_therapy_weeks": 0})


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"recurrence_date": "2026-06-10"}, "recurrence_date", "Leave empty unless the pain returned after relief."),
        ({**NO_MRI, "marrow_edema": "present"}, "marrow_edema", "Leave empty when no MRI was performed."),
        ({**NO_MRI, "fluid_at_cement_interface": True}, "fluid_at_cement_interface", "Leave unticked when no MRI was performed."),
        ({"mri_not_possible": True}, "mri_not_possible", "Leave unticked when an MRI was performed."),
        ({"cleft_new_since_index": True}, "cleft_new_since_index", "Leave empty unless an intravertebral cleft is present."),
        ({"cleft_new_since_index": False, "cleft_sign": "indeterminate"}, "cleft_new_since_index", "Leave empty unless an intravertebral cleft is present."),
        ({**NO_MRI, "cleft_new_since_index": True}, "cleft_new_since_index", "Leave empty when no MRI was performed."),
        ({"opioid_failure": True}, "opioid_failure", "Leave unticked unless the patient takes opioids."),
        ({"opioid_failure": True, "analgesics": None}, "opioid_failure", "Leave unticked unless the patient takes opioids."),
    ],
)  # fmt: skip
def test_a_field_that_cannot_apply_is_refused(
    overrides: dict[str, Any], field: str, message: str
) -> None:
    assert errors_for(**overrides) == {field: [message]}


def test_a_field_that_does_not_apply_may_be_left_at_its_meaning_when_absent() -> None:
    accepts(opioid_failure=False, mri_not_possible=False)
    accepts(**{**NO_MRI, "mri_not_possible": False, "fluid_at_cement_interface": False})


def test_opioid_failure_and_mri_not_possible_are_accepted_where_they_apply() -> None:
    assert accepts(analgesics="opioid", opioid_failure=True).opioid_failure is True
    assert accepts(**NO_MRI, mri_not_possible=True).mri_not_possible is True
    assert accepts(cleft_sign="present", cleft_new_since_index=False).cleft_new_since_index is False


@pytest.mark.parametrize(
    ("overrides", "missing", "message"),
    [
        ({**RECURRENCE, "recurrence_date": None}, "recurrence_date", "Required when the pain returned after relief."),
        ({**RECURRENCE, "conservative_therapy_weeks": None}, "conservative_therapy_weeks", "Required when the pain returned after relief."),
        ({"marrow_edema": None}, "marrow_edema", "Required when an MRI was performed."),
        ({"cleft_sign": None}, "cleft_sign", "Required when an MRI was performed."),
        ({"active_fracture_location": None}, "active_fracture_location", "Required when an MRI was performed."),
        ({"patient_ref": None}, "patient_ref", "This field is required."),
        ({"neuro_exam": None}, "neuro_exam", "This field is required."),
    ],
)  # fmt: skip
def test_a_required_answer_missing_is_refused(
    overrides: dict[str, Any], missing: str, message: str
) -> None:
    assert errors_for(**overrides) == {missing: [message]}


def test_weeks_of_therapy_are_not_asked_for_a_failed_index_procedure_but_kept_when_given() -> None:
    assert "conservative_therapy_weeks" not in RULES.missing_inputs(
        {**case(), "index_procedure_date": date(2026, 6, 1)}
    )
    assert accepts(conservative_therapy_weeks=520).conservative_therapy_weeks == 520
    assert accepts(initial_response="ongoing_relief", conservative_therapy_weeks=3)


@pytest.mark.parametrize(
    ("recurrence", "weeks", "refused"),
    [
        ("2026-11-10", 2, False),  # 10 days: at most 2 weeks
        ("2026-11-10", 3, True),
        ("2026-11-20", 0, False),  # 0 days: 0 weeks
        ("2026-11-20", 1, True),
        ("2026-11-13", 1, False),  # 7 days: 1 week
        ("2026-11-13", 2, True),
    ],
)
def test_weeks_of_therapy_since_the_recurrence_are_bounded(
    recurrence: str, weeks: int, refused: bool
) -> None:
    overrides = {**RECURRENCE, "recurrence_date": recurrence, "conservative_therapy_weeks": weeks}
    if not refused:
        accepts(**overrides)
        return
    days = (date(2026, 11, 20) - date.fromisoformat(recurrence)).days
    limit = (days + 6) // 7
    day_words = "day" if days == 1 else "days"
    week_words = "week" if limit == 1 else "weeks"
    returned = {
        "2026-11-10": "10 Nov 2026",
        "2026-11-20": "20 Nov 2026",
        "2026-11-13": "13 Nov 2026",
    }
    assert errors_for(**overrides) == {
        "conservative_therapy_weeks": [
            f"The pain returned on {returned[recurrence]}, {days} {day_words} before the "
            f"assessment: at most {limit} {week_words} of conservative therapy since then (this "
            f"says {weeks})."
        ]
    }


def test_a_contraindication_listed_twice_and_an_unknown_key_are_refused() -> None:
    assert errors_for(contraindications=["cement_allergy", "cement_allergy"]) == {
        "contraindications": ["Each value may be listed once."]
    }
    assert errors_for(complication_excluded=True) == {"complication_excluded": ["Unknown field."]}


@pytest.mark.parametrize(
    "overrides",
    [
        # The three clinical contradictions 2026.2 refused are accepted (they warn: P1-P3).
        {"initial_response": "ongoing_relief", "vas_current": 5},
        {"active_fracture_location": "none_identified", "cleft_sign": "present"},
        {"marrow_edema": "absent"},
        # Step 4 answers are never refused together with another field.
        {"neuro_exam": "new_deficit", "vas_current": 0},
        {"infection_signs": True, "vertebral_infection": "excluded", "vas_current": 0},
        {"complication_assessed": True, "initial_response": "ongoing_relief", "vas_current": 0},
        {"point_tenderness": "absent", "vas_current": 0},
        {"contraindications": ["active_infection"], "vertebral_infection": "resolved"},
    ],
)
def test_contradictions_are_accepted_not_refused(overrides: dict[str, Any]) -> None:
    accepts(**overrides)


def test_every_bad_field_is_named_at_once_in_the_order_of_the_inputs() -> None:
    errors = errors_for(patient_age=17, vas_current=11, treated_level="C3", opioid_failure=True)
    assert list(errors) == ["patient_age", "treated_level", "vas_current", "opioid_failure"]


# §8: the red flags of a refused case --------------------------------------------------------


def red_flags_of(**overrides: Any) -> tuple[str, ...]:
    with pytest.raises(InvalidInput) as refused:
        RULES.validate_case(case(**overrides), today=TODAY)
    return refused.value.red_flags


def test_a_refused_case_with_a_new_deficit_still_says_so() -> None:
    assert red_flags_of(patient_age=17, neuro_exam="new_deficit") == (flags.NEW_DEFICIT_LINE,)
    assert flags.NEW_DEFICIT_LINE == (
        "RED FLAG: a new neurological deficit is recorded: urgent referral does not wait for the "
        "corrections below."
    )


def test_the_three_red_flag_lines_come_in_the_spec_order() -> None:
    lines = red_flags_of(
        treated_level="C5", neuro_exam="new_deficit", infection_signs=True, vas_before_index=5
    )
    assert lines == (
        "RED FLAG: a new neurological deficit is recorded: urgent referral does not wait for the "
        "corrections below.",
        "RED FLAG: infection with pain is recorded: exclusion or treatment of infection of the "
        "treated vertebra does not wait for the corrections below.",
        "RED FLAG: new or worse pain after the index procedure is recorded: assessment for a "
        "complication does not wait for the corrections below.",
    )


def test_an_answer_that_is_itself_refused_is_not_read() -> None:
    assert red_flags_of(neuro_exam="new_deficits") == ()
    # The current VAS refused: infection with pain is not known (no opioids).
    assert red_flags_of(vas_current=11, infection_signs=True) == ()
    assert red_flags_of(vas_current=11, infection_signs=True, analgesics="opioid") == (
        flags.INFECTION_LINE,
    )
    # The assessment date refused: the days since the index procedure are not known.
    assert red_flags_of(assessment_date="2027-01-01", vas_before_index=5) == ()


def test_a_refused_case_without_a_red_flag_has_none() -> None:
    assert red_flags_of(patient_age=17) == ()


def test_red_flag_lines_read_a_draft_with_answers_missing() -> None:
    values = {"neuro_exam": "new_deficit", "infection_signs": True, "analgesics": "opioid"}
    assert RULES.red_flag_lines(values, today=TODAY) == [
        flags.NEW_DEFICIT_LINE,
        flags.INFECTION_LINE,
    ]
    assert RULES.red_flag_lines({"vertebral_infection": "active"}, today=TODAY) == [
        flags.INFECTION_LINE
    ]


def test_version_2026_2_prints_no_red_flag_lines() -> None:
    with pytest.raises(InvalidInput) as refused:
        versions.validate_case(
            case(patient_age=17, neuro_exam="new_deficit", conservative_therapy_weeks=2),
            today=TODAY,
            version="2026.2",
        )
    assert refused.value.red_flags == ()
