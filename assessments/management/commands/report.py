"""`python manage.py report ID -o FILE.pdf` — the PDF summary of one assessment.

The same document as the "Download PDF" button, for batch printing and for
checking. It reads the database and writes only the output file.
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment
from assessments.reports import pdf


class Command(BaseCommand):
    help = (
        "Write the PDF summary of the assessment with the given id to a file "
        "(default: its download filename in the current folder; - for standard output)."
    )

    def add_arguments(self, parser):
        parser.add_argument("assessment_id", help="The assessment's id (a UUID).")
        parser.add_argument(
            "-o", "--output", help="The PDF file to write, or - for standard output."
        )

    def handle(self, *args, assessment_id, output, **options):
        try:
            assessment = Assessment.objects.select_related("owner", "finalized_by").get(
                pk=assessment_id
            )
        except (Assessment.DoesNotExist, ValueError, ValidationError):
            raise CommandError(f"No assessment with id {assessment_id!r}.", returncode=2) from None
        document = pdf.assessment_pdf(assessment)
        if output == "-":
            sys.stdout.buffer.write(document)
            sys.stdout.buffer.flush()
            return
        target = Path(output or pdf.pdf_filename(assessment))
        try:
            target.write_bytes(document)
        except OSError as error:
            raise CommandError(f"Cannot write {target}: {error.strerror}.", returncode=2) from None
        self.stdout.write(f"Wrote {target} ({len(document):,} bytes).")
