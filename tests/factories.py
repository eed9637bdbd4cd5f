"""Valid inputs and assessments for tests; override any field by keyword."""

from assessments.models import NEWEST, Assessment
from assessments.services import assessment_finalize
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

# The yes/no questions the questionnaire asks with neither answer chosen in advance
# (Assessment.unanswered_questions), as a clinician who answers "No" to each records them.
ANSWERED_NO = {
    "opioid_failure": False,
    "mri_not_possible": False,
    "fluid_at_cement_interface": False,
    "infection_signs": False,
    "complication_assessed": False,
}

__all__ = [
    "AFTER_STEP_2",
    "ANSWERED_NO",
    "NO_MRI",
    "RECURRENCE",
    "TODAY",
    "VALID_INPUTS",
    "answered_inputs",
    "guidance_for",
    "json_case",
    "make_assessment",
    "valid_inputs",
]


def answered_inputs(**overrides) -> dict:
    """The factory case's answers as the questionnaire saves them: the yes/no questions that
    are asked answered "No" unless `overrides` says otherwise, and left empty where they are
    not asked (MRI not possible beside an MRI, fluid without one)."""
    values = valid_inputs(**{**ANSWERED_NO, **overrides})
    for name in ANSWERED_NO:
        condition = NEWEST.FIELDS_BY_NAME[name].applies_when
        if values[name] is False and condition is not None and not condition.holds(values):
            values[name] = None
    return values


def make_assessment(owner, **overrides) -> Assessment:
    """A saved assessment of the factory case (`answered_inputs`)."""
    return Assessment.objects.create(owner=owner, **answered_inputs(**overrides))


def finalize_acknowledging_warnings(draft: Assessment, user) -> Assessment:
    """`draft` finalized by `user`, every warning its guidance shows acknowledged (as the
    finalize page asks the clinician to)."""
    warnings = [warning.id for warning in draft.evaluate().warnings]
    return assessment_finalize(assessment=draft, user=user, acknowledged=warnings)
