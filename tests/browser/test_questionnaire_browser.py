"""A clinician uses the questionnaire in Chromium: the whole flow, resuming, conditional fields."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment
from tests.browser.dates import date_group, expect_date, fill_date
from tests.conftest import PASSWORD
from vertebro_rules.references import REFERENCES

# The questionnaire of rules 2026.2 (weeks of therapy asked for every course of pain).
pytestmark = [
    pytest.mark.usefixtures("rules_2026_2"),
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

INDEX_DATE = timezone.localdate() - timedelta(days=17)


def sign_in(page, live_server, username="alice", screenshot=None):
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    if screenshot:
        screenshot(page, "0-sign-in")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My assessments")).to_be_visible()


def choose(page, question: str, answer: str):
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def fill_step_1(page, patient_ref="MRN-BROWSER"):
    page.get_by_label("Patient reference (MRN)").fill(patient_ref)
    page.get_by_label("Age (years)").fill("70")
    choose(page, "Sex", "Female")
    page.get_by_label("Treated level").select_option("L1")
    fill_date(page, "Date of the index vertebroplasty", INDEX_DATE)
    choose(page, "Fracture etiology", "Osteoporotic")
    page.get_by_label("Index cement volume (mL)").fill("4.2")
    page.get_by_label("Prior vertebral fractures").fill("0")


def fill_step_2(page):
    # The assessment date is today unless changed.
    expect_date(page, "Assessment date", timezone.localdate())
    choose(page, "Course of pain after the index procedure", "No relief after the index procedure")
    page.get_by_label("VAS before the index procedure").fill("8")
    page.get_by_label("Current VAS").fill("8")
    page.get_by_label("Weeks of conservative therapy").fill("2")


def fill_step_3(page):
    choose(page, "MRI performed", "Yes")
    choose(page, "Location of the active fracture on MRI", "At the treated level")
    choose(page, "Intravertebral cleft", "Absent")
    choose(page, "Marrow edema", "Present")
    # Asked with neither answer chosen: a skipped finding is not a "No".
    choose(page, "Fluid at the bone–cement interface", "No")
    choose(
        page, "Index cement fill", "Inadequate (incomplete filling or cement missing the fracture)"
    )


def save_and_continue(page):
    page.get_by_role("button", name=re.compile("Save and (continue|review)")).click()


def test_a_clinician_completes_an_immediate_failure_case_and_finalizes(
    page, live_server, alice, console_errors, screenshot
):
    sign_in(page, live_server, screenshot=screenshot)
    screenshot(page, "1-my-assessments")
    page.get_by_role("link", name="New assessment").first.click()
    expect(page.get_by_role("heading", name="Patient and index procedure")).to_be_visible()
    fill_step_1(page)
    screenshot(page, "2-step-1")
    save_and_continue(page)

    expect(page.get_by_role("heading", name="Pain timeline")).to_be_visible()
    fill_step_2(page)
    screenshot(page, "3-step-2")
    save_and_continue(page)

    expect(page.get_by_role("heading", name="Imaging", exact=True)).to_be_visible()
    fill_step_3(page)
    screenshot(page, "4-step-3")
    save_and_continue(page)

    # Step 4 with the keyboard alone: arrows pick a radio, Tab moves on, Enter submits.
    expect(page.get_by_role("heading", name="Examination")).to_be_visible()
    page.get_by_role("group", name="Point tenderness").get_by_label("Present").focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first neurological option: Normal
    expect(
        page.get_by_role("group", name="Neurological examination").get_by_label("Normal")
    ).to_be_checked()
    expect(
        page.get_by_role("group", name="Point tenderness").get_by_label("Present")
    ).to_be_checked()
    screenshot(page, "5-step-4")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=re.compile("^Review MRN-BROWSER"))).to_be_visible()
    expect(page.get_by_text("Repeat vertebroplasty indicated").first).to_be_visible()
    screenshot(page, "6-review")
    page.get_by_role("link", name="Finalize…").first.click()

    expect(page.get_by_role("heading", name="Finalize this assessment?")).to_be_visible()
    screenshot(page, "7-finalize")
    page.get_by_role("button", name="Finalize the assessment").click()

    expect(page.get_by_role("heading", name="Result for MRN-BROWSER, L1")).to_be_visible()
    card = page.locator(".guidance-card")
    expect(card).to_have_class(re.compile("guidance-card--success"))
    expect(card.get_by_role("heading", name="Repeat vertebroplasty indicated")).to_be_visible()
    # The reason in words, without its rule's code.
    expect(page.locator('[data-code="R10"]')).to_be_visible()
    expect(page.get_by_text("R10", exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name="References")).to_be_visible()
    screenshot(page, "8-result")

    assessment = Assessment.objects.get(patient_ref="MRN-BROWSER")
    assert assessment.status == Assessment.Status.FINAL
    assert assessment.guidance["recommendation"] == "repeat_indicated"
    assert assessment.guidance["reasons"][0]["rule"] == "R10"
    items = [*assessment.guidance["reasons"], *assessment.guidance["notes"]]
    cited = sorted({ref for item in items for ref in item["refs"]})
    assert {1, 3} <= set(cited)  # R10's evidence
    expect(page.locator("ol.references li")).to_have_text([REFERENCES[ref] for ref in cited])
    assert console_errors == []


def test_a_clinician_leaves_after_step_2_and_resumes_at_step_3(
    browser, live_server, alice, screenshot
):
    first = browser.new_context(viewport={"width": 768, "height": 1024})
    page = first.new_page()
    errors = _watch(page)
    sign_in(page, live_server)
    page.get_by_role("link", name="New assessment").first.click()
    fill_step_1(page, patient_ref="MRN-RESUME")
    save_and_continue(page)
    fill_step_2(page)
    save_and_continue(page)
    expect(page.get_by_role("heading", name="Imaging", exact=True)).to_be_visible()
    first.close()  # the tab is closed, the session gone

    second = browser.new_context(viewport={"width": 768, "height": 1024})
    page = second.new_page()
    errors += _watch(page)
    sign_in(page, live_server)
    screenshot(page, "1-my-assessments")
    page.get_by_role("link", name="MRN-RESUME", exact=True).click()
    expect(page.get_by_role("heading", name="Imaging", exact=True)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/step/3/$"))
    screenshot(page, "2-resumed-at-step-3")

    page.get_by_role("link", name=re.compile("Patient and index procedure")).click()
    expect(page.get_by_label("Patient reference (MRN)")).to_have_value("MRN-RESUME")
    expect_date(page, "Date of the index vertebroplasty", INDEX_DATE)
    expect(page.get_by_label("Treated level")).to_have_value("L1")
    page.get_by_role("link", name=re.compile("Pain timeline")).click()
    expect(page.get_by_label("Current VAS")).to_have_value("8")
    expect(page.get_by_label("Weeks of conservative therapy")).to_have_value("2")
    screenshot(page, "3-step-2-intact")
    second.close()
    assert errors == []


def _watch(page):
    from tests.browser.conftest import watch_console

    return watch_console(page)


def test_conditional_fields_appear_and_disappear(
    page, live_server, alice, console_errors, screenshot
):
    sign_in(page, live_server)
    page.get_by_role("link", name="New assessment").first.click()
    fill_step_1(page, patient_ref="MRN-CONDITIONAL")
    save_and_continue(page)

    recurrence = date_group(page, "Date the pain returned")
    expect(recurrence).to_be_hidden()
    choose(page, "Course of pain after the index procedure", "Relief, then recurrence of pain")
    expect(recurrence).to_be_visible()
    screenshot(page, "1-recurrence-date-shown")
    choose(page, "Course of pain after the index procedure", "Ongoing relief at the treated level")
    expect(recurrence).to_be_hidden()
    choose(page, "Course of pain after the index procedure", "No relief after the index procedure")
    page.get_by_label("Current VAS").fill("7")
    page.get_by_label("Weeks of conservative therapy").fill("3")
    save_and_continue(page)

    findings = page.get_by_role("group", name="MRI findings")
    expect(findings).to_be_hidden()
    choose(page, "MRI performed", "Yes")
    expect(findings).to_be_visible()
    choose(page, "Intravertebral cleft", "Present")
    screenshot(page, "2-mri-findings-shown")
    choose(page, "MRI performed", "No")
    expect(findings).to_be_hidden()
    screenshot(page, "3-mri-findings-hidden")
    choose(page, "Index cement fill", "Adequate")
    save_and_continue(page)
    expect(page.get_by_role("heading", name="Examination")).to_be_visible()

    # The hidden finding was not sent: the spec wants MRI findings empty without an MRI.
    saved = Assessment.objects.get(patient_ref="MRN-CONDITIONAL")
    assert saved.mri_performed is False
    assert saved.cleft_sign is None
    assert saved.recurrence_date is None
    assert console_errors == []
