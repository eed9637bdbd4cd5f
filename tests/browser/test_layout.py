"""Phones and tablets: the menu fits, the recommendation comes before the answers, focus
lands where the work is, and "Download PDF" downloads."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments import services
from tests.conftest import PASSWORD
from tests.factories import AFTER_STEP_2, make_assessment

# The questionnaire of rules 2026.2 (weeks of therapy asked for every course of pain).
pytestmark = [
    pytest.mark.usefixtures("rules_2026_2"),
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _sign_in(page, live_server, username="alice"):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_review_shows_the_answers_before_finalize_and_the_recommendation_at_once(
    page, live_server, alice, console_errors, width
):
    """Review asks to check every answer before finalizing: the answers come before any
    Finalize button; the recommendation is named on the first screen all the same."""
    draft = make_assessment(alice)
    page.set_viewport_size({"width": width, "height": 844})
    _sign_in(page, live_server)
    page.goto(live_server.url + reverse("assessments:review", args=[draft.pk]))
    last_answers = page.get_by_role("heading", name="4. Examination")
    answers_end = last_answers.bounding_box()["y"]
    finalize = page.get_by_role("link", name="Finalize…")
    shown = [finalize.nth(i) for i in range(finalize.count()) if finalize.nth(i).is_visible()]
    assert len(shown) >= 1
    label = page.locator("#recommendation-title").inner_text()
    if width < 992:
        # One Finalize button, after every answer; the recommendation named at the top.
        assert len(shown) == 1
        assert shown[0].bounding_box()["y"] > answers_end
        summary = page.locator(".review-summary")
        expect(summary).to_be_visible()
        expect(summary).to_contain_text(label)
        box = summary.bounding_box()
        assert box["y"] + box["height"] <= 844, "the recommendation's line is below the fold"
        assert (
            box["y"]
            < page.get_by_role("heading", name="1. Patient and index procedure").bounding_box()["y"]
        )
    else:
        # Wide: the answers beside the guidance, both starting on the first screen.
        expect(page.locator(".review-summary")).to_be_hidden()
        first_answers = page.get_by_role("heading", name="1. Patient and index procedure")
        assert first_answers.bounding_box()["y"] < 844
        assert page.locator("#recommendation-title").bounding_box()["y"] < 844


def test_the_phone_menu_fits_the_screen(page, live_server, alice, console_errors):
    page.set_viewport_size({"width": 390, "height": 844})
    _sign_in(page, live_server)
    menu = page.get_by_role("navigation", name="Main")
    for name in ("My assessments", "New assessment"):
        box = menu.get_by_role("link", name=name).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, name
    box = menu.get_by_role("button", name="Sign out").bounding_box()
    assert box["x"] + box["width"] <= 390


def test_a_reviewer_is_not_offered_new_assessment(page, live_server, reviewer, console_errors):
    _sign_in(page, live_server, "reviewer")
    # The reviewer's home, not an empty My assessments.
    expect(page.get_by_role("heading", name="Reviewing", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="New assessment")).to_have_count(0)
    expect(page.get_by_role("link", name="Outcomes audit").first).to_be_visible()
    expect(page.get_by_role("link", name="Review (admin)")).to_be_visible()


def test_after_a_saved_step_the_focus_is_in_the_first_field(
    page, live_server, alice, console_errors
):
    draft = make_assessment(alice)
    _sign_in(page, live_server)
    page.goto(live_server.url + reverse("assessments:step", args=[draft.pk, 1]))
    expect(page.get_by_label("Patient reference (MRN)")).to_be_focused()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Step 1 saved.")).to_be_visible()
    # The first box of the assessment date (its day).
    expect(page.locator("#id_assessment_date_0")).to_be_focused()


def test_download_pdf_downloads_the_summary(page, live_server, alice, console_errors):
    final = services.assessment_finalize(assessment=make_assessment(alice), user=alice)
    _sign_in(page, live_server)
    page.goto(live_server.url + reverse("assessments:result", args=[final.pk]))
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert page.url.endswith(reverse("assessments:result", args=[final.pk]))


def test_the_admin_list_fits_a_1280_px_screen(page, live_server, alice, reviewer, console_errors):
    for number in range(3):
        services.assessment_finalize(
            assessment=make_assessment(alice, patient_ref=f"MRN-ADMIN-{number}"), user=alice
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    _sign_in(page, live_server, "reviewer")
    page.goto(live_server.url + reverse("admin:assessments_assessment_changelist"))
    results = page.locator(".results")
    assert results.evaluate("box => box.scrollWidth - box.clientWidth") == 0
    for link in ("Result", "PDF"):
        box = page.get_by_role("link", name=link, exact=True).first.bounding_box()
        assert box["x"] + box["width"] <= 1280, link


def test_copy_chart_note_puts_the_note_on_the_clipboard(browser, live_server, alice):
    final = services.assessment_finalize(assessment=make_assessment(alice), user=alice)
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    _sign_in(page, live_server)
    page.goto(live_server.url + reverse("assessments:result", args=[final.pk]))
    page.get_by_role("button", name="Copy chart note").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.get_by_role("textbox", name="Chart note").input_value()
    assert copied.startswith("Vertebro decision-support guidance (not the treating clinician's")
    context.close()


@pytest.mark.parametrize("width", [1280, 768, 390])
def test_the_guidance_so_far_is_beside_the_form_when_wide_and_a_line_above_it_when_narrow(
    page, live_server, alice, console_errors, width
):
    draft = make_assessment(alice, **AFTER_STEP_2)
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, live_server)
    page.goto(live_server.url + reverse("assessments:step", args=[draft.pk, 3]))
    form = page.locator("#step-form").bounding_box()
    panel = page.locator("#guidance-so-far")
    box = panel.bounding_box()
    summary = panel.locator("summary")
    expect(summary).to_contain_text("Immediate failure of the index procedure (days 4–32), day 17")
    if width == 1280:
        assert box["x"] >= form["x"] + form["width"], "not beside the form"
        assert box["y"] < form["y"] + form["height"]
        expect(panel).to_have_attribute("open", "")
        expect(panel.get_by_text("Still needed")).to_be_visible()
    else:
        # A one-line summary at the top of the step, before the form, opened on demand.
        assert box["y"] + box["height"] <= form["y"], "not above the form"
        assert box["height"] < 160
        expect(panel).not_to_have_attribute("open", "")
        expect(panel.get_by_text("Still needed")).to_be_hidden()
        summary.click()
        expect(panel.get_by_text("Still needed")).to_be_visible()


LAYOUT_SHIFT = """() => new Promise(done => {
    let shift = 0;
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) shift += entry.value;
    }).observe({type: "layout-shift", buffered: true});
    setTimeout(() => done(shift), 300);
})"""


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_a_step_and_a_result_do_not_jump_after_loading(page, live_server, alice, width):
    """The guidance so far is sent closed and opened only where it sits beside the form; the
    Copy button keeps its place before the script shows it: nothing moves once shown."""
    draft = make_assessment(alice)
    final = services.assessment_finalize(assessment=make_assessment(alice), user=alice)
    page.set_viewport_size({"width": width, "height": 844})
    _sign_in(page, live_server)
    for url in (
        reverse("assessments:step", args=[draft.pk, 3]),
        reverse("assessments:result", args=[final.pk]),
    ):
        page.goto(live_server.url + url)
        assert page.evaluate(LAYOUT_SHIFT) < 0.01, url
    page.goto(live_server.url + reverse("assessments:step", args=[draft.pk, 3]))
    panel = page.locator("#guidance-so-far")
    if width < 992:
        expect(panel).not_to_have_attribute("open", "")
    else:
        expect(panel).to_have_attribute("open", "")
