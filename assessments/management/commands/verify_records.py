"""`python manage.py verify_records` — check the seal of every record ever finalized, and the
chain of finalizations (assessments.integrity).

Prints one line per problem, naming the record, then a summary and the chain head; exits 1
when there is a problem, 0 otherwise. Drafts and discarded drafts were never finalized: they
are not records and are not checked (unless the chain says they were finalized).
"""

from django.core.management.base import BaseCommand
from django.db.models import Q

from accounts import security_log
from assessments import integrity
from assessments.models import Assessment, RecordChainEntry


class Command(BaseCommand):
    help = (
        "Recompute the HMAC seal of every record ever finalized (whatever its status now), "
        "check the chain of finalizations, name each record that fails, and print the chain "
        "head to write down elsewhere."
    )

    def handle(self, *args, **options):
        # Final or superseded now (finalized()), or ever sealed or finalized, whatever the
        # status column says now.
        finalized_ids = (
            Assessment.objects.finalized()
            .order_by()
            .values_list("pk", flat=True)
            .union(
                Assessment.objects.filter(~Q(record_digest="") | Q(finalized_at__isnull=False))
                .order_by()
                .values_list("pk", flat=True)
            )
        )
        result = integrity.verify(
            record_model=Assessment,
            chain_model=RecordChainEntry,
            finalized_ids=finalized_ids,
        )
        for problem in result.problems:
            self.stdout.write(f"MISMATCH {problem.assessment_id}: {problem.why}")
        summary = (
            f"{result.records_checked} finalized records and {result.entries_checked} chain "
            f"entries checked, {len(result.problems)} mismatches."
        )
        head = (
            f"Chain head: entry {result.head_seq} {result.head_mac}"
            if result.head_seq
            else "Chain head: empty (nothing finalized yet)"
        )
        self.stdout.write(head)
        security_log.event("verify_records", detail=f"{summary} {head}")
        if result.problems:
            self.stderr.write(summary)
            raise SystemExit(1)
        self.stdout.write(summary)
