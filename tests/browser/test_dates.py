"""A date entered in an en-US or an en-GB browser reads back in the same words.

The words come from the ISO value of the field, never from the browser's locale (an en-US
browser shows mm/dd/yyyy, so "10032026" typed by a day-first habit is 3 October: the words
beside the field show it at once), with the days to the saved date they are compared with.
Headless Chromium lays date fields out month first in every locale, so the same keys are
typed in both.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.factories import make_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INDEX = date(2026, 3, 10)  # a Tuesday
ASSESSED = date(2026, 3, 27)  # day 17


def signed_in_page(browser, live_server, locale="en-GB"):
    context = browser.new_context(locale=locale, viewport={"width": 768, "height": 1024})
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My assessments")).to_be_visible()
    return context, page


def step_url(live_server, assessment, step):
    return live_server.url + reverse("assessments:step", args=[assessment.pk, step])


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_a_date_entered_in_either_locale_reads_the_same_in_words(
    browser, live_server, alice, locale
):
    assessment = make_assessment(alice, index_procedure_date=INDEX, assessment_date=ASSESSED)
    context, page = signed_in_page(browser, live_server, locale)
    assert page.evaluate("navigator.language") == locale

    page.goto(step_url(live_server, assessment, 1))
    field = page.get_by_label("Date of the index vertebroplasty")
    words = page.locator("#id_index_procedure_date_words")
    expect(words).to_have_text("Tue 10 Mar 2026 — 17 days before the assessment date")
    field.fill("")
    expect(words).to_have_text("")
    field.focus()
    page.keyboard.type("03102026")
    expect(field).to_have_value("2026-03-10")
    expect(words).to_have_text("Tue 10 Mar 2026 — 17 days before the assessment date")
    field.fill("2026-10-03")
    expect(words).to_have_text("Sat 3 Oct 2026 — 190 days after the assessment date")

    page.goto(step_url(live_server, assessment, 2))
    field = page.get_by_label("Assessment date")
    words = page.locator("#id_assessment_date_words")
    expect(words).to_have_text("Fri 27 Mar 2026 — 17 days after the index procedure")
    field.fill("")
    expect(words).to_have_text("")
    field.focus()
    page.keyboard.type("04022026")
    expect(field).to_have_value("2026-04-02")
    expect(words).to_have_text("Thu 2 Apr 2026 — 23 days after the index procedure")
    context.close()


def test_one_day_and_the_same_day_read_as_such(browser, live_server, alice):
    assessment = make_assessment(alice, index_procedure_date=INDEX, assessment_date=ASSESSED)
    context, page = signed_in_page(browser, live_server)
    page.goto(step_url(live_server, assessment, 2))
    field = page.get_by_label("Assessment date")
    words = page.locator("#id_assessment_date_words")
    field.fill("2026-03-11")
    expect(words).to_have_text("Wed 11 Mar 2026 — 1 day after the index procedure")
    field.fill("2026-03-09")
    expect(words).to_have_text("Mon 9 Mar 2026 — 1 day before the index procedure")
    field.fill("2026-03-10")
    expect(words).to_have_text("Tue 10 Mar 2026 — the same day as the index procedure")

    page.get_by_role("group", name="Course of pain after the index procedure").get_by_label(
        "Relief, then recurrence of pain", exact=True
    ).check()
    page.get_by_label("Date the pain returned").fill("2026-03-12")
    expect(page.locator("#id_recurrence_date_words")).to_have_text(
        "Thu 12 Mar 2026 — 2 days after the index procedure"
    )
    context.close()


def test_a_new_assessment_counts_the_index_date_back_from_today(browser, live_server, alice):
    context, page = signed_in_page(browser, live_server, "en-US")
    page.goto(live_server.url + reverse("assessments:new"))
    field = page.get_by_label("Date of the index vertebroplasty")
    words = page.locator("#id_index_procedure_date_words")
    expect(words).to_have_text("")
    index = timezone.localdate() - timedelta(days=3)
    field.fill(index.isoformat())
    expect(words).to_have_text(f"{index:%a} {index.day} {index:%b %Y} — 3 days before today")
    context.close()
