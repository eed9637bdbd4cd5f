"""`evaluate --jsonl -` agrees with an independent reading of the spec (tests/rules/spec_oracle.py)
on thousands of random valid cases and on named clinical vignettes, all in one process."""

import json
import os
import random
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.rules.spec_oracle import oracle
from vertebro_rules import vocabulary

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
RANDOM_CASES = 4000
SEED = 20261

# A margin below the command's own today (its time zone may be ahead of this machine's).
ANCHOR = date.today() - timedelta(days=2)

# The base of every vignette: a 72-year-old woman, L1 treated on 2026-06-01, seen 2026-06-18
# without relief; MRI shows edema without a cleft; the index fill was inadequate.
VIGNETTE_BASE = json.loads(
    """
{
  "patient_ref": "VIG-BASE", "patient_age": 72, "sex": "female", "treated_level": "L1",
  "index_procedure_date": "2026-06-01", "index_cement_volume_ml": 3.8,
  "fracture_etiology": "osteoporotic", "bmd_t_score": -2.1, "prior_vertebral_fractures": 0,
  "assessment_date": "2026-06-18", "initial_response": "no_relief", "recurrence_date": null,
  "vas_before_index": 8, "vas_current": 8, "conservative_therapy_weeks": 2,
  "mobility": "limited", "analgesics": "opioid", "mri_performed": true,
  "active_fracture_location": "treated_level", "cleft_sign": "absent",
  "cleft_new_since_index": null, "marrow_edema": "present", "fluid_at_cement_interface": false,
  "cement_fill": "inadequate", "prior_cement_leakage": false, "point_tenderness": "present",
  "neuro_exam": "normal", "contraindications": []
}
"""
)

# name, the rule a clinician expects, and what differs from the base.
VIGNETTES = json.loads(
    """
[
  ["new foot drop after the index procedure", "R1",
   {"neuro_exam": "new_deficit"}],
  ["discitis at the treated level", "R2",
   {"contraindications": ["active_infection", "canal_compromise"]}],
  ["pain-free at follow-up", "R3",
   {"initial_response": "ongoing_relief", "vas_current": 0, "assessment_date": "2026-09-01",
    "active_fracture_location": "none_identified", "marrow_edema": "absent"}],
  ["still relieved at L1, VAS 7 from another source", "R3",
   {"initial_response": "ongoing_relief", "vas_current": 7, "assessment_date": "2026-09-01",
    "active_fracture_location": "none_identified", "marrow_edema": "absent"}],
  ["seen on day 3 still in pain", "R4",
   {"assessment_date": "2026-06-04"}],
  ["pain back on day 1, seen on day 3", "R4",
   {"initial_response": "relief_then_recurrence", "recurrence_date": "2026-06-02",
    "assessment_date": "2026-06-04", "conservative_therapy_weeks": 0}],
  ["adjacent L2 fracture at 10 weeks", "R5",
   {"initial_response": "relief_then_recurrence", "recurrence_date": "2026-08-05",
    "assessment_date": "2026-08-10", "active_fracture_location": "adjacent_level",
    "conservative_therapy_weeks": 1, "patient_age": 81}],
  ["non-adjacent T8 fracture, L1 quiet", "R5",
   {"active_fracture_location": "non_adjacent_level", "assessment_date": "2026-11-01",
    "marrow_edema": "absent"}],
  ["recurrence, no MRI yet, tenderness not examined", "R6",
   {"initial_response": "relief_then_recurrence", "recurrence_date": "2026-09-01",
    "assessment_date": "2026-09-20", "mri_performed": false, "active_fracture_location": null,
    "cleft_sign": null, "marrow_edema": null, "point_tenderness": "not_examined",
    "cement_fill": "not_assessed"}],
  ["equivocal MRI", "R6",
   {"marrow_edema": "indeterminate", "cleft_sign": "absent"}],
  ["quiet MRI, pain elsewhere", "R7",
   {"marrow_edema": "absent", "cleft_sign": "absent", "active_fracture_location": "none_identified"}],
  ["no point tenderness", "R8",
   {"point_tenderness": "absent", "cement_fill": "adequate"}],
  ["recurrence after 5 weeks of therapy", "R9",
   {"initial_response": "relief_then_recurrence", "recurrence_date": "2026-09-01",
    "assessment_date": "2026-10-10", "conservative_therapy_weeks": 5, "cleft_sign": "present"}],
  ["recurrence 10 days old with a cleft", "R9",
   {"initial_response": "relief_then_recurrence", "recurrence_date": "2026-09-01",
    "assessment_date": "2026-09-11", "conservative_therapy_weeks": 2, "cleft_sign": "present"}],
  ["unrelieved at day 32 with poor fill", "R10",
   {"assessment_date": "2026-07-03", "bmd_t_score": -3.4, "prior_vertebral_fractures": 3}],
  ["pain back on day 10, seen on day 17 with a persistent cleft", "R10",
   {"initial_response": "relief_then_recurrence", "recurrence_date": "2026-06-11",
    "conservative_therapy_weeks": 1, "cement_fill": "adequate", "cleft_sign": "present"}],
  ["unrelieved at day 4 with good fill", "R11",
   {"assessment_date": "2026-06-05", "cement_fill": "adequate", "neuro_exam": "chronic_stable_deficit"}],
  ["recurrence with a new cleft", "R12",
   {"initial_response": "relief_then_recurrence", "recurrence_date": "2026-09-01",
    "assessment_date": "2026-11-20", "conservative_therapy_weeks": 7, "cleft_sign": "present",
    "cleft_new_since_index": true, "cement_fill": "adequate"}],
  ["persistent pain at day 33, edema and fluid, 6 weeks of therapy", "R13",
   {"assessment_date": "2026-07-04", "conservative_therapy_weeks": 6,
    "fluid_at_cement_interface": true, "index_cement_volume_ml": null}],
  ["persistent pain at day 33 with too little therapy", "R9",
   {"assessment_date": "2026-07-04", "conservative_therapy_weeks": 5}],
  ["VAS 1 with a cleft at day 17", "R14",
   {"vas_current": 1, "cleft_sign": "present"}],
  ["recurrence with a new cleft in a neoplastic fracture", "R15",
   {"initial_response": "relief_then_recurrence", "recurrence_date": "2026-09-01",
    "assessment_date": "2026-11-20", "conservative_therapy_weeks": 7, "cleft_sign": "present",
    "cleft_new_since_index": true, "cement_fill": "adequate", "fracture_etiology": "neoplastic"}],
  ["traumatic fracture of a 35-year-old, unrelieved with poor fill", "R15",
   {"fracture_etiology": "traumatic", "patient_age": 35, "bmd_t_score": null}]
]
"""
)


def vignette_cases() -> list[tuple[str, str, dict]]:
    return [
        (name, rule, {**VIGNETTE_BASE, "patient_ref": f"VIG-{number:02d}", **changes})
        for number, (name, rule, changes) in enumerate(VIGNETTES, start=1)
    ]


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def edge_or_any(rng: random.Random, edges: list, low: int, high: int) -> int:
    return rng.choice(edges) if rng.random() < 0.5 else rng.randint(low, high)


def random_valid_case(rng: random.Random) -> dict:
    """A valid case in the JSON form, drawn field by field with the spec's cut-offs often."""
    days_back = edge_or_any(rng, [0, 1, 3, 4, 5, 31, 32, 33, 34, 75, 200], 0, 15000)
    index_date = ANCHOR - timedelta(days=days_back)
    days = edge_or_any(rng, [0, 1, 3, 4, 32, 33, 60, 74, 75], 0, days_back)
    days = min(days, days_back)
    assessment_date = index_date + timedelta(days=days)
    response = weighted(rng, {"no_relief": 5, "relief_then_recurrence": 5, "ongoing_relief": 1})
    recurrence_date = None
    weeks = edge_or_any(rng, [0, 5, 6, 520], 0, 520)
    if response == "relief_then_recurrence":
        if days == 0:
            response = rng.choice(["no_relief", "ongoing_relief"])
        else:
            # The day the pain returned: often beside the 32 days of an early recurrence
            # and the 42 days of R9.
            days_to = edge_or_any(rng, [1, 31, 32, 33, days - 42, days - 41, days], 1, days)
            days_to = min(max(days_to, 1), days)
            recurrence_date = index_date + timedelta(days=days_to)
            # §1: no more weeks of therapy than weeks since the pain returned (rounded up).
            limit = min((days - days_to + 6) // 7, 520)
            weeks = rng.choice([limit, min(weeks, limit), rng.randint(0, limit)])
    case = {
        "patient_ref": f"RND-{rng.randint(0, 10**9)}",
        "patient_age": edge_or_any(rng, [18, 74, 75, 120], 18, 120),
        "sex": rng.choice([None, *vocabulary.Sex.values]),
        "treated_level": rng.choice(vocabulary.VertebralLevel.values),
        "index_procedure_date": index_date.isoformat(),
        "index_cement_volume_ml": rng.choice([None, 0.5, 20.0, rng.randint(5, 200) / 10]),
        "fracture_etiology": weighted(
            rng, {"osteoporotic": 6, "neoplastic": 1, "traumatic": 1, "other": 1}
        ),
        "bmd_t_score": rng.choice([None, -7.0, -2.6, -2.5, -2.4, 4.0, rng.randint(-70, 40) / 10]),
        "prior_vertebral_fractures": edge_or_any(rng, [0, 1, 2, 25], 0, 25),
        "assessment_date": assessment_date.isoformat(),
        "initial_response": response,
        "recurrence_date": recurrence_date and recurrence_date.isoformat(),
        "vas_before_index": rng.choice([None, rng.randint(0, 10)]),
        "vas_current": rng.choice([0, 1, 3, 4, 10]) if rng.random() < 0.3 else rng.randint(1, 10),
        "conservative_therapy_weeks": weeks,
        "mobility": rng.choice([None, *vocabulary.Mobility.values]),
        "analgesics": rng.choice([None, *vocabulary.Analgesics.values]),
        "mri_performed": rng.random() < 0.85,
        "cement_fill": weighted(rng, {"adequate": 4, "inadequate": 4, "not_assessed": 1}),
        "prior_cement_leakage": rng.choice([None, True, False]),
        "point_tenderness": weighted(rng, {"present": 8, "absent": 1, "not_examined": 1}),
        "neuro_exam": weighted(
            rng,
            {"normal": 6, "chronic_stable_deficit": 3, "new_deficit": 1, "not_documented": 1},
        ),
        "contraindications": rng.sample(
            vocabulary.Contraindication.values, weighted(rng, {0: 20, 1: 2, 2: 1, 4: 1})
        ),
    }
    if case["mri_performed"]:
        location = weighted(
            rng,
            {
                "treated_level": 8,
                "none_identified": 1,
                "adjacent_level": 1,
                "non_adjacent_level": 1,
            },
        )
        if response == "ongoing_relief" and location == "treated_level":
            location = rng.choice(["none_identified", "adjacent_level", "non_adjacent_level"])
        findings = {"present": 4, "absent": 4, "indeterminate": 1}
        edema = weighted(rng, findings)
        cleft = weighted(rng, findings)
        fluid = rng.random() < 0.25
        if location == "none_identified":
            # §1: no positive sign of activity beside "no active fracture identified".
            edema = edema if edema != "present" else rng.choice(["absent", "indeterminate"])
            cleft = cleft if cleft != "present" else rng.choice(["absent", "indeterminate"])
            fluid = False
        if location == "treated_level" and edema == cleft == "absent" and not fluid:
            # §1: an active fracture at the treated level shows at least one sign.
            edema = rng.choice(["present", "indeterminate"])
        case.update(
            active_fracture_location=location,
            marrow_edema=edema,
            cleft_sign=cleft,
            cleft_new_since_index=rng.choice([None, True, False]),
            fluid_at_cement_interface=fluid,
        )
    else:
        case["fluid_at_cement_interface"] = rng.choice([None, False])
    # Optional fields may also be left out altogether.
    for name in ("sex", "vas_before_index", "mobility", "contraindications"):
        if rng.random() < 0.1:
            del case[name]
    return case


def random_valid_cases(count: int) -> list[dict]:
    rng = random.Random(SEED)
    return [random_valid_case(rng) for _ in range(count)]


def evaluate_in_one_process(cases: list[dict]) -> list[dict]:
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    stream = "".join(json.dumps(case) + "\n" for case in cases).encode()
    process = subprocess.run(
        [str(python), "manage.py", "evaluate", "--jsonl", "--rules-version", "2026.2", "-"],
        input=stream,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ},
        timeout=120,
        check=False,
    )
    assert process.returncode == 0, process.stderr.decode()[-2000:]
    assert process.stderr == b""
    return [json.loads(line) for line in process.stdout.decode().splitlines()]


WOULD_APPLY = re.compile(r"For an osteoporotic fracture, (R1[0-3]) would apply: ")


def compared(result: dict) -> dict:
    """The command's output in the oracle's terms (ids, references and day counts)."""
    (reason,) = result["reasons"]
    would_apply = WOULD_APPLY.search(reason["text"])
    return {
        "scenario": result["scenario"],
        "recommendation": result["recommendation"],
        "rule": reason["rule"],
        "rule_refs": reason["refs"],
        "would_apply": would_apply and would_apply.group(1),
        "missing": result["missing"],
        "notes": [note["id"] for note in result["notes"]],
        "note_refs": {note["id"]: note["refs"] for note in result["notes"]},
        "references": [reference["id"] for reference in result["references"]],
        "days_since_index": result["days_since_index"],
        "days_since_recurrence": result["days_since_recurrence"],
    }


@pytest.fixture(scope="module")
def agreement():
    vignettes = vignette_cases()
    cases = [case for _, _, case in vignettes] + random_valid_cases(RANDOM_CASES)
    results = evaluate_in_one_process(cases)
    assert len(results) == len(cases)
    return vignettes, cases, results


def test_the_command_agrees_with_the_oracle_on_every_random_case(agreement):
    vignettes, cases, results = agreement
    disagreements = [
        (case, compared(result), oracle(case))
        for case, result in zip(cases[len(vignettes) :], results[len(vignettes) :], strict=True)
        if compared(result) != oracle(case)
    ]
    assert disagreements == [], f"{len(disagreements)} disagreements; first: {disagreements[0]}"


def test_every_result_is_of_rules_version_2026_2(agreement):
    _, _, results = agreement
    assert {result["rules_version"] for result in results} == {"2026.2"}


def test_the_random_cases_reach_every_scenario_rule_and_note(agreement):
    vignettes, _, results = agreement
    randoms = [compared(result) for result in results[len(vignettes) :]]
    assert len(randoms) >= 3000
    assert {r["scenario"] for r in randoms} == set(vocabulary.Scenario.values)
    assert {r["rule"] for r in randoms} == {f"R{n}" for n in range(1, 16)}
    assert {r["would_apply"] for r in randoms} == {None, "R10", "R11", "R12", "R13"}
    assert {note for r in randoms for note in r["notes"]} == {f"N{n}" for n in range(1, 12)}
    assert {item for r in randoms for item in r["missing"]} == set(vocabulary.WorkupItem.values)


@pytest.mark.parametrize("number", range(len(VIGNETTES)), ids=[v[0] for v in VIGNETTES])
def test_each_clinical_vignette_gets_the_expected_rule_and_agrees_with_the_oracle(
    agreement, number
):
    vignettes, _, results = agreement
    name, rule, case = vignettes[number]
    result = compared(results[number])
    assert result == oracle(case), name
    assert result["rule"] == rule, name
