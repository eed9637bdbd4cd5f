"""Properties of the rules for every valid input (docs/specification.md §3, §4, §6), by Hypothesis."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.rules.spec_oracle import conservative_weeks_limit, oracle, refusals
from vertebro_rules import vocabulary
from vertebro_rules.rules import evaluate
from vertebro_rules.validation import InvalidInput, to_inputs, validate_values

TODAY = date(2026, 11, 25)
EARLIEST = date(1985, 1, 1)
RULE_RECOMMENDATIONS = {
    "R1": "urgent_referral",
    "R2": "contraindicated",
    "R3": "not_indicated",
    "R4": "reassess_later",
    "R5": "evaluate_new_level",
    "R6": "complete_workup",
    "R7": "not_indicated",
    "R8": "not_indicated",
    "R9": "continue_conservative",
    "R10": "repeat_indicated",
    "R11": "repeat_may_be_considered",
    "R12": "repeat_indicated",
    "R13": "repeat_may_be_considered",
    "R14": "continue_conservative",
    "R15": "repeat_may_be_considered",
}
# The spec's lists (§3, §4), written out here rather than read from vertebro_rules.vocabulary.
SPEC_SCENARIOS = {
    "no_current_pain",
    "adjacent_level_fracture",
    "non_adjacent_fracture",
    "treated_level_relieved",
    "too_early",
    "immediate_failure",
    "persistent_pain",
    "delayed_recurrence",
}
SPEC_WORKUP_ITEMS = {"mri", "mri_findings", "point_tenderness", "neuro_exam", "cement_imaging"}
CI_SETTINGS = settings(max_examples=300, derandomize=True, deadline=None, database=None)


def optional(strategy):
    return st.none() | strategy


def one_decimal(low: str, high: str):
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=1)


@st.composite
def drawn_values(draw) -> dict:
    """Complete inputs that pass every rule of §1 but the cross-field rules new in 2026.2,
    with the spec's boundaries drawn often."""
    index = draw(st.sampled_from([EARLIEST, TODAY]) | st.dates(EARLIEST, TODAY))
    offset = draw(st.sampled_from([0, 3, 4, 32, 33, 41, 42, 74, 75]) | st.integers(0, 20_000))
    assessment = min(index + timedelta(days=offset), TODAY)
    response = draw(st.sampled_from(vocabulary.InitialResponse.values))
    recurrence = None
    if response == "relief_then_recurrence":
        if assessment == index:
            response = "no_relief"
        else:
            days = (assessment - index).days
            days_to = draw(
                st.sampled_from([1, 32, 33, days - 41, days - 42]) | st.integers(1, days)
            )
            recurrence = index + timedelta(days=min(max(days_to, 1), days))
    values = {
        "patient_ref": draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=64)),
        "patient_age": draw(st.integers(18, 120)),
        "sex": draw(optional(st.sampled_from(vocabulary.Sex.values))),
        "treated_level": draw(st.sampled_from(vocabulary.VertebralLevel.values)),
        "index_procedure_date": index,
        "index_cement_volume_ml": draw(optional(one_decimal("0.5", "20.0"))),
        "fracture_etiology": draw(st.sampled_from(vocabulary.FractureEtiology.values)),
        "bmd_t_score": draw(optional(one_decimal("-7.0", "4.0"))),
        "prior_vertebral_fractures": draw(st.integers(0, 25)),
        "assessment_date": assessment,
        "initial_response": response,
        "recurrence_date": recurrence,
        "vas_before_index": draw(optional(st.integers(0, 10))),
        "vas_current": draw(st.sampled_from([0, 3, 4]) | st.integers(0, 10)),
        "conservative_therapy_weeks": draw(st.sampled_from([5, 6]) | st.integers(0, 520)),
        "mobility": draw(optional(st.sampled_from(vocabulary.Mobility.values))),
        "analgesics": draw(optional(st.sampled_from(vocabulary.Analgesics.values))),
        "mri_performed": draw(st.booleans()),
        "cement_fill": draw(st.sampled_from(vocabulary.CementFill.values)),
        "prior_cement_leakage": draw(optional(st.booleans())),
        "point_tenderness": draw(st.sampled_from(vocabulary.Tenderness.values)),
        "neuro_exam": draw(st.sampled_from(vocabulary.NeuroExam.values)),
        "contraindications": draw(
            st.lists(st.sampled_from(vocabulary.Contraindication.values), unique=True)
        ),
    }
    if values["mri_performed"]:
        location = draw(st.sampled_from(vocabulary.FractureLocation.values))
        edema_values = vocabulary.Finding.values
        if location == "none_identified":
            edema_values = ["absent", "indeterminate"]
        values.update(
            active_fracture_location=location,
            marrow_edema=draw(st.sampled_from(edema_values)),
            cleft_sign=draw(st.sampled_from(vocabulary.Finding.values)),
            cleft_new_since_index=draw(optional(st.booleans())),
            fluid_at_cement_interface=draw(st.booleans()),
        )
    else:
        values["fluid_at_cement_interface"] = draw(st.sampled_from([None, False]))
    if not values["patient_ref"].strip() or not values["patient_ref"].isprintable():
        values["patient_ref"] = "MRN-1"
    return values


@st.composite
def valid_values(draw) -> dict:
    """Complete inputs that pass validation: drawn, then made consistent as §1 asks."""
    values = draw(drawn_values())
    if values["initial_response"] == "relief_then_recurrence":
        days = (values["assessment_date"] - values["recurrence_date"]).days
        limit = min(conservative_weeks_limit(days), 520)
        values["conservative_therapy_weeks"] = draw(st.sampled_from([0, limit]))
    if values["mri_performed"]:
        location = values["active_fracture_location"]
        if values["initial_response"] == "ongoing_relief" and location == "treated_level":
            values["active_fracture_location"] = location = "none_identified"
            values["marrow_edema"] = "absent"
        if location == "none_identified":
            values["cleft_sign"] = draw(st.sampled_from(["absent", "indeterminate"]))
            values["fluid_at_cement_interface"] = False
        positive = (
            values["marrow_edema"] == "present"
            or values["cleft_sign"] == "present"
            or values["fluid_at_cement_interface"]
        )
        if location == "treated_level" and not positive:
            values["cleft_sign"] = draw(st.sampled_from(["present", "indeterminate"]))
    return values


@CI_SETTINGS
@given(valid_values())
def test_any_valid_input_gets_one_scenario_recommendation_and_reason_deterministically(values):
    validate_values(values, today=TODAY)
    guidance = evaluate(to_inputs(values))
    assert evaluate(to_inputs(dict(values))) == guidance
    assert guidance.scenario in SPEC_SCENARIOS
    assert guidance.recommendation in set(RULE_RECOMMENDATIONS.values())
    assert len(guidance.reasons) == 1
    (reason,) = guidance.reasons
    assert RULE_RECOMMENDATIONS[reason.rule] == guidance.recommendation
    assert reason.text
    assert len(guidance.headline) <= 140
    assert values["treated_level"] in guidance.headline
    assert bool(guidance.missing) is (reason.rule == "R6")
    assert set(guidance.missing) <= SPEC_WORKUP_ITEMS
    note_numbers = [int(note.id[1:]) for note in guidance.notes]
    assert note_numbers == sorted(set(note_numbers))


@CI_SETTINGS
@given(valid_values())
def test_evaluation_agrees_with_the_independent_reading_of_the_spec(values):
    guidance = evaluate(to_inputs(values))
    expected = oracle(values)
    assert guidance.scenario == expected["scenario"]
    assert guidance.recommendation == expected["recommendation"]
    assert guidance.reasons[0].rule == expected["rule"]
    assert list(guidance.missing) == expected["missing"]
    assert [note.id for note in guidance.notes] == expected["notes"]
    assert guidance.days_since_index == expected["days_since_index"]
    assert guidance.days_since_recurrence == expected["days_since_recurrence"]
    assert list(guidance.reasons[0].refs) == expected["rule_refs"]
    assert {note.id: list(note.refs) for note in guidance.notes} == expected["note_refs"]
    result = guidance.to_dict()
    assert result["rules_version"] == "2026.2"
    assert [reference["id"] for reference in result["references"]] == expected["references"]


@CI_SETTINGS
@given(valid_values())
def test_no_sentence_says_there_is_nothing_to_treat_when_there_is_pain(values):
    guidance = evaluate(to_inputs(values))
    texts = [guidance.headline, *(item.text for item in (*guidance.reasons, *guidance.notes))]
    if values["vas_current"] > 0:
        assert not any("nothing to treat" in text for text in texts)
    if values["fracture_etiology"] != "osteoporotic":
        assert guidance.recommendation != "repeat_indicated"


@CI_SETTINGS
@given(drawn_values())
def test_validation_refuses_exactly_the_contradictions_of_the_spec(values):
    expected = refusals(values)
    try:
        validate_values(values, today=TODAY)
    except InvalidInput as invalid:
        assert set(invalid.errors) == expected
    else:
        assert expected == set()
