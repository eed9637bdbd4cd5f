"""`manage.py evaluate --rules-version 2026.3` on what spec §1 refuses, and on red flags.

Every refusal of §1 (one case each): exit status 2, nothing on standard output, the refused
field named on standard error (with the scope message where §1 words one). A refused case that
records a red flag still says so, first, in the lines of §8. What 2026.2 refused as a clinical
contradiction is accepted, with its warning. And whatever else is recorded, a valid case with a
new neurological deficit gets urgent referral (R1): a Hypothesis property.
"""

import io
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.rules import spec_oracle_2026_3 as spec
from tests.rules.random_cases_2026_3 import mutated_cases, random_valid_case

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
ANCHOR = date.today() - timedelta(days=2)
SEED = 20263
FUTURE = (date.today() + timedelta(days=30)).isoformat()

# A valid case: L1 treated on 2026-06-01, no relief on day 17, MRI with edema, inadequate fill.
BASE = {
    "patient_ref": "REF-BASE",
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
# Pain back on day 7 at VAS 5 (not severe: no red flag).
RECURRENCE = {
    "initial_response": "relief_then_recurrence",
    "recurrence_date": "2026-06-08",
    "conservative_therapy_weeks": 1,
    "vas_current": 5,
}
NO_MRI = {
    "mri_performed": False,
    "active_fracture_location": None,
    "cleft_sign": None,
    "marrow_edema": None,
    "fluid_at_cement_interface": False,
}
ABSENT = object()

AGE_SCOPE = (
    "Vertebro covers adults (18 years and over): the evidence it rests on comes from adults. "
    "For a younger patient, decide with a paediatric spine team."
)
CERVICAL_SCOPE = "Vertebro covers T1 to L5: cervical vertebroplasty is outside its scope."
SACRAL_SCOPE = "Vertebro covers T1 to L5: sacroplasty is outside its scope."
LEVEL_CHOICES = (
    "Choose one of: T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, L1, L2, L3, L4, L5."
)

# name, the changes to BASE (ABSENT removes a key), the field named, words the message holds.
REFUSALS = [
    # 1. a value outside its type or range, and the scope refusals
    ("patient_ref empty", {"patient_ref": ""}, "patient_ref", None),
    ("patient_ref of 65 characters", {"patient_ref": "X" * 65}, "patient_ref", None),
    ("patient_ref not printable", {"patient_ref": "AB\u0007C"}, "patient_ref", None),
    ("patient_age 17 (scope)", {"patient_age": 17}, "patient_age", AGE_SCOPE),
    ("patient_age 0 (scope)", {"patient_age": 0}, "patient_age", AGE_SCOPE),
    ("patient_age 121", {"patient_age": 121}, "patient_age", "Enter an age from 18 to 120."),
    ("patient_age not a number", {"patient_age": "seventy"}, "patient_age", None),
    ("sex unknown value", {"sex": "f"}, "sex", None),
    ("treated_level C5 (scope)", {"treated_level": "C5"}, "treated_level", CERVICAL_SCOPE),
    ("treated_level C1 (scope)", {"treated_level": "C1"}, "treated_level", CERVICAL_SCOPE),
    ("treated_level S1 (scope)", {"treated_level": "S1"}, "treated_level", SACRAL_SCOPE),
    ("treated_level S5 (scope)", {"treated_level": "S5"}, "treated_level", SACRAL_SCOPE),
    ("treated_level L6", {"treated_level": "L6"}, "treated_level", LEVEL_CHOICES),
    ("index_procedure_date not a date", {"index_procedure_date": "2026-02-30"},
     "index_procedure_date", None),
    ("index_cement_volume_ml 0.4", {"index_cement_volume_ml": 0.4}, "index_cement_volume_ml",
     None),
    ("index_cement_volume_ml 20.1", {"index_cement_volume_ml": 20.1}, "index_cement_volume_ml",
     None),
    ("fracture_etiology unknown", {"fracture_etiology": "pathological"}, "fracture_etiology",
     None),
    ("bmd_t_score -7.1", {"bmd_t_score": -7.1}, "bmd_t_score", None),
    ("bmd_t_score +4.1", {"bmd_t_score": 4.1}, "bmd_t_score", None),
    ("prior_vertebral_fractures 26", {"prior_vertebral_fractures": 26},
     "prior_vertebral_fractures", None),
    ("prior_vertebral_fractures -1", {"prior_vertebral_fractures": -1},
     "prior_vertebral_fractures", None),
    ("initial_response unknown", {"initial_response": "better"}, "initial_response", None),
    ("vas_before_index 11", {"vas_before_index": 11}, "vas_before_index", None),
    ("vas_current 11", {"vas_current": 11}, "vas_current", None),
    ("vas_current -1", {"vas_current": -1}, "vas_current", None),
    (
        "conservative_therapy_weeks 521",
        {**RECURRENCE, "index_procedure_date": "1990-01-01", "recurrence_date": "1990-02-01",
         "conservative_therapy_weeks": 521},
        "conservative_therapy_weeks",
        None,
    ),
    ("mobility unknown", {"mobility": "walking"}, "mobility", None),
    ("analgesics unknown", {"analgesics": "morphine"}, "analgesics", None),
    ("active_fracture_location unknown", {"active_fracture_location": "L2"},
     "active_fracture_location", None),
    ("cleft_sign unknown", {"cleft_sign": "maybe"}, "cleft_sign", None),
    ("marrow_edema unknown", {"marrow_edema": "maybe"}, "marrow_edema", None),
    ("cement_fill unknown", {"cement_fill": "good"}, "cement_fill", None),
    ("point_tenderness unknown", {"point_tenderness": "yes"}, "point_tenderness", None),
    ("neuro_exam unknown", {"neuro_exam": "abnormal"}, "neuro_exam", None),
    ("infection_signs not a boolean", {"infection_signs": "perhaps"}, "infection_signs", None),
    ("vertebral_infection unknown", {"vertebral_infection": "suspected"}, "vertebral_infection",
     None),
    ("complication_assessed not a boolean", {"complication_assessed": "perhaps"},
     "complication_assessed", None),
    ("contraindications unknown", {"contraindications": ["pregnancy"]}, "contraindications",
     None),
    # 2. dates
    ("index_procedure_date in the future", {"index_procedure_date": FUTURE,
                                            "assessment_date": FUTURE},
     "index_procedure_date", None),
    ("index_procedure_date before 1985", {"index_procedure_date": "1984-12-31"},
     "index_procedure_date", None),
    ("assessment_date in the future", {"assessment_date": FUTURE}, "assessment_date", None),
    ("assessment_date before the index procedure", {"assessment_date": "2026-05-31"},
     "assessment_date", None),
    ("recurrence_date on the index date", {**RECURRENCE, "recurrence_date": "2026-06-01"},
     "recurrence_date", None),
    ("recurrence_date after the assessment", {**RECURRENCE, "recurrence_date": "2026-06-19"},
     "recurrence_date", None),
    # 3. a field that cannot apply
    ("recurrence_date without a recurrence", {"recurrence_date": "2026-06-08"},
     "recurrence_date", None),
    ("an MRI finding without MRI (location)", {**NO_MRI, "active_fracture_location":
                                               "treated_level"},
     "active_fracture_location", None),
    ("an MRI finding without MRI (cleft)", {**NO_MRI, "cleft_sign": "absent"}, "cleft_sign",
     None),
    ("an MRI finding without MRI (edema)", {**NO_MRI, "marrow_edema": "present"},
     "marrow_edema", None),
    ("fluid without MRI", {**NO_MRI, "fluid_at_cement_interface": True},
     "fluid_at_cement_interface", None),
    ("mri_not_possible with an MRI performed", {"mri_not_possible": True}, "mri_not_possible",
     None),
    ("cleft_new_since_index without a cleft", {"cleft_new_since_index": True},
     "cleft_new_since_index", None),
    ("cleft_new_since_index with an indeterminate cleft",
     {"cleft_sign": "indeterminate", "cleft_new_since_index": False},
     "cleft_new_since_index", None),
    ("opioid_failure without opioids", {"analgesics": "non_opioid", "opioid_failure": True},
     "opioid_failure", None),
    # 4. a required answer missing
    ("patient_ref missing", {"patient_ref": ABSENT}, "patient_ref", None),
    ("patient_age missing", {"patient_age": ABSENT}, "patient_age", None),
    ("treated_level missing", {"treated_level": ABSENT}, "treated_level", None),
    ("index_procedure_date missing", {"index_procedure_date": ABSENT}, "index_procedure_date",
     None),
    ("fracture_etiology missing", {"fracture_etiology": ABSENT}, "fracture_etiology", None),
    ("prior_vertebral_fractures missing", {"prior_vertebral_fractures": ABSENT},
     "prior_vertebral_fractures", None),
    ("assessment_date missing", {"assessment_date": ABSENT}, "assessment_date", None),
    ("initial_response missing", {"initial_response": ABSENT}, "initial_response", None),
    ("vas_current missing", {"vas_current": ABSENT}, "vas_current", None),
    ("mri_performed missing", {"mri_performed": ABSENT}, "mri_performed", None),
    ("cement_fill missing", {"cement_fill": ABSENT}, "cement_fill", None),
    ("point_tenderness missing", {"point_tenderness": ABSENT}, "point_tenderness", None),
    ("neuro_exam missing", {"neuro_exam": ABSENT}, "neuro_exam", None),
    ("recurrence_date missing with a recurrence", {**RECURRENCE, "recurrence_date": ABSENT},
     "recurrence_date", None),
    ("conservative_therapy_weeks missing with a recurrence",
     {**RECURRENCE, "conservative_therapy_weeks": ABSENT}, "conservative_therapy_weeks", None),
    ("active_fracture_location missing with an MRI", {"active_fracture_location": ABSENT},
     "active_fracture_location", None),
    ("cleft_sign missing with an MRI", {"cleft_sign": None}, "cleft_sign", None),
    ("marrow_edema missing with an MRI", {"marrow_edema": ABSENT}, "marrow_edema", None),
    # 5. more weeks of therapy than weeks since the pain returned: 10 days allow 2 weeks
    ("conservative_therapy_weeks above the weeks since the recurrence",
     {**RECURRENCE, "conservative_therapy_weeks": 3}, "conservative_therapy_weeks", "2"),
    # 6. two decimals, a contraindication twice, an unknown key
    ("index_cement_volume_ml with two decimals", {"index_cement_volume_ml": 4.25},
     "index_cement_volume_ml", None),
    ("bmd_t_score with two decimals", {"bmd_t_score": -2.55}, "bmd_t_score", None),
    ("a contraindication listed twice", {"contraindications": ["cement_allergy",
                                                               "cement_allergy"]},
     "contraindications", None),
    ("the retired complication_excluded", {"complication_excluded": True},
     "complication_excluded", None),
    ("an unknown key", {"weight_kg": 60}, "weight_kg", None),
]  # fmt: skip


def case_with(changes: dict, base: dict = BASE) -> dict:
    case = {**base, **changes}
    return {name: value for name, value in case.items() if value is not ABSENT}


def run_evaluate(document, tmp_path) -> tuple[int, str, str]:
    """The command in this process on one JSON document: (exit status, stdout, stderr)."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(document))
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("evaluate", str(path), "--rules-version", "2026.3", stdout=out, stderr=err)
    except CommandError as error:
        status = error.returncode
    return status, out.getvalue(), err.getvalue()


def test_the_base_case_is_valid(tmp_path):
    status, out, err = run_evaluate(BASE, tmp_path)
    assert (status, err) == (0, "")
    assert json.loads(out) == spec.oracle(BASE)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [refusal[1:] for refusal in REFUSALS],
    ids=[refusal[0] for refusal in REFUSALS],
)
def test_each_refusal_exits_2_prints_nothing_and_names_the_field(tmp_path, changes, field, words):
    status, out, err = run_evaluate(case_with(changes), tmp_path)
    assert status == 2
    assert out == ""
    assert field in err
    field_lines = [line for line in err.splitlines() if field in line]
    if words is not None:
        assert any(words in line for line in field_lines), err
    assert not err.startswith("RED FLAG")


def test_the_weeks_refusal_names_the_recurrence_date(tmp_path):
    status, _, err = run_evaluate(
        case_with({**RECURRENCE, "conservative_therapy_weeks": 3}), tmp_path
    )
    assert status == 2
    (line,) = [line for line in err.splitlines() if "conservative_therapy_weeks" in line]
    assert "8 Jun 2026" in line or "2026-06-08" in line


# §8: a refused case that records a red flag still says so, before the field messages.
RED_FLAG_CASES = [
    ("new deficit", {"neuro_exam": "new_deficit"}),
    ("infection with pain", {"infection_signs": True}),
    ("active infection of the vertebra", {"vertebral_infection": "active"}),
    ("pain worse than before on day 17", {"vas_before_index": 5}),
    ("severe pain back on day 7", {**RECURRENCE, "vas_current": 9}),
    ("all three", {"neuro_exam": "new_deficit", "infection_signs": True, "vas_before_index": 4}),
    ("deficit and infection", {"neuro_exam": "new_deficit", "vertebral_infection": "active"}),
]
# Refused answers that no red flag reads.
UNRELATED_REFUSALS = [
    ("patient_ref", {"patient_ref": ""}),
    ("index_cement_volume_ml", {"index_cement_volume_ml": 4.25}),
    ("treated_level", {"treated_level": "C5"}),
    ("contraindications", {"contraindications": ["cement_allergy", "cement_allergy"]}),
]


@pytest.mark.parametrize(
    ("flags"), [c[1] for c in RED_FLAG_CASES], ids=[c[0] for c in RED_FLAG_CASES]
)
@pytest.mark.parametrize(
    ("refused_field", "refusal"),
    UNRELATED_REFUSALS,
    ids=[r[0] for r in UNRELATED_REFUSALS],
)
def test_a_refused_case_with_a_red_flag_says_so_first(tmp_path, flags, refused_field, refusal):
    expected_lines = spec.red_flag_lines(case_with(flags))
    assert expected_lines, "each of these cases records a red flag"
    status, out, err = run_evaluate(case_with({**flags, **refusal}), tmp_path)
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines[: len(expected_lines)] == expected_lines
    assert refused_field in "\n".join(lines[len(expected_lines) :])


def test_all_three_red_flag_lines_in_the_order_of_section_8(tmp_path):
    flags = {"neuro_exam": "new_deficit", "infection_signs": True, "vas_before_index": 4}
    status, out, err = run_evaluate(case_with({**flags, "patient_ref": ""}), tmp_path)
    assert (status, out) == (2, "")
    assert err.splitlines()[:3] == [
        spec.RED_FLAG_DEFICIT,
        spec.RED_FLAG_INFECTION,
        spec.RED_FLAG_COMPLICATION,
    ]


def test_a_refused_recurrence_date_does_not_hide_severe_pain_back_in_the_first_weeks(tmp_path):
    """The complication flag reads the course of pain, the score and the days since the index
    procedure, not the recurrence date: with that date refused, the red flag still shows."""
    case = case_with({**RECURRENCE, "vas_current": 9, "recurrence_date": "2026-06-19"})
    status, out, err = run_evaluate(case, tmp_path)
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines[0] == spec.RED_FLAG_COMPLICATION
    assert lines[1].startswith("recurrence_date")


def test_a_refused_case_without_a_red_flag_has_no_red_flag_line(tmp_path):
    status, _, err = run_evaluate(case_with({"patient_ref": ""}), tmp_path)
    assert status == 2
    assert "RED FLAG" not in err


def test_a_refused_answer_is_not_read_for_a_red_flag(tmp_path):
    """§8: an answer that is itself refused is not read (here the infection signs)."""
    case = case_with({"infection_signs": "perhaps", "patient_ref": ""})
    status, _, err = run_evaluate(case, tmp_path)
    assert status == 2
    assert "RED FLAG" not in err
    assert "infection_signs" in err


def test_a_valid_case_with_a_red_flag_writes_nothing_on_standard_error(tmp_path):
    flags = {"neuro_exam": "new_deficit", "infection_signs": True, "vas_before_index": 4}
    status, out, err = run_evaluate(case_with(flags), tmp_path)
    assert (status, err) == (0, "")
    assert json.loads(out)["recommendation"] == "urgent_referral"


def test_the_command_itself_exits_2_with_the_red_flag_lines_first(tmp_path):
    """The same through a separate process: the exit status is the process's own."""
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    case = case_with({"neuro_exam": "new_deficit", "treated_level": "S1"})
    process = subprocess.run(
        [str(python), "manage.py", "evaluate", "--rules-version", "2026.3", "-"],
        input=json.dumps(case).encode(),
        capture_output=True,
        cwd=ROOT,
        env={**os.environ},
        timeout=120,
        check=False,
    )
    assert process.returncode == 2
    assert process.stdout == b""
    lines = process.stderr.decode().splitlines()
    assert lines[0] == spec.RED_FLAG_DEFICIT
    assert any("treated_level" in line and SACRAL_SCOPE in line for line in lines[1:])


# What 2026.2 refused as a clinical contradiction is accepted in 2026.3, with a warning.
FORMERLY_REFUSED = [
    ("ongoing relief with the active fracture at the treated level", "P1", "pain_course",
     {"initial_response": "ongoing_relief"}),
    ("no active fracture identified with edema present", "P2", "mri_findings",
     {"active_fracture_location": "none_identified"}),
    ("the treated level with every sign negative", "P3", "mri_findings",
     {"marrow_edema": "absent"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("warning", "item", "changes"),
    [c[1:] for c in FORMERLY_REFUSED],
    ids=[c[0] for c in FORMERLY_REFUSED],
)
def test_a_former_contradiction_refusal_is_accepted_with_its_warning(
    tmp_path, warning, item, changes
):
    status, out, err = run_evaluate(case_with(changes), tmp_path)
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert warning in [w["id"] for w in result["warnings"]]
    assert result["reasons"][0]["rule"] == "R6"
    assert item in result["missing"]
    with_deficit = json.loads(
        run_evaluate(case_with({**changes, "neuro_exam": "new_deficit"}), tmp_path)[1]
    )
    assert with_deficit["recommendation"] == "urgent_referral"
    assert warning in [w["id"] for w in with_deficit["warnings"]]


@st.composite
def cases_with_a_new_deficit(draw):
    """Any valid case, with a new deficit and whatever the other red flags read."""
    case = random_valid_case(draw(st.randoms(use_true_random=False)), ANCHOR)
    case["neuro_exam"] = "new_deficit"
    case["infection_signs"] = draw(st.booleans())
    case["vertebral_infection"] = draw(
        st.sampled_from(["not_assessed", "excluded", "active", "resolved"])
    )
    case["complication_assessed"] = draw(st.booleans())
    case["fracture_etiology"] = draw(
        st.sampled_from(["osteoporotic", "neoplastic", "traumatic", "other"])
    )
    case["contraindications"] = draw(st.lists(st.sampled_from(spec.CONTRAINDICATIONS), unique=True))
    case["vas_current"] = draw(st.integers(0, 10))
    return case


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=cases_with_a_new_deficit())
def test_every_valid_case_with_a_new_deficit_gets_urgent_referral(tmp_path, case):
    status, out, err = run_evaluate(case, tmp_path)
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert result["recommendation"] == "urgent_referral"
    assert result["reasons"][0]["rule"] == "R1"
    assert result["headline"].startswith("Urgent referral for a new neurological deficit")
    assert [step["id"] for step in result["next_steps"]] == ["S1"]
    assert result["notes"] == []
    assert result == spec.oracle(case)


# Fields the red flags of §8 read (recurrence_flag reads the course, not the recurrence date).
FLAG_FIELDS = {
    "neuro_exam",
    "contraindications",
    "infection_signs",
    "vertebral_infection",
    "vas_current",
    "analgesics",
    "complication_assessed",
    "index_procedure_date",
    "assessment_date",
    "vas_before_index",
    "initial_response",
}
MUTATED_CASES = 3000


@pytest.fixture(scope="module")
def mutated():
    """Valid cases with one or two answers changed at or over the §1 limits, validated by the
    core's one validation path (the one `evaluate` uses)."""
    from vertebro_rules import versions
    from vertebro_rules.errors import InvalidInput

    today = date.today()
    outcomes = []
    for case in mutated_cases(MUTATED_CASES, SEED, ANCHOR, today):
        try:
            versions.validate_case(case, today=today, version="2026.3")
            refused, red_flags = set(), ()
        except InvalidInput as invalid:
            refused, red_flags = set(invalid.errors), tuple(invalid.red_flags)
        outcomes.append((case, refused, red_flags))
    return today, outcomes


def test_validation_refuses_exactly_the_fields_that_section_1_refuses(mutated):
    today, outcomes = mutated
    expected = [(case, spec.refused_fields(case, today)) for case, _, _ in outcomes]
    assert sum(1 for _, fields in expected if fields) >= MUTATED_CASES * 0.8
    assert sum(1 for _, fields in expected if not fields) >= 100
    disagreements = [
        {"case": case, "refused": sorted(refused), "section 1 refuses": sorted(fields)}
        for (case, refused, _), (_, fields) in zip(outcomes, expected, strict=True)
        if refused != fields
    ]
    assert not disagreements, (
        f"{len(disagreements)} of {len(outcomes)} disagree; the first two: {disagreements[:2]}"
    )


def test_a_refused_case_raises_the_red_flags_of_its_valid_answers(mutated):
    _, outcomes = mutated
    compared = 0
    for case, refused, red_flags in outcomes:
        if not refused or refused & FLAG_FIELDS:
            continue
        valid_answers = {name: value for name, value in case.items() if name not in refused}
        assert list(red_flags) == spec.red_flag_lines(valid_answers), case
        compared += 1
    assert compared >= 500
