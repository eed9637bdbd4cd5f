"""Nothing typed on a step is lost: leaving it by a link saves it as a draft, and the idle
sign-out warns a minute before and saves what was typed (the page's clock is driven by
Playwright, so the fifteen minutes pass at once)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.factories import make_assessment
from tests.step_posts import relative_inputs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [390, 768, 1280]


def signed_in_page(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.clock.install()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My assessments")).to_be_visible()
    return context, page


def step_url(live_server, assessment, step):
    return live_server.url + reverse("assessments:step", args=[assessment.pk, step])


@pytest.mark.parametrize("width", WIDTHS)
def test_back_and_the_step_links_keep_what_was_typed(browser, live_server, alice, width):
    assessment = make_assessment(alice, **relative_inputs(vas_current=3, vas_before_index=8))
    context, page = signed_in_page(browser, live_server, width)
    page.goto(step_url(live_server, assessment, 2))
    page.get_by_label("Current VAS").fill("6")
    page.get_by_role("link", name="Back to step 1").click()
    expect(page.get_by_role("heading", name="Patient and index procedure")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.vas_current == 6

    page.get_by_label("Age (years)").fill("77")
    page.get_by_role("navigation", name="Steps of the assessment").get_by_role(
        "link", name=re.compile("Pain timeline")
    ).click()
    expect(page.get_by_role("heading", name="Pain timeline")).to_be_visible()
    expect(page.get_by_label("Current VAS")).to_have_value("6")
    assessment.refresh_from_db()
    assert assessment.patient_age == 77

    # A wrong answer: nothing saved, the page stays with the reason and the typing.
    page.get_by_label("Current VAS").fill("12")
    page.get_by_role("link", name="My assessments").first.click()
    expect(page.get_by_text("Nothing was saved and you stayed on this step")).to_be_visible()
    expect(page.get_by_label("Current VAS")).to_have_value("12")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_idle_sign_out_warns_and_keeps_what_was_typed(
    browser, live_server, alice, settings, width
):
    settings.VERTEBRO_SESSION_IDLE_MINUTES = 15
    assessment = make_assessment(alice, **relative_inputs(vas_current=3))
    context, page = signed_in_page(browser, live_server, width)
    page.goto(step_url(live_server, assessment, 2))
    warning = page.locator("#idle-warning")
    expect(warning).to_be_hidden()
    page.clock.run_for("13:50")
    expect(warning).to_be_hidden()
    page.clock.run_for("00:15")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("You will be signed out in one minute")

    # "Stay signed in" starts the fifteen minutes again.
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    page.get_by_label("Current VAS").fill("9")
    page.clock.run_for("14:50")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("saved as a draft")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.vas_current == 9

    # Signing in again comes back to the step, with the typing kept.
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Pain timeline")).to_be_visible()
    expect(page.get_by_label("Current VAS")).to_have_value("9")
    context.close()


def test_an_untouched_step_goes_to_the_sign_in_page_when_the_time_is_up(
    browser, live_server, alice, settings
):
    settings.VERTEBRO_SESSION_IDLE_MINUTES = 15
    assessment = make_assessment(alice, **relative_inputs())
    context, page = signed_in_page(browser, live_server, 768)
    page.goto(step_url(live_server, assessment, 2))
    # The server's clock must agree: the session's last activity is made 15 minutes old.
    from django.contrib.sessions.models import Session

    from accounts.middleware import LAST_ACTIVITY_KEY

    for stored in Session.objects.all():
        data = stored.get_decoded()
        if LAST_ACTIVITY_KEY in data:
            data[LAST_ACTIVITY_KEY] -= 16 * 60
            stored.session_data = Session.objects.encode(data)
            stored.save()
    page.clock.run_for("15:05")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("without activity")).to_be_visible()
    context.close()
