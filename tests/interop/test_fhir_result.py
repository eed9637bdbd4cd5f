"""GuidanceResponse, DocumentReference and Bundle of an assessment: content and validity."""

import base64
import hashlib
import re

import pytest
from django.utils import timezone

from assessments.models import Assessment
from assessments.reports.pdf import pdf_filename
from assessments.services import assessment_finalize
from interop.fhir.bundle import build_bundle
from interop.fhir.document import build_document_reference
from interop.fhir.guidance import build_guidance_response
from tests.factories import NO_MRI, make_assessment
from vertebro_lib.codes import without_code_pointers
from vertebro_rules.references import REFERENCES

from .fhir_invariants import RESPONSE, broken_invariants
from .validators import assert_valid_fhir

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 test document"


@pytest.fixture
def final(alice):
    return assessment_finalize(assessment=make_assessment(alice), user=alice)


def test_guidance_response_of_a_decided_assessment(final):
    resource = build_guidance_response(final)
    assert_valid_fhir(resource)
    guidance = final.guidance
    assert resource["status"] == "success"
    assert "dataRequirement" not in resource
    assert resource["moduleUri"].endswith(f"/fhir/rules/{guidance['rules_version']}")
    assert resource["requestIdentifier"]["value"] == str(final.pk)
    assert resource["extension"][0]["valueReference"] == {
        "reference": f"QuestionnaireResponse/{final.pk}"
    }
    assert [r["coding"][0]["code"] for r in resource["reasonCode"]] == [
        reason["rule"] for reason in guidance["reasons"]
    ]
    # The rule's code has no display: the recommendation's label is not the rule's name.
    assert all("display" not in r["coding"][0] for r in resource["reasonCode"])
    assert [r["text"] for r in resource["reasonCode"]] == [
        without_code_pointers(r["text"]) for r in guidance["reasons"]
    ]
    notes = [note["text"] for note in resource["note"]]
    assert notes[0] == guidance["headline"]
    assert notes[1] == f"Recommendation: {final.display_record['recommendation']}."
    for note in guidance["notes"]:
        assert without_code_pointers(note["text"]) in notes
    for step in guidance["next_steps"]:
        assert f"Next step: {without_code_pointers(step['text'])}" in notes
    # In words: no sentence begins with a rule, note, warning or next-step code.
    assert not any(re.match(r"[RNPS]\d+:", text) for text in notes)
    cited = {ref for item in (*guidance["reasons"], *guidance["notes"]) for ref in item["refs"]}
    assert cited
    for number in cited:
        text = next(
            (r["text"] for r in guidance.get("references", []) if r["id"] == number),
            REFERENCES[number],
        )
        assert f"Reference {number}: {text}" in notes


def test_references_frozen_in_the_guidance_are_used_as_frozen(final):
    final.guidance = {**final.guidance, "references": [{"id": 1, "text": "As frozen."}]}
    notes = [note["text"] for note in build_guidance_response(final)["note"]]
    assert "Reference 1: As frozen." in notes
    assert not any(text.startswith("Reference 2:") for text in notes)


def test_the_words_are_those_frozen_at_finalization(final):
    record = {**final.display_record, "recommendation": "Indicated (as worded on the day)"}
    record["missing"] = []
    Assessment.objects.filter(pk=final.pk).update(display_record=record)
    final.refresh_from_db()
    notes = [note["text"] for note in build_guidance_response(final)["note"]]
    assert "Recommendation: Indicated (as worded on the day)." in notes


def test_a_missing_item_is_named_as_frozen(alice):
    final = assessment_finalize(
        assessment=make_assessment(alice, **NO_MRI, point_tenderness="not_examined"), user=alice
    )
    record = {**final.display_record, "missing": ["MRI (as worded)", "Tenderness (as worded)"]}
    Assessment.objects.filter(pk=final.pk).update(display_record=record)
    final.refresh_from_db()
    requirements = build_guidance_response(final)["dataRequirement"]
    displays = [req["codeFilter"][0]["code"][0]["display"] for req in requirements]
    assert displays == ["MRI (as worded)", "Tenderness (as worded)"]


def test_an_incomplete_work_up_is_data_required_one_requirement_per_item(alice):
    final = assessment_finalize(
        assessment=make_assessment(
            alice, **NO_MRI, point_tenderness="not_examined", cement_fill="not_assessed"
        ),
        user=alice,
    )
    resource = build_guidance_response(final)
    assert_valid_fhir(resource)
    assert resource["status"] == "data-required"
    codes = [req["codeFilter"][0]["code"][0]["code"] for req in resource["dataRequirement"]]
    assert codes == final.guidance["missing"] == ["mri", "point_tenderness", "cement_imaging"]
    assert [req["type"] for req in resource["dataRequirement"]] == [
        "ImagingStudy",
        "Observation",
        "ImagingStudy",
    ]


def test_a_draft_has_no_guidance_response_or_document(alice):
    draft = make_assessment(alice)
    with pytest.raises(ValueError):
        build_guidance_response(draft)
    with pytest.raises(ValueError):
        build_document_reference(draft, pdf_bytes=FAKE_PDF)


def test_document_reference_carries_the_pdf_its_hash_and_creation(final):
    resource = build_document_reference(final, pdf_bytes=FAKE_PDF)
    assert_valid_fhir(resource)
    attachment = resource["content"][0]["attachment"]
    assert attachment["contentType"] == "application/pdf"
    assert base64.b64decode(attachment["data"]) == FAKE_PDF
    assert attachment["size"] == len(FAKE_PDF)
    assert base64.b64decode(attachment["hash"]) == hashlib.sha1(FAKE_PDF).digest()
    assert attachment["creation"] == timezone.localtime(final.finalized_at).isoformat(
        timespec="seconds"
    )
    assert resource["date"] == attachment["creation"]
    assert resource["status"] == "current"
    Assessment.objects.filter(pk=final.pk).update(status=Assessment.Status.SUPERSEDED)
    final.refresh_from_db()
    assert build_document_reference(final, pdf_bytes=FAKE_PDF)["status"] == "superseded"


def test_the_document_is_the_real_pdf(final):
    resource = build_document_reference(final)
    data = base64.b64decode(resource["content"][0]["attachment"]["data"])
    assert data.startswith(b"%PDF")
    assert resource["content"][0]["attachment"]["title"] == pdf_filename(final)


def test_bundle_of_a_final_and_of_a_draft(final, alice, monkeypatch):
    monkeypatch.setattr("assessments.reports.pdf.assessment_pdf", lambda assessment: FAKE_PDF)
    bundle = build_bundle(final)
    assert_valid_fhir(bundle)
    assert bundle["type"] == "collection"
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds == ["QuestionnaireResponse", "GuidanceResponse", "DocumentReference"]
    assert broken_invariants(bundle["entry"][0]["resource"], RESPONSE) == []
    draft_bundle = build_bundle(make_assessment(alice))
    assert_valid_fhir(draft_bundle)
    assert [e["resource"]["resourceType"] for e in draft_bundle["entry"]] == [
        "QuestionnaireResponse"
    ]
