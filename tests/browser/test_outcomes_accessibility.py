"""The outcomes pages and the audit at 1280, 768 and 390 px: no WCAG 2.1 A/AA violation
(axe-core), no sideways scrolling on a phone, valid HTML (W3C Nu checker)."""

import pytest
from django.urls import reverse

from tests.browser.checks import check_at_every_width, nu_errors
from tests.browser.test_accessibility import _check_pages, _sign_in, checker  # noqa: F401
from tests.outcomes.audit_data import build
from tests.outcomes.department import build as build_department

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_outcome_pages_of_the_clinician(checker, live_server, alice, bob, tmp_path):  # noqa: F811
    cases = build(alice, bob)
    html: dict[str, str] = {}
    _sign_in(checker, live_server, "alice")
    a1 = cases["A1"].pk
    problems = _check_pages(
        checker,
        live_server,
        {
            "Outcomes": reverse("outcomes:detail", args=[a1]),
            "Procedure": reverse("outcomes:procedure", args=[a1]),
            "Follow-up": reverse("outcomes:follow_up", args=[a1, "3m"]),
            "My assessments with follow-ups due": reverse("assessments:list"),
        },
        html,
    )
    checker.goto(live_server.url + reverse("outcomes:follow_up", args=[a1, "3m"]))
    checker.get_by_label("Pain (VAS 0–10)").fill("12")
    with checker.expect_navigation() as refused:
        checker.get_by_role("button", name="Save").click()
    html["Follow-up refused"] = refused.value.text()
    problems += check_at_every_width(checker, "Follow-up refused")
    problems += nu_errors(html, tmp_path / "html")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("persona", ["reviewer", "alice"])
def test_the_audit_dashboard(checker, live_server, alice, bob, carol, reviewer, tmp_path, persona):  # noqa: F811
    build_department(alice, bob, carol)
    html: dict[str, str] = {}
    _sign_in(checker, live_server, persona)
    problems = _check_pages(
        checker,
        live_server,
        {
            f"Outcomes audit ({persona})": reverse("outcomes:dashboard"),
            f"Outcomes audit by procedure date ({persona})": reverse("outcomes:dashboard")
            + "?date_basis=procedure&date_from=2025-01-01",
        },
        html,
    )
    problems += nu_errors(html, tmp_path / "html")
    assert problems == [], "\n".join(problems)
