"""With fewer than three clinicians, a letter would name the colleague: a clinician's
department view then shows only their own line beside the department's, and says why; the
reviewer still sees every clinician by name."""

import html

import pytest
from django.urls import reverse

from outcomes.dashboard import TOO_FEW_CLINICIANS
from tests.outcomes.factories import final_assessment, make_procedure
from tests.pdf_helpers import document_text

pytestmark = pytest.mark.django_db
URL = reverse("outcomes:dashboard")


@pytest.fixture
def two_clinicians(alice, bob):
    for owner, ref in ((alice, "MRN-A1"), (alice, "MRN-A2"), (bob, "MRN-B1")):
        make_procedure(final_assessment(owner, patient_ref=ref))


def test_with_two_clinicians_a_clinician_sees_no_colleague_by_letter(client, alice, two_clinicians):
    client.force_login(alice)
    page = html.unescape(client.get(URL).content.decode())
    assert TOO_FEW_CLINICIANS in page
    assert "You (Alice Tester)" in page
    assert "Clinician A" not in page and "Clinician B" not in page
    assert "Bob Tester" not in page
    assert "shown as letters" not in page
    pdf = document_text(client.get(reverse("outcomes:dashboard_pdf")).content)
    assert "Too few clinicians to show them apart without naming them" in " ".join(pdf.split())
    assert "Clinician B" not in pdf


def test_with_two_clinicians_the_reviewer_still_sees_both_by_name(client, reviewer, two_clinicians):
    client.force_login(reviewer)
    page = html.unescape(client.get(URL).content.decode())
    assert TOO_FEW_CLINICIANS not in page
    assert "Alice Tester" in page and "Bob Tester" in page


def test_with_three_clinicians_the_colleagues_are_letters(client, alice, carol, two_clinicians):
    make_procedure(final_assessment(carol, patient_ref="MRN-C1"))
    client.force_login(alice)
    page = html.unescape(client.get(URL).content.decode())
    assert TOO_FEW_CLINICIANS not in page
    assert "Clinician B" in page and "Clinician C" in page
    assert "Bob Tester" not in page and "Carol Tester" not in page
