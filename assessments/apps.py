from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self):
        from assessments import rules_versions

        if settings.VERTEBRO_RULES_VERSION not in rules_versions.known_versions():
            raise ImproperlyConfigured(
                f"VERTEBRO_RULES_VERSION must be one of "
                f"{', '.join(rules_versions.known_versions())}, "
                f"not {settings.VERTEBRO_RULES_VERSION!r}."
            )
