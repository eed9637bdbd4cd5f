"""Recommendation rules R1–R15 (docs/specification.md §4, rules 2026.2): each fires in the order of
the table, loses to earlier rules, and stays silent when its condition is false; reasons carry
the case's values and the spec's refs."""

from datetime import date

import pytest

from tests.rules.cases import NO_MRI, RECURRENCE, guidance_for


def rule_of(guidance) -> str:
    (reason,) = guidance.reasons
    return reason.rule


def reason_of(**overrides) -> str:
    return guidance_for(**overrides).reasons[0].text


# Ongoing relief at the treated level: MRI shows no active fracture there (§1 refuses
# "ongoing relief" beside an active fracture at the treated level).
RELIEVED = {
    "initial_response": "ongoing_relief",
    "active_fracture_location": "none_identified",
    "marrow_edema": "absent",
}
# MRI without any sign of activity: only "no active fracture identified" goes with it (§1).
QUIET_MRI = {
    "active_fracture_location": "none_identified",
    "marrow_edema": "absent",
    "cleft_sign": "absent",
}
# Pain back on 2026-10-10 (day 9 after the index procedure of 2026-10-01): an early
# recurrence, a failure of the index procedure (§2), seen on day 17.
EARLY_RECURRENCE = {
    "initial_response": "relief_then_recurrence",
    "recurrence_date": date(2026, 10, 10),
    "conservative_therapy_weeks": 1,
}
# Pain back 41 days before the assessment, after 6 weeks of therapy: R9 by the days alone.
RECENT_RECURRENCE = {
    **RECURRENCE,
    "recurrence_date": date(2026, 10, 10),
    "conservative_therapy_weeks": 6,
}

# rule, overrides that make it the first to fire, recommendation, refs of the spec table
FIRING = [
    ("R1", {"neuro_exam": "new_deficit"}, "urgent_referral", (4,)),
    ("R2", {"contraindications": ["cement_allergy"]}, "contraindicated", ()),
    ("R3", RELIEVED, "not_indicated", (1, 2)),
    ("R3", {"vas_current": 0}, "not_indicated", (1, 2)),
    ("R4", {"assessment_date": date(2026, 10, 4)}, "reassess_later", (1,)),
    (
        "R4",
        {
            **EARLY_RECURRENCE,
            "recurrence_date": date(2026, 10, 2),
            "assessment_date": date(2026, 10, 4),
            "conservative_therapy_weeks": 0,
        },
        "reassess_later",
        (1,),
    ),
    ("R5", {"active_fracture_location": "adjacent_level"}, "evaluate_new_level", (5,)),
    ("R5", {"active_fracture_location": "non_adjacent_level"}, "evaluate_new_level", (5,)),
    ("R6", NO_MRI, "complete_workup", (1, 3, 4)),
    ("R7", QUIET_MRI, "not_indicated", (2, 3, 4)),
    ("R8", {"point_tenderness": "absent"}, "not_indicated", (4,)),
    ("R9", {**RECURRENCE, "conservative_therapy_weeks": 5}, "continue_conservative", (4,)),
    ("R9", RECENT_RECURRENCE, "continue_conservative", (4,)),
    ("R14", {"vas_current": 3}, "continue_conservative", (1, 4)),
    ("R15", {"fracture_etiology": "neoplastic"}, "repeat_may_be_considered", (1, 2, 4)),
    ("R10", {}, "repeat_indicated", (1, 3)),
    ("R10", {"cement_fill": "adequate", "cleft_sign": "present"}, "repeat_indicated", (1, 3)),
    ("R10", EARLY_RECURRENCE, "repeat_indicated", (1, 3)),
    ("R11", {"cement_fill": "adequate"}, "repeat_may_be_considered", (1, 3)),
    ("R12", RECURRENCE, "repeat_indicated", (2, 3)),
    ("R13", {**RECURRENCE, "cleft_sign": "absent"}, "repeat_may_be_considered", (2, 4)),
    (
        "R13",
        {**RECURRENCE, "cleft_sign": "absent", "cement_fill": "inadequate"},
        "repeat_may_be_considered",
        (2, 3, 4),
    ),
]


@pytest.mark.parametrize(("rule", "overrides", "recommendation", "refs"), FIRING)
def test_each_rule_fires_with_its_recommendation_and_references(
    rule, overrides, recommendation, refs
):
    guidance = guidance_for(**overrides)
    assert rule_of(guidance) == rule
    assert guidance.recommendation == recommendation
    assert tuple(guidance.reasons[0].refs) == refs
    assert guidance.reasons[0].text


# the earlier rule, the later rule whose condition also holds, overrides making both true
PRECEDENCE = [
    ("R1", "R2", {"neuro_exam": "new_deficit", "contraindications": ["active_infection"]}),
    ("R1", "R3", {"neuro_exam": "new_deficit", "vas_current": 0}),
    ("R2", "R3", {**RELIEVED, "contraindications": ["canal_compromise"]}),
    ("R2", "R10", {"contraindications": ["uncorrectable_coagulopathy"]}),
    ("R3", "R4", {"vas_current": 0, "assessment_date": date(2026, 10, 3)}),
    ("R3", "R5", {"vas_current": 0, "active_fracture_location": "adjacent_level"}),
    ("R4", "R6", {**NO_MRI, "assessment_date": date(2026, 10, 2)}),
    (
        "R5",
        "R6",
        {"active_fracture_location": "non_adjacent_level", "point_tenderness": "not_examined"},
    ),
    (
        "R5",
        "R7",
        {"active_fracture_location": "adjacent_level", "marrow_edema": "absent"},
    ),
    ("R6", "R7", {**QUIET_MRI, "neuro_exam": "not_documented"}),
    ("R6", "R8", {"point_tenderness": "absent", "cement_fill": "not_assessed"}),
    ("R7", "R8", {**QUIET_MRI, "point_tenderness": "absent"}),
    ("R8", "R9", {**RECURRENCE, "conservative_therapy_weeks": 2, "point_tenderness": "absent"}),
    ("R9", "R14", {**RECURRENCE, "conservative_therapy_weeks": 2, "vas_current": 2}),
    ("R9", "R15", {**RECENT_RECURRENCE, "fracture_etiology": "traumatic"}),
    ("R14", "R15", {"vas_current": 2, "fracture_etiology": "neoplastic"}),
    ("R14", "R10", {"vas_current": 3}),
    ("R14", "R12", {**RECURRENCE, "vas_current": 1}),
    ("R15", "R10", {"fracture_etiology": "other"}),
    ("R15", "R12", {**RECURRENCE, "fracture_etiology": "neoplastic"}),
    ("R10", "R12", {"cleft_sign": "present"}),
    ("R11", "R13", {"cement_fill": "adequate", "fluid_at_cement_interface": True}),
    ("R12", "R13", {**RECURRENCE, "fluid_at_cement_interface": True}),
]


@pytest.mark.parametrize(("earlier", "later", "overrides"), PRECEDENCE)
def test_an_earlier_rule_wins_over_a_later_one_that_also_holds(earlier, later, overrides):
    assert rule_of(guidance_for(**overrides)) == earlier


# rule, overrides where its condition is false, the rule that fires instead
NOT_FIRING = [
    ("R1", {"neuro_exam": "chronic_stable_deficit"}, "R10"),
    ("R2", {"contraindications": []}, "R10"),
    ("R3", {"vas_current": 4}, "R10"),
    ("R4", {"assessment_date": date(2026, 10, 5)}, "R10"),
    ("R5", {"active_fracture_location": "treated_level"}, "R10"),
    ("R6", {"marrow_edema": "indeterminate", "cleft_sign": "present"}, "R10"),
    ("R6", {"marrow_edema": "indeterminate", "fluid_at_cement_interface": True}, "R10"),
    ("R7", {"marrow_edema": "absent", "fluid_at_cement_interface": True}, "R10"),
    ("R7", {"marrow_edema": "absent", "cleft_sign": "present"}, "R10"),
    ("R8", {"point_tenderness": "present"}, "R10"),
    # A failure of the index procedure within days 4–32: no minimum of conservative therapy.
    ("R9", {"conservative_therapy_weeks": 0}, "R10"),
    ("R9", {**EARLY_RECURRENCE, "conservative_therapy_weeks": 0}, "R10"),
    ("R9", {**RECURRENCE, "conservative_therapy_weeks": 6}, "R12"),
    (
        "R9",
        {**RECURRENCE, "recurrence_date": date(2026, 10, 9), "conservative_therapy_weeks": 6},
        "R12",
    ),
    # Persistent pain after an early recurrence (pain back on day 19, seen on day 59): the
    # weeks count, not the 42 days since the pain returned.
    (
        "R9",
        {
            "index_procedure_date": date(2026, 9, 1),
            "initial_response": "relief_then_recurrence",
            "recurrence_date": date(2026, 9, 20),
            "assessment_date": date(2026, 10, 30),
            "conservative_therapy_weeks": 6,
        },
        "R13",
    ),
    ("R14", {"vas_current": 4}, "R10"),
    ("R15", {"fracture_etiology": "osteoporotic"}, "R10"),
    ("R10", {"cement_fill": "adequate"}, "R11"),
    ("R10", {"cement_fill": "adequate", "cleft_sign": "indeterminate"}, "R11"),
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
    ("R11", {"cement_fill": "adequate", "cleft_sign": "present"}, "R10"),
    ("R11", {**RECURRENCE, "cleft_sign": "absent"}, "R13"),
    ("R12", {**RECURRENCE, "cleft_sign": "indeterminate"}, "R13"),
]


@pytest.mark.parametrize(("rule", "overrides", "instead"), NOT_FIRING)
def test_a_rule_does_not_fire_when_its_condition_is_false(rule, overrides, instead):
    assert rule_of(guidance_for(**overrides)) == instead


@pytest.mark.parametrize(
    ("weeks", "rule"), [(0, "R9"), (5, "R9"), (6, "R12"), (7, "R12"), (12, "R12")]
)
def test_r9_needs_six_weeks_of_conservative_therapy_for_recurrence(weeks, rule):
    assert rule_of(guidance_for(**{**RECURRENCE, "conservative_therapy_weeks": weeks})) == rule


@pytest.mark.parametrize(
    ("recurrence_date", "days", "rule"),
    [
        (date(2026, 10, 8), 43, "R12"),
        (date(2026, 10, 9), 42, "R12"),
        (date(2026, 10, 10), 41, "R9"),
        (date(2026, 10, 15), 36, "R9"),
    ],
)
def test_r9_holds_a_recurrence_less_than_42_days_old(recurrence_date, days, rule):
    guidance = guidance_for(
        **{**RECURRENCE, "recurrence_date": recurrence_date, "conservative_therapy_weeks": 6}
    )
    assert guidance.days_since_recurrence == days
    assert rule_of(guidance) == rule


@pytest.mark.parametrize(("weeks", "rule"), [(5, "R9"), (6, "R13")])
def test_r9_needs_six_weeks_of_conservative_therapy_for_persistent_pain(weeks, rule):
    guidance = guidance_for(assessment_date=date(2026, 11, 20), conservative_therapy_weeks=weeks)
    assert guidance.scenario == "persistent_pain"
    assert rule_of(guidance) == rule


@pytest.mark.parametrize(("vas", "rule"), [(0, "R3"), (1, "R14"), (3, "R14"), (4, "R10")])
def test_r14_holds_mild_pain_up_to_vas_3(vas, rule):
    assert rule_of(guidance_for(vas_current=vas)) == rule


@pytest.mark.parametrize("etiology", ["neoplastic", "traumatic", "other"])
def test_r15_makes_a_non_osteoporotic_fracture_at_most_may_be_considered(etiology):
    for overrides in (
        {},
        RECURRENCE,
        {"cement_fill": "adequate"},
        {**RECURRENCE, "cleft_sign": "absent"},
    ):
        guidance = guidance_for(**{**overrides, "fracture_etiology": etiology})
        assert rule_of(guidance) == "R15"
        assert guidance.recommendation == "repeat_may_be_considered"


# R2 -------------------------------------------------------------------------------------

CONTRAINDICATION_WORDS = {
    "active_infection": "active infection",
    "uncorrectable_coagulopathy": "uncorrectable coagulopathy",
    "cement_allergy": "allergy to cement (PMMA) components",
    "canal_compromise": "spinal canal compromise (retropulsion, posterior wall defect)",
}


def test_r2_names_each_contraindication_in_clinicians_words():
    text = reason_of(contraindications=list(CONTRAINDICATION_WORDS))
    for words in CONTRAINDICATION_WORDS.values():
        assert words in text


def test_r2_names_only_the_contraindications_present():
    text = reason_of(contraindications=["cement_allergy"])
    assert "allergy to cement (PMMA) components" in text
    assert "infection" not in text
    assert "coagulopathy" not in text


def test_r2_says_its_list_is_a_project_convention_and_cites_nothing():
    guidance = guidance_for(contraindications=["active_infection"])
    assert guidance.reasons[0].refs == () or list(guidance.reasons[0].refs) == []
    assert "project convention" in guidance.reasons[0].text


# R3 -------------------------------------------------------------------------------------


def test_r3_without_pain_says_there_is_no_current_pain():
    text = reason_of(vas_current=0)
    assert "No current pain" in text
    assert "VAS 0/10" in text


@pytest.mark.parametrize("vas", [1, 4, 7, 10])
def test_r3_with_the_level_still_relieved_states_the_pain_and_its_likelier_source(vas):
    guidance = guidance_for(**RELIEVED, vas_current=vas)
    assert guidance.scenario == "treated_level_relieved"
    text = guidance.reasons[0].text
    assert f"VAS {vas}/10" in text
    assert "still gives relief" in text
    assert "another pain generator is the likelier source" in text
    assert "nothing to treat" not in text
    assert "No current pain" not in text


# R4, R5 ----------------------------------------------------------------------------------


def test_r4_gives_the_day_since_the_index_procedure_and_when_to_reassess():
    text = reason_of(assessment_date=date(2026, 10, 3))
    assert "day 2 after the index procedure" in text
    assert "day 4" in text


def test_r5_says_which_kind_of_level_the_new_fracture_is_at():
    adjacent = reason_of(active_fracture_location="adjacent_level")
    non_adjacent = reason_of(active_fracture_location="non_adjacent_level")
    assert "an adjacent level" in adjacent
    assert "a non-adjacent level" in non_adjacent


def test_r5_says_not_a_same_level_recurrence_only_when_the_treated_level_is_quiet():
    quiet = reason_of(active_fracture_location="adjacent_level", marrow_edema="absent")
    assert "not a same-level recurrence" in quiet
    assert "also shows activity" not in quiet
    active = reason_of(active_fracture_location="adjacent_level", cleft_sign="present")
    assert "not a same-level recurrence" not in active
    assert "also shows activity" in active
    assert "an intravertebral cleft" in active
    assert "marrow edema" in active


# R6 -------------------------------------------------------------------------------------


def test_r6_names_every_missing_item_in_the_reason_lower_cased_inside_the_sentence():
    text = reason_of(**NO_MRI, neuro_exam="not_documented")
    assert "MRI of the spine and baseline neurological examination." in text
    assert "point tenderness" not in text
    unclear = reason_of(marrow_edema="indeterminate", cement_fill="not_assessed")
    assert "a definite reading of marrow edema and cleft sign on MRI" in unclear
    assert "A definite reading" not in unclear
    assert "CT or radiographs of the index cement fill" in unclear


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


# R7, R8 ----------------------------------------------------------------------------------


def test_r7_names_the_likelier_source():
    text = reason_of(**QUIET_MRI)
    assert "no sign of fracture activity" in text
    assert "another pain generator is the likelier source" in text


# R9 -------------------------------------------------------------------------------------


def test_r9_quotes_the_weeks_of_therapy_since_the_pain_returned():
    text = reason_of(**{**RECURRENCE, "conservative_therapy_weeks": 3})
    assert "3 weeks" in text
    assert "6 weeks" in text
    assert "since the pain returned" in text
    assert "unless immediate failure is evident" not in text


def test_r9_states_the_days_since_the_pain_returned_when_they_decide():
    text = reason_of(**RECENT_RECURRENCE)
    assert "41 days ago (on 10 Oct 2026)" in text
    assert "42 days" in text
    assert "unless immediate failure is evident" not in text


def test_r9_counts_the_weeks_of_persistent_pain_since_the_fracture():
    text = reason_of(assessment_date=date(2026, 11, 20), conservative_therapy_weeks=5)
    assert "5 weeks" in text
    assert "since the fracture" in text
    assert "since the pain returned" not in text
    assert "unless immediate failure is evident" not in text


# R10–R15 --------------------------------------------------------------------------------


def test_r10_names_the_causes_shown():
    fill = reason_of()
    assert "inadequate cement fill" in fill
    assert "cleft" not in fill
    persistent = reason_of(cement_fill="adequate", cleft_sign="present")
    assert "persistent intravertebral cleft" in persistent
    assert "inadequate cement fill" not in persistent
    new = reason_of(cement_fill="adequate", cleft_sign="present", cleft_new_since_index=True)
    assert "new intravertebral cleft" in new
    both = reason_of(cleft_sign="present")
    assert "inadequate cement fill" in both
    assert "persistent intravertebral cleft" in both


@pytest.mark.parametrize(
    ("assessment_date", "day"), [(date(2026, 10, 5), 4), (date(2026, 11, 2), 32)]
)
def test_r10_and_r11_give_the_day_since_the_index_procedure(assessment_date, day):
    inadequate = reason_of(assessment_date=assessment_date)
    adequate = reason_of(assessment_date=assessment_date, cement_fill="adequate")
    assert f"day {day} after the index procedure at L1" in inadequate
    assert f"day {day} after the index procedure at L1" in adequate


def test_an_early_recurrence_is_called_a_failure_of_the_index_procedure():
    guidance = guidance_for(**EARLY_RECURRENCE)
    assert guidance.scenario == "immediate_failure"
    assert "day 9 after the index procedure" in guidance.reasons[0].text


def test_r13_names_the_signs_of_activity_present():
    both = reason_of(**{**RECURRENCE, "cleft_sign": "absent", "fluid_at_cement_interface": True})
    assert "marrow edema" in both
    assert "fluid at the bone–cement interface" in both
    fluid = {"cleft_sign": "absent", "marrow_edema": "absent", "fluid_at_cement_interface": True}
    assert "marrow edema" not in reason_of(**{**RECURRENCE, **fluid})


def test_r13_names_incomplete_filling_only_when_the_fill_is_inadequate():
    adequate = reason_of(**{**RECURRENCE, "cleft_sign": "absent"})
    assert "incomplete filling" not in adequate
    inadequate = reason_of(**{**RECURRENCE, "cleft_sign": "absent", "cement_fill": "inadequate"})
    assert "incomplete filling is the most common technical cause of persistent pain" in inadequate
    assert "day 32" in inadequate


def test_r14_states_the_mild_pain_and_the_series_figure():
    text = reason_of(vas_current=2)
    assert "VAS 2/10" in text
    assert "mild" in text
    assert "8.6" in text
    assert "project convention" in text


ETIOLOGY_WORDS = {
    "neoplastic": "neoplastic fracture",
    "traumatic": "traumatic fracture",
    "other": "fracture of other etiology",
}


@pytest.mark.parametrize(
    ("etiology", "overrides", "would"),
    [
        ("neoplastic", {}, "R10"),
        ("traumatic", {"cement_fill": "adequate"}, "R11"),
        ("other", RECURRENCE, "R12"),
        ("neoplastic", {**RECURRENCE, "cleft_sign": "absent"}, "R13"),
    ],
)
def test_r15_names_the_etiology_and_carries_what_the_osteoporotic_rule_says(
    etiology, overrides, would
):
    osteoporotic = guidance_for(**overrides)
    assert rule_of(osteoporotic) == would
    text = reason_of(**{**overrides, "fracture_etiology": etiology})
    assert ETIOLOGY_WORDS[etiology] in text
    assert "osteoporotic compression fractures" in text
    assert "treating team" in text
    assert f"For an osteoporotic fracture, {would} would apply: " in text
    assert osteoporotic.reasons[0].text in text


# Every reason ----------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["T4", "L5"])
@pytest.mark.parametrize(
    "overrides",
    [
        RELIEVED,
        {"active_fracture_location": "adjacent_level"},
        NO_MRI,
        QUIET_MRI,
        {"point_tenderness": "absent"},
        {},
        {"cement_fill": "adequate"},
        RECURRENCE,
        {**RECURRENCE, "cleft_sign": "absent"},
        {"vas_current": 2},
        {"fracture_etiology": "neoplastic"},
    ],
)
def test_reasons_about_the_treated_level_name_it(level, overrides):
    assert level in reason_of(**overrides, treated_level=level)


@pytest.mark.parametrize(("rule", "overrides", "recommendation", "refs"), FIRING)
def test_no_reason_says_there_is_nothing_to_treat_when_there_is_pain(
    rule, overrides, recommendation, refs
):
    guidance = guidance_for(**overrides)
    if guidance.reasons[0].text and overrides.get("vas_current", 8) > 0:
        assert "nothing to treat" not in guidance.reasons[0].text
    assert "unless immediate failure is evident" not in guidance.reasons[0].text
