"""Valid 2026.3 cases for the rule tests, as the JSON `evaluate` reads; override any field by
keyword (plain Python)."""

from datetime import date
from typing import Any

from vertebro_rules import versions
from vertebro_rules.versions.v2026_3.guidance import Guidance

VERSION = "2026.3"
RULES = versions.get(VERSION)
# "Today" of the rule tests: cases are validated as on this date.
TODAY = date(2026, 11, 25)

# A 72-year-old woman, L1 treated on 2026-06-01 (4.2 mL), seen on day 17 (2026-06-18) with no
# relief (VAS 8 before, 8 now), limited mobility, on non-opioid analgesics; MRI: the active
# fracture at the treated level, marrow edema, no cleft, no fluid; the index fill inadequate;
# tender, neurologically normal: R10, repeat indicated.
BASE: dict[str, Any] = {
    "patient_ref": "MRN-0001",
    "patient_age": 72,
    "sex": "female",
    "treated_level": "L1",
    "index_procedure_date": "2026-06-01",
    "index_cement_volume_ml": 4.2,
    "fracture_etiology": "osteoporotic",
    "bmd_t_score": -2.0,
    "prior_vertebral_fractures": 0,
    "assessment_date": "2026-06-18",
    "initial_response": "no_relief",
    "vas_before_index": 8,
    "vas_current": 8,
    "mobility": "limited",
    "analgesics": "non_opioid",
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

# No MRI: every MRI finding left out.
NO_MRI: dict[str, Any] = {
    "mri_performed": False,
    "active_fracture_location": None,
    "cleft_sign": None,
    "marrow_edema": None,
    "fluid_at_cement_interface": None,
}

# Relief, then the pain back on 2026-09-01 (day 92), seen on 2026-11-20 (day 172, 80 days
# after the recurrence) after 8 weeks of therapy: a recurrence after a pain-free interval.
RECURRENCE: dict[str, Any] = {
    "initial_response": "relief_then_recurrence",
    "recurrence_date": "2026-09-01",
    "assessment_date": "2026-11-20",
    "conservative_therapy_weeks": 8,
    "vas_current": 6,
}


def case(**overrides: Any) -> dict[str, Any]:
    """BASE with `overrides`; a None value leaves the field out."""
    data = {**BASE, **overrides}
    return {name: value for name, value in data.items() if value is not None}


def guidance(**overrides: Any) -> Guidance:
    result: Guidance = RULES.evaluate(RULES.validate_case(case(**overrides), today=TODAY))
    return result


def result(**overrides: Any) -> dict[str, Any]:
    """The §6 JSON of the case."""
    return guidance(**overrides).to_dict()
