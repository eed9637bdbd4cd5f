"""Downloading the PDF summary and opening its HTML preview: who may, and what they get."""

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from tests.factories import make_assessment
from tests.pdf_helpers import document_text, finalized_assessment
from vertebro_rules.references import REFERENCES


@pytest.fixture
def final(alice):
    return finalized_assessment(alice)


def pdf_url(assessment) -> str:
    return reverse("assessments:pdf", args=[assessment.pk])


def preview_url(assessment) -> str:
    return reverse("assessments:report_preview", args=[assessment.pk])


def test_the_owner_gets_an_inline_pdf_named_after_the_patient_and_date(client, alice, final):
    client.force_login(alice)
    response = client.get(pdf_url(final))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="vertebro-MRN-0001-2026-10-18.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    assert "MRN-0001" in document_text(response.content)


def test_the_pdf_is_not_cached(client, alice, final):
    client.force_login(alice)
    response = client.get(pdf_url(final))
    assert "no-store" in response["Cache-Control"]


def test_the_filename_keeps_only_safe_characters(client, alice):
    assessment = finalized_assessment(alice, patient_ref='MRN 12/34 "Ø";x')
    client.force_login(alice)
    response = client.get(pdf_url(assessment))
    filename = re.fullmatch(r'inline; filename="([^"]+)"', response["Content-Disposition"])[1]
    assert re.fullmatch(r"[A-Za-z0-9._-]+", filename)
    assert filename == "vertebro-MRN-12-34-x-2026-10-18.pdf"


def test_a_draft_downloads_with_draft_in_its_name(client, alice):
    draft = make_assessment(alice)
    client.force_login(alice)
    response = client.get(pdf_url(draft))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-2026-10-18-draft.pdf"')


def test_anonymous_visitors_are_sent_to_sign_in(client, final):
    for url in (pdf_url(final), preview_url(final)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")


def test_another_clinician_gets_a_404(client, bob, final):
    client.force_login(bob)
    assert client.get(pdf_url(final)).status_code == 404
    assert client.get(preview_url(final)).status_code == 404


def test_a_reviewer_may_download_any_assessment(client, reviewer, final):
    client.force_login(reviewer)
    response = client.get(pdf_url(final))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_post_is_refused(client, alice, final):
    client.force_login(alice)
    assert client.post(pdf_url(final)).status_code == 405


@pytest.mark.usefixtures("rules_2026_2")  # expects the text of 2026.2
def test_the_preview_is_the_report_as_html_without_inline_script_or_style(client, alice, final):
    client.force_login(alice)
    response = client.get(preview_url(final))
    assert response.status_code == 200
    html = response.content.decode()
    assert final.guidance["reasons"][0]["text"] in html
    assert REFERENCES[1] in html
    assert pdf_url(final) in html
    assert "<script" not in html
    assert "<style" not in html
    assert "style=" not in html
    assert "bootstrap" not in html
