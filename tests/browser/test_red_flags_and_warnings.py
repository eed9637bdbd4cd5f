"""Rules 2026.3 in the browser: a red flag shows at the top of the step as soon as its answers
are saved, above the form at every width (§6); the warnings are ticked as read to finalize."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Assessment
from tests.conftest import PASSWORD
from tests.factories import AFTER_STEP_2, make_assessment
from tests.step_posts import relative_inputs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEIGHT = 844


@pytest.fixture(autouse=True)
def rules_2026_3(settings):
    settings.VERTEBRO_RULES_VERSION = "2026.3"


def _sign_in(page, live_server):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("User name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_a_red_flag_shows_at_the_top_of_the_next_step_once_saved(
    page, live_server, alice, console_errors, width
):
    draft = make_assessment(alice, **relative_inputs(**AFTER_STEP_2))
    page.set_viewport_size({"width": width, "height": HEIGHT})
    _sign_in(page, live_server)
    page.goto(live_server.url + reverse("assessments:step", args=[draft.pk, 2]))
    expect(page.locator("#red-flag")).to_have_count(0)
    page.get_by_label("VAS before the index procedure").fill("5")
    page.get_by_label("Current VAS").fill("8")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state("load")
    flag = page.locator("#red-flag")
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("Red flag: ")
    # The page opens at the top (no focus jump past the flag to the first field): the flag
    # starts on the first screen, with its headline.
    assert page.evaluate("window.scrollY") == 0
    box = flag.bounding_box()
    assert box["y"] < HEIGHT / 2, "the red flag is not at the top"
    headline = page.locator("#red-flag-title").bounding_box()
    assert headline["y"] + headline["height"] <= HEIGHT
    assert box["y"] < page.locator("#step-form").bounding_box()["y"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width


def test_finalizing_asks_to_tick_each_warning_as_read(page, live_server, alice):
    # The refused finalization answers 400, which the browser reports on its console.
    draft = make_assessment(alice, **relative_inputs(marrow_edema="absent", cleft_sign="present"))
    page.set_viewport_size({"width": 1280, "height": HEIGHT})
    _sign_in(page, live_server)
    page.goto(live_server.url + reverse("assessments:review", args=[draft.pk]))
    warnings = page.locator("#guidance-warnings")
    expect(warnings.locator("#warning-P4")).to_be_visible()
    expect(warnings).not_to_contain_text("P4")  # in words, without its code
    assert warnings.bounding_box()["y"] < page.locator("#recommendation-title").bounding_box()["y"]
    page.get_by_role("link", name="Finalize…").first.click()
    page.get_by_role("button", name="Finalize the assessment").click()
    expect(page.locator("#error-summary")).to_contain_text("as read before finalizing")
    assert Assessment.objects.get(pk=draft.pk).is_draft
    page.locator("#id_read_P4").check()
    page.get_by_role("button", name="Finalize the assessment").click()
    page.wait_for_load_state("load")
    expect(page.locator("#warning-P4")).to_contain_text("Read by Alice Tester")
    assert Assessment.objects.get(pk=draft.pk).is_current_final
