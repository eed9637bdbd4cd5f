"""Canonical URLs and code systems of Vertebro's FHIR resources."""

import re
from functools import lru_cache

from django.conf import settings

ADMINISTRATIVE_GENDER = "http://hl7.org/fhir/administrative-gender"
QUESTIONNAIRE_ID = "vertebro-assessment"
FHIR_JSON = "application/fhir+json"


def fhir_base() -> str:
    """Where Vertebro publishes its FHIR definitions: `VERTEBRO_PUBLIC_URL`/fhir."""
    return f"{settings.VERTEBRO_PUBLIC_URL.rstrip('/')}/fhir"


def questionnaire_url() -> str:
    return f"{fhir_base()}/Questionnaire/{QUESTIONNAIRE_ID}"


def code_system(name: str) -> str:
    return f"{fhir_base()}/CodeSystem/{name}"


def vocabulary_system(choices_class) -> str:
    """The code system of a vocabulary: the class name in kebab case (InitialResponse ->
    initial-response); `Sex` uses FHIR's administrative-gender, whose codes are the same."""
    return _vocabulary_system(choices_class.__name__, fhir_base())


@lru_cache(maxsize=64)
def _vocabulary_system(name: str, base: str) -> str:
    if name == "Sex":
        return ADMINISTRATIVE_GENDER
    return f"{base}/CodeSystem/{re.sub(r'(?<!^)(?=[A-Z])', '-', name).lower()}"


def assessment_identifier(assessment_id) -> dict:
    """The identifier shared by an assessment's QuestionnaireResponse and GuidanceResponse."""
    return {"system": f"{fhir_base()}/assessment", "value": str(assessment_id)}


def patient_subject(patient_ref: str | None) -> dict | None:
    """The patient as a logical reference: Vertebro holds the chart identifier, not a Patient."""
    if not patient_ref:
        return None
    return {"identifier": {"value": patient_ref}, "display": patient_ref}


# The FHIR-facing name of each kind of input, by the name of its class: each rules version
# defines its own kinds, and a narrower kind (2026.3's age or vertebral level) is read as the
# kind it refines.
_KIND_NAMES = {
    "TextInput": "text",
    "IntegerInput": "integer",
    "DecimalInput": "decimal",
    "DateInput": "date",
    "BooleanInput": "boolean",
    "ChoiceInput": "choice",
    "MultipleChoiceInput": "choices",
}


def field_kind(spec) -> str:
    """The kind of an input field: text, integer, decimal, date, boolean, choice or choices."""
    return _field_kind(type(spec))


@lru_cache(maxsize=128)
def _field_kind(kind: type) -> str:
    for cls in kind.__mro__:
        if cls.__name__ in _KIND_NAMES:
            return _KIND_NAMES[cls.__name__]
    raise KeyError(f"No FHIR kind for {kind.__name__}.")
