"""Valid inputs for the rule tests; override any field by keyword (plain Python)."""

from datetime import date
from decimal import Decimal

from vertebro_rules.guidance import Guidance
from vertebro_rules.rules import evaluate
from vertebro_rules.validation import to_inputs, validate_values

# "Today" of the rule tests: cases are validated as on this date.
TODAY = date(2026, 11, 25)

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


# No MRI: every MRI finding empty (R6 `mri`).
NO_MRI = {
    "mri_performed": False,
    "active_fracture_location": None,
    "cleft_sign": None,
    "marrow_edema": None,
    "cleft_new_since_index": None,
}

# Index procedure on 2026-06-01, relief, pain back on 2026-09-01 (day 92: not an early
# recurrence), seen 2026-11-20 (80 days later) after 8 weeks of therapy, with a cleft and
# edema at the treated level: R12.
RECURRENCE = {
    "index_procedure_date": date(2026, 6, 1),
    "initial_response": "relief_then_recurrence",
    "recurrence_date": date(2026, 9, 1),
    "assessment_date": date(2026, 11, 20),
    "conservative_therapy_weeks": 8,
    "cleft_sign": "present",
    "marrow_edema": "present",
    "cement_fill": "adequate",
}


def valid_inputs(**overrides) -> dict:
    return {**VALID_INPUTS, **overrides}


def guidance_for(**overrides) -> Guidance:
    """Guidance for the factory case (day 17, no relief, inadequate fill: R10) changed as given.

    The case is validated first, so a test can only ask about inputs the spec allows.
    """
    values = valid_inputs(**overrides)
    validate_values(values, today=TODAY)
    return evaluate(to_inputs(values))


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
