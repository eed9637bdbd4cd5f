"""The PDF summary says what the chart needs: the patient, the guidance, its basis and evidence."""

from datetime import date

import pytest

from assessments.reports import pdf
from tests.pdf_helpers import (
    ALL_CONTRAINDICATIONS,
    LONG_CASE,
    LONG_CASE_NOTES,
    document_text,
    finalized_assessment,
    pages_text,
)
from vertebro_rules import references, rules
from vertebro_rules.vocabulary import Recommendation

# Tests of rules 2026.2 behaviour through the web (2026.3 changes it on purpose).
pytestmark = pytest.mark.usefixtures("rules_2026_2")


@pytest.fixture
def final(alice):
    return finalized_assessment(alice)


@pytest.fixture
def final_text(final):
    return document_text(pdf.assessment_pdf(final))


def test_it_names_the_patient_and_the_recommendation(final, final_text):
    assert "MRN-0001" in final_text
    assert Recommendation(final.guidance["recommendation"]).label in final_text
    assert final.guidance["headline"] in final_text


def test_it_prints_each_reason_sentence_with_its_references(final, final_text):
    for reason in final.guidance["reasons"]:
        assert reason["text"] in final_text
        numbers = ", ".join(map(str, reason["refs"]))
        assert f"[ref {numbers}" in final_text or f"[refs {numbers}" in final_text


def test_it_prints_the_evidence_entries_the_reasons_and_notes_cite_and_no_others(final, final_text):
    cited = {
        ref for item in final.guidance["reasons"] + final.guidance["notes"] for ref in item["refs"]
    }
    for number, text in references.REFERENCES.items():
        if number in cited:
            assert text in final_text
        else:
            assert text not in final_text


def test_it_numbers_its_pages(final):
    pages = pages_text(pdf.assessment_pdf(final))
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text


def test_it_shows_the_basis_in_words_with_empty_optional_fields_as_not_recorded(alice):
    assessment = finalized_assessment(alice, mobility=None, sex="female", mri_performed=True)
    text = document_text(pdf.assessment_pdf(assessment))
    assert "Course of pain after the index procedure No relief after the index procedure" in text
    assert "Sex Female" in text
    assert "MRI performed Yes" in text
    assert "Fluid at the bone–cement interface No" in text
    assert "Mobility not recorded" in text
    assert "Date the pain returned not applicable" in text
    assert "Date of the index vertebroplasty 1 Oct 2026" in text
    assert "no_relief" not in text


def test_it_groups_the_inputs_by_step(final_text):
    titles = [
        "Step 1 — Patient and index procedure",
        "Step 2 — Pain timeline",
        "Step 3 — Imaging",
        "Step 4 — Examination",
    ]
    positions = [final_text.index(title) for title in titles]
    assert positions == sorted(positions)


def test_it_says_who_finalized_it_and_leaves_a_line_to_sign(final_text):
    assert "Finalized by Alice Tester on" in final_text
    assert "Signature" in final_text


def test_the_footer_carries_the_rules_version_and_the_disclaimer(final_text):
    assert f"Rules version {rules.RULES_VERSION}" in final_text
    assert rules.DISCLAIMER in final_text
    assert "Generated" in final_text


def test_the_summary_gives_the_scenario_and_the_days_since_index_and_recurrence(alice):
    assessment = finalized_assessment(
        alice,
        index_procedure_date=date(2026, 6, 1),
        initial_response="relief_then_recurrence",
        recurrence_date=date(2026, 10, 11),
        conservative_therapy_weeks=1,
        cleft_sign="present",
    )
    text = document_text(pdf.assessment_pdf(assessment))
    assert "Delayed recurrence after relief" in text
    assert f"Days since the index procedure: {assessment.guidance['days_since_index']}" in text
    assert "Days since the pain returned: 7" in text


def test_the_long_case_flows_onto_a_second_page_with_header_and_footer_on_each(alice):
    assessment = finalized_assessment(alice, **LONG_CASE)
    assert tuple(note["id"] for note in assessment.guidance["notes"]) == LONG_CASE_NOTES
    pages = pages_text(pdf.assessment_pdf(assessment))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "Vertebro — repeat vertebroplasty assessment" in text
        assert "MRN-LONG-42" in text
        assert "Treated level L1" in text
        assert f"Page {number} of {len(pages)}" in text
        assert rules.DISCLAIMER in text
    text = " ".join(pages)
    # A line may break after a hyphen ("recurrent-" / "pain"): the extracted text has a space.
    unbroken = text.replace("- ", "-")
    for note in assessment.guidance["notes"]:
        assert note["text"] in text or note["text"] in unbroken


def test_a_contraindicated_case_names_every_contraindication(alice):
    assessment = finalized_assessment(alice, contraindications=ALL_CONTRAINDICATIONS)
    text = document_text(pdf.assessment_pdf(assessment))
    assert "Contraindicated" in text
    assert assessment.guidance["reasons"][0]["text"] in text
    assert (
        "Active infection; Uncorrectable coagulopathy; Allergy to cement (PMMA) components; "
        "Spinal canal compromise (retropulsion, posterior wall defect)" in " ".join(text.split())
    )


def test_a_work_up_checklist_lists_each_missing_item(alice):
    assessment = finalized_assessment(
        alice,
        mri_performed=False,
        active_fracture_location=None,
        cleft_sign=None,
        marrow_edema=None,
        neuro_exam="not_documented",
    )
    text = document_text(pdf.assessment_pdf(assessment))
    assert "Missing work-up" in text
    assert "☐ MRI of the spine" in text
    assert "☐ Baseline neurological examination" in text
    assert "Marrow edema not applicable" in text


def test_markup_in_a_patient_reference_is_printed_as_text(alice):
    reference = '<img src="https://example.org/x.png">MRN-7'
    assessment = finalized_assessment(alice, patient_ref=reference)
    assert "&lt;img" in pdf.report_html(assessment)
    assert reference in document_text(pdf.assessment_pdf(assessment))
