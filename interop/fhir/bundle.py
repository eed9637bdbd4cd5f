"""One assessment's FHIR resources together: a `collection` Bundle."""

from django.utils import timezone

from assessments.models import Assessment

from .common import fhir_base
from .document import build_document_reference
from .guidance import build_guidance_response
from .response import export_response


def build_bundle(assessment: Assessment) -> dict:
    """The QuestionnaireResponse, and for a finalized assessment its GuidanceResponse and
    DocumentReference (with the PDF)."""
    resources = [export_response(assessment)]
    if assessment.is_final:
        resources.append(build_guidance_response(assessment))
        resources.append(build_document_reference(assessment))
    return {
        "resourceType": "Bundle",
        "id": str(assessment.pk),
        "type": "collection",
        "timestamp": timezone.localtime().isoformat(timespec="seconds"),
        "entry": [
            {"fullUrl": f"{fhir_base()}/{r['resourceType']}/{r['id']}", "resource": r}
            for r in resources
        ],
    }
