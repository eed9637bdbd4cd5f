"""Numbers and dates read the same in an en-US, a de-DE and an iPhone-like browser.

Dates are day, month (by its name) and year boxes: nothing follows the browser's locale, and
the words under the date say it at once with the days to the saved date it is compared with.
Numbers are text boxes read on the server: "1,5" typed in a German habit is 1.5 mL, never 15.
WebKit is not installed here; the iPhone-like run is Chromium with an iPhone's viewport, touch
and user agent, which checks the keypad the page asks for (inputmode) and the sign button.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.dates import date_group, fill_date
from tests.conftest import PASSWORD
from tests.factories import make_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INDEX = date(2026, 3, 10)  # a Tuesday
ASSESSED = date(2026, 3, 27)  # day 17
IPHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
WIDTHS = [390, 768, 1280]


def signed_in_page(browser, live_server, locale="en-GB", width=768, **options):
    context = browser.new_context(
        locale=locale, viewport={"width": width, "height": 900}, **options
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My assessments")).to_be_visible()
    return context, page


def step_url(live_server, assessment, step):
    return live_server.url + reverse("assessments:step", args=[assessment.pk, step])


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_a_date_typed_in_either_locale_is_the_date_meant(
    browser, live_server, alice, locale, width
):
    assessment = make_assessment(alice, index_procedure_date=INDEX, assessment_date=ASSESSED)
    context, page = signed_in_page(browser, live_server, locale, width)
    assert page.evaluate("navigator.language") == locale

    page.goto(step_url(live_server, assessment, 1))
    group = date_group(page, "Date of the index vertebroplasty")
    words = page.locator("#id_index_procedure_date_words")
    expect(words).to_have_text("Tue 10 Mar 2026 — 17 days before the assessment date")
    # 3 July, typed day first: the boxes say which is which, whatever the locale.
    group.get_by_label("Day").fill("3")
    group.get_by_label("Month").select_option(label="Jul")
    expect(words).to_have_text("Fri 3 Jul 2026 — 98 days after the assessment date")
    group.get_by_label("Year").fill("")
    expect(words).to_have_text("")
    group.get_by_label("Year").fill("2026")
    # Every box and the words fit the width: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_two_digit_year_is_refused_naming_the_field(browser, live_server, alice, width):
    assessment = make_assessment(alice, index_procedure_date=INDEX, assessment_date=ASSESSED)
    context, page = signed_in_page(browser, live_server, "en-US", width)
    page.goto(step_url(live_server, assessment, 1))
    group = date_group(page, "Date of the index vertebroplasty")
    group.get_by_label("Year").fill("26")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Date of the index vertebroplasty")
    expect(summary).to_contain_text("Enter the year with four digits, e.g. 2026 (not 26).")
    summary.get_by_role("link", name="Date of the index vertebroplasty").click()
    expect(group.get_by_label("Day")).to_be_focused()
    assessment.refresh_from_db()
    assert assessment.index_procedure_date == INDEX
    context.close()


@pytest.mark.parametrize("locale", ["en-US", "de-DE"])
def test_a_decimal_comma_is_read_as_a_decimal_point(browser, live_server, alice, locale):
    assessment = make_assessment(alice, index_procedure_date=INDEX, assessment_date=ASSESSED)
    context, page = signed_in_page(browser, live_server, locale)
    page.goto(step_url(live_server, assessment, 1))
    volume = page.get_by_label("Index cement volume (mL)")
    expect(volume).to_have_attribute("inputmode", "decimal")
    volume.fill("1,5")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Step 1 saved.")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.index_cement_volume_ml == Decimal("1.5")
    context.close()


@pytest.mark.parametrize("width", [390])
def test_on_an_iphone_like_phone_a_negative_t_score_is_typed_with_the_sign_button(
    browser, live_server, alice, width
):
    assessment = make_assessment(alice, index_procedure_date=INDEX, assessment_date=ASSESSED)
    context, page = signed_in_page(
        browser,
        live_server,
        "de-DE",
        width,
        user_agent=IPHONE_UA,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
    )
    page.goto(step_url(live_server, assessment, 1))
    t_score = page.get_by_label("Lowest DXA T-score")
    # The decimal keypad (digits and a decimal mark, no minus on iOS) and a ± button.
    expect(t_score).to_have_attribute("inputmode", "decimal")
    t_score.fill("2,9")  # what the decimal keypad can type
    page.get_by_role("button", name="Change the sign of", exact=False).tap()
    expect(t_score).to_have_value("-2,9")
    page.get_by_role("button", name="Save and continue").tap()
    expect(page.get_by_text("Step 1 saved.")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.bmd_t_score == Decimal("-2.9")
    context.close()


def test_one_day_and_the_same_day_read_as_such(browser, live_server, alice):
    assessment = make_assessment(alice, index_procedure_date=INDEX, assessment_date=ASSESSED)
    context, page = signed_in_page(browser, live_server)
    page.goto(step_url(live_server, assessment, 2))
    words = page.locator("#id_assessment_date_words")
    fill_date(page, "Assessment date", date(2026, 3, 11))
    expect(words).to_have_text("Wed 11 Mar 2026 — 1 day after the index procedure")
    fill_date(page, "Assessment date", date(2026, 3, 9))
    expect(words).to_have_text("Mon 9 Mar 2026 — 1 day before the index procedure")
    fill_date(page, "Assessment date", date(2026, 3, 10))
    expect(words).to_have_text("Tue 10 Mar 2026 — the same day as the index procedure")

    page.get_by_role("group", name="Course of pain after the index procedure").get_by_label(
        "Relief, then recurrence of pain", exact=True
    ).check()
    fill_date(page, "Date the pain returned", date(2026, 3, 12))
    expect(page.locator("#id_recurrence_date_words")).to_have_text(
        "Thu 12 Mar 2026 — 2 days after the index procedure"
    )
    context.close()


def test_a_new_assessment_counts_the_index_date_back_from_today(browser, live_server, alice):
    context, page = signed_in_page(browser, live_server, "en-US")
    page.goto(live_server.url + reverse("assessments:new"))
    words = page.locator("#id_index_procedure_date_words")
    expect(words).to_have_text("")
    index = timezone.localdate() - timedelta(days=3)
    fill_date(page, "Date of the index vertebroplasty", index)
    expect(words).to_have_text(f"{index:%a} {index.day} {index:%b %Y} — 3 days before today")
    context.close()
