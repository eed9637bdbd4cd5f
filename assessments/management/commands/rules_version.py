"""`python manage.py rules_version [--activate VERSION --user NAME --reason TEXT]` — show or
switch the active rules version (docs/specification.md §9, assessments/rules_versions.py).

Without options it prints the active version, the versions this installation can run and the
switches recorded so far. With `--activate` an administrator switches the active version: new
drafts start under it; drafts already started keep theirs until their owner moves them;
finalized assessments never change. The switch is kept (who, when, why) and written to the
security log. Run `rules_impact` first to see what the switch would change.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from assessments import rules_versions, services
from assessments.models import RulesVersionSwitch


class Command(BaseCommand):
    help = (
        "Show the active rules version, or switch it (--activate VERSION --user NAME "
        "--reason TEXT; an administrator's action, kept and written to the security log)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--activate", metavar="VERSION", help="The version to switch to.")
        parser.add_argument(
            "--user", metavar="NAME", help="The administrator (superuser) making the switch."
        )
        parser.add_argument(
            "--reason", metavar="TEXT", default="", help="Why (e.g. the board's decision)."
        )

    def handle(self, *args, activate=None, user=None, reason="", **options):
        if activate is None:
            self._show()
            return
        if not user:
            raise CommandError("--user NAME is required: the administrator making the switch.")
        try:
            admin = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {user!r}.") from None
        try:
            switch = services.rules_version_activate(version=activate, user=admin, reason=reason)
        except services.NotSwitchable as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            f"Rules version {switch.version} is now active (was {switch.previous_version}). "
            "New drafts start under it; drafts already started keep their version until their "
            "clinician moves them; finalized assessments are unchanged."
        )

    def _show(self):
        self.stdout.write(f"Active rules version: {rules_versions.active_version()}")
        self.stdout.write(f"Versions available: {', '.join(rules_versions.known_versions())}")
        switches = RulesVersionSwitch.objects.select_related("switched_by")
        if not switches:
            self.stdout.write("No switch recorded: the VERTEBRO_RULES_VERSION setting applies.")
        for switch in switches:
            when = date_format(timezone.localtime(switch.switched_at), "DATETIME_FORMAT")
            self.stdout.write(
                f"{when}: {switch.previous_version} -> {switch.version} by "
                f"{switch.switched_by.get_username()} ({switch.reason})"
            )
