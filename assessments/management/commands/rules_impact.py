"""`python manage.py rules_impact [--csv FILE]` — which finalized assessments the current
rules would decide differently (docs/specification.md §9). Writes nothing to the database."""

import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from assessments.audit import impact

COPY_CHUNK = 64 * 1024


class Command(BaseCommand):
    help = (
        "Evaluate every finalized, not superseded assessment again under the current rules and "
        "list those whose outcome differs (recommendation, deciding rule, missing work-up, "
        "notes), with those whose inputs the current rules refuse listed apart. A summary by "
        "kind of change comes first. Read-only: nothing about the assessments changes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--csv",
            metavar="FILE",
            help="Write the list as CSV to FILE (- for standard output) instead of as text.",
        )

    def handle(self, *args, csv=None, **options):
        summary = impact.Summary()
        rows = impact.impact_rows(impact.finalized_records(), summary, today=timezone.localdate())
        if csv:
            self._write_csv(rows, csv)
            self._write_summary(summary, self.stderr if csv == "-" else self.stdout)
            return
        # The summary comes first, so the list is held in a temporary file meanwhile.
        with (
            tempfile.SpooledTemporaryFile(
                max_size=impact.SPOOL_BYTES, mode="w+", encoding="utf-8"
            ) as changed,
            tempfile.SpooledTemporaryFile(
                max_size=impact.SPOOL_BYTES, mode="w+", encoding="utf-8"
            ) as refused,
        ):
            for row in rows:
                (refused if row.refused else changed).write(_text(row))
            self._write_summary(summary, self.stdout)
            for title, spool in (
                ("Assessments whose outcome differs", changed),
                ("Assessments whose inputs the current rules refuse", refused),
            ):
                self.stdout.write(f"\n{title}:")
                spool.seek(0)
                for chunk in iter(lambda spool=spool: spool.read(COPY_CHUNK), ""):
                    self.stdout.write(chunk, ending="")

    def _write_csv(self, rows, path):
        try:
            target = sys.stdout if path == "-" else open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.", returncode=2) from None
        try:
            for line in impact.csv_lines(rows):
                target.write(line)
        finally:
            if target is not sys.stdout:
                target.close()

    def _write_summary(self, summary, stream):
        for line in summary.lines():
            stream.write(line)


def _text(row: impact.Row) -> str:
    finalized = date_format(row.finalized) if row.finalized else "?"
    head = (
        f"- {row.patient_ref} {row.treated_level}, {row.clinician}, finalized {finalized} "
        f"(rules {row.old_rules_version}): {row.link}\n"
    )
    if row.refused:
        return head + "".join(f"    {message}\n" for message in row.messages)
    lines = [
        f"    recommendation: {row.old.recommendation} → {row.new.recommendation}",
        f"    deciding rule: {row.old.rule} → {row.new.rule}",
    ]
    if row.missing_added or row.missing_removed:
        lines.append(
            f"    missing work-up: added {', '.join(row.missing_added) or '—'}; "
            f"removed {', '.join(row.missing_removed) or '—'}"
        )
    if row.notes_added or row.notes_removed:
        lines.append(
            f"    notes: added {', '.join(row.notes_added) or '—'}; "
            f"removed {', '.join(row.notes_removed) or '—'}"
        )
    return head + "".join(line + "\n" for line in lines)
