"""`python manage.py verify_records` — recompute the digest of every finalized assessment.

Prints one line per record whose stored digest no longer matches its content (or that has
none), then a summary; exits 1 when any record fails, 0 when all match.
"""

from django.core.management.base import BaseCommand

from accounts import security_log
from assessments import integrity
from assessments.models import Assessment


class Command(BaseCommand):
    help = (
        "Recompute the SHA-256 digest of every finalized (final or superseded) assessment and "
        "name each one that no longer matches the digest stored at finalization."
    )

    def handle(self, *args, **options):
        finalized = (
            Assessment.objects.finalized().order_by("finalized_at", "pk").iterator(chunk_size=500)
        )
        checked = 0
        failed = []
        for assessment in finalized:
            checked += 1
            if not assessment.record_digest:
                failed.append((assessment, "no digest stored"))
            elif not integrity.digest_matches(assessment):
                failed.append((assessment, "content changed since finalization"))
        for assessment, why in failed:
            stamp = assessment.finalized_at.isoformat() if assessment.finalized_at else "?"
            self.stdout.write(
                f"MISMATCH {assessment.pk} (finalized {stamp}, stored digest "
                f"{integrity.short_digest(assessment.record_digest) or '-'}): {why}"
            )
        summary = f"{checked} finalized records checked, {len(failed)} mismatches."
        security_log.event("verify_records", detail=summary)
        if failed:
            self.stderr.write(summary)
            raise SystemExit(1)
        self.stdout.write(summary)
