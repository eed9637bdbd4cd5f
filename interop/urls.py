from django.urls import path

from . import views
from .cds import views as cds_views

app_name = "interop"

urlpatterns = [
    # CDS Hooks 2.0: no trailing slash, as the specification writes the URLs.
    path("cds-services", cds_views.discovery, name="cds_discovery"),
    path("cds-services/<str:service_id>", cds_views.call, name="cds_service"),
    path("cds-services/<str:service_id>/feedback", cds_views.feedback_view, name="cds_feedback"),
    path("interop/launch/<str:handle>/", views.launch_open, name="launch"),
    path("interop/import/", views.import_response_page, name="import"),
    path("fhir/Questionnaire/vertebro-assessment", views.questionnaire, name="questionnaire"),
    path("fhir/CodeSystem/<slug:system_id>", views.code_system, name="code_system"),
    path("fhir/metadata", views.metadata, name="metadata"),
    path(
        "fhir/StructureDefinition/<slug:extension_id>",
        views.structure_definition,
        name="structure_definition",
    ),
    path("fhir/rules/<str:version>", views.rules_library, name="rules_library"),
    path("fhir/assessment", views.assessment_naming_system, name="assessment_naming_system"),
    path(
        "fhir/<str:resource_type>/<uuid:assessment_id>",
        views.assessment_resource,
        name="assessment_resource",
    ),
    path(
        "assessments/<uuid:assessment_id>/fhir/<slug:kind>.json",
        views.assessment_export,
        name="export",
    ),
    path(
        "assessments/<uuid:assessment_id>/outcomes/follow-ups.fhir.json",
        views.follow_up_fhir,
        name="follow_up_fhir",
    ),
]
