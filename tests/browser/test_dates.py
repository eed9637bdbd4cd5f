"""A date entered in an en-US or an en-GB browser reads back in the same words.

The words come from the ISO value of the field, never from the browser's locale (an en-US
browser shows mm/dd/yyyy, so "10032026" typed by a day-first habit is 3 October: the words
beside the field show it at once). Headless Chromium lays date fields out month first in
every locale, so the same keys are typed in both.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_a_date_entered_in_either_locale_reads_the_same_in_words(
    browser, live_server, alice, locale
):
    context = browser.new_context(locale=locale, viewport={"width": 768, "height": 1024})
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("assessments:new"))
    assert page.evaluate("navigator.language") == locale
    field = page.get_by_label("Date of the index vertebroplasty")
    words = page.locator("#id_index_procedure_date_words")
    expect(words).to_have_text("")
    field.focus()
    page.keyboard.type("03102026")
    expect(field).to_have_value("2026-03-10")
    expect(words).to_have_text("Tue 10 Mar 2026")
    field.fill("2026-10-03")
    expect(words).to_have_text("Sat 3 Oct 2026")
    context.close()
