"""Notes N1–N10 (guidance-rules.md §5): shown exactly when their condition holds, in id order,
with the case's values and the spec's references."""

from datetime import date
from decimal import Decimal

import pytest

from tests.rules.cases import NO_MRI, RECURRENCE, guidance_for

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


def note_ids(guidance) -> list[str]:
    return [note.id for note in guidance.notes]


def note(guidance, note_id: str):
    (found,) = [item for item in guidance.notes if item.id == note_id]
    return found


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


def test_n1_quotes_the_index_cement_volume_and_the_published_volumes():
    text = note(guidance_for(index_cement_volume_ml=Decimal("3.5")), "N1").text
    assert "3.5 mL" in text
    assert "6.8 mL" in text
    assert "4.2 mL" in text
    assert "4.0–6.8 mL" in text
    assert "cleft" in text


def test_n1_says_when_the_index_cement_volume_was_not_recorded():
    text = note(guidance_for(index_cement_volume_ml=None), "N1").text
    assert "not recorded" in text


def test_n2_gives_the_published_outcome():
    text = note(guidance_for(), "N2").text
    for figure in ("6.93", "8.6", "1.67", "2.8"):
        assert figure in text


def test_n3_gives_the_safety_figures_for_an_osteoporotic_fracture():
    text = note(guidance_for(fracture_etiology="osteoporotic"), "N3").text
    assert "13–22%" in text
    assert "less than 1%" in text
    assert "not osteoporotic" not in text


@pytest.mark.parametrize("etiology", ["neoplastic", "traumatic", "other"])
def test_n3_warns_that_the_complication_figure_is_for_osteoporotic_fractures(etiology):
    text = note(guidance_for(fracture_etiology=etiology), "N3").text
    assert "for osteoporotic fractures" in text
    assert "not osteoporotic" in text
    assert etiology in text


def test_n4_needs_a_repeat_procedure_and_a_cleft():
    assert "N4" in note_ids(guidance_for(**RECURRENCE))
    assert "N4" in note_ids(guidance_for(cleft_sign="present"))
    assert "N4" not in note_ids(guidance_for(cleft_sign="absent"))
    assert "N4" not in note_ids(guidance_for(**{**RECURRENCE, "conservative_therapy_weeks": 2}))


@pytest.mark.parametrize(
    ("overrides", "named", "not_named"),
    [
        ({"cement_fill": "inadequate"}, ["incomplete filling"], ["fluid", "cleft"]),
        (
            {"cement_fill": "adequate", "fluid_at_cement_interface": True},
            ["fluid at the bone–cement interface"],
            ["incomplete filling", "cleft"],
        ),
        (
            {"cement_fill": "adequate", "cleft_sign": "present"},
            ["persistent intravertebral cleft"],
            ["incomplete filling", "fluid"],
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
    text = note(guidance_for(**overrides), "N5").text
    for words in named:
        assert words in text
    for words in not_named:
        assert words not in text


def test_n5_is_shown_whatever_the_recommendation():
    guidance = guidance_for(point_tenderness="absent", cement_fill="inadequate")
    assert guidance.recommendation == "not_indicated"
    assert "N5" in note_ids(guidance)


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


@pytest.mark.parametrize("location", ["adjacent_level", "non_adjacent_level"])
def test_n7_states_the_days_since_the_index_procedure_for_a_new_fracture(location):
    guidance = guidance_for(active_fracture_location=location, assessment_date=date(2026, 11, 20))
    text = note(guidance, "N7").text
    assert "50 days" in text
    assert "58.8–63.8%" in text
    assert "72 vs 287 days" in text


def test_n7_is_shown_with_the_new_fracture_scenario_even_when_r1_decides():
    guidance = guidance_for(active_fracture_location="adjacent_level", neuro_exam="new_deficit")
    assert guidance.reasons[0].rule == "R1"
    assert "N7" in note_ids(guidance)


@pytest.mark.parametrize("location", ["treated_level", "none_identified"])
def test_n7_is_not_shown_for_the_treated_level(location):
    guidance = guidance_for(
        active_fracture_location=location, marrow_edema="absent", cleft_sign="present"
    )
    assert "N7" not in note_ids(guidance)


def test_n7_is_not_shown_when_there_is_no_current_pain():
    guidance = guidance_for(active_fracture_location="adjacent_level", vas_current=0)
    assert "N7" not in note_ids(guidance)


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
        assert "7.8%" in text
        assert "92.2%" in text


def test_n8_names_every_risk_factor_present_and_no_other():
    text = note(
        guidance_for(patient_age=80, bmd_t_score=Decimal("-3.0"), prior_vertebral_fractures=4),
        "N8",
    ).text
    assert "age 80" in text
    assert "T-score -3.0" in text
    assert "4 prior vertebral fractures" in text
    only_age = note(guidance_for(**{**LOW_RISK, "patient_age": 90}), "N8").text
    assert "T-score" not in only_age
    assert "prior vertebral fractures" not in only_age


@pytest.mark.parametrize(
    "overrides", [*NOT_REPEAT.values(), *REPEAT.values()], ids=[*NOT_REPEAT, *REPEAT]
)
def test_n9_is_always_shown_unless_r1_fired(overrides):
    guidance = guidance_for(**overrides)
    assert ("N9" in note_ids(guidance)) is (guidance.reasons[0].rule != "R1")


def test_n9_counsels_and_names_fracture_prevention():
    text = note(guidance_for(), "N9").text
    words_of_the_evidence = (
        "sudden increase in back pain",
        "new back pain",
        "bisphosphonates",
        "calcium",
        "vitamin D",
    )
    for words in words_of_the_evidence:
        assert words in text


@pytest.mark.parametrize(
    ("neuro_exam", "shown"),
    [("normal", True), ("chronic_stable_deficit", True), ("not_documented", False)],
)
def test_n10_needs_a_recorded_baseline_examination_and_a_repeat_procedure(neuro_exam, shown):
    guidance = guidance_for(neuro_exam=neuro_exam)
    assert ("N10" in note_ids(guidance)) is shown


def test_n10_names_the_baseline_examination():
    text = note(guidance_for(neuro_exam="chronic_stable_deficit"), "N10").text
    assert "chronic, stable deficit" in text


def test_notes_are_listed_in_id_order_when_all_apply():
    guidance = guidance_for(
        cleft_sign="present",
        cleft_new_since_index=True,
        patient_age=80,
    )
    assert note_ids(guidance) == ["N1", "N2", "N3", "N4", "N5", "N6", "N8", "N9", "N10"]


def test_new_fracture_notes_are_in_id_order():
    guidance = guidance_for(
        active_fracture_location="adjacent_level", cleft_sign="present", patient_age=80
    )
    assert note_ids(guidance) == ["N5", "N7", "N8", "N9"]


NOTE_REFS = {
    "N1": (1, 2, 3),
    "N2": (1, 2),
    "N3": (1, 4),
    "N4": (2,),
    "N5": (3,),
    "N6": (2,),
    "N7": (5,),
    "N8": (5, 6),
    "N9": (4, 7),
    "N10": (4,),
}


def test_each_note_cites_the_references_of_the_spec_table():
    shown = [
        *guidance_for(cleft_sign="present", cleft_new_since_index=True, patient_age=80).notes,
        *guidance_for(active_fracture_location="adjacent_level").notes,
    ]
    assert {item.id for item in shown} == set(NOTE_REFS)
    for item in shown:
        assert item.refs == NOTE_REFS[item.id], item.id
