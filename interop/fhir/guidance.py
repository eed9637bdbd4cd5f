"""The frozen guidance of a finalized assessment as a FHIR R4 GuidanceResponse.

Status `success`, or `data-required` when the work-up is incomplete (R6), with
one `dataRequirement` per missing item. The reasons are `reasonCode` (the rule
id as a code of Vertebro's rule code system, its sentence as text), the headline, the
recommendation, the notes, the cited references and the disclaimer are `note`s. Every text
is in words, as frozen at finalization (`display_record`): the labels of the day, no code
before a sentence, no pointer to a note by its code; references keep their numbers, which
the "Reference N" notes resolve. The response it answers is named by `requestIdentifier` (the
assessment's identifier, also on the QuestionnaireResponse) and referenced by
the `workflow-supportingInfo` extension.
"""

from django.utils import timezone

from assessments import rules_versions
from assessments.models import Assessment
from assessments.reports import frozen
from vertebro_lib.codes import label, without_code_pointers
from vertebro_rules.references import REFERENCES

from .common import (
    amendment_extensions,
    assessment_identifier,
    code_system,
    fhir_base,
    patient_subject,
)

EXT_SUPPORTING_INFO = "http://hl7.org/fhir/StructureDefinition/workflow-supportingInfo"
# What kind of record answers each work-up item.
WORKUP_DATA_TYPES = {
    "mri": "ImagingStudy",
    "mri_findings": "DiagnosticReport",
    "pain_course": "Observation",
    "point_tenderness": "Observation",
    "neuro_exam": "Observation",
    "cement_imaging": "ImagingStudy",
}
DATA_REQUIRED = "complete_workup"


def module_uri(version: str) -> str:
    return f"{fhir_base()}/rules/{version}"


def data_requirement(item: str, rules_version: str, display: str = "") -> dict:
    """What answers a missing work-up item; `display` is its label as frozen (else the label
    of its rules version)."""
    display = display or label(rules_versions.vocabulary_of(rules_version).WorkupItem, item)
    return {
        "type": WORKUP_DATA_TYPES[item],
        "codeFilter": [
            {
                "path": "code",
                "code": [
                    {
                        "system": code_system("workup-item"),
                        "code": item,
                        "display": display,
                    }
                ],
            }
        ],
    }


WARNINGS_OUTCOME_ID = "warnings"


def warnings_outcome(warnings: list[dict]) -> dict:
    """The guidance's warnings (§5a) as an OperationOutcome: one issue each, severity warning,
    its id coded, its text, and the inputs to check (as QuestionnaireResponse item linkIds)."""
    return {
        "resourceType": "OperationOutcome",
        "id": WARNINGS_OUTCOME_ID,
        "issue": [
            {
                "severity": "warning",
                "code": "business-rule",
                "details": {
                    "coding": [{"system": code_system("warning"), "code": warning["id"]}],
                    "text": without_code_pointers(warning["text"]),
                },
                "expression": list(warning["fields"]),
            }
            for warning in warnings
        ],
    }


def build_guidance_response(
    assessment: Assessment, *, response_reference: str | None = None
) -> dict:
    """The GuidanceResponse of a finalized assessment (its frozen guidance)."""
    guidance = assessment.guidance
    if not assessment.is_final or not guidance:
        raise ValueError("Only a finalized assessment has a GuidanceResponse.")
    data_required = guidance["recommendation"] == DATA_REQUIRED
    words = assessment.display_record or frozen.words_of(guidance)
    resource = {
        "resourceType": "GuidanceResponse",
        "id": str(assessment.pk),
        "extension": [
            {
                "url": EXT_SUPPORTING_INFO,
                "valueReference": {
                    "reference": response_reference or f"QuestionnaireResponse/{assessment.pk}"
                },
            }
        ],
        "requestIdentifier": assessment_identifier(assessment.pk),
        "identifier": [assessment_identifier(assessment.pk)],
        "moduleUri": module_uri(guidance["rules_version"]),
        "status": "data-required" if data_required else "success",
        "occurrenceDateTime": timezone.localtime(assessment.finalized_at).isoformat(
            timespec="seconds"
        ),
        # The rule is coded without a display: a rule has no name apart from its sentence,
        # which is the text (the recommendation's label is not the rule's display).
        "reasonCode": [
            {
                "coding": [{"system": code_system("rule"), "code": reason["rule"]}],
                "text": without_code_pointers(reason["text"]),
            }
            for reason in guidance["reasons"]
        ],
        "note": [
            {"text": guidance["headline"]},
            {"text": f"Recommendation: {words['recommendation']}."},
            *(
                {"text": f"Next step: {without_code_pointers(step['text'])}"}
                for step in guidance.get("next_steps", ())
            ),
            *({"text": without_code_pointers(note["text"])} for note in guidance["notes"]),
            *({"text": f"Reference {number}: {text}"} for number, text in references_of(guidance)),
            {"text": guidance["disclaimer"]},
        ],
    }
    resource["extension"] += amendment_extensions(assessment, "GuidanceResponse")
    warnings = guidance.get("warnings") or []
    if warnings:
        # §5a: the warnings, as the issues of one contained OperationOutcome.
        resource["contained"] = [warnings_outcome(warnings)]
        resource["evaluationMessage"] = [{"reference": f"#{WARNINGS_OUTCOME_ID}"}]
    subject = patient_subject(assessment.patient_ref)
    if subject:
        resource["subject"] = subject
    if data_required:
        displays = dict(zip(guidance["missing"], words.get("missing", ()), strict=False))
        resource["dataRequirement"] = [
            data_requirement(item, guidance["rules_version"], displays.get(item, ""))
            for item in guidance["missing"]
        ]
    return resource


def references_of(guidance: dict) -> list[tuple[int, str]]:
    """The cited references as frozen in the guidance JSON (`references`, rules 2026.2 on);
    for guidance frozen before that, the cited numbers with today's reference texts."""
    if guidance.get("references") is not None:
        return [(reference["id"], reference["text"]) for reference in guidance["references"]]
    cited = {ref for item in (*guidance["reasons"], *guidance["notes"]) for ref in item["refs"]}
    return [(number, REFERENCES[number]) for number in sorted(cited) if number in REFERENCES]
