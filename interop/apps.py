from django.apps import AppConfig


class InteropConfig(AppConfig):
    """FHIR R4 (Questionnaire, QuestionnaireResponse, GuidanceResponse) and CDS Hooks 2.0."""

    name = "interop"
    verbose_name = "Interoperability (FHIR, CDS Hooks)"
    default_auto_field = "django.db.models.BigAutoField"
