"""Valid inputs and assessments for tests; override any field by keyword."""

from assessments.models import Assessment
from tests.rules.cases import (
    NO_MRI,
    RECURRENCE,
    TODAY,
    VALID_INPUTS,
    guidance_for,
    json_case,
    valid_inputs,
)

# A draft saved up to step 2: imaging and examination not yet answered.
AFTER_STEP_2 = {
    "mri_performed": None,
    "active_fracture_location": None,
    "cleft_sign": None,
    "marrow_edema": None,
    "cement_fill": None,
    "point_tenderness": None,
    "neuro_exam": None,
}

__all__ = [
    "AFTER_STEP_2",
    "NO_MRI",
    "RECURRENCE",
    "TODAY",
    "VALID_INPUTS",
    "guidance_for",
    "json_case",
    "make_assessment",
    "valid_inputs",
]


def make_assessment(owner, **overrides) -> Assessment:
    return Assessment.objects.create(owner=owner, **valid_inputs(**overrides))
