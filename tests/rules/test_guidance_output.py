"""The guidance value object and its JSON form (docs/specification.md §6, §7, rules 2026.2)."""

import dataclasses
import json
from datetime import date

import pytest

from tests.rules.cases import guidance_for, valid_inputs
from vertebro_rules.references import REFERENCES
from vertebro_rules.validation import to_inputs
from vertebro_rules.vocabulary import Recommendation, VertebralLevel

DISCLAIMER = "Decision support for clinicians; it does not replace clinical judgement."
RECURRENCE = {
    "initial_response": "relief_then_recurrence",
    "recurrence_date": date(2026, 10, 5),
    "assessment_date": date(2026, 11, 20),
    "conservative_therapy_weeks": 6,
    "cleft_sign": "present",
}
# One case per recommendation, with the words its headline must carry.
BY_RECOMMENDATION = {
    "urgent_referral": ({"neuro_exam": "new_deficit"}, "urgent referral"),
    "contraindicated": ({"contraindications": ["cement_allergy"]}, "contraindicated"),
    "not_indicated": ({"point_tenderness": "absent"}, "not indicated"),
    "reassess_later": ({"assessment_date": date(2026, 10, 2)}, "reassess"),
    "evaluate_new_level": ({"active_fracture_location": "adjacent_level"}, "new fracture"),
    "complete_workup": ({"neuro_exam": "not_documented"}, "work-up"),
    "continue_conservative": (
        {**RECURRENCE, "conservative_therapy_weeks": 2},
        "continue conservative therapy",
    ),
    "repeat_indicated": ({}, "is indicated"),
    "repeat_may_be_considered": ({"cement_fill": "adequate"}, "may be considered"),
}


def test_the_json_form_has_exactly_the_keys_of_the_spec_in_its_order():
    assert list(guidance_for().to_dict()) == [
        "rules_version",
        "scenario",
        "recommendation",
        "headline",
        "reasons",
        "missing",
        "notes",
        "days_since_index",
        "days_since_recurrence",
        "references",
        "disclaimer",
    ]


def test_the_json_form_of_the_spec_example():
    result = guidance_for().to_dict()
    assert result["rules_version"] == "2026.2"
    assert result["scenario"] == "immediate_failure"
    assert result["recommendation"] == "repeat_indicated"
    assert result["headline"] == "Repeat vertebroplasty is indicated at L1."
    assert [set(reason) for reason in result["reasons"]] == [{"rule", "text", "refs"}]
    assert result["reasons"][0]["rule"] == "R10"
    assert result["reasons"][0]["refs"] == [1, 3]
    assert result["missing"] == []
    assert all(list(note) == ["id", "text", "refs"] for note in result["notes"])
    first_note = result["notes"][0]
    assert (first_note["id"], first_note["refs"]) == ("N1", [1, 2, 3])
    assert "more cement than the index procedure (mean 6.8 vs 4.2 mL)" in first_note["text"]
    assert "The index procedure at L1 used 4.2 mL." in first_note["text"]
    assert result["days_since_index"] == 17
    assert result["days_since_recurrence"] is None
    assert result["disclaimer"] == DISCLAIMER


def test_the_json_form_is_plain_json_that_round_trips():
    result = guidance_for(**RECURRENCE, neuro_exam="not_documented").to_dict()
    assert json.loads(json.dumps(result)) == result
    assert result["missing"] == ["neuro_exam"]
    assert isinstance(result["days_since_recurrence"], int)
    for item in (*result["reasons"], *result["notes"]):
        assert isinstance(item["text"], str)
        assert item["text"]
        assert all(isinstance(ref, int) and ref in REFERENCES for ref in item["refs"])
    assert all(list(reference) == ["id", "text"] for reference in result["references"])


@pytest.mark.parametrize("level", VertebralLevel.values)
@pytest.mark.parametrize("recommendation", Recommendation.values)
def test_every_headline_is_one_sentence_of_at_most_140_characters_naming_the_level(
    recommendation, level
):
    overrides, words = BY_RECOMMENDATION[recommendation]
    guidance = guidance_for(**overrides, treated_level=level)
    assert guidance.recommendation == recommendation
    headline = guidance.headline
    assert len(headline) <= 140
    assert f" {level}" in headline
    assert words in headline.lower()
    assert headline.endswith(".")
    assert headline.count(". ") == 0


def test_headlines_differ_between_recommendations():
    headlines = {guidance_for(**overrides).headline for overrides, _ in BY_RECOMMENDATION.values()}
    assert len(headlines) == len(BY_RECOMMENDATION)


def test_not_indicated_does_not_read_as_indicated():
    headline = guidance_for(point_tenderness="absent").headline
    assert "not indicated" in headline


@pytest.mark.parametrize("overrides", [overrides for overrides, _ in BY_RECOMMENDATION.values()])
def test_every_result_carries_the_disclaimer_and_rules_version(overrides):
    result = guidance_for(**overrides).to_dict()
    assert result["disclaimer"] == DISCLAIMER
    assert result["rules_version"] == "2026.2"


def test_the_guidance_cannot_be_changed():
    guidance = guidance_for()
    with pytest.raises(dataclasses.FrozenInstanceError):
        guidance.recommendation = "not_indicated"
    with pytest.raises(dataclasses.FrozenInstanceError):
        guidance.reasons[0].text = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        guidance.notes[0].refs = ()
    assert isinstance(guidance.reasons, tuple)
    assert isinstance(guidance.notes, tuple)
    assert isinstance(guidance.missing, tuple)


def test_changing_the_json_form_leaves_the_guidance_unchanged():
    guidance = guidance_for()
    before = guidance.to_dict()
    changed = guidance.to_dict()
    changed["reasons"][0]["refs"].append(99)
    changed["notes"].clear()
    changed["missing"].append("mri")
    assert guidance.to_dict() == before


def test_the_inputs_cannot_be_changed():
    inputs = to_inputs(valid_inputs())
    with pytest.raises(dataclasses.FrozenInstanceError):
        inputs.vas_current = 0


def test_cited_refs_are_the_references_of_the_reasons_and_notes_ascending():
    guidance = guidance_for(patient_age=80)
    cited = {ref for item in (*guidance.reasons, *guidance.notes) for ref in item.refs}
    assert tuple(guidance.cited_refs) == tuple(sorted(cited))
    assert tuple(guidance.cited_refs) == (1, 2, 3, 4, 5, 6, 7)


@pytest.mark.parametrize(
    ("overrides", "cited"),
    [
        ({}, [1, 2, 3, 4, 7]),
        ({"patient_age": 80}, [1, 2, 3, 4, 5, 6, 7]),
        ({"neuro_exam": "new_deficit"}, [4]),
        ({"contraindications": ["active_infection"], "fracture_etiology": "traumatic"}, [3, 4]),
        ({"contraindications": ["active_infection"], "bmd_t_score": None}, [3, 4, 7]),
        ({"active_fracture_location": "adjacent_level", "marrow_edema": "absent"}, [4, 5, 7]),
    ],
)
def test_the_json_lists_the_cited_references_ascending_with_the_text_the_report_prints(
    overrides, cited
):
    result = guidance_for(**overrides).to_dict()
    assert [reference["id"] for reference in result["references"]] == cited
    for reference in result["references"]:
        assert reference["text"] == REFERENCES[reference["id"]]


def test_the_evidence_list_is_numbered_as_in_the_spec():
    assert sorted(REFERENCES) == [1, 2, 3, 4, 5, 6, 7]
    assert "4–32 days" in REFERENCES[1]
    assert "6.8 vs 4.2 mL" in REFERENCES[2]
    assert "fluid at the bone–cement interface" in REFERENCES[3]
    assert "≥ 6 weeks" in REFERENCES[4]
    assert "58.8–63.8%" in REFERENCES[5]
    assert "92.2%" in REFERENCES[6]
    assert "prevention" in REFERENCES[7]


SOURCES = {
    2: (
        "Repeat percutaneous vertebroplasty for recurrent pain arising from previously "
        "treated vertebrae in patients with osteoporotic vertebral compression fractures"
    ),
    3: (
        "Progression of Vertebral Compression Fractures After Previous Vertebral "
        "Augmentation: Technical Reasons for Recurrent Fractures in a Previously Treated "
        "Vertebra"
    ),
    5: (
        "Repeated and multiple new vertebral compression fractures after percutaneous "
        "transpedicular vertebroplasty"
    ),
}


@pytest.mark.parametrize("number", sorted(SOURCES))
def test_references_2_3_and_5_name_their_published_source(number):
    assert SOURCES[number] in REFERENCES[number]
    assert "identified by its abstract" not in REFERENCES[number]


def test_reference_3_names_its_journal_and_reference_5_its_authors():
    assert "Cureus" in REFERENCES[3]
    assert "review" in REFERENCES[3]
    assert "Tseng YY, Yang TC, Tu PH, Lo YL, Yang ST" in REFERENCES[5]


@pytest.mark.parametrize("number", [1, 4, 6, 7])
def test_the_other_references_stay_descriptions_without_a_source(number):
    assert "Source" not in REFERENCES[number]
    assert "“" not in REFERENCES[number]
    assert not any(title in REFERENCES[number] for title in SOURCES.values())


def test_the_same_inputs_give_the_same_guidance():
    assert guidance_for(**RECURRENCE).to_dict() == guidance_for(**RECURRENCE).to_dict()
