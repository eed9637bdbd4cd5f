"""Notes N1–N11 (docs/specification.md §5, rules 2026.2): shown exactly when their condition holds,
in id order, with the case's values, every figure attributed to its series, and the spec's
references; none when R1 decides."""

from datetime import date
from decimal import Decimal

import pytest

from tests.rules.cases import NO_MRI, RECURRENCE, guidance_for

RELIEVED = {
    "initial_response": "ongoing_relief",
    "active_fracture_location": "none_identified",
    "marrow_edema": "absent",
}
# One case per recommendation that is not a repeat procedure.
NOT_REPEAT = {
    "urgent_referral": {"neuro_exam": "new_deficit"},
    "contraindicated": {"contraindications": ["active_infection"]},
    "not_indicated": {"point_tenderness": "absent"},
    "reassess_later": {"assessment_date": date(2026, 10, 3)},
    "evaluate_new_level": {"active_fracture_location": "adjacent_level"},
    "complete_workup": NO_MRI,
    "continue_conservative": {**RECURRENCE, "conservative_therapy_weeks": 1},
}
REPEAT = {
    "repeat_indicated": {},
    "repeat_may_be_considered": {"cement_fill": "adequate"},
}
# Persistent pain (day 50, no relief) with six weeks of therapy: R13 with edema, inadequate fill.
PERSISTENT = {"assessment_date": date(2026, 11, 20), "conservative_therapy_weeks": 6}


def note_ids(guidance) -> list[str]:
    return [note.id for note in guidance.notes]


def note(guidance, note_id: str):
    (found,) = [item for item in guidance.notes if item.id == note_id]
    return found


def note_text(note_id: str, **overrides) -> str:
    return note(guidance_for(**overrides), note_id).text


@pytest.mark.parametrize(("recommendation", "overrides"), REPEAT.items())
def test_n1_to_n3_accompany_a_repeat_procedure(recommendation, overrides):
    guidance = guidance_for(**overrides)
    assert guidance.recommendation == recommendation
    assert {"N1", "N2", "N3"} <= set(note_ids(guidance))


@pytest.mark.parametrize(("recommendation", "overrides"), NOT_REPEAT.items())
def test_n1_n2_n3_n4_and_n10_are_not_shown_without_a_repeat_procedure(recommendation, overrides):
    guidance = guidance_for(**overrides)
    assert guidance.recommendation == recommendation
    assert not {"N1", "N2", "N3", "N4", "N10"} & set(note_ids(guidance))


@pytest.mark.parametrize(
    "overrides",
    [
        {"neuro_exam": "new_deficit"},
        {"neuro_exam": "new_deficit", "cleft_sign": "present", "cleft_new_since_index": True},
        {"neuro_exam": "new_deficit", "active_fracture_location": "adjacent_level"},
        {"neuro_exam": "new_deficit", "patient_age": 90, "prior_vertebral_fractures": 5},
        {**RECURRENCE, "neuro_exam": "new_deficit"},
    ],
)
def test_no_note_is_shown_when_r1_decides(overrides):
    guidance = guidance_for(**overrides)
    assert guidance.reasons[0].rule == "R1"
    assert guidance.notes == ()


# N1 -------------------------------------------------------------------------------------


def test_n1_gives_the_series_figures_as_facts_and_quotes_the_index_volume():
    text = note_text("N1", index_cement_volume_ml=Decimal("3.5"))
    assert "3.5 mL" in text
    assert "recurrent-pain series" in text
    assert "6.8 vs 4.2 mL" in text
    assert "4.0–6.8 mL" in text
    assert "not a dose" in text
    assert "Plan for" not in text
    assert "larger cement volume" not in text


def test_n1_says_when_the_index_cement_volume_was_not_recorded():
    assert "not recorded" in note_text("N1", index_cement_volume_ml=None)


def test_n1_names_the_cleft_as_the_target_only_when_there_is_one():
    assert "the cleft" in note_text("N1", cement_fill="adequate", cleft_sign="present")
    unfilled = note_text("N1")
    assert "unfilled fracture zone" in unfilled
    assert "the cleft" not in unfilled


def test_n1_and_n2_say_their_figures_come_from_osteoporotic_fractures_when_this_one_is_not():
    assert "osteoporotic fractures" not in note_text("N1")
    assert "osteoporotic fractures" not in note_text("N2")
    assert "osteoporotic fractures" in note_text("N1", fracture_etiology="neoplastic")
    assert "osteoporotic fractures" in note_text("N2", fracture_etiology="neoplastic")


# N2 -------------------------------------------------------------------------------------


def test_n2_for_an_immediate_failure_gives_the_unrelieved_pain_series_only():
    guidance = guidance_for()
    assert guidance.scenario == "immediate_failure"
    n2 = note(guidance, "N2")
    assert tuple(n2.refs) == (1,)
    assert "not relieved within 4–32 days" in n2.text
    assert "6.93" in n2.text
    assert "8.6 → 1.67" in n2.text
    assert "2.8" not in n2.text
    assert "primary technical reason" not in n2.text


def test_n2_for_an_immediate_failure_without_its_usual_cause_says_the_benefit_is_not_established():
    text = note_text("N2", cement_fill="adequate")
    assert "primary technical reason" in text
    assert "not established" in text
    with_cleft = note_text("N2", cement_fill="adequate", cleft_sign="present")
    assert "primary technical reason" not in with_cleft


def test_n2_for_a_delayed_recurrence_gives_the_recurrent_pain_series_only():
    guidance = guidance_for(**RECURRENCE)
    assert guidance.scenario == "delayed_recurrence"
    n2 = note(guidance, "N2")
    assert tuple(n2.refs) == (2,)
    assert "recurrent pain" in n2.text
    assert "all patients showed a cleft" in n2.text
    assert "2.8 at 3 months" in n2.text
    assert "6.93" not in n2.text
    assert "not established" not in n2.text


def test_n2_for_persistent_pain_gives_both_series_each_with_its_own_figures():
    guidance = guidance_for(**PERSISTENT)
    assert guidance.scenario == "persistent_pain"
    n2 = note(guidance, "N2")
    assert tuple(n2.refs) == (1, 2)
    assert "6.93" in n2.text
    assert "2.8 at 3 months" in n2.text
    assert "days 4–32" in n2.text


@pytest.mark.parametrize("overrides", [{**RECURRENCE, "cleft_sign": "absent"}, PERSISTENT])
def test_n2_without_a_cleft_says_the_recurrent_pain_series_had_clefts(overrides):
    text = note_text("N2", **overrides)
    assert "patients with clefts" in text
    assert "not established" in text


# N3 -------------------------------------------------------------------------------------


def test_n3_attributes_each_safety_figure():
    n3 = note(guidance_for(), "N3")
    assert tuple(n3.refs) == (1, 2, 4)
    assert "13–22%" in n3.text
    assert "repeat procedures for unrelieved pain" in n3.text
    assert "no serious complications" in n3.text.lower()
    assert "less than 1%" in n3.text
    assert "not specific to repeat procedures" in n3.text
    assert "leakage was recorded at the index procedure" not in n3.text


@pytest.mark.parametrize("etiology", ["neoplastic", "traumatic", "other"])
def test_n3_says_the_complication_figure_is_for_osteoporotic_fractures(etiology):
    text = note_text("N3", fracture_etiology=etiology)
    assert "for osteoporotic fractures" in text
    assert etiology in text


def test_n3_recalls_leakage_at_the_index_procedure():
    assert "leakage was recorded at the index procedure" in note_text(
        "N3", prior_cement_leakage=True
    )


# N4–N6 ----------------------------------------------------------------------------------


def test_n4_needs_a_repeat_procedure_and_a_cleft():
    assert "N4" in note_ids(guidance_for(**RECURRENCE))
    assert "N4" in note_ids(guidance_for(cleft_sign="present"))
    assert "N4" not in note_ids(guidance_for(cleft_sign="absent"))
    assert "N4" not in note_ids(guidance_for(**{**RECURRENCE, "conservative_therapy_weeks": 2}))
    assert "recurrent-pain series" in note_text("N4", **RECURRENCE)


@pytest.mark.parametrize(
    ("overrides", "named", "not_named"),
    [
        (
            {"cement_fill": "inadequate"},
            ["incomplete filling or cement missing the fracture"],
            ["fluid", "cleft"],
        ),
        (
            {"cement_fill": "adequate", "fluid_at_cement_interface": True},
            ["fluid at the bone–cement interface"],
            ["incomplete filling", "cleft"],
        ),
        (
            {"cement_fill": "adequate", "cleft_sign": "present"},
            ["persistent intravertebral cleft"],
            ["incomplete filling", "fluid", "new intravertebral cleft"],
        ),
        (
            {"cement_fill": "adequate", "cleft_sign": "present", "cleft_new_since_index": True},
            ["new intravertebral cleft"],
            ["persistent"],
        ),
        (
            {
                "cement_fill": "inadequate",
                "cleft_sign": "present",
                "fluid_at_cement_interface": True,
            },
            ["incomplete filling", "fluid at the bone–cement interface", "cleft"],
            [],
        ),
    ],
)
def test_n5_names_the_failure_mechanisms_present(overrides, named, not_named):
    text = note_text("N5", **overrides)
    for words in named:
        assert words in text
    for words in not_named:
        assert words not in text


@pytest.mark.parametrize(
    "overrides",
    [
        {"point_tenderness": "absent"},
        {**RECURRENCE, "conservative_therapy_weeks": 1},
        {"vas_current": 2},
        {"contraindications": ["active_infection"]},
        PERSISTENT,
    ],
)
def test_n5_is_shown_beside_any_recommendation_in_a_failure_scenario(overrides):
    guidance = guidance_for(**overrides)
    assert guidance.scenario in ("immediate_failure", "persistent_pain", "delayed_recurrence")
    assert "N5" in note_ids(guidance)


@pytest.mark.parametrize(
    "overrides",
    [
        {"assessment_date": date(2026, 10, 4)},  # day 3: too early to call it a failure
        {**RELIEVED, "cleft_sign": "indeterminate", "vas_current": 5},  # still relieved
        {"active_fracture_location": "adjacent_level"},  # a new fracture elsewhere
        {"vas_current": 0},  # no current pain
        {"neuro_exam": "new_deficit"},  # R1: no note
    ],
)
def test_n5_is_not_shown_outside_the_failure_scenarios(overrides):
    assert "N5" not in note_ids(guidance_for(**overrides))


def test_n5_is_not_shown_without_a_failure_mechanism():
    guidance = guidance_for(cement_fill="adequate", cleft_sign="indeterminate")
    assert "N5" not in note_ids(guidance)


@pytest.mark.parametrize(
    ("cleft_sign", "cleft_new", "shown"),
    [
        ("present", True, True),
        ("present", False, False),
        ("present", None, False),
        ("absent", True, False),
        ("indeterminate", True, False),
    ],
)
def test_n6_needs_a_cleft_that_is_new_since_the_index_procedure(cleft_sign, cleft_new, shown):
    guidance = guidance_for(cleft_sign=cleft_sign, cleft_new_since_index=cleft_new)
    assert ("N6" in note_ids(guidance)) is shown


def test_n6_is_shown_even_when_no_repeat_is_recommended():
    guidance = guidance_for(
        **{**RECURRENCE, "conservative_therapy_weeks": 1}, cleft_new_since_index=True
    )
    assert guidance.recommendation == "continue_conservative"
    assert "N6" in note_ids(guidance)


# N7 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("location", ["adjacent_level", "non_adjacent_level"])
def test_n7_attributes_its_figures_and_says_when_the_fracture_is_seen(location):
    guidance = guidance_for(active_fracture_location=location, assessment_date=date(2026, 11, 20))
    text = note(guidance, "N7").text
    assert "published series" in text
    assert "50 days after the index procedure" in text
    assert "58.8–63.8%" in text
    assert "72 vs 287 days" in text


def test_n7_says_when_the_pain_began_when_a_recurrence_date_is_recorded():
    text = note_text(
        "N7", **RECURRENCE, active_fracture_location="adjacent_level"
    )  # pain back on 2026-09-01, 92 days after the index procedure of 2026-06-01
    assert "92 days after the index procedure" in text
    assert "172 days" not in text


@pytest.mark.parametrize(
    "overrides",
    [
        {"vas_current": 0},  # no current pain
        {**RELIEVED, "active_fracture_location": "non_adjacent_level", "vas_current": 6},
        {"contraindications": ["cement_allergy"]},
    ],
)
def test_n7_is_shown_with_a_new_fracture_whatever_the_scenario(overrides):
    guidance = guidance_for(**{"active_fracture_location": "adjacent_level", **overrides})
    assert "N7" in note_ids(guidance)


def test_n7_is_not_shown_when_r1_decides():
    guidance = guidance_for(active_fracture_location="adjacent_level", neuro_exam="new_deficit")
    assert "N7" not in note_ids(guidance)


@pytest.mark.parametrize(
    ("location", "edema", "cleft"),
    [("treated_level", "present", "absent"), ("none_identified", "absent", "absent")],
)
def test_n7_is_not_shown_for_the_treated_level(location, edema, cleft):
    guidance = guidance_for(active_fracture_location=location, marrow_edema=edema, cleft_sign=cleft)
    assert "N7" not in note_ids(guidance)


# N8 -------------------------------------------------------------------------------------

# One risk factor at a time, at and beside its cut-off; the others well below theirs.
LOW_RISK = {"patient_age": 60, "bmd_t_score": Decimal("-1.0"), "prior_vertebral_fractures": 0}


@pytest.mark.parametrize(
    ("field", "value", "shown", "words"),
    [
        ("patient_age", 74, False, None),
        ("patient_age", 75, True, "age 75"),
        ("patient_age", 120, True, "age 120"),
        ("bmd_t_score", Decimal("-2.4"), False, None),
        ("bmd_t_score", Decimal("-2.5"), True, "T-score -2.5"),
        ("bmd_t_score", Decimal("-4.1"), True, "T-score -4.1"),
        ("bmd_t_score", None, False, None),
        ("prior_vertebral_fractures", 1, False, None),
        ("prior_vertebral_fractures", 2, True, "2 prior vertebral fractures"),
    ],
)
def test_n8_shows_each_risk_factor_at_its_cut_off(field, value, shown, words):
    guidance = guidance_for(**{**LOW_RISK, field: value})
    assert ("N8" in note_ids(guidance)) is shown
    if shown:
        text = note(guidance, "N8").text
        assert words in text
        assert "in the published series 92.2%" in text
        assert "7.8%" in text


def test_n8_names_every_risk_factor_present_and_no_other():
    text = note_text("N8", patient_age=80, bmd_t_score=Decimal("-3.0"), prior_vertebral_fractures=4)
    assert "age 80" in text
    assert "T-score -3.0" in text
    assert "4 prior vertebral fractures" in text
    only_age = note_text("N8", **{**LOW_RISK, "patient_age": 90})
    assert "T-score -" not in only_age
    assert "4 prior vertebral fractures" not in only_age


# N9, N10 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides", [*NOT_REPEAT.values(), *REPEAT.values()], ids=[*NOT_REPEAT, *REPEAT]
)
def test_n9_is_always_shown_unless_r1_fired(overrides):
    guidance = guidance_for(**overrides)
    assert ("N9" in note_ids(guidance)) is (guidance.reasons[0].rule != "R1")


def test_n9_reports_the_practice_parameter_on_counselling_and_follow_up():
    n9 = note(guidance_for(), "N9")
    for words in ("practice parameter", "sudden increase in back pain", "new back pain"):
        assert words in n9.text
    assert not n9.text.startswith("Counsel")


@pytest.mark.parametrize(
    ("etiology", "t_score", "prevention"),
    [
        ("osteoporotic", Decimal("-1.0"), True),
        ("osteoporotic", None, True),
        ("traumatic", Decimal("-2.5"), True),
        ("neoplastic", Decimal("-3.1"), True),
        ("traumatic", Decimal("-2.4"), False),
        ("traumatic", None, False),
        ("neoplastic", Decimal("0.5"), False),
        ("other", None, False),
    ],
)
def test_n9_names_fracture_prevention_only_for_osteoporosis(etiology, t_score, prevention):
    n9 = note(guidance_for(fracture_etiology=etiology, bmd_t_score=t_score), "N9")
    assert ("bisphosphonates" in n9.text) is prevention
    assert ("vitamin D" in n9.text) is prevention
    assert tuple(n9.refs) == ((4, 7) if prevention else (4,))


@pytest.mark.parametrize(
    ("neuro_exam", "shown"),
    [("normal", True), ("chronic_stable_deficit", True), ("not_documented", False)],
)
def test_n10_needs_a_recorded_baseline_examination_and_a_repeat_procedure(neuro_exam, shown):
    guidance = guidance_for(neuro_exam=neuro_exam)
    assert ("N10" in note_ids(guidance)) is shown


def test_n10_names_the_baseline_examination():
    text = note_text("N10", neuro_exam="chronic_stable_deficit")
    assert "chronic, stable deficit" in text
    assert not text.startswith("Record")


# N11 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signs", "named"),
    [
        ({"marrow_edema": "present"}, ["marrow edema"]),
        ({"marrow_edema": "absent", "cleft_sign": "present"}, ["intravertebral cleft"]),
        (
            {"marrow_edema": "indeterminate", "fluid_at_cement_interface": True},
            ["fluid at the bone–cement interface"],
        ),
    ],
)
def test_n11_names_the_activity_at_the_treated_level_beside_a_new_fracture(signs, named):
    guidance = guidance_for(active_fracture_location="non_adjacent_level", **signs)
    assert guidance.reasons[0].rule == "R5"
    n11 = note(guidance, "N11")
    assert tuple(n11.refs) == (3,)
    for words in named:
        assert words in n11.text
    assert "once the new level is addressed" in n11.text


@pytest.mark.parametrize(
    "overrides",
    [
        {"active_fracture_location": "adjacent_level", "marrow_edema": "absent"},
        {"active_fracture_location": "adjacent_level", "marrow_edema": "indeterminate"},
        {"active_fracture_location": "adjacent_level", "contraindications": ["active_infection"]},
        {"marrow_edema": "present"},
    ],
)
def test_n11_needs_r5_and_a_sign_at_the_treated_level(overrides):
    assert "N11" not in note_ids(guidance_for(**overrides))


# All notes ------------------------------------------------------------------------------


def test_notes_are_listed_in_id_order_when_all_apply():
    guidance = guidance_for(cleft_sign="present", cleft_new_since_index=True, patient_age=80)
    assert note_ids(guidance) == ["N1", "N2", "N3", "N4", "N5", "N6", "N8", "N9", "N10"]


def test_new_fracture_notes_are_in_id_order():
    guidance = guidance_for(
        active_fracture_location="adjacent_level", cleft_sign="present", patient_age=80
    )
    assert note_ids(guidance) == ["N7", "N8", "N9", "N11"]


NOTE_REFS = {
    "N1": (1, 2, 3),
    "N2": (1,),
    "N3": (1, 2, 4),
    "N4": (2,),
    "N5": (3,),
    "N6": (2,),
    "N7": (5,),
    "N8": (5, 6),
    "N9": (4, 7),
    "N10": (4,),
    "N11": (3,),
}


def test_each_note_cites_the_references_of_the_spec_table():
    shown = [
        *guidance_for(cleft_sign="present", cleft_new_since_index=True, patient_age=80).notes,
        *guidance_for(active_fracture_location="adjacent_level").notes,
    ]
    assert {item.id for item in shown} == set(NOTE_REFS)
    for item in shown:
        assert tuple(item.refs) == NOTE_REFS[item.id], item.id


ORDERS = ("Plan for", "Counsel", "Aim the", "Prevent further", "Record the", "Follow up", "obtain:")
MANY_CASES = [
    {},
    {"cement_fill": "adequate", "cleft_sign": "present", "cleft_new_since_index": True},
    {**RECURRENCE, "patient_age": 80, "prior_cement_leakage": True},
    {**RECURRENCE, "cleft_sign": "absent", "fracture_etiology": "neoplastic"},
    {"active_fracture_location": "adjacent_level", "bmd_t_score": Decimal("-3.0")},
    {**PERSISTENT, "fluid_at_cement_interface": True},
    NO_MRI,
]


@pytest.mark.parametrize("overrides", MANY_CASES)
def test_no_note_reads_as_an_order(overrides):
    for item in guidance_for(**overrides).notes:
        for order in ORDERS:
            assert order not in item.text, (item.id, order)
