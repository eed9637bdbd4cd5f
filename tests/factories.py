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

__all__ = [
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
