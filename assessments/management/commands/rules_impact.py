"""`python manage.py rules_impact [--candidate VERSION] [--csv FILE]` — which finalized
assessments a rules version would decide differently, before it is made the active one
(docs/specification.md §9). Writes nothing to the database."""

import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from assessments.audit import impact
from vertebro_rules import versions

COPY_CHUNK = 64 * 1024


class Command(BaseCommand):
    help = (
        "Evaluate every finalized, not superseded assessment again under a candidate rules "
        "version (default: the active one) and list those whose outcome differs "
        "(recommendation, red flag, warnings, next steps, deciding rule, missing work-up, "
        "notes; lists compared as sets), each with whether the patient already had the repeat "
        "procedure, and those whose inputs the candidate refuses apart. A summary by kind of "
        "change comes first. Read-only: nothing about the assessments changes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--candidate",
            metavar="VERSION",
            help=f"The rules version to compare with (one of {', '.join(versions.VERSIONS)}; "
            "default: the active one).",
        )
        parser.add_argument(
            "--csv",
            metavar="FILE",
            help="Write the list as CSV to FILE (- for standard output) instead of as text.",
        )

    def handle(self, *args, csv=None, candidate=None, **options):
        try:
            rules = impact.candidate_rules(candidate)
        except versions.UnknownVersion as unknown:
            raise CommandError(f"--candidate: {unknown}", returncode=2) from None
        summary = impact.Summary(rules_version=rules.RULES_VERSION)
        rows = impact.impact_rows(
            impact.finalized_records(rules=rules), summary, today=timezone.localdate(), rules=rules
        )
        if csv:
            self._write_csv(rows, csv, summary)
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
                (f"Assessments whose inputs rules {summary.rules_version} refuse", refused),
            ):
                self.stdout.write(f"\n{title}:")
                spool.seek(0)
                for chunk in iter(lambda spool=spool: spool.read(COPY_CHUNK), ""):
                    self.stdout.write(chunk, ending="")

    def _write_csv(self, rows, path, summary):
        try:
            target = sys.stdout if path == "-" else open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.", returncode=2) from None
        try:
            for line in impact.csv_lines(rows, summary):
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
        f"(rules {row.old_rules_version}); repeat procedure: {row.procedure_text}: {row.link}\n"
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
    for label, added, removed in (
        ("red flags", row.red_flags_added, row.red_flags_removed),
        ("warnings", row.warnings_added, row.warnings_removed),
        ("next steps", row.next_steps_added, row.next_steps_removed),
    ):
        if added or removed:
            lines.append(
                f"    {label}: added {', '.join(added) or '—'}; removed {', '.join(removed) or '—'}"
            )
    if row.notes_added or row.notes_removed:
        lines.append(
            f"    notes: added {', '.join(row.notes_added) or '—'}; "
            f"removed {', '.join(row.notes_removed) or '—'}"
        )
    return head + "".join(line + "\n" for line in lines)
