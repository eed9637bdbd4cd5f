"""`python manage.py export_fhir questionnaire|response ID|guidance ID|document ID|bundle ID`."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import security_log
from assessments.models import AccessLogEntry, Assessment
from interop.fhir.bundle import build_bundle
from interop.fhir.document import build_document_reference
from interop.fhir.guidance import build_guidance_response
from interop.fhir.questionnaire import build_questionnaire
from interop.fhir.response import export_response

BUILDERS = {
    "response": export_response,
    "guidance": build_guidance_response,
    "document": build_document_reference,
    "bundle": build_bundle,
}


class Command(BaseCommand):
    help = (
        "Print a FHIR R4 resource as JSON: the Questionnaire, or an assessment's "
        "QuestionnaireResponse, GuidanceResponse, DocumentReference (PDF) or Bundle. "
        "Exports of an assessment are recorded in its access log."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["questionnaire", *BUILDERS])
        parser.add_argument("id", nargs="?", help="The assessment's id (not for questionnaire).")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args, what, id, output, **options):
        if what == "questionnaire":
            if id:
                raise CommandError("The questionnaire takes no id.")
            resource = build_questionnaire()
        else:
            if not id:
                raise CommandError(f"export_fhir {what} needs an assessment id.")
            try:
                assessment = Assessment.objects.select_related("owner").get(pk=id)
            except (Assessment.DoesNotExist, ValidationError, ValueError):
                raise CommandError(f"No assessment {id!r}.") from None
            try:
                resource = BUILDERS[what](assessment)
            except ValueError as error:
                raise CommandError(str(error)) from None
            AccessLogEntry.objects.create(assessment=assessment, kind=AccessLogEntry.Kind.FHIR)
            security_log.event(
                "export", assessment_id=assessment.pk, detail=f"export_fhir {what} command"
            )
        text = json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text, ending="")
