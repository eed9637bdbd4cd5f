"""Amendments: a final assessment is never changed; its owner amends it."""

import copy
import io

import pytest
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import NotAmendable, assessment_amend, assessment_finalize
from tests.factories import make_assessment


@pytest.fixture
def original(alice):
    return assessment_finalize(assessment=make_assessment(alice, contraindications=[]), user=alice)


def snapshot(assessment) -> tuple[dict, dict, str]:
    row = Assessment.objects.get(pk=assessment.pk)
    return copy.deepcopy(row.input_values()), copy.deepcopy(row.guidance), row.rules_version


def amend_url(assessment):
    return reverse("assessments:amend", args=[assessment.pk])


def test_an_amendment_is_a_draft_prefilled_from_the_original_and_linked_to_it(alice, original):
    amendment = assessment_amend(assessment=original, user=alice)
    assert amendment.pk != original.pk
    assert amendment.status == Assessment.Status.DRAFT
    assert amendment.amends == original
    assert amendment.input_values() == original.input_values()
    assert amendment.guidance is None and amendment.finalized_at is None
    original.refresh_from_db()
    assert original.status == Assessment.Status.FINAL  # superseded only once the amendment is final


def test_finalizing_the_amendment_supersedes_the_original_which_stays_byte_for_byte_intact(
    alice, original
):
    before = snapshot(original)
    amendment = assessment_amend(assessment=original, user=alice)
    amendment.vas_current = 5
    amendment.cement_fill = "adequate"
    amendment.save()
    assessment_finalize(assessment=amendment, user=alice)

    original.refresh_from_db()
    amendment.refresh_from_db()
    assert original.status == Assessment.Status.SUPERSEDED
    assert snapshot(original) == before
    assert amendment.status == Assessment.Status.FINAL
    assert amendment.guidance["recommendation"] == "repeat_may_be_considered"
    assert original.guidance["recommendation"] == "repeat_indicated"
    # Linked both ways.
    assert amendment.amends == original
    assert original.amendment == amendment


def test_a_second_request_resumes_the_amendment_already_started(alice, original):
    first = assessment_amend(assessment=original, user=alice)
    assert assessment_amend(assessment=original, user=alice) == first
    assert Assessment.objects.filter(amends=original).count() == 1


def test_a_draft_a_superseded_assessment_or_someone_elses_cannot_be_amended(alice, bob, original):
    with pytest.raises(NotAmendable):
        assessment_amend(assessment=make_assessment(alice), user=alice)
    with pytest.raises(NotAmendable):
        assessment_amend(assessment=original, user=bob)
    assessment_finalize(assessment=assessment_amend(assessment=original, user=alice), user=alice)
    with pytest.raises(NotAmendable):
        assessment_amend(assessment=original, user=alice)


def test_the_owner_starts_an_amendment_on_the_web_and_lands_on_its_step_1(client, alice, original):
    client.force_login(alice)
    response = client.post(amend_url(original), {"reason": "Wrong treated level entered"})
    amendment = Assessment.objects.get(amends=original)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:step", args=[amendment.pk, 1])
    assert amendment.amendment_reason == "Wrong treated level entered"


def test_amending_asks_for_a_reason_first(client, alice, original):
    client.force_login(alice)
    page = client.get(amend_url(original))
    assert page.status_code == 200
    assert "Reason for the amendment" in page.content.decode()
    assert not Assessment.objects.filter(amends=original).exists()
    refused = client.post(amend_url(original), {"reason": "   "})
    assert refused.status_code == 400
    assert "Give the reason for the amendment." in refused.content.decode()
    assert not Assessment.objects.filter(amends=original).exists()


@pytest.mark.parametrize(("persona", "status"), [("bob", 404), ("reviewer", 403)])
def test_only_the_owner_can_amend(client, original, persona, status, request):
    # A fellow clinician learns nothing of the assessment (404); a reviewer is refused every
    # write for the role, whatever the assessment (403, for any id alike).
    client.force_login(request.getfixturevalue(persona))
    assert client.post(amend_url(original), {"reason": "x"}).status_code == status
    assert not Assessment.objects.filter(amends=original).exists()


def test_amending_a_draft_on_the_web_is_refused_with_a_message(client, alice):
    draft = make_assessment(alice)
    client.force_login(alice)
    response = client.post(amend_url(draft), follow=True)
    assert not Assessment.objects.filter(amends=draft).exists()
    assert "Only a final assessment can be amended." in response.content.decode()


def test_the_result_pages_link_the_original_and_its_successor(client, alice, original):
    amendment = assessment_finalize(
        assessment=assessment_amend(assessment=original, user=alice), user=alice
    )
    client.force_login(alice)
    original_page = client.get(reverse("assessments:result", args=[original.pk]))
    successor_page = client.get(reverse("assessments:result", args=[amendment.pk]))
    assert reverse("assessments:result", args=[amendment.pk]) in original_page.content.decode()
    assert "Superseded" in original_page.content.decode()
    assert reverse("assessments:result", args=[original.pk]) in successor_page.content.decode()


def test_my_assessments_shows_the_chain(client, alice, original):
    amendment = assessment_amend(assessment=original, user=alice)
    assessment_finalize(assessment=amendment, user=alice)
    client.force_login(alice)
    page = client.get(reverse("assessments:list")).content.decode()
    assert "superseded by" in page.lower()
    assert "amends" in page.lower()


def test_the_pdf_of_a_superseded_assessment_says_so_on_every_page(alice, original):
    from pypdf import PdfReader

    from assessments.reports import pdf

    assessment_finalize(assessment=assessment_amend(assessment=original, user=alice), user=alice)
    original.refresh_from_db()
    pages = PdfReader(io.BytesIO(pdf.assessment_pdf(original))).pages
    assert pages
    for page in pages:
        assert "superseded" in page.extract_text().lower()
