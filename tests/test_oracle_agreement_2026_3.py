"""`evaluate --rules-version 2026.3 --jsonl -` agrees, field for field and sentence for sentence,
with an independent reading of the spec (tests/rules/spec_oracle_2026_3.py) on thousands of
random valid cases that reach every rule, warning, note, next step and work-up item, on the
spec's own example and on named clinical vignettes — all in one process."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.rules import spec_oracle_2026_3 as spec
from tests.rules.random_cases_2026_3 import random_valid_cases
from tests.rules.spec_oracle_2026_3 import oracle

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
RANDOM_CASES = 5000
SEED = 20263

# A margin below the command's own today (its time zone may be ahead of this machine's).
ANCHOR = date.today() - timedelta(days=2)

# §6: the example output of the spec ("an example that can occur"), as a case.
SPEC_EXAMPLE = {
    "patient_ref": "SPEC-6",
    "patient_age": 70,
    "sex": "male",
    "treated_level": "L1",
    "index_procedure_date": "2025-06-01",
    "fracture_etiology": "traumatic",
    "prior_vertebral_fractures": 0,
    "assessment_date": "2026-07-06",
    "initial_response": "relief_then_recurrence",
    "recurrence_date": "2026-06-16",
    "vas_before_index": 8,
    "vas_current": 6,
    "conservative_therapy_weeks": 3,
    "mobility": "limited",
    "analgesics": "non_opioid",
    "mri_performed": True,
    "active_fracture_location": "treated_level",
    "cleft_sign": "absent",
    "marrow_edema": "present",
    "cement_fill": "inadequate",
    "point_tenderness": "present",
    "neuro_exam": "normal",
}

# The base of every vignette: a 72-year-old woman, L1 treated on 2026-06-01, seen on day 17
# without relief, on opioids; MRI shows edema without a cleft; the index fill was inadequate.
VIGNETTE_BASE = {
    "patient_ref": "VIG-BASE",
    "patient_age": 72,
    "sex": "female",
    "treated_level": "L1",
    "index_procedure_date": "2026-06-01",
    "index_cement_volume_ml": 3.8,
    "fracture_etiology": "osteoporotic",
    "bmd_t_score": -2.1,
    "prior_vertebral_fractures": 0,
    "assessment_date": "2026-06-18",
    "initial_response": "no_relief",
    "vas_before_index": 8,
    "vas_current": 8,
    "mobility": "limited",
    "analgesics": "opioid",
    "mri_performed": True,
    "active_fracture_location": "treated_level",
    "cleft_sign": "absent",
    "marrow_edema": "present",
    "fluid_at_cement_interface": False,
    "cement_fill": "inadequate",
    "prior_cement_leakage": False,
    "point_tenderness": "present",
    "neuro_exam": "normal",
    "contraindications": [],
}
NO_MRI = {
    "mri_performed": False,
    "active_fracture_location": None,
    "cleft_sign": None,
    "marrow_edema": None,
    "fluid_at_cement_interface": False,
}
LATE_RECURRENCE = {
    "initial_response": "relief_then_recurrence",
    "recurrence_date": "2026-09-01",
    "assessment_date": "2026-11-20",
    "conservative_therapy_weeks": 8,
    "cement_fill": "adequate",
}
RECENT_RECURRENCE = {
    "initial_response": "relief_then_recurrence",
    "recurrence_date": "2026-09-01",
    "assessment_date": "2026-09-21",
    "conservative_therapy_weeks": 2,
    "cleft_sign": "present",
}

# name, the rule a clinician reading the spec expects, and what differs from the base.
VIGNETTES = [
    ("new foot drop after the index procedure", "R1", {"neuro_exam": "new_deficit"}),
    (
        "new deficit while 'ongoing relief' is recorded with the fracture at L1",
        "R1",
        {"neuro_exam": "new_deficit", "initial_response": "ongoing_relief"},
    ),
    (
        "new deficit with an infection and a metastasis",
        "R1",
        {"neuro_exam": "new_deficit", "infection_signs": True, "fracture_etiology": "neoplastic"},
    ),
    ("fever and pain two weeks after the procedure", "R17", {"infection_signs": True}),
    ("discitis under treatment", "R17", {"vertebral_infection": "active"}),
    (
        "active infection recorded beside unrelieved pain",
        "R17",
        {"contraindications": ["active_infection"]},
    ),
    (
        "pain-free on opioids with signs of infection",
        "R17",
        {"vas_current": 0, "infection_signs": True},
    ),
    (
        "infection of L1 treated and cured, unfilled fracture",
        "R10",
        {"vertebral_infection": "resolved"},
    ),
    (
        "sudden VAS 10 on day 2 after initial relief",
        "R16",
        {
            "initial_response": "relief_then_recurrence",
            "recurrence_date": "2026-06-02",
            "assessment_date": "2026-06-03",
            "conservative_therapy_weeks": 0,
            "vas_current": 10,
        },
    ),
    (
        "pain worse than before, day 10",
        "R16",
        {"assessment_date": "2026-06-11", "vas_before_index": 5},
    ),
    (
        "pain worse than before, day 10, complication assessed",
        "R10",
        {"assessment_date": "2026-06-11", "vas_before_index": 5, "complication_assessed": True},
    ),
    ("seen on day 3 still in pain", "R4", {"assessment_date": "2026-06-04"}),
    ("metastasis at L1, unrelieved", "R18", {"fracture_etiology": "neoplastic"}),
    ("myeloma patient, pain-free", "R3", {"fracture_etiology": "neoplastic", "vas_current": 0}),
    (
        "pain-free at follow-up",
        "R3",
        {
            "initial_response": "ongoing_relief",
            "vas_current": 0,
            "assessment_date": "2026-09-01",
            "active_fracture_location": "none_identified",
            "marrow_edema": "absent",
        },
    ),
    (
        "L1 still relieved, VAS 7 from another source, quiet MRI",
        "R3",
        {
            "initial_response": "ongoing_relief",
            "vas_current": 7,
            "assessment_date": "2026-09-01",
            "active_fracture_location": "none_identified",
            "marrow_edema": "absent",
        },
    ),
    (
        "new severe pain, L1 'still relieved', tender, no MRI yet",
        "R6",
        {
            "initial_response": "ongoing_relief",
            "vas_current": 7,
            "assessment_date": "2026-09-01",
            **NO_MRI,
        },
    ),
    (
        "adjacent L2 fracture at 10 weeks in an 81-year-old",
        "R5",
        {
            "initial_response": "relief_then_recurrence",
            "recurrence_date": "2026-08-05",
            "assessment_date": "2026-08-10",
            "active_fracture_location": "adjacent_level",
            "conservative_therapy_weeks": 1,
            "patient_age": 81,
        },
    ),
    ("equivocal MRI", "R6", {"marrow_edema": "indeterminate"}),
    (
        "no edema on day 17 with no other sign (MRI to be checked)",
        "R6",
        {"marrow_edema": "absent", "active_fracture_location": "none_identified"},
    ),
    (
        "quiet MRI at day 60",
        "R7",
        {
            "marrow_edema": "absent",
            "active_fracture_location": "none_identified",
            "assessment_date": "2026-07-31",
        },
    ),
    ("recurrence 20 days ago with a cleft", "R9", RECENT_RECURRENCE),
    (
        "bed-bound recurrence 20 days ago with a cleft",
        "R23",
        {**RECENT_RECURRENCE, "mobility": "bed_bound"},
    ),
    (
        "recurrence 20 days ago, opioids failed",
        "R23",
        {**RECENT_RECURRENCE, "opioid_failure": True},
    ),
    ("recurrence 20 days ago, no analgesic yet", "R9", {**RECENT_RECURRENCE, "analgesics": "none"}),
    (
        "recurrence after 8 weeks of therapy with a new cleft",
        "R12",
        {**LATE_RECURRENCE, "cleft_sign": "present", "cleft_new_since_index": True},
    ),
    ("recurrence after 8 weeks of therapy, edema only", "R13", LATE_RECURRENCE),
    ("no relief on day 32", "R10", {"assessment_date": "2026-07-03"}),
    ("no relief on day 33", "R10", {"assessment_date": "2026-07-04"}),
    (
        "relief for 19 days, seen on day 40",
        "R10",
        {
            "initial_response": "relief_then_recurrence",
            "recurrence_date": "2026-06-20",
            "assessment_date": "2026-07-11",
            "conservative_therapy_weeks": 2,
            "vas_current": 6,
        },
    ),
    ("bed-bound on opioids at VAS 3", "R10", {"vas_current": 3, "mobility": "bed_bound"}),
    ("VAS 2 on opioids, walking", "R20", {"vas_current": 2}),
    ("VAS 2 on paracetamol", "R14", {"vas_current": 2, "analgesics": "non_opioid"}),
    ("'no relief' recorded for VAS 9 to 4", "R10", {"vas_before_index": 9, "vas_current": 4}),
    (
        "partial relief 9 to 4 on day 17",
        "R19",
        {"initial_response": "partial_relief", "vas_before_index": 9, "vas_current": 4},
    ),
    (
        "partial relief persisting on day 60",
        "R19",
        {
            "initial_response": "partial_relief",
            "assessment_date": "2026-07-31",
            "vas_before_index": 9,
            "vas_current": 5,
        },
    ),
    ("no point tenderness with an unfilled fracture", "R21", {"point_tenderness": "absent"}),
    ("MRI not possible (pacemaker)", "R22", {**NO_MRI, "mri_not_possible": True}),
    (
        "coagulopathy with an unfilled fracture",
        "R2",
        {"contraindications": ["uncorrectable_coagulopathy"]},
    ),
    (
        "all four contraindications at T10 (the spec's longest R2 headline)",
        "R2",
        {
            "treated_level": "T10",
            "contraindications": list(spec.CONTRAINDICATIONS),
            "vertebral_infection": "excluded",
        },
    ),
    (
        "coagulopathy with a quiet MRI at day 60",
        "R7",
        {
            "contraindications": ["uncorrectable_coagulopathy"],
            "marrow_edema": "absent",
            "active_fracture_location": "none_identified",
            "assessment_date": "2026-07-31",
        },
    ),
    (
        "traumatic fracture of a 35-year-old",
        "R15",
        {"fracture_etiology": "traumatic", "patient_age": 35, "bmd_t_score": None},
    ),
    ("fracture of other etiology", "R15", {"fracture_etiology": "other"}),
    (
        "unrelieved with a good fill and fluid at the interface",
        "R11",
        {"cement_fill": "adequate", "fluid_at_cement_interface": True},
    ),
    ("unrelieved with a good fill, edema only on day 17", "R11", {"cement_fill": "adequate"}),
    (
        "unrelieved with a persistent cleft",
        "R10",
        {"cement_fill": "adequate", "cleft_sign": "present", "cleft_new_since_index": False},
    ),
]


def vignette_cases() -> list[tuple[str, str, dict]]:
    return [
        (name, rule, {**VIGNETTE_BASE, "patient_ref": f"VIG-{number:02d}", **changes})
        for number, (name, rule, changes) in enumerate(VIGNETTES, start=1)
    ]


def evaluate_in_one_process(cases: list[dict]) -> list[dict]:
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    stream = "".join(json.dumps(case) + "\n" for case in cases).encode()
    process = subprocess.run(
        [str(python), "manage.py", "evaluate", "--rules-version", "2026.3", "--jsonl", "-"],
        input=stream,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ},
        timeout=300,
        check=False,
    )
    assert process.returncode == 0, process.stderr.decode()[-3000:]
    assert process.stderr == b""
    return [json.loads(line) for line in process.stdout.decode().splitlines()]


def differences(got: dict, expected: dict) -> dict:
    """The top-level fields that differ, with both values."""
    keys = list(dict.fromkeys([*expected, *got]))
    return {
        key: {"expected": expected.get(key, "<absent>"), "got": got.get(key, "<absent>")}
        for key in keys
        if got.get(key, "<absent>") != expected.get(key, "<absent>")
    }


@pytest.fixture(scope="module")
def agreement():
    vignettes = [case for _, _, case in vignette_cases()]
    randoms = random_valid_cases(RANDOM_CASES, SEED, ANCHOR)
    cases = [SPEC_EXAMPLE, *vignettes, *randoms]
    results = evaluate_in_one_process(cases)
    assert len(results) == len(cases)
    return {
        "example": results[0],
        "vignettes": results[1 : 1 + len(vignettes)],
        "random_cases": randoms,
        "random_results": results[1 + len(vignettes) :],
    }


def test_the_command_agrees_with_the_oracle_on_every_random_case(agreement):
    cases, results = agreement["random_cases"], agreement["random_results"]
    disagreements = []
    for case, result in zip(cases, results, strict=True):
        expected = oracle(case)
        if result != expected:
            disagreements.append({"case": case, "fields": differences(result, expected)})
    assert not disagreements, (
        f"{len(disagreements)} of {len(cases)} cases disagree; the first three:\n"
        + json.dumps(disagreements[:3], indent=1, ensure_ascii=False)
    )


def test_the_output_keys_are_those_of_section_6_in_order(agreement):
    keys = list(oracle(agreement["random_cases"][0]))
    assert keys == [
        "rules_version",
        "scenario",
        "recommendation",
        "headline",
        "reasons",
        "missing",
        "warnings",
        "next_steps",
        "reassess_from",
        "notes",
        "days_since_index",
        "days_since_recurrence",
        "references",
        "disclaimer",
    ]
    assert {tuple(result) for result in agreement["random_results"]} == {tuple(keys)}


def test_every_result_is_of_rules_version_2026_3(agreement):
    assert {result["rules_version"] for result in agreement["random_results"]} == {"2026.3"}


def test_the_random_cases_reach_every_rule_warning_note_next_step_and_workup_item(agreement):
    results = agreement["random_results"]
    assert len(results) >= 5000
    reached = {
        "rules": {result["reasons"][0]["rule"] for result in results},
        "warnings": {w["id"] for result in results for w in result["warnings"]},
        "notes": {n["id"] for result in results for n in result["notes"]},
        "next steps": {s["id"] for result in results for s in result["next_steps"]},
        "work-up items": {item for result in results for item in result["missing"]},
        "scenarios": {result["scenario"] for result in results},
        "recommendations": {result["recommendation"] for result in results},
    }
    expected = {
        "rules": set(spec.RULE_IDS),
        "warnings": set(spec.WARNING_IDS),
        "notes": set(spec.NOTE_IDS),
        "next steps": set(spec.NEXT_STEP_IDS),
        "work-up items": set(spec.WORKUP_IDS),
        "scenarios": {
            "no_current_pain",
            "adjacent_level_fracture",
            "non_adjacent_fracture",
            "treated_level_relieved",
            "too_early",
            "immediate_failure",
            "persistent_pain",
            "delayed_recurrence",
        },
        "recommendations": {
            "urgent_referral",
            "exclude_infection",
            "manage_infection",
            "assess_complication",
            "reassess_later",
            "refer_oncology_mdt",
            "not_indicated",
            "evaluate_new_level",
            "complete_workup",
            "continue_conservative",
            "decide_with_spine_team",
            "contraindicated",
            "repeat_indicated",
            "repeat_may_be_considered",
        },
    }
    not_reached = {kind: sorted(expected[kind] - reached[kind]) for kind in expected}
    assert not any(not_reached.values()), f"not reached: {not_reached}"
    assert "R8" not in reached["rules"]


# Every conditional part of every template (the oracle tags each as it writes it). Two parts
# cannot be reached and are left out: R9 and S10 for a patient both bed-bound and taking opioids
# (bed-bound is failed medical therapy, so R9 reaches such a patient only without analgesics).
TEMPLATE_PARTS = {
    "R1:abscess", "R1:tumour",
    "R17:first", "R17:which:active", "R17:which:signs", "R17:which:both",
    "R17:who:pain", "R17:who:opioids", "R17:new_level",
    "R16:what:recurrence:Severe pain", "R16:what:recurrence:Pain", "R16:what:recurrence_worse",
    "R16:what:ongoing", "R16:what:worse", "R16:new_level",
    "R18:new_level", "R18:findings",
    "R3:no_pain", "R3:opioid", "R3:relieved",
    "R5:no_signs", "R5:signs",
    "R9:no_analgesic", "R9:disabled:bed-bound", "R9:disabled:taking opioids",
    "R9h:Start", "R9h:Continue", "R9h:no_analgesic", "R9h:today", "R9h:days_ago",
    "R9h:no_therapy", "R9h:weeks",
    "R14:index_failure",
    "R22:findings",
    "R2:one", "R2:several",
    "R15:traumatic", "R15:other",
    "R23:kept in bed by the pain",
    "R23:on opioids that cannot be reduced or cause side effects",
    "R23:kept in bed by the pain, on opioids that cannot be reduced or cause side effects",
    "R19:early", "R19:late", "R19h:without_vas",
    "R10:fill", "R10:cleft_new", "R10:cleft_other", "R10:persistent",
    "R10:bed_bound:first", "R10:bed_bound:second",
    "R11:no_cleft", "R11:indeterminate", "R11:edema_only", "R11:signs", "R11:fluid",
    "R11:persistent", "R11:bed_bound:first", "R11:bed_bound:second",
    "R12:bed_bound:first",
    "R13:indeterminate", "R13:no_cleft", "R13:fill", "R13:bed_bound:first",
    "cleft_phrase:new", "cleft_phrase:persistent", "cleft_phrase:unknown",
    "timeline:no_relief", "timeline:partial", "timeline:partial_without_vas",
    "timeline:early_recurrence",
    "mri_findings:unclear", "mri_findings:none", "mri_findings:treated", "mri_findings:p4",
    "P1:signs", "P1:edema", "P2:edema", "P2:cleft_or_fluid",
    "P6:no_relief", "P6:partial", "P6:recurrence", "P6:opioid", "P6:tender",
    "P9:age", "P9:t_score",
    "N1:volume", "N1:target:cleft", "N1:target:fill", "N1:target:ct",
    "N2:immediate_failure", "N2:persistent_pain", "N2:delayed_recurrence", "N2:partial",
    "N2:adequate_no_cleft", "N2:no_cleft",
    "N7:early", "N8:age", "N8:t_score", "N8:prior",
    "N9:prevention", "N9:after_repeat", "N9:young",
    "N10:normal", "N10:chronic_stable_deficit",
    "N11:edema_only", "N11:second", "N11:tender",
    "N14:active infection", "N14:signs of infection",
    "N14:active infection and signs of infection",
    "S1:neoplastic", "S3:R16", "S3:R17", "S6:opioid", "S6:radiographs",
    "S7:R3", "S7:R7", "S7:p4", "S8:early", "S8:both_levels", "S9:pain_course", "S9:mri",
    "S10:trial", "S10:prolonged bed rest carries its own harm",
    "S10:prolonged opioid use carries its own harm",
    "S17:R15:traumatic", "S17:R15:other", "S17:R2:traumatic", "S17:R2:other",
    "S19:R15", "S19:R19", "S19:R21", "S19:R23",
    "S20:persistent", "S22:leak", "S23:cleft", "S23:zone",
    "S24:repeat", "S24:R16", "S24:R17", "S24:R18", "S24:N9",
}  # fmt: skip


def test_the_random_cases_reach_every_conditional_part_of_every_sentence(agreement):
    reached: set[str] = set()
    for case in agreement["random_cases"]:
        oracle(case, trace=reached)
    assert sorted(TEMPLATE_PARTS - reached) == []
    # The list above names every part the oracle can tag: nothing tagged is missing from it.
    assert sorted(reached - TEMPLATE_PARTS) == []


def test_a_new_neurological_deficit_always_gets_urgent_referral(agreement):
    with_deficit = [
        (case, result)
        for case, result in zip(agreement["random_cases"], agreement["random_results"], strict=True)
        if case["neuro_exam"] == "new_deficit"
    ]
    assert len(with_deficit) >= 100
    for case, result in with_deficit:
        assert result["recommendation"] == "urgent_referral", case
        assert [reason["rule"] for reason in result["reasons"]] == ["R1"]
        assert [step["id"] for step in result["next_steps"]] == ["S1"]
        assert result["notes"] == []


def test_red_flags_come_first_and_nothing_blocks_them(agreement):
    """Principle 1: R1, then R17, then R16 decide whenever their flag holds, whatever else is
    recorded (a contradiction, a missing work-up, a contraindication, a neoplastic fracture)."""
    rule_of_flag = {
        spec.RED_FLAG_DEFICIT: "R1",
        spec.RED_FLAG_INFECTION: "R17",
        spec.RED_FLAG_COMPLICATION: "R16",
    }
    flagged = 0
    for case, result in zip(agreement["random_cases"], agreement["random_results"], strict=True):
        lines = spec.red_flag_lines(case)
        rule = result["reasons"][0]["rule"]
        if lines:
            flagged += 1
            assert rule == rule_of_flag[lines[0]], case
        else:
            assert rule not in ("R1", "R17", "R16"), case
    assert flagged >= 1000


def test_every_headline_fits_a_cds_card_summary(agreement):
    lengths = [len(result["headline"]) for result in agreement["random_results"]]
    assert max(lengths) <= 140


def test_the_spec_example_of_section_6(agreement):
    """§6 shows this output (sentences elided); the case above is one it can come from. The
    example lists N5 only among the notes, but N9 is shown beside every R9 decision (§5) and
    N16 beside N5 for a traumatic fracture: the notes are checked against §5, not the excerpt."""
    result = agreement["example"]
    assert result == oracle(SPEC_EXAMPLE)
    assert result["rules_version"] == "2026.3"
    assert result["scenario"] == "delayed_recurrence"
    assert result["recommendation"] == "continue_conservative"
    assert result["headline"] == (
        "Continue conservative therapy before any repeat vertebroplasty at L1: the pain returned "
        "only 20 days ago; reassess from 28 Jul 2026."
    )
    assert [(r["rule"], r["refs"]) for r in result["reasons"]] == [("R9", [4])]
    assert result["missing"] == []
    assert result["warnings"] == []
    assert [(s["id"], s["refs"]) for s in result["next_steps"]] == [("S10", [])]
    assert result["reassess_from"] == "2026-07-28"
    assert ("N5", [3]) in [(n["id"], n["refs"]) for n in result["notes"]]
    assert result["days_since_index"] == 400
    assert result["days_since_recurrence"] == 20
    assert [r["id"] for r in result["references"]] == [3, 4]
    assert result["disclaimer"] == (
        "Decision support for clinicians; it does not replace clinical judgement."
    )


def test_the_longest_r2_headline_is_117_characters_as_the_spec_says(agreement):
    (number,) = [
        n for n, v in enumerate(VIGNETTES) if v[0].startswith("all four contraindications")
    ]
    headline = agreement["vignettes"][number]["headline"]
    assert headline == (
        "Repeat vertebroplasty at T10 is contraindicated: active infection, coagulopathy, cement "
        "allergy and canal compromise."
    )
    assert len(headline) == 117


@pytest.mark.parametrize("number", range(len(VIGNETTES)), ids=[v[0] for v in VIGNETTES])
def test_each_clinical_vignette_gets_the_expected_rule_and_agrees_with_the_oracle(
    agreement, number
):
    name, rule, case = vignette_cases()[number]
    result = agreement["vignettes"][number]
    assert result["reasons"][0]["rule"] == rule, name
    assert differences(result, oracle(case)) == {}, name
