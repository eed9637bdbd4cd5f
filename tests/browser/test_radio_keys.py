"""Arrow keys in the questionnaire's radio groups stop at the first and the last option.

Browsers wrap round: an arrow pressed once too often past "Not recorded" (the last option)
chose "Yes" (the first), an answer the clinician never meant to give.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.checks import WIDTHS
from tests.browser.test_questionnaire_browser import sign_in
from tests.factories import AFTER_STEP_2, make_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUPS = """() => {
    const names = [];
    document.querySelectorAll('#step-form input[type=radio]').forEach(radio => {
        if (!names.includes(radio.name)) names.push(radio.name);
    });
    return names;
}"""


def _usable(page, name: str):
    """The options of radio group `name` that can be chosen now (shown, not disabled)."""
    radios = page.locator(f'#step-form input[type=radio][name="{name}"]')
    return [
        radios.nth(i)
        for i in range(radios.count())
        if radios.nth(i).is_enabled() and radios.nth(i).is_visible()
    ]


def _checked_value(page, name: str) -> str | None:
    return page.evaluate(
        "name => { const r = document.querySelector(`#step-form input[name='${name}']:checked`);"
        " return r ? r.value : null; }",
        name,
    )


def test_arrows_stop_at_either_end_of_every_radio_group(page, live_server, alice, console_errors):
    draft = make_assessment(alice, patient_ref="MRN-ARROWS", **AFTER_STEP_2)
    sign_in(page, live_server)
    checked_groups = 0
    for width, step in zip(WIDTHS * 2, (1, 2, 3, 4), strict=False):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + reverse("assessments:step", args=[draft.pk, step]))
        for name in page.evaluate(GROUPS):
            options = _usable(page, name)
            if len(options) < 2:
                continue
            last_value = options[-1].get_attribute("value")
            options[-1].check()
            options[-1].focus()
            for key in ("ArrowDown", "ArrowRight"):
                page.keyboard.press(key)
                assert _checked_value(page, name) == last_value, (step, name, key)
                expect(options[-1]).to_be_focused()
            options = _usable(page, name)  # a conditional question may have come or gone
            first_value = options[0].get_attribute("value")
            options[0].check()
            options[0].focus()
            for key in ("ArrowUp", "ArrowLeft"):
                page.keyboard.press(key)
                assert _checked_value(page, name) == first_value, (step, name, key)
            checked_groups += 1
    # Steps 1 to 4 have a dozen radio groups between them; each was tried.
    assert checked_groups >= 8


def test_arrowing_past_not_recorded_does_not_record_yes(page, live_server, alice, console_errors):
    """Leakage at the index procedure, not recorded: an arrow too many leaves it not recorded;
    inside the group the arrows move (and choose) as usual."""
    draft = make_assessment(alice, patient_ref="MRN-ARROWS", prior_cement_leakage=None)
    sign_in(page, live_server)
    page.goto(live_server.url + reverse("assessments:step", args=[draft.pk, 3]))
    options = page.get_by_role("group", name="Cement leakage at the index procedure").get_by_role(
        "radio"
    )
    assert options.count() >= 3
    # Not recorded (the last option) is what an unanswered question shows.
    expect(options.last).to_be_checked()
    options.last.focus()
    page.keyboard.press("ArrowDown")
    expect(options.last).to_be_checked()
    expect(options.first).not_to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(options.nth(options.count() - 2)).to_be_checked()
    expect(options.nth(options.count() - 2)).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    expect(options.last).to_be_checked()
    # Saved as it shows: still not recorded, not "Yes".
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Examination")).to_be_visible()
    draft.refresh_from_db()
    assert draft.prior_cement_leakage is None


def test_home_and_end_choose_the_first_and_the_last_option(page, live_server, alice):
    draft = make_assessment(alice, patient_ref="MRN-ARROWS", prior_cement_leakage=None)
    sign_in(page, live_server)
    page.goto(live_server.url + reverse("assessments:step", args=[draft.pk, 3]))
    options = page.get_by_role("group", name="Cement leakage at the index procedure").get_by_role(
        "radio"
    )
    options.last.focus()
    page.keyboard.press("Home")
    expect(options.first).to_be_checked()
    expect(options.first).to_be_focused()
    page.keyboard.press("End")
    expect(options.last).to_be_checked()
    expect(options.last).to_be_focused()
