from django.apps import AppConfig


class SmartConfig(AppConfig):
    """SMART App Launch 2.0 (EHR launch): sign-in from the record, pre-filled step 1, write-back."""

    name = "interop.smart"
    label = "smart"
    verbose_name = "Launch from the electronic record (SMART on FHIR)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A finalized assessment started from the record is written back to it.
        from assessments import services
        from interop import launch

        from .identity import linked_user
        from .write_back import queue_write_back

        services.register_finalize_listener(queue_write_back)
        # The record's user of a CDS hook call, linked here, owns the app-link card's handle.
        launch.register_ehr_user_resolver(linked_user)
