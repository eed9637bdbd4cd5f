from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outcomes"
    verbose_name = "Outcomes"

    def ready(self):
        from assessments.services import register_episode_transfer

        from . import facts
        from .services import outcomes_follow_amendment

        register_episode_transfer(outcomes_follow_amendment)
        facts.connect()
