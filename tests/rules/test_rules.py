"""Recommendation rules R1–R13 (guidance-rules.md §4): each fires, loses to earlier rules, and
stays silent when its condition is false; reasons carry the case's values and the spec's refs."""

from datetime import date

import pytest

from tests.rules.cases import NO_MRI, RECURRENCE, guidance_for
from vertebro_rules.vocabulary import Contraindication


def rule_of(guidance) -> str:
    (reason,) = guidance.reasons
    return reason.rule


# rule, overrides that make it the first to fire, recommendation, refs of the spec table
FIRING = [
    ("R1", {"neuro_exam": "new_deficit"}, "urgent_referral", (4,)),
    ("R2", {"contraindications": ["cement_allergy"]}, "contraindicated", (4,)),
    ("R3", {"initial_response": "ongoing_relief"}, "not_indicated", (1, 2)),
    ("R3", {"vas_current": 0}, "not_indicated", (1, 2)),
    ("R4", {"assessment_date": date(2026, 10, 4)}, "reassess_later", (1,)),
    ("R5", {"active_fracture_location": "adjacent_level"}, "evaluate_new_level", (5,)),
    ("R5", {"active_fracture_location": "non_adjacent_level"}, "evaluate_new_level", (5,)),
    ("R6", NO_MRI, "complete_workup", (1, 3, 4)),
    ("R7", {"marrow_edema": "absent", "cleft_sign": "absent"}, "not_indicated", (2, 3, 4)),
    ("R8", {"point_tenderness": "absent"}, "not_indicated", (4,)),
    ("R9", {**RECURRENCE, "conservative_therapy_weeks": 5}, "continue_conservative", (4,)),
    ("R10", {}, "repeat_indicated", (1, 3)),
    ("R11", {"cement_fill": "adequate"}, "repeat_may_be_considered", (1, 3)),
    ("R12", RECURRENCE, "repeat_indicated", (2, 3)),
    ("R13", {**RECURRENCE, "cleft_sign": "absent"}, "repeat_may_be_considered", (2, 4)),
]


@pytest.mark.parametrize(("rule", "overrides", "recommendation", "refs"), FIRING)
def test_each_rule_fires_with_its_recommendation_and_references(
    rule, overrides, recommendation, refs
):
    guidance = guidance_for(**overrides)
    assert rule_of(guidance) == rule
    assert guidance.recommendation == recommendation
    assert guidance.reasons[0].refs == refs
    assert guidance.reasons[0].text


# the earlier rule, the later rule whose condition also holds, overrides making both true
PRECEDENCE = [
    ("R1", "R2", {"neuro_exam": "new_deficit", "contraindications": ["active_infection"]}),
    ("R1", "R3", {"neuro_exam": "new_deficit", "vas_current": 0}),
    ("R2", "R3", {"contraindications": ["canal_compromise"], "initial_response": "ongoing_relief"}),
    ("R2", "R10", {"contraindications": ["uncorrectable_coagulopathy"]}),
    ("R3", "R4", {"vas_current": 0, "assessment_date": date(2026, 10, 3)}),
    (
        "R3",
        "R5",
        {"initial_response": "ongoing_relief", "active_fracture_location": "adjacent_level"},
    ),
    ("R4", "R6", {**NO_MRI, "assessment_date": date(2026, 10, 2)}),
    (
        "R5",
        "R6",
        {"active_fracture_location": "non_adjacent_level", "point_tenderness": "not_examined"},
    ),
    ("R5", "R7", {"active_fracture_location": "adjacent_level", "marrow_edema": "absent"}),
    (
        "R6",
        "R7",
        {"marrow_edema": "absent", "cleft_sign": "absent", "neuro_exam": "not_documented"},
    ),
    ("R6", "R8", {"point_tenderness": "absent", "cement_fill": "not_assessed"}),
    ("R7", "R8", {"marrow_edema": "absent", "cleft_sign": "absent", "point_tenderness": "absent"}),
    ("R8", "R9", {**RECURRENCE, "conservative_therapy_weeks": 2, "point_tenderness": "absent"}),
    ("R9", "R12", {**RECURRENCE, "conservative_therapy_weeks": 0}),
    ("R10", "R12", {"cleft_sign": "present"}),
    ("R11", "R12", {"cement_fill": "adequate", "cleft_sign": "present"}),
    ("R12", "R13", {**RECURRENCE, "fluid_at_cement_interface": True}),
]


@pytest.mark.parametrize(("earlier", "later", "overrides"), PRECEDENCE)
def test_an_earlier_rule_wins_over_a_later_one_that_also_holds(earlier, later, overrides):
    assert rule_of(guidance_for(**overrides)) == earlier


# rule, overrides where its condition is false, the rule that fires instead
NOT_FIRING = [
    ("R1", {"neuro_exam": "chronic_stable_deficit"}, "R10"),
    ("R2", {"contraindications": []}, "R10"),
    ("R3", {"vas_current": 1}, "R10"),
    ("R4", {"assessment_date": date(2026, 10, 5)}, "R10"),
    (
        "R5",
        {
            "active_fracture_location": "none_identified",
            "marrow_edema": "absent",
            "cleft_sign": "present",
        },
        "R10",
    ),
    ("R5", {"active_fracture_location": "treated_level"}, "R10"),
    ("R6", {"marrow_edema": "indeterminate", "cleft_sign": "present"}, "R10"),
    ("R6", {"marrow_edema": "indeterminate", "fluid_at_cement_interface": True}, "R10"),
    ("R7", {"marrow_edema": "absent", "fluid_at_cement_interface": True}, "R10"),
    ("R7", {"marrow_edema": "absent", "cleft_sign": "present"}, "R10"),
    ("R8", {"point_tenderness": "present"}, "R10"),
    # Immediate failure is evident: no minimum of conservative therapy (R9 is only for
    # persistent pain and delayed recurrence).
    ("R9", {"conservative_therapy_weeks": 0}, "R10"),
    ("R9", {**RECURRENCE, "conservative_therapy_weeks": 6}, "R12"),
    ("R10", {**RECURRENCE, "cement_fill": "inadequate", "cleft_sign": "absent"}, "R13"),
    (
        "R10",
        {
            "assessment_date": date(2026, 11, 20),
            "cleft_sign": "absent",
            "conservative_therapy_weeks": 6,
        },
        "R13",
    ),
    ("R11", {**RECURRENCE, "cleft_sign": "absent"}, "R13"),
    ("R12", {**RECURRENCE, "cleft_sign": "indeterminate"}, "R13"),
]


@pytest.mark.parametrize(("rule", "overrides", "instead"), NOT_FIRING)
def test_a_rule_does_not_fire_when_its_condition_is_false(rule, overrides, instead):
    assert rule_of(guidance_for(**overrides)) == instead


@pytest.mark.parametrize(
    ("weeks", "rule"), [(0, "R9"), (5, "R9"), (6, "R12"), (7, "R12"), (520, "R12")]
)
def test_r9_needs_six_weeks_of_conservative_therapy_for_recurrence(weeks, rule):
    assert rule_of(guidance_for(**{**RECURRENCE, "conservative_therapy_weeks": weeks})) == rule


@pytest.mark.parametrize(("weeks", "rule"), [(5, "R9"), (6, "R13")])
def test_r9_needs_six_weeks_of_conservative_therapy_for_persistent_pain(weeks, rule):
    guidance = guidance_for(assessment_date=date(2026, 11, 20), conservative_therapy_weeks=weeks)
    assert guidance.scenario == "persistent_pain"
    assert rule_of(guidance) == rule


def test_r2_names_each_contraindication():
    named = ["active_infection", "uncorrectable_coagulopathy", "cement_allergy", "canal_compromise"]
    text = guidance_for(contraindications=named).reasons[0].text
    for code in named:
        assert Contraindication(code).label.lower() in text


def test_r2_names_only_the_contraindications_present():
    text = guidance_for(contraindications=["cement_allergy"]).reasons[0].text
    assert "allergy to bone cement" in text
    assert "infection" not in text
    assert "coagulopathy" not in text


def test_r3_quotes_the_current_pain_score():
    text = guidance_for(initial_response="ongoing_relief", vas_current=2).reasons[0].text
    assert "VAS 2/10" in text


def test_r4_gives_the_day_since_the_index_procedure_and_when_to_reassess():
    text = guidance_for(assessment_date=date(2026, 10, 3)).reasons[0].text
    assert "day 2 after the index procedure" in text
    assert "day 4" in text


def test_r5_says_which_kind_of_level_the_new_fracture_is_at():
    adjacent = guidance_for(active_fracture_location="adjacent_level").reasons[0].text
    non_adjacent = guidance_for(active_fracture_location="non_adjacent_level").reasons[0].text
    assert "an adjacent level" in adjacent
    assert "a non-adjacent level" in non_adjacent


def test_r6_names_every_missing_item_in_the_reason():
    guidance = guidance_for(**NO_MRI, neuro_exam="not_documented")
    text = guidance.reasons[0].text
    assert "obtain: MRI of the spine and baseline neurological examination." in text
    assert "baseline neurological examination" in text
    assert "point tenderness" not in text


def test_r9_quotes_the_weeks_of_conservative_therapy():
    text = guidance_for(**{**RECURRENCE, "conservative_therapy_weeks": 3}).reasons[0].text
    assert "3 weeks" in text
    assert "6 weeks" in text


@pytest.mark.parametrize(
    ("assessment_date", "day"), [(date(2026, 10, 5), 4), (date(2026, 11, 2), 32)]
)
def test_r10_and_r11_give_the_day_since_the_index_procedure(assessment_date, day):
    inadequate = guidance_for(assessment_date=assessment_date)
    adequate = guidance_for(assessment_date=assessment_date, cement_fill="adequate")
    assert f"day {day} after the index procedure at L1" in inadequate.reasons[0].text
    assert f"day {day} after the index procedure at L1" in adequate.reasons[0].text


def test_r13_names_the_signs_of_activity_present():
    both = guidance_for(**{**RECURRENCE, "cleft_sign": "absent", "fluid_at_cement_interface": True})
    assert "marrow edema" in both.reasons[0].text
    assert "fluid at the bone–cement interface" in both.reasons[0].text
    fluid = {"cleft_sign": "absent", "marrow_edema": "absent", "fluid_at_cement_interface": True}
    only_fluid = guidance_for(**{**RECURRENCE, **fluid}).reasons[0].text
    assert "marrow edema" not in only_fluid


@pytest.mark.parametrize("level", ["T4", "L5"])
@pytest.mark.parametrize(
    "overrides",
    [
        {"initial_response": "ongoing_relief"},
        {"active_fracture_location": "adjacent_level"},
        NO_MRI,
        {"marrow_edema": "absent", "cleft_sign": "absent"},
        {"point_tenderness": "absent"},
        {},
        {"cement_fill": "adequate"},
        RECURRENCE,
        {**RECURRENCE, "cleft_sign": "absent"},
    ],
)
def test_reasons_about_the_treated_level_name_it(level, overrides):
    assert level in guidance_for(**overrides, treated_level=level).reasons[0].text


def test_r6_lists_every_missing_work_up_item_in_the_spec_order():
    guidance = guidance_for(
        **NO_MRI,
        point_tenderness="not_examined",
        neuro_exam="not_documented",
        cement_fill="not_assessed",
    )
    assert guidance.missing == ("mri", "point_tenderness", "neuro_exam", "cement_imaging")


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        (NO_MRI, ("mri",)),
        ({"marrow_edema": "indeterminate", "cleft_sign": "absent"}, ("mri_findings",)),
        ({"marrow_edema": "absent", "cleft_sign": "indeterminate"}, ("mri_findings",)),
        ({"marrow_edema": "indeterminate", "cleft_sign": "indeterminate"}, ("mri_findings",)),
        ({"point_tenderness": "not_examined"}, ("point_tenderness",)),
        ({"neuro_exam": "not_documented"}, ("neuro_exam",)),
        ({"cement_fill": "not_assessed"}, ("cement_imaging",)),
        (
            {
                "marrow_edema": "indeterminate",
                "cleft_sign": "absent",
                "cement_fill": "not_assessed",
                "point_tenderness": "not_examined",
            },
            ("mri_findings", "point_tenderness", "cement_imaging"),
        ),
    ],
)
def test_r6_lists_exactly_the_missing_work_up_items(overrides, missing):
    guidance = guidance_for(**overrides)
    assert rule_of(guidance) == "R6"
    assert guidance.missing == missing


@pytest.mark.parametrize(("rule", "overrides", "recommendation", "refs"), FIRING)
def test_missing_is_empty_unless_r6_fired(rule, overrides, recommendation, refs):
    guidance = guidance_for(**overrides)
    assert bool(guidance.missing) is (rule == "R6")


def test_missing_is_empty_when_an_earlier_rule_wins_over_an_incomplete_work_up():
    guidance = guidance_for(**NO_MRI, neuro_exam="new_deficit")
    assert rule_of(guidance) == "R1"
    assert guidance.missing == ()
