"""Under the Content Security Policy the pages work in Chromium with no violation in the console.

Chromium reports every blocked inline script, inline style or foreign resource as a
console error ("Refused to …"); the `console_errors` fixture fails the test on any.
"""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import make_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def _visit(page, url):
    response = page.goto(url)
    page.wait_for_load_state("load")
    assert response.status < 400, (url, response.status)
    csp = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp
    return response


def test_sign_in_list_and_steps_raise_no_csp_violation(page, live_server, alice, console_errors):
    draft = make_assessment(alice, neuro_exam=None)
    _visit(page, live_server.url + reverse("login"))
    _sign_in(page, live_server, "alice")
    for url in (
        reverse("assessments:list"),
        reverse("assessments:new"),
        reverse("assessments:step", args=[draft.pk, 2]),
        reverse("assessments:step", args=[draft.pk, 3]),
        reverse("assessments:step", args=[draft.pk, 4]),
    ):
        _visit(page, live_server.url + url)
    # The conditional fields' script runs under the policy: choosing "No MRI" hides the findings.
    _visit(page, live_server.url + reverse("assessments:step", args=[draft.pk, 3]))
    page.get_by_role("group", name="MRI performed").get_by_label("No", exact=True).check()
    assert not page.get_by_text("MRI findings").is_visible()
    assert console_errors == []


def test_the_admin_raises_no_csp_violation(page, live_server, superuser, alice, console_errors):
    final = make_assessment(alice)
    _sign_in(page, live_server, "admin")
    for url in (
        reverse("admin:index"),
        reverse("admin:assessments_assessment_changelist"),
        reverse("admin:assessments_assessment_change", args=[final.pk]),
        reverse("admin:assessments_assessment_history", args=[final.pk]),
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
    ):
        _visit(page, live_server.url + url)
    assert console_errors == []
