"""The result page and My assessments offer the PDF summary."""

from django.urls import reverse

from tests.factories import make_assessment
from tests.pdf_helpers import finalized_assessment


def test_the_result_page_has_a_download_pdf_button(client, alice):
    final = finalized_assessment(alice)
    client.force_login(alice)
    html = client.get(reverse("assessments:result", args=[final.pk])).content.decode()
    assert f'href="{reverse("assessments:pdf", args=[final.pk])}" download>Download PDF</a>' in html


def test_my_assessments_offers_a_pdf_for_each_row(client, alice):
    final = finalized_assessment(alice, patient_ref="MRN-FINAL")
    draft = make_assessment(alice, patient_ref="MRN-DRAFT")
    client.force_login(alice)
    html = client.get(reverse("assessments:list")).content.decode()
    for assessment in (final, draft):
        assert reverse("assessments:pdf", args=[assessment.pk]) in html
    assert html.count(">Download PDF</a>") == 2
