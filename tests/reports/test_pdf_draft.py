"""A draft prints too, marked on every page; a superseded report says so on every page."""

from assessments.models import Assessment
from assessments.reports import pdf
from tests.factories import make_assessment
from tests.pdf_helpers import LONG_CASE, finalized_assessment, pages_text


def test_a_draft_carries_the_watermark_on_every_page(alice):
    draft = make_assessment(alice, **LONG_CASE)
    pages = pages_text(pdf.assessment_pdf(draft))
    assert len(pages) >= 2
    for text in pages:
        assert "DRAFT — not finalized" in text


def test_a_draft_is_reported_from_a_fresh_evaluation(alice):
    draft = make_assessment(alice)
    text = " ".join(pages_text(pdf.assessment_pdf(draft)))
    assert draft.evaluate().reasons[0].text in text
    assert "Not finalized." in text
    assert "Finalized by" not in text


def test_an_incomplete_draft_lists_the_missing_inputs_instead_of_guidance(alice):
    draft = make_assessment(alice, neuro_exam=None, vas_current=None)
    text = " ".join(pages_text(pdf.assessment_pdf(draft)))
    assert "No guidance yet" in text
    assert "☐ Current VAS" in text
    assert "☐ Neurological examination" in text
    assert "Reasons" not in text
    assert "Neurological examination missing" in text


def test_a_final_report_has_no_watermark(alice):
    final = finalized_assessment(alice)
    for text in pages_text(pdf.assessment_pdf(final)):
        assert "DRAFT" not in text
        assert "SUPERSEDED" not in text.upper()


def test_a_superseded_report_says_so_on_every_page(alice):
    final = finalized_assessment(alice, **LONG_CASE)
    Assessment.objects.filter(pk=final.pk).update(status=Assessment.Status.SUPERSEDED)
    final.refresh_from_db()
    pages = pages_text(pdf.assessment_pdf(final))
    assert len(pages) >= 2
    for text in pages:
        assert "Superseded by an amended assessment" in text
