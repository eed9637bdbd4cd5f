"""The clinical core imports and runs with no Django module loaded."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROGRAM = """
import json, sys
from datetime import date

import vertebro_rules
from vertebro_rules import guidance, inputs, references, rules, validation, vocabulary
from vertebro_rules.validation import validate_case

case = {
    "patient_ref": "MRN-1", "patient_age": 70, "treated_level": "L1",
    "index_procedure_date": "2026-10-01", "fracture_etiology": "osteoporotic",
    "prior_vertebral_fractures": 0, "assessment_date": "2026-10-18",
    "initial_response": "no_relief", "vas_current": 8, "conservative_therapy_weeks": 2,
    "mri_performed": False, "cement_fill": "inadequate", "point_tenderness": "present",
    "neuro_exam": "normal",
}
result = rules.evaluate(validate_case(case, today=date(2026, 11, 25))).to_dict()
loaded = sorted(name for name in sys.modules if name == "django" or name.startswith("django."))
print(json.dumps({"recommendation": result["recommendation"], "django": loaded}))
"""


def test_the_core_evaluates_a_case_without_loading_django():
    process = subprocess.run(
        [sys.executable, "-c", PROGRAM],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert process.returncode == 0, process.stderr
    outcome = json.loads(process.stdout)
    assert outcome["django"] == []
    assert outcome["recommendation"] == "complete_workup"
