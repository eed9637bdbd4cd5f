"""Send the write-backs to the electronic record that are still pending, then delete the
expired access tokens nothing waits on (run it from cron, every few minutes):
`manage.py smart_write_back`."""

from django.core.management.base import BaseCommand

from interop.smart import write_back
from interop.smart.models import EhrWriteBack


class Command(BaseCommand):
    help = "Retry every pending write-back of a finalized assessment to the electronic record."

    def handle(self, *args, **options):
        rows = [write_back.send(row) for row in write_back.pending()]
        sent = sum(row.status == EhrWriteBack.Status.SENT for row in rows)
        for row in rows:
            if row.status != EhrWriteBack.Status.SENT:
                self.stdout.write(
                    f"still pending: assessment {row.assessment_id}: {row.last_error}"
                )
        self.stdout.write(f"{sent} of {len(rows)} pending write-backs sent.")
        forgotten = write_back.forget_expired_tokens()
        if forgotten:
            self.stdout.write(f"{forgotten} expired access tokens of the record deleted.")
