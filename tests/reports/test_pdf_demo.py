"""Every demo assessment prints, whatever its status or the step its draft reached."""

import io

from django.core.management import call_command

from assessments.models import Assessment
from assessments.reports import pdf
from tests.pdf_helpers import pages_text


def test_every_demo_assessment_prints_with_its_patient_on_every_page(db):
    call_command("seed_demo", stdout=io.StringIO())
    demos = list(Assessment.objects.select_related("owner", "finalized_by"))
    assert demos
    for assessment in demos:
        pages = pages_text(pdf.assessment_pdf(assessment))
        for number, text in enumerate(pages, start=1):
            assert assessment.patient_ref in text
            assert f"Page {number} of {len(pages)}" in text
        if assessment.status == Assessment.Status.DRAFT:
            assert all("DRAFT — not finalized" in text for text in pages)
