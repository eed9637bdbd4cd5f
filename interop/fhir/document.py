"""The PDF summary of a finalized assessment as a FHIR R4 DocumentReference."""

import base64
import hashlib

from django.utils import timezone

from assessments.models import Assessment
from assessments.reports import pdf

from .common import assessment_identifier, code_system, patient_subject

LOINC = "http://loinc.org"
# LOINC 11488-4 "Consult note": the document a consultant's assessment and recommendation
# is filed as (document registries and US Core expect a LOINC type).
DOCUMENT_TYPE = {"system": LOINC, "code": "11488-4", "display": "Consult note"}


def build_document_reference(assessment: Assessment, *, pdf_bytes: bytes | None = None) -> dict:
    """The DocumentReference with the PDF inline (base64), its SHA-1 hash and creation time."""
    if not assessment.is_final:
        raise ValueError("Only a finalized assessment has a document for the chart.")
    data = pdf_bytes if pdf_bytes is not None else pdf.assessment_pdf(assessment)
    created = timezone.localtime(assessment.finalized_at).isoformat(timespec="seconds")
    resource = {
        "resourceType": "DocumentReference",
        "id": str(assessment.pk),
        "identifier": [assessment_identifier(assessment.pk)],
        # A superseded summary stays in the chart, replaced by its amendment's.
        "status": "current" if assessment.is_current_final else "superseded",
        "docStatus": "final",
        "type": {
            "coding": [
                DOCUMENT_TYPE,
                {
                    "system": code_system("document-type"),
                    "code": "assessment-summary",
                    "display": "Vertebro assessment summary",
                },
            ],
            "text": "Vertebro assessment summary",
        },
        "date": created,
        "description": (assessment.guidance or {}).get("headline", ""),
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(data).decode("ascii"),
                    "size": len(data),
                    # FHIR R4: the SHA-1 of the data, in base64.
                    "hash": base64.b64encode(hashlib.sha1(data).digest()).decode("ascii"),
                    "title": pdf.pdf_filename(assessment),
                    "creation": created,
                }
            }
        ],
    }
    if assessment.amends_id:
        # FHIR: the amendment's document replaces the original's, which is `superseded`.
        resource["relatesTo"] = [
            {
                "code": "replaces",
                "target": {"reference": f"DocumentReference/{assessment.amends_id}"},
            }
        ]
    subject = patient_subject(assessment.patient_ref)
    if subject:
        resource["subject"] = subject
    return resource
