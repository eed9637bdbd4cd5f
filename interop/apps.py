from django.apps import AppConfig


class InteropConfig(AppConfig):
    """FHIR R4 (Questionnaire, QuestionnaireResponse, GuidanceResponse) and CDS Hooks 2.0."""

    name = "interop"
    verbose_name = "Interoperability (FHIR, CDS Hooks)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The department audit counts the record's feedback on guidance cards beside adherence.
        from outcomes import audit

        from . import checks  # noqa: F401  (registers the deployment checks)
        from .feedback_figures import feedback_counts

        audit.register_feedback_source(feedback_counts)
