"""Canonical URLs and code systems of Vertebro's FHIR resources."""

import re
from functools import lru_cache

from django.conf import settings

ADMINISTRATIVE_GENDER = "http://hl7.org/fhir/administrative-gender"
QUESTIONNAIRE_ID = "vertebro-assessment"
FHIR_JSON = "application/fhir+json"


def fhir_base() -> str:
    """The canonical base of Vertebro's FHIR definitions (Questionnaire, code systems, the
    assessment identifier system): `VERTEBRO_FHIR_CANONICAL_BASE`, set once and kept, so an
    export names the same URLs whatever host served it."""
    return settings.VERTEBRO_FHIR_CANONICAL_BASE.rstrip("/")


def accepted_bases() -> tuple[str, ...]:
    """The bases an import accepts: the canonical one, then those of earlier exports (this
    server's `VERTEBRO_PUBLIC_URL`/fhir, which exports used before the canonical base, and
    `VERTEBRO_FHIR_FORMER_CANONICAL_BASES`), for a transition period."""
    bases = [fhir_base(), f"{settings.VERTEBRO_PUBLIC_URL.rstrip('/')}/fhir"]
    bases += [base.rstrip("/") for base in settings.VERTEBRO_FHIR_FORMER_CANONICAL_BASES]
    return tuple(dict.fromkeys(bases))


def questionnaire_url(base: str | None = None) -> str:
    return f"{base or fhir_base()}/Questionnaire/{QUESTIONNAIRE_ID}"


def code_system(name: str, base: str | None = None) -> str:
    return f"{base or fhir_base()}/CodeSystem/{name}"


def vocabulary_system(choices_class, base: str | None = None) -> str:
    """The code system of a vocabulary: the class name in kebab case (InitialResponse ->
    initial-response); `Sex` uses FHIR's administrative-gender, whose codes are the same."""
    return _vocabulary_system(choices_class.__name__, base or fhir_base())


def vocabulary_code_system_id(choices_class) -> str:
    """The id of a vocabulary's CodeSystem (its kebab-case name), "" for `Sex` (FHIR's own)."""
    system = _vocabulary_system(choices_class.__name__, "")
    return "" if system == ADMINISTRATIVE_GENDER else system.rsplit("/", 1)[-1]


@lru_cache(maxsize=64)
def _vocabulary_system(name: str, base: str) -> str:
    if name == "Sex":
        return ADMINISTRATIVE_GENDER
    return f"{base}/CodeSystem/{re.sub(r'(?<!^)(?=[A-Z])', '-', name).lower()}"


def assessment_identifier(assessment_id) -> dict:
    """The identifier shared by an assessment's QuestionnaireResponse and GuidanceResponse."""
    return {"system": f"{fhir_base()}/assessment", "value": str(assessment_id)}


MRN_TYPE = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
            "code": "MR",
            "display": "Medical record number",
        }
    ],
    "text": "MRN",
}


def mrn_identifier(patient_ref: str) -> dict:
    """The chart reference as an Identifier: typed MR, in the hospital's MRN system
    (`VERTEBRO_MRN_SYSTEM`) when configured, so a receiving system can tell whose number it
    is (a deployment without it gets a warning from `manage.py check`)."""
    identifier: dict = {"use": "usual", "type": MRN_TYPE}
    if settings.VERTEBRO_MRN_SYSTEM:
        identifier["system"] = settings.VERTEBRO_MRN_SYSTEM
    identifier["value"] = patient_ref
    return identifier


def patient_subject(patient_ref: str | None) -> dict | None:
    """The patient as a logical reference: Vertebro holds the chart identifier, not a Patient."""
    if not patient_ref:
        return None
    return {"identifier": mrn_identifier(patient_ref), "display": patient_ref}


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


# Amendments (docs/interoperability.md "Amendments"): Vertebro's own extensions linking an
# amendment and the assessment it corrects, on resources FHIR R4 gives no element for it
# (QuestionnaireResponse, GuidanceResponse); the DocumentReference uses relatesTo.
EXT_REPLACES = "StructureDefinition/replaces"
EXT_REPLACED_BY = "StructureDefinition/replaced-by"


def amendment_extensions(assessment, resource_type: str) -> list[dict]:
    """`replaces` on an amendment (the original's resource of the same type), and
    `replaced-by` on a superseded original (its finalized amendment's)."""
    found = []
    if assessment.amends_id and assessment.is_final:
        found.append(
            {
                "url": f"{fhir_base()}/{EXT_REPLACES}",
                "valueReference": {"reference": f"{resource_type}/{assessment.amends_id}"},
            }
        )
    if assessment.status == assessment.Status.SUPERSEDED:
        successor = getattr(assessment, "amendment", None)
        if successor is not None and successor.is_final:
            found.append(
                {
                    "url": f"{fhir_base()}/{EXT_REPLACED_BY}",
                    "valueReference": {"reference": f"{resource_type}/{successor.pk}"},
                }
            )
    return found
