"""Valid inputs and assessments for tests; override any field by keyword."""

from datetime import date
from decimal import Decimal

from assessments.models import Assessment

# A complete immediate-failure case with inadequate fill: R10, repeat indicated.
VALID_INPUTS = {
    "patient_ref": "MRN-0001",
    "patient_age": 70,
    "sex": "female",
    "treated_level": "L1",
    "index_procedure_date": date(2026, 10, 1),
    "index_cement_volume_ml": Decimal("4.2"),
    "fracture_etiology": "osteoporotic",
    "bmd_t_score": Decimal("-2.0"),
    "prior_vertebral_fractures": 0,
    "assessment_date": date(2026, 10, 18),
    "initial_response": "no_relief",
    "recurrence_date": None,
    "vas_before_index": 8,
    "vas_current": 8,
    "conservative_therapy_weeks": 2,
    "mobility": "limited",
    "analgesics": "opioid",
    "mri_performed": True,
    "active_fracture_location": "treated_level",
    "cleft_sign": "absent",
    "cleft_new_since_index": None,
    "marrow_edema": "present",
    "fluid_at_cement_interface": False,
    "cement_fill": "inadequate",
    "prior_cement_leakage": False,
    "point_tenderness": "present",
    "neuro_exam": "normal",
    "contraindications": [],
}


def valid_inputs(**overrides) -> dict:
    return {**VALID_INPUTS, **overrides}


def json_case(**overrides) -> dict:
    """The same case as JSON for `evaluate`: dates as ISO strings, decimals as numbers."""
    case = {}
    for name, value in valid_inputs(**overrides).items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = float(value)
        case[name] = value
    return case


def make_assessment(owner, **overrides) -> Assessment:
    return Assessment.objects.create(owner=owner, **valid_inputs(**overrides))
