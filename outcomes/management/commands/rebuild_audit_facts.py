"""`python manage.py rebuild_audit_facts` — recompute the department audit's facts from the
records (outcomes.facts), after a write that bypassed the models (a bulk load, SQL).

Prints how many rows were added, changed or removed. With `--check`, changes nothing and
exits 1 when a row differs from the records (the facts have drifted), 0 otherwise.
"""

from django.core.management.base import BaseCommand

from outcomes import facts
from outcomes.models import AuditFact, FollowUp, Procedure


class Command(BaseCommand):
    help = (
        "Recompute the department audit's facts (one row per recorded decision) from the "
        "assessments, procedures and follow-ups; --check only says whether they differ."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit 1 when a fact differs from the records.",
        )

    def handle(self, *args, check: bool = False, **options):
        if check:
            differing = facts.drift()
            if differing:
                self.stderr.write(
                    f"{differing} audit fact rows differ from the records: run "
                    "`manage.py rebuild_audit_facts`."
                )
                raise SystemExit(1)
            self.stdout.write(f"The {AuditFact.objects.count()} audit fact rows match the records.")
            return
        changed = facts.rebuild()
        self.stdout.write(
            f"{changed} audit fact rows added, changed or removed; "
            f"{Procedure.objects.count()} decisions, {FollowUp.objects.count()} follow-ups read."
        )
