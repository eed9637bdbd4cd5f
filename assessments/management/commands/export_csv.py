"""`python manage.py export_csv [--since DATE] -o FILE` — every assessment as CSV."""

import argparse
from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from accounts import security_log
from assessments.models import Assessment
from assessments.reports.export import write_csv
from outcomes.export import CSV_COLUMNS, outcomes_changed_since


def iso_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, not {raw!r}") from None


class Command(BaseCommand):
    help = (
        "Write one CSV row per assessment (spec input names, status, result, clinician, "
        "timestamps, procedure and follow-ups), streamed row by row. Discarded drafts are left "
        "out, except with --since, which lists a draft discarded since DATE (status "
        "'discarded') so that an incremental load can drop it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            type=iso_date,
            metavar="DATE",
            help="Only assessments created or changed, or whose procedure or a follow-up was "
            "recorded or changed, on or after DATE (YYYY-MM-DD, local time).",
        )
        parser.add_argument(
            "-o",
            "--output",
            required=True,
            metavar="FILE",
            help="The CSV file to write ('-' for standard output).",
        )

    def handle(self, *args, since: date | None, output: str, **options):
        assessments = Assessment.objects.not_discarded()
        if since is not None:
            start = timezone.make_aware(datetime.combine(since, time.min))
            assessments = Assessment.objects.filter(
                Q(updated__gte=start) | outcomes_changed_since(start)
            )
        if output == "-":
            count = write_csv(assessments, self.stdout, CSV_COLUMNS)
        else:
            try:
                with open(output, "w", newline="", encoding="utf-8") as stream:
                    count = write_csv(assessments, stream, CSV_COLUMNS)
            except OSError as error:
                raise CommandError(
                    f"-o/--output: cannot write {output!r}: {error.strerror}"
                ) from None
        security_log.event("export", detail=f"export_csv command, {count} assessments")
        self.stderr.write(f"{count} assessments written to {output}.")
