"""Pages of the interoperability layer a clinician opens in the browser."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts import security_log
from assessments.audit.access import access_record
from assessments.models import AccessLogEntry
from assessments.roles import clinician_required
from assessments.selectors import get_assessment_for_viewer
from outcomes.selectors import get_assessment_for_reader

from . import launch
from .cds import service as cds_service
from .fhir.bundle import build_bundle
from .fhir.common import FHIR_JSON
from .fhir.definitions import (
    build_assessment_naming_system,
    build_capability_statement,
    build_code_system,
    build_rules_library,
    build_structure_definition,
)
from .fhir.document import build_document_reference
from .fhir.follow_ups import follow_up_bundle
from .fhir.guidance import build_guidance_response
from .fhir.questionnaire import build_questionnaire
from .fhir.response import ResponseRefused, export_response, import_response
from .forms import ImportForm

GONE = 410


@never_cache
@clinician_required
@require_http_methods(["GET", "POST"])
def launch_open(request, handle):
    """From an app-link card: confirm, then a new draft with step 1 pre-filled from the record.

    GET only asks (a link preview must not use the handle up) and claims the handle for the
    signed-in clinician; POST uses it. Another user gets 404 (see `launch`).
    """
    now = timezone.now()
    try:
        if request.method == "GET":
            prefill = launch.launch_claim(handle=handle, user=request.user, now=now)
            return render(
                request,
                "interop/launch.html",
                {
                    "page": cds_service.launch_page(
                        prefill, launch.usable_answers(prefill, now=now)
                    ),
                    "notes": prefill.get(launch.PREFILL_NOTES, []),
                },
            )
        draft = launch.launch_consume(handle=handle, user=request.user, now=now)
    except launch.LaunchUnavailable:
        return render(request, "interop/launch_gone.html", status=GONE)
    except launch.LaunchNotYours:
        security_log.event("launch_refused", user=request.user, detail="claimed by another user")
        raise Http404("No such link.") from None
    taken = draft.from_record["answers"]
    messages.info(request, cds_service.launch_page(taken, taken).opened)
    return redirect("assessments:step", draft.pk, 1)


# --- FHIR --------------------------------------------------------------------------------


def _fhir_json(resource: dict, *, filename: str | None = None, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        resource, content_type=FHIR_JSON, json_dumps_params={"indent": 2}, status=status
    )
    if filename:
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=filename
        )
    return response


@require_safe
def questionnaire(request):
    """The Questionnaire at its canonical URL (no patient data: open to the record's tools)."""
    return _fhir_json(build_questionnaire())


def _definition(resource: dict | None, resource_type: str, name: str) -> JsonResponse:
    """A definition at its canonical URL, or a 404 OperationOutcome naming what is missing."""
    if resource is None:
        return _fhir_json(
            {
                "resourceType": "OperationOutcome",
                "issue": [
                    {
                        "severity": "error",
                        "code": "not-found",
                        "diagnostics": f"Vertebro has no {resource_type} {name[:64]!r}.",
                    }
                ],
            },
            status=404,
        )
    return _fhir_json(resource)


@require_safe
def code_system(request, system_id):
    """A Vertebro CodeSystem at its canonical URL (no patient data: open to the record)."""
    return _definition(build_code_system(system_id), "CodeSystem", system_id)


@require_safe
def structure_definition(request, extension_id):
    """One of Vertebro's extensions defined at its canonical URL (no patient data)."""
    return _definition(
        build_structure_definition(extension_id), "StructureDefinition", extension_id
    )


@require_safe
def rules_library(request, version):
    """The rules version a GuidanceResponse's moduleUri names, as a FHIR Library."""
    return _definition(build_rules_library(version), "rules version", version)


@require_safe
def assessment_naming_system(request):
    """The identifier system of assessments, as a NamingSystem (no patient data)."""
    return _fhir_json(build_assessment_naming_system())


@require_safe
def metadata(request):
    """The CapabilityStatement of Vertebro's FHIR endpoints."""
    return _fhir_json(build_capability_statement())


EXPORTS = {
    "response": ("QuestionnaireResponse", export_response, False),
    "guidance": ("GuidanceResponse", build_guidance_response, True),
    "document": ("DocumentReference", build_document_reference, True),
    "bundle": ("Bundle", build_bundle, False),
}


@require_safe
@never_cache
@login_required
def assessment_export(request, assessment_id, kind):
    """One FHIR resource of an assessment, for its owner or a reviewer (as the PDF); logged."""
    if kind not in EXPORTS:
        raise Http404("No such export.")
    resource_type, build, final_only = EXPORTS[kind]
    assessment = get_assessment_for_viewer(user=request.user, assessment_id=assessment_id)
    if final_only and not assessment.is_final:
        raise Http404(f"A draft has no {resource_type}; finalize it first.")
    response = _fhir_json(build(assessment), filename=f"vertebro-{assessment.pk}-{kind}.json")
    access_record(request=request, assessment=assessment, kind="fhir")
    return response


# The resource types an assessment is exported as, by the name FHIR gives them: the address
# `<base>/<type>/<assessment id>` a Bundle's fullUrl and an amendment's reference name.
EXPORT_KINDS = {resource_type: kind for kind, (resource_type, _, _) in EXPORTS.items()}


def assessment_resource(request, resource_type, assessment_id):
    """An assessment's resource at the address its Bundle names (`fullUrl`): the same export,
    for the same readers."""
    if resource_type not in EXPORT_KINDS:
        raise Http404("No such resource type.")
    return assessment_export(request, assessment_id, EXPORT_KINDS[resource_type])


@require_safe
@never_cache
@login_required
def follow_up_fhir(request, assessment_id):
    """The follow-up pain scores as a FHIR Bundle of Observations, for whoever reads the
    outcomes (the clinician, a delegate, a reviewer); logged."""
    assessment, _ = get_assessment_for_reader(user=request.user, assessment_id=assessment_id)
    response = _fhir_json(
        follow_up_bundle(assessment), filename=f"vertebro-{assessment.pk}-follow-ups.json"
    )
    access_record(request=request, assessment=assessment, kind=AccessLogEntry.Kind.FHIR)
    return response


@never_cache
@clinician_required
@require_http_methods(["GET", "POST"])
def import_response_page(request):
    """Upload a QuestionnaireResponse: it becomes a new draft of the signed-in clinician."""
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = {}
    if request.method == "POST" and form.is_valid():
        try:
            draft = import_response(form.cleaned_data["resource"], user=request.user)
        except ResponseRefused as refused:
            errors = refused.errors
        else:
            messages.success(request, "The response was imported as a new draft; check each step.")
            return redirect("assessments:open", draft.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "interop/import.html",
        {"form": form, "answer_errors": sorted(errors.items())},
        status=status,
    )
