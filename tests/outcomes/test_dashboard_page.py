"""The reviewers' audit dashboard: who sees it, what it shows, its filter and its cost."""

import re

import pytest
from django.urls import reverse

from tests.outcomes.audit_data import build
from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure
from tests.pdf_helpers import document_text

URL = reverse("outcomes:dashboard")


@pytest.fixture
def department(alice, bob):
    return build(alice, bob)


def test_clinicians_get_the_department_view_and_anonymous_visitors_sign_in(client, alice):
    client.force_login(alice)
    response = client.get(URL)
    assert response.status_code == 200
    assert "department view" in response.content.decode()
    client.logout()
    assert client.get(URL).status_code == 302


def test_a_user_with_neither_role_is_refused(client, db):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user(username="nobody", password="x")
    client.force_login(nobody)
    assert client.get(URL).status_code == 403
    assert client.get(reverse("outcomes:dashboard_pdf")).status_code == 403


@pytest.mark.usefixtures("rules_2026_2")  # expects the outcomes of 2026.2
def test_the_reviewer_sees_figures_beside_the_published_ones_with_their_series(
    client, reviewer, department
):
    client.force_login(reviewer)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    # Adherence 3 of 4 (A4 declined: a refusal, apart), overrides 1 of 2 under R8.
    assert "75% (3 of 4; 95% CI 30% to 95%)" in page
    assert "50% (1 of 2; 95% CI 9% to 91%)" in page
    assert (
        "Repeat vertebroplasty not indicated (point tenderness absent, under the rules before "
        "2026.3): 1 of 2" in page
    )
    # Mean VAS before 6.5 (t interval 1.6 to 11.4, cut at 10), n = 4; the published 8.6.
    assert "6.5 (95% CI 1.6 to 10.0)" in page
    assert "8.6 <span" in page
    assert "unrelieved 4–32 days" in page
    assert "13–22%" in page and "58.8–63.8%" in page and "7.8%" in page
    assert "Too few patients (n = 4) to compare with the published figure" in page
    # Five charts (two funnel plots, the run chart, VAS, rates), each with a table.
    assert page.count("<svg") == 5
    assert page.count('role="img"') == 5


def test_the_filter_narrows_the_figures(client, reviewer, department):
    client.force_login(reviewer)
    page = client.get(URL, {"treated_level": "T12"}).content.decode()
    assert "1 final assessment;" in page
    assert "treated level T12" in page


def test_the_period_is_told_in_words(client, reviewer, department):
    client.force_login(reviewer)
    page = client.get(URL, {"date_from": "2025-01-05", "date_to": "2026-03-09"}).content.decode()
    assert "assessed from 5 Jan 2025 to 9 Mar 2026" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"date_from": "2025-02-01", "date_to": "2025-01-01"},
            "Until: Must be on or after",
        ),
        ({"date_from": "yesterday"}, "From: Enter a valid date."),
        ({"treated_level": "Z9"}, "Treated level: Select a valid choice."),
        ({"clinician": "999999"}, "Clinician: Select a valid choice."),
        ({"date_basis": "discharge"}, "Period applies to: Select a valid choice."),
        ({"scenario": "any"}, "Scenario: Select a valid choice."),
    ],
)
def test_a_bad_filter_is_refused_naming_the_field(client, reviewer, query, message):
    client.force_login(reviewer)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_page_has_no_inline_script_or_style(client, reviewer, department):
    client.force_login(reviewer)
    page = client.get(URL).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "<style" not in page
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)


def _add_patients(alice, count):
    for number in range(count):
        assessment = final_assessment(alice, patient_ref=f"Q-{number}")
        make_procedure(assessment)
        make_follow_up(assessment, "1m")


@pytest.mark.parametrize("count", [1, 12])
@pytest.mark.parametrize("query", [{}, {"treated_level": "L1", "date_from": "2025-01-01"}, "alice"])
def test_the_dashboard_costs_the_same_number_of_queries_for_1_or_12_patients(
    client, reviewer, alice, django_assert_num_queries, count, query, settings
):
    settings.VERTEBRO_AUDIT_CACHE_SECONDS = 0  # the figures computed, not read from the cache
    _add_patients(alice, count)
    if query == "alice":
        query = {"clinician": alice.pk}
    client.force_login(reviewer)
    client.get(URL)  # the session and user, as on any page
    # session, user, 1 for its permissions, the clinician choices, the 5 audit queries
    with django_assert_num_queries(QUERIES):
        assert client.get(URL, query).status_code == 200


# The audit's queries, and one for the electronic record's feedback on guidance cards.
QUERIES = 10


def test_the_pdf_has_the_same_figures(client, reviewer, department):
    client.force_login(reviewer)
    response = client.get(
        reverse("outcomes:dashboard_pdf"), {"clinician": department["A1"].owner_id}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(document_text(response.content).split())
    assert "Outcomes audit" in text
    assert "75% (3 of 4; 95% CI 30% to 95%)" in text
    assert "clinician Alice Tester" in text


def test_guidance_feedback_from_the_electronic_record_stands_beside_adherence(
    client, reviewer, department, monkeypatch
):
    from outcomes import audit

    def feedback(audit_filter):
        return [
            {"recommendation": "repeat_indicated", "outcome": "accepted", "n": 4},
            {
                "recommendation": "repeat_indicated",
                "outcome": "overridden",
                "override_reason": "Patient preference",
                "n": 2,
            },
            {"recommendation": "not_indicated", "outcome": "overridden", "n": 1},
        ]

    monkeypatch.setattr(audit, "_feedback_sources", [feedback])
    client.force_login(reviewer)
    page = client.get(URL).content.decode()
    assert "Repeat recommended: 4 accepted, 2 overridden (why: Patient preference: 2)" in page
    assert "Other recommendations: 0 accepted, 1 overridden (why: no reason given: 1)" in page
    assert "No feedback from the electronic record yet" not in page
