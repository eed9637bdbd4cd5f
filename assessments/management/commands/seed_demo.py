"""`python manage.py seed_demo` — demo users (and, later, demo assessments); safe to run twice."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_PASSWORD = "vertebro-demo-2026"
DEMO_USERS = (
    # username, first name, last name
    ("demo", "Dana", "Demo"),
    ("colleague", "Chris", "Colleague"),
    ("reviewer", "Robin", "Reviewer"),
)


class Command(BaseCommand):
    help = "Create the demo users and demo assessments. Running it twice changes nothing."

    def handle(self, *args, **options):
        User = get_user_model()
        for username, first_name, last_name in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first_name, "last_name": last_name}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
        self.stdout.write(
            f"Demo clinician: sign in as 'demo' with password '{DEMO_PASSWORD}' "
            "at http://127.0.0.1:8000/"
        )
