"""A clinician records a procedure and three follow-ups in Chromium; a reviewer reads the audit."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from outcomes.models import FollowUp, Procedure
from tests.browser.test_questionnaire_browser import sign_in
from tests.conftest import PASSWORD
from tests.outcomes.audit_data import build
from tests.outcomes.factories import final_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ASSESSED = {"index_procedure_date": date(2025, 1, 1), "assessment_date": date(2025, 1, 18)}
VISITS = (
    ("1 month", "2025-02-19", "2"),
    ("3 months", "2025-04-21", "3"),
    ("12 months", "2026-01-20", "3"),
)


def choose(page, question: str, answer: str):
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_a_clinician_records_a_procedure_and_three_follow_ups(
    page, live_server, alice, console_errors, screenshot
):
    assessment = final_assessment(alice, patient_ref="MRN-OUTCOME", **ASSESSED)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/result/")
    page.get_by_role("link", name="Procedure and follow-ups").click()
    page.get_by_role("link", name="Record the procedure").click()

    choose(page, "Repeat vertebroplasty performed", "Yes, performed")
    page.get_by_label("Date of the procedure").fill("2025-01-20")
    page.get_by_label("Cement volume (mL)").fill("25")
    choose(page, "Cement leakage on imaging", "None")
    choose(page, "Cleft filled", "No cleft")
    choose(page, "Complications", "None")
    page.get_by_label("Operator").fill("Dr Operator")
    page.get_by_role("button", name="Save").click()
    # Refused, the field named in the summary and beside the input; what was typed stays.
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(
        "Cement volume (mL): Ensure this value is less than or equal to 20.0."
    )
    expect(page.get_by_label("Operator")).to_have_value("Dr Operator")
    screenshot(page, "1-refused")
    # The refusal is a 400, which Chromium reports on the console; nothing else may be there.
    assert [e for e in console_errors if "status of 400" not in e] == []
    console_errors.clear()
    page.get_by_label("Cement volume (mL)").fill("6.5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Procedure saved.")).to_be_visible()

    for label, seen, vas in VISITS:
        page.get_by_role("link", name=f"Record the {label} follow-up").click()
        page.get_by_label("Date of the follow-up").fill(seen)
        page.get_by_label("Pain (VAS 0–10)").fill(vas)
        choose(page, "Mobility", "Independent")
        choose(page, "Analgesics", "Non-opioid")
        # No cleft was recorded at the assessment: its imaging after is not asked.
        expect(page.get_by_role("group", name="Cleft on post-procedure imaging")).to_have_count(0)
        choose(page, "New vertebral fracture", "None")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text(f"{label} follow-up saved.")).to_be_visible()
    screenshot(page, "2-recorded")
    assert Procedure.objects.get(assessment=assessment).cement_volume_ml == 6.5
    assert FollowUp.objects.filter(assessment=assessment).count() == 3


def sign_in_reviewer(page, live_server):
    """A reviewer who assesses no patient lands on the reviewers' home, not My assessments."""
    page.goto(live_server.url + "/")
    page.get_by_label("User name").fill("reviewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Reviewing")).to_be_visible()


def test_a_reviewer_reads_the_audit_dashboard(
    page, live_server, alice, bob, reviewer, console_errors, screenshot
):
    build(alice, bob)
    sign_in_reviewer(page, live_server)
    page.get_by_role("link", name="Outcomes audit").first.click()
    expect(page.get_by_role("heading", name="Outcomes audit")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Mean VAS before"))).to_be_visible()
    expect(page.get_by_text("75% (3 of 4; 95% CI 30% to 95%)").first).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Funnel plot"))).to_have_count(2)
    screenshot(page, "dashboard")
