"""The output of version 2026.3 (docs/specification.md §3, §4.1, §6, §7): scenarios, the work-up
and what `missing` keeps, `reassess_from`, the JSON keys in order, the references with their
printed text, the labels, and properties that hold for every valid case."""

import dataclasses
import json
import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.rules.random_cases_2026_3 import random_valid_cases
from tests.rules.v2026_3.cases import NO_MRI, RECURRENCE, RULES, TODAY, guidance, result
from vertebro_rules.versions.v2026_3.vocabulary import Recommendation, Scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from cases import random_case_2026_3

DAY_61 = {"assessment_date": "2026-08-01"}


@pytest.mark.parametrize(
    ("overrides", "scenario"),
    [
        ({"vas_current": 0, "active_fracture_location": "adjacent_level"}, "no_current_pain"),
        ({"active_fracture_location": "adjacent_level"}, "adjacent_level_fracture"),
        ({"active_fracture_location": "non_adjacent_level"}, "non_adjacent_fracture"),
        ({"initial_response": "ongoing_relief"}, "treated_level_relieved"),
        ({"assessment_date": "2026-06-04"}, "too_early"),
        ({"assessment_date": "2026-06-05"}, "immediate_failure"),
        ({"assessment_date": "2026-07-03"}, "immediate_failure"),  # day 32
        ({"assessment_date": "2026-07-04"}, "persistent_pain"),  # day 33
        ({"initial_response": "partial_relief", "assessment_date": "2026-06-02"}, "too_early"),
        ({"initial_response": "partial_relief", **DAY_61}, "persistent_pain"),
        # Relief of 28 days or less is a failure of the index procedure; from day 29 a recurrence.
        (
            {
                **RECURRENCE,
                "recurrence_date": "2026-06-29",
                "assessment_date": "2026-07-01",
                "conservative_therapy_weeks": 1,
            },
            "immediate_failure",
        ),
        (
            {**RECURRENCE, "recurrence_date": "2026-06-29", "conservative_therapy_weeks": 5},
            "persistent_pain",
        ),
        (
            {**RECURRENCE, "recurrence_date": "2026-06-30", "assessment_date": "2026-07-01", "conservative_therapy_weeks": 1},
            "delayed_recurrence",
        ),
        (RECURRENCE, "delayed_recurrence"),
    ],
)  # fmt: skip
def test_the_scenario_is_the_first_that_applies(overrides: dict[str, Any], scenario: str) -> None:
    assert result(**overrides)["scenario"] == scenario


@pytest.mark.parametrize(
    ("overrides", "missing", "needs"),
    [
        (NO_MRI, ["mri"], "MRI of the spine"),
        (
            {"marrow_edema": "indeterminate", "cleft_sign": "absent"},
            ["mri_findings"],
            "a definite reading of marrow edema",
        ),
        (
            {"marrow_edema": "absent", "cleft_sign": "indeterminate"},
            ["mri_findings"],
            "a definite reading of the cleft sign",
        ),
        (
            {"marrow_edema": "indeterminate", "cleft_sign": "indeterminate"},
            ["mri_findings"],
            "a definite reading of marrow edema and the cleft sign",
        ),
        (
            {"active_fracture_location": "none_identified", "fluid_at_cement_interface": True},
            ["mri_findings"],
            "a consistent MRI reading (no active fracture is recorded, yet marrow edema and fluid "
            "at the bone–cement interface at L1)",
        ),
        (
            {"marrow_edema": "absent", **DAY_61},
            ["mri_findings"],
            "a consistent MRI reading (the active fracture is placed at L1, yet no sign of "
            "activity is positive there)",
        ),
        (
            {"marrow_edema": "absent", "active_fracture_location": "none_identified"},
            ["mri_findings"],
            "confirmation that the MRI was done after the index procedure, at L1, with "
            "fluid-sensitive sequences",
        ),
        (
            {"initial_response": "ongoing_relief", "vas_current": 5},
            ["pain_course"],
            "confirmation of the course of pain at L1 (recorded as still relieved, while MRI "
            "places the active fracture there)",
        ),
        (
            {"point_tenderness": "not_examined"},
            ["point_tenderness"],
            "examination for point tenderness at L1",
        ),
        (
            {"neuro_exam": "not_documented"},
            ["neuro_exam"],
            "a neurological examination (to exclude a new deficit; it also serves as the baseline "
            "before any procedure)",
        ),
        (
            {"cement_fill": "not_assessed"},
            ["cement_imaging"],
            "CT or radiographs of the index cement fill",
        ),
        (
            {
                **NO_MRI,
                "point_tenderness": "not_examined",
                "neuro_exam": "not_documented",
                "cement_fill": "not_assessed",
            },
            ["mri", "point_tenderness", "neuro_exam", "cement_imaging"],
            "MRI of the spine, examination for point tenderness at L1, a neurological examination "
            "(to exclude a new deficit; it also serves as the baseline before any procedure) and "
            "CT or radiographs of the index cement fill",
        ),
        (
            {
                "initial_response": "ongoing_relief",
                "vas_current": 5,
                "marrow_edema": "absent",
                "cleft_sign": "absent",
                "treated_level": "T7",
            },
            ["mri_findings", "pain_course"],
            "a consistent MRI reading (the active fracture is placed at T7, yet no sign of "
            "activity is positive there) and confirmation of the course of pain at T7 (recorded "
            "as still relieved, while MRI places the active fracture there)",
        ),
    ],
)
def test_the_work_up_lists_each_missing_item_in_order_with_its_words(
    overrides: dict[str, Any], missing: list[str], needs: str
) -> None:
    out = result(**overrides)
    assert out["reasons"][0]["rule"] == "R6"
    assert out["missing"] == missing
    level = "T7" if overrides.get("treated_level") == "T7" else "L1"
    assert out["reasons"][0]["text"] == (
        f"The work-up is incomplete; a decision on a repeat procedure at {level} still needs "
        f"{needs}."
    )


@pytest.mark.parametrize(
    ("overrides", "rule", "missing"),
    [
        # The safety items stay whatever rule decides.
        ({"neuro_exam": "not_documented", "vas_current": 0}, "R3", ["neuro_exam"]),
        ({**NO_MRI, "infection_signs": True}, "R17", ["mri"]),
        ({**NO_MRI, "fracture_etiology": "neoplastic", "point_tenderness": "not_examined"}, "R18", ["mri"]),
        # ... but not the MRI beside R1 or R4, or without pain; and not the other items.
        ({**NO_MRI, "neuro_exam": "new_deficit"}, "R1", []),
        ({**NO_MRI, "assessment_date": "2026-06-03"}, "R4", []),
        ({**NO_MRI, "vas_current": 0}, "R3", []),
        ({"point_tenderness": "not_examined", "vas_current": 0}, "R3", []),
        ({**NO_MRI, "neuro_exam": "not_documented", "assessment_date": "2026-06-03"}, "R4", ["neuro_exam"]),
        # MRI not possible is not missing: R22 decides.
        ({**NO_MRI, "mri_not_possible": True}, "R22", []),
    ],
)  # fmt: skip
def test_missing_keeps_the_safety_items_beside_every_rule(
    overrides: dict[str, Any], rule: str, missing: list[str]
) -> None:
    out = result(**overrides)
    assert out["reasons"][0]["rule"] == rule
    assert out["missing"] == missing


@pytest.mark.parametrize(
    ("overrides", "reassess_from"),
    [
        ({"assessment_date": "2026-06-02"}, "2026-06-05"),  # R4: index + 4 days
        ({**RECURRENCE, "conservative_therapy_weeks": 3}, "2026-12-11"),  # R9: assessment + 3 weeks
        ({**RECURRENCE, "recurrence_date": "2026-11-10", "conservative_therapy_weeks": 2}, "2026-12-22"),  # R9: recurrence + 42
        ({**RECURRENCE, "analgesics": "none"}, "2026-12-04"),  # R9: assessment + 14
        ({"initial_response": "partial_relief", "vas_current": 5}, "2026-07-02"),  # R19 before day 42
        ({"initial_response": "partial_relief", "vas_current": 5, "assessment_date": "2026-07-12"}, "2026-07-26"),  # day 41
        ({"initial_response": "partial_relief", "vas_current": 5, "assessment_date": "2026-07-13"}, None),  # day 42
        ({}, None),
        ({"neuro_exam": "new_deficit"}, None),
        ({**RECURRENCE, "conservative_therapy_weeks": 3, "mobility": "bed_bound"}, None),  # R23
    ],
)  # fmt: skip
def test_reassess_from(overrides: dict[str, Any], reassess_from: str | None) -> None:
    assert result(**overrides)["reassess_from"] == reassess_from


def test_the_json_has_the_keys_of_section_6_in_order() -> None:
    out = result(**{**RECURRENCE, "conservative_therapy_weeks": 3})
    assert list(out) == [
        "rules_version", "scenario", "recommendation", "headline", "reasons", "missing",
        "warnings", "next_steps", "reassess_from", "notes", "days_since_index",
        "days_since_recurrence", "references", "disclaimer",
    ]  # fmt: skip
    assert out["rules_version"] == "2026.3"
    assert out["days_since_index"] == 172
    assert out["days_since_recurrence"] == 80
    assert out["disclaimer"] == (
        "Decision support for clinicians; it does not replace clinical judgement."
    )
    assert result()["days_since_recurrence"] is None


REFERENCE_TEXTS = {
    1: "Repeat vertebroplasty for unrelieved pain at previously treated levels (immediate "
    "failure, 4–32 days). Source not yet confirmed.",
    2: "Repeat percutaneous vertebroplasty for recurrent pain arising from previously treated "
    "vertebrae in patients with osteoporotic vertebral compression fractures. Authors and "
    "journal not yet confirmed.",
    3: "Progression of vertebral compression fractures after previous vertebral augmentation: "
    "technical reasons for recurrent fractures in a previously treated vertebra. Cureus "
    "(review). Authors and year not yet confirmed.",
    4: "Practice parameter for vertebral augmentation (patient selection, complications, "
    "follow-up). Source not yet confirmed.",
    5: "Tseng YY, Yang TC, Tu PH, Lo YL, Yang ST. Repeated and multiple new vertebral "
    "compression fractures after percutaneous transpedicular vertebroplasty. Journal not yet "
    "confirmed.",
    6: "Risk factors for new fractures after vertebroplasty (1-year fracture-free rate 92.2%). "
    "Source not yet confirmed.",
    7: "Medical prevention of further osteoporotic fractures. Source not yet confirmed.",
    8: "Ehteshami Rad A, Kallmes DF. Pain relief following vertebroplasty in patients with and "
    "without localizing tenderness on palpation. AJNR Am J Neuroradiol 2008;29(9):1622–1626.",
}


def test_the_evidence_list_prints_the_exact_texts_of_section_7() -> None:
    assert RULES.REFERENCES == REFERENCE_TEXTS


@pytest.mark.parametrize(
    ("overrides", "numbers"),
    [
        ({}, [1, 2, 3, 4, 7]),
        ({"point_tenderness": "absent"}, [1, 2, 3, 4, 7, 8]),
        ({"active_fracture_location": "adjacent_level", "patient_age": 80}, [4, 5, 6, 7]),
        ({"neuro_exam": "new_deficit"}, []),
        ({"fracture_etiology": "neoplastic"}, []),
    ],
)
def test_references_are_those_cited_ascending_with_their_text(
    overrides: dict[str, Any], numbers: list[int]
) -> None:
    out = result(**overrides)
    assert out["references"] == [{"id": n, "text": REFERENCE_TEXTS[n]} for n in numbers]


def test_the_labels_of_recommendations_and_scenarios_are_those_the_chart_prints() -> None:
    assert dict(Recommendation.choices) == {
        "urgent_referral": "Urgent referral",
        "exclude_infection": "Exclude infection of the treated vertebra",
        "manage_infection": "Treat the infection of the treated vertebra",
        "assess_complication": "Assess for a procedural complication now",
        "reassess_later": "Reassess later",
        "refer_oncology_mdt": "Refer to the spine-oncology MDT",
        "not_indicated": "Repeat vertebroplasty not indicated",
        "evaluate_new_level": "Evaluate the new fracture level",
        "complete_workup": "Complete the work-up",
        "continue_conservative": "Continue conservative therapy",
        "decide_with_spine_team": "Decide with the spine team",
        "contraindicated": "Contraindicated",
        "repeat_indicated": "Repeat vertebroplasty indicated",
        "repeat_may_be_considered": "Repeat vertebroplasty may be considered",
    }
    assert dict(Scenario.choices) == {
        "no_current_pain": "No current pain",
        "adjacent_level_fracture": "New fracture at an adjacent level",
        "non_adjacent_fracture": "New fracture at a non-adjacent level",
        "treated_level_relieved": "Treated level still relieved",
        "too_early": "Too early to judge (before day 4)",
        "immediate_failure": "Failure of the index procedure (days 4–32)",
        "persistent_pain": "Failure of the index procedure, persisting beyond day 32",
        "delayed_recurrence": "Recurrence after a pain-free interval",
    }


def test_the_spec_example_of_section_6() -> None:
    """The §6 example: a recurrence 20 days old at L1, 400 days after the index procedure."""
    out = result(
        patient_age=60,
        fracture_etiology="traumatic",
        bmd_t_score=-1.5,
        index_procedure_date="2025-06-01",
        assessment_date="2026-07-06",
        initial_response="relief_then_recurrence",
        recurrence_date="2026-06-16",
        conservative_therapy_weeks=3,
        vas_current=6,
    )
    assert out["scenario"] == "delayed_recurrence"
    assert out["recommendation"] == "continue_conservative"
    assert out["headline"] == (
        "Continue conservative therapy before any repeat vertebroplasty at L1: the pain returned "
        "only 20 days ago; reassess from 28 Jul 2026."
    )
    assert out["reasons"][0]["rule"] == "R9"
    assert out["reasons"][0]["refs"] == [4]
    assert [step["id"] for step in out["next_steps"]] == ["S10"]
    assert out["reassess_from"] == "2026-07-28"
    assert out["days_since_index"] == 400
    assert out["days_since_recurrence"] == 20
    assert [ref["id"] for ref in out["references"]] == [3, 4]


# Properties of every valid case ----------------------------------------------------------

CITATION = re.compile(r"\brefs? ([0-9]+(?:, [0-9]+)*)")


def _cited(text: str) -> list[int]:
    return sorted({int(n) for group in CITATION.findall(text) for n in group.split(", ")})


def test_every_valid_case_evaluates_within_the_contract() -> None:
    rng = random.Random(20263)
    fields = set(RULES.INPUT_FIELD_NAMES)
    seen_rules = set()
    for _ in range(3000):
        data = random_case_2026_3(rng, TODAY)
        inputs = RULES.validate_case(data, today=TODAY)
        guidance = RULES.evaluate(inputs)
        out = guidance.to_dict()
        assert out == RULES.evaluate(inputs).to_dict()  # same inputs, same output
        assert len(out["headline"]) <= 140
        assert out["next_steps"], data
        (reason,) = out["reasons"]
        seen_rules.add(reason["rule"])
        cited = set()
        for item in [reason, *out["notes"], *out["next_steps"]]:
            assert item["refs"] == _cited(item["text"])
            cited.update(item["refs"])
        assert [ref["id"] for ref in out["references"]] == sorted(cited)
        for warning in out["warnings"]:
            assert set(warning["fields"]) <= fields
        if reason["rule"] == "R1":
            assert out["notes"] == [] and [s["id"] for s in out["next_steps"]] == ["S1"]
        assert out["recommendation"] in Recommendation.values
        assert out["scenario"] in Scenario.values
    assert {"R1", "R3", "R4", "R5", "R6", "R16", "R17", "R18"} <= seen_rules


def _json_of(guidance: Any) -> str:
    return json.dumps(guidance.to_dict(), ensure_ascii=False)


def test_the_json_text_is_the_json_of_the_dictionary_for_every_kind_of_case() -> None:
    """`to_json()` (what `evaluate --jsonl` writes) is byte for byte `to_dict()` encoded, over
    cases that reach every rule, warning, note and next step."""
    seen = {"rules": set(), "warnings": set(), "notes": set(), "next_steps": set()}
    for data in random_valid_cases(3000, 18, TODAY - timedelta(days=2)):
        outcome = RULES.evaluate(RULES.validate_case(data, today=TODAY))
        assert outcome.to_json() == _json_of(outcome), data
        seen["rules"].add(outcome.reasons[0].rule)
        seen["warnings"].update(item.id for item in outcome.warnings)
        seen["notes"].update(item.id for item in outcome.notes)
        seen["next_steps"].update(item.id for item in outcome.next_steps)
    assert len(seen["rules"]) == 22  # R1–R23 without the retired R8
    assert len(seen["warnings"]) >= 14
    assert len(seen["notes"]) >= 13
    assert len(seen["next_steps"]) >= 29


def test_the_json_text_escapes_quotes_backslashes_and_control_characters_as_json_does() -> None:
    base = guidance()
    odd = 'a "quoted" \\ back\tslash\nline \x01 “curly” é → ≥ 😀'
    changed = dataclasses.replace(
        base,
        headline=odd,
        missing=(odd, "mri"),
        reasons=(dataclasses.replace(base.reasons[0], text=odd, refs=(1, 2, 4)),),
        reassess_from=date(2027, 1, 2),
        days_since_recurrence=0,
    )
    assert changed.to_json() == _json_of(changed)
    assert json.loads(changed.to_json())["headline"] == odd
    empty = dataclasses.replace(base, reasons=(), missing=(), warnings=(), next_steps=(), notes=())
    assert empty.to_json() == _json_of(empty)
