"""Every table is seen whole at 390, 768 and 1280 px: no column, badge or button is hidden
until the table is scrolled sideways. A table that does not fit is shown stacked, each row a
small card with every cell labelled by its column."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments import services
from tests.browser.checks import WIDTHS, tables_cut_off
from tests.browser.test_accessibility import _sign_in
from tests.factories import make_assessment
from tests.outcomes.audit_data import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _settle(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => done()))")


def _on_screen(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def _whole_at_every_width(page, live_server, pages: dict[str, str]) -> list[str]:
    problems = []
    for name, url in pages.items():
        page.goto(live_server.url + url)
        for width in WIDTHS:
            _settle(page, width)
            problems += [f"{name} at {width} px: {line}" for line in tables_cut_off(page)]
    return problems


@pytest.fixture
def department(alice, bob):
    return build(alice, bob)


def test_the_clinicians_tables(page, live_server, alice, department):
    a1 = department["A1"].pk
    make_assessment(alice, patient_ref="MRN-DRAFT")
    _sign_in(page, live_server, "alice")
    problems = _whole_at_every_width(
        page,
        live_server,
        {
            "My assessments": reverse("assessments:list"),
            "Outcomes": reverse("outcomes:detail", args=[a1]),
            "Outcomes audit": reverse("outcomes:dashboard"),
        },
    )
    assert problems == [], "\n".join(problems)

    # On a phone: the overdue badge of a follow-up due, and each visit's Record/Change button.
    page.goto(live_server.url + reverse("assessments:list"))
    _settle(page, 390)
    due = page.locator(".follow-ups-due")
    overdue = due.get_by_text("overdue").first
    expect(overdue).to_be_visible()
    assert _on_screen(page, overdue)
    # Each cell says what it is.
    expect(due.locator("td[data-label='Due']").first).to_be_visible()

    page.goto(live_server.url + reverse("outcomes:detail", args=[a1]))
    _settle(page, 390)
    buttons = page.get_by_role("link", name="Change").or_(page.get_by_role("link", name="Record"))
    assert buttons.count() >= 3
    for index in range(buttons.count()):
        assert _on_screen(page, buttons.nth(index)), f"visit button {index} off the screen"

    # My assessments' PDF and Discard buttons, on a tablet too.
    page.goto(live_server.url + reverse("assessments:list"))
    for width in (390, 768):
        _settle(page, width)
        for name in ("Download PDF", "Discard"):
            button = page.locator(".table-assessments").get_by_text(name).first
            assert _on_screen(page, button), f"{name} off the screen at {width} px"


def test_the_reviewers_tables(page, live_server, alice, bob, reviewer, department):
    final = services.assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-FINAL"), user=alice
    )
    _sign_in(page, live_server, "reviewer")
    page.goto(live_server.url + reverse("assessments:result", args=[final.pk]))  # an access
    problems = _whole_at_every_width(
        page,
        live_server,
        {
            "Reviewer's home": reverse("assessments:reviewer_home"),
            "Outcomes audit": reverse("outcomes:dashboard"),
            "Impact of the rules": reverse("assessments:rules_impact"),
            "Admin list": reverse("admin:assessments_assessment_changelist"),
            "Access log": reverse("admin:assessments_accesslogentry_changelist"),
            "Admin history": reverse("admin:assessments_assessment_history", args=[final.pk]),
        },
    )
    assert problems == [], "\n".join(problems)

    # The admin list at 768 and 390 px: each line's Result and PDF links on the screen,
    # labelled with their column.
    page.goto(live_server.url + reverse("admin:assessments_assessment_changelist"))
    for width in (768, 390):
        _settle(page, width)
        row = page.locator("#result_list tbody tr").filter(has_text="MRN-FINAL")
        for name in ("Result", "PDF"):
            link = row.get_by_role("link", name=name, exact=True)
            expect(link).to_be_visible()
            assert _on_screen(page, link), f"{name} off the screen at {width} px"
        assert row.locator("td[data-label]").count() >= 3
