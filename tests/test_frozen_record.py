"""A finalized assessment never changes (docs/specification.md §9): its result page and PDF
print the words kept at finalization — reason and note sentences, reference texts, labels of
the questions and answers — whatever the code says later; a draft follows the current code;
assessments finalized under rules 2026.1 keep printing what they printed then."""

import dataclasses
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from assessments import integrity
from assessments.models import Assessment
from assessments.reports import pdf
from tests.factories import make_assessment
from tests.pdf_helpers import document_text, finalized_assessment
from vertebro_rules import inputs, references
from vertebro_rules.versions.v2026_2 import rules
from vertebro_rules.vocabulary import Contraindication, Recommendation, Scenario

NEW_NOTE = "A note as next year's rules word it."
NEW_REFERENCE = "A reference as next year's evidence list words it."
NEW_RECOMMENDATION = "A recommendation label as next year's code words it"
NEW_SCENARIO = "A scenario label as next year's code words it"
NEW_QUESTION = "A question as next year's form words it"
NEW_ANSWER = "An answer as next year's form words it"


@pytest.fixture
def texts_rewritten(monkeypatch):
    """The code's words changed, as a later version might: N1's sentence, reference 1, the
    recommendation and scenario labels, the label of a question and of an answer."""
    monkeypatch.setattr(
        rules,
        "NOTES",
        tuple(
            dataclasses.replace(note, content=lambda case: (NEW_NOTE, (1, 2, 3)))
            if note.id == "N1"
            else note
            for note in rules.NOTES
        ),
    )
    monkeypatch.setitem(
        references.EVIDENCE,
        1,
        dataclasses.replace(references.EVIDENCE[1], description=NEW_REFERENCE),
    )
    monkeypatch.setitem(references.REFERENCES, 1, NEW_REFERENCE)
    monkeypatch.setattr(Recommendation.REPEAT_INDICATED, "label", NEW_RECOMMENDATION)
    monkeypatch.setattr(Scenario.IMMEDIATE_FAILURE, "label", NEW_SCENARIO)
    monkeypatch.setitem(
        inputs.FIELDS_BY_NAME,
        "vas_current",
        dataclasses.replace(inputs.FIELDS_BY_NAME["vas_current"], label=NEW_QUESTION),
    )
    monkeypatch.setattr(Contraindication.CEMENT_ALLERGY, "label", NEW_ANSWER)


NEW_WORDS = (NEW_NOTE, NEW_REFERENCE, NEW_RECOMMENDATION, NEW_SCENARIO, NEW_QUESTION)


@pytest.mark.usefixtures("rules_2026_2")  # rewords the texts of 2026.2
def test_a_finalized_report_prints_the_words_of_the_day_after_the_code_changes(alice, request):
    final = finalized_assessment(alice)
    note_then = final.guidance["notes"][0]["text"]
    reference_then = references.REFERENCES[1]
    request.getfixturevalue("texts_rewritten")
    text = document_text(pdf.assessment_pdf(final))
    for words in (
        note_then,
        reference_then,
        "Repeat vertebroplasty indicated",
        "Immediate failure of the index procedure (days 4–32)",
        "Current VAS",
    ):
        assert " ".join(words.split()) in text, words
    for words in NEW_WORDS:
        assert words not in text


def test_a_finalized_result_page_prints_the_words_of_the_day(client, alice, request):
    final = finalized_assessment(alice)
    reference_then = references.REFERENCES[1]
    request.getfixturevalue("texts_rewritten")
    client.force_login(alice)
    page = client.get(reverse("assessments:result", args=[final.pk])).content.decode()
    assert "Repeat vertebroplasty indicated" in page
    assert reference_then.split(" (")[0] in page
    for words in NEW_WORDS:
        assert words not in page


def test_the_answers_of_a_finalized_report_keep_their_labels(alice, request):
    final = finalized_assessment(alice, contraindications=["cement_allergy"])
    request.getfixturevalue("texts_rewritten")
    # (R2 decides: contraindicated.)
    text = document_text(pdf.assessment_pdf(final))
    assert "Allergy to cement (PMMA) components" in text
    assert NEW_ANSWER not in text


@pytest.mark.usefixtures("rules_2026_2")  # rewords the texts of 2026.2
def test_a_draft_report_follows_the_current_code(alice, texts_rewritten):
    draft = make_assessment(alice)
    text = document_text(pdf.assessment_pdf(draft))
    for words in NEW_WORDS:
        assert words in text


def test_finalization_keeps_the_labels_of_every_question_and_answer(alice):
    final = finalized_assessment(alice, contraindications=["canal_compromise"])
    record = final.display_record
    assert record["recommendation"] == "Contraindicated"
    assert [group["step"] for group in record["answers"]] == [1, 2, 3, 4]
    answers = {a["label"]: a["text"] for group in record["answers"] for a in group["answers"]}
    assert answers["Current VAS"] == "8"
    assert answers["Contraindications"] == (
        "Spinal canal compromise (retropulsion, posterior wall defect)"
    )
    assert [reference["id"] for reference in record["references"]] == [
        reference["id"] for reference in final.guidance["references"]
    ]


# Assessments finalized under rules 2026.1 ---------------------------------------------

GUIDANCE_2026_1 = {
    "rules_version": "2026.1",
    "scenario": "immediate_failure",
    "recommendation": "contraindicated",
    "headline": "Repeat vertebroplasty at L1 is contraindicated.",
    "reasons": [
        {
            "rule": "R2",
            "text": "Repeat vertebroplasty is contraindicated: allergy to bone cement.",
            "refs": [4],
        }
    ],
    "missing": [],
    "notes": [
        {"id": "N5", "text": "Failure mechanism shown: incomplete filling.", "refs": [3]},
        {"id": "N9", "text": "Counsel the patient to report any sudden increase.", "refs": [4, 7]},
    ],
    "days_since_index": 17,
    "days_since_recurrence": None,
    "disclaimer": "Decision support for clinicians; it does not replace clinical judgement.",
}


def finalized_under_2026_1(owner, **inputs) -> Assessment:
    """An assessment as rules 2026.1 finalized it, with the digest of record format 1."""
    assessment = make_assessment(owner, **inputs)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.FINAL,
        guidance=GUIDANCE_2026_1,
        rules_version="2026.1",
        recommendation="contraindicated",
        deciding_rule="R2",
        finalized_at=assessment.created,
        finalized_by=owner,
    )
    assessment.refresh_from_db()
    Assessment.objects.filter(pk=assessment.pk).update(
        record_digest=integrity.legacy_record_digest(assessment, record_format=1)
    )
    return assessment


def migrate_display_records():
    migration = importlib.import_module("assessments.migrations.0011_display_record")
    migration.keep_what_2026_1_printed(apps, None)


def test_an_assessment_finalized_under_2026_1_keeps_printing_as_before(alice):
    assessment = finalized_under_2026_1(alice, contraindications=["cement_allergy"])
    migrate_display_records()
    assessment.refresh_from_db()
    text = document_text(pdf.assessment_pdf(assessment))
    assert "Allergy to bone cement" in text
    assert "Allergy to cement (PMMA) components" not in text
    assert "Immediate failure (no relief, days 4–32)" in text
    assert "Repeat vertebroplasty is contraindicated: allergy to bone cement." in text
    # The 2026.1 evidence list printed descriptions only.
    assert "Practice parameter for vertebral augmentation" in text
    assert "Progression of Vertebral Compression Fractures" not in text
    assert "Rules version 2026.1" in text


def test_the_migration_renews_a_matching_digest_and_leaves_a_broken_one_broken(alice, bob):
    intact = finalized_under_2026_1(alice, patient_ref="MRN-INTACT")
    tampered = finalized_under_2026_1(bob, patient_ref="MRN-TAMPERED")
    Assessment.objects.filter(pk=tampered.pk).update(vas_current=2)
    migrate_display_records()
    intact.refresh_from_db()
    tampered.refresh_from_db()
    assert intact.display_record["recommendation"] == "Contraindicated"
    assert intact.record_digest == integrity.legacy_record_digest(intact, record_format=2)
    assert tampered.record_digest != integrity.legacy_record_digest(tampered, record_format=2)


def test_the_record_seal_covers_the_display_record(alice):
    final = finalized_assessment(alice)
    assert integrity.seal_matches(final)
    record = final.display_record
    record["recommendation"] = "Something else"
    Assessment.objects.filter(pk=final.pk).update(display_record=record)
    final.refresh_from_db()
    assert not integrity.seal_matches(final)
