"""Every clinician and reviewer page at 1280, 768 and 390 px: no WCAG 2.1 A/AA violation
(axe-core), no sideways scrolling on a phone, and valid HTML (W3C Nu checker).

Pages are opened in a browser context that bypasses the Content Security Policy so that
axe-core can be injected; the policy itself is checked in test_security_csp.py.
"""

import pytest
from django.urls import reverse

from assessments import services
from tests.browser.checks import check_at_every_width, nu_errors
from tests.conftest import PASSWORD
from tests.factories import AFTER_STEP_2, NO_MRI, make_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def checker(browser, tmp_path):
    """A page in a context that lets axe-core in, and the HTML of each page it opened."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def _check_pages(page, live_server, urls: dict[str, str], html: dict[str, str]) -> list[str]:
    problems = []
    for name, url in urls.items():
        response = page.goto(live_server.url + url)
        assert response.status < 400, (name, url, response.status)
        html[name] = response.text()
        problems += check_at_every_width(page, name)
    return problems


def test_clinician_pages(checker, live_server, alice, tmp_path):
    stub = make_assessment(alice, patient_ref="MRN-STUB", initial_response=None, vas_current=None)
    draft = make_assessment(alice, patient_ref="MRN-DRAFT")
    after_step_2 = make_assessment(alice, patient_ref="MRN-STEP-2", **AFTER_STEP_2)
    no_mri = make_assessment(alice, patient_ref="MRN-NO-MRI", **NO_MRI)
    final = services.assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-FINAL"), user=alice
    )
    amended = services.assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-AMENDED"), user=alice
    )
    amendment = services.assessment_amend(assessment=amended, user=alice, reason="Wrong level")
    reassessed = services.assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-REASSESSED"), user=alice
    )
    reassessment = services.assessment_reassess(assessment=reassessed, user=alice)
    html: dict[str, str] = {}

    # Signed out: the sign-in page and a page that is not there.
    html["Sign in"] = checker.goto(live_server.url + reverse("login")).text()
    problems = check_at_every_width(checker, "Sign in")
    missing = checker.goto(live_server.url + "/no-such-page/")
    assert missing.status == 404
    html["Page not found"] = missing.text()
    problems += check_at_every_width(checker, "Page not found")

    _sign_in(checker, live_server, "alice")
    problems += _check_pages(
        checker,
        live_server,
        {
            "My assessments": reverse("assessments:list"),
            "New assessment": reverse("assessments:new"),
            "Step 2 of a stub": reverse("assessments:step", args=[stub.pk, 2]),
            "Step 1": reverse("assessments:step", args=[draft.pk, 1]),
            "Step 2": reverse("assessments:step", args=[draft.pk, 2]),
            "Step 3 with MRI": reverse("assessments:step", args=[draft.pk, 3]),
            "Step 3 without MRI": reverse("assessments:step", args=[no_mri.pk, 3]),
            "Step 3 after step 2": reverse("assessments:step", args=[after_step_2.pk, 3]),
            "Step 4": reverse("assessments:step", args=[draft.pk, 4]),
            "Review": reverse("assessments:review", args=[draft.pk]),
            "Review of an incomplete draft": reverse("assessments:review", args=[stub.pk]),
            "Finalize": reverse("assessments:finalize", args=[draft.pk]),
            "Discard a draft": reverse("assessments:discard", args=[stub.pk]),
            "Result": reverse("assessments:result", args=[final.pk]),
            "Amend (the reason)": reverse("assessments:amend", args=[final.pk]),
            "Result of an amended assessment": reverse("assessments:result", args=[amended.pk]),
            "Step 1 of an amendment": reverse("assessments:step", args=[amendment.pk, 1]),
            "Result with its reassessment": reverse("assessments:result", args=[reassessed.pk]),
            "Step 1 of a reassessment": reverse("assessments:step", args=[reassessment.pk, 1]),
            "Print preview": reverse("assessments:report_preview", args=[final.pk]),
            "Password change": reverse("password_change"),
            "Password changed": reverse("password_change_done"),
        },
        html,
    )
    # A reviewer's page, refused to a clinician.
    refused = checker.goto(live_server.url + reverse("assessments:rules_impact"))
    assert refused.status == 403
    html["Forbidden"] = refused.text()
    problems += check_at_every_width(checker, "Forbidden")
    # A step refused: the error summary and the fields' messages.
    checker.goto(live_server.url + reverse("assessments:new"))
    with checker.expect_navigation() as refused:
        checker.get_by_role("button", name="Save and continue").click()
    html["Step 1 refused"] = refused.value.text()
    problems += check_at_every_width(checker, "Step 1 refused")

    problems += nu_errors(html, tmp_path / "html")
    assert problems == [], "\n".join(problems)


def test_reviewer_pages(checker, live_server, alice, reviewer, tmp_path):
    final = services.assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-FINAL"), user=alice
    )
    html: dict[str, str] = {}
    _sign_in(checker, live_server, "reviewer")
    problems = _check_pages(
        checker,
        live_server,
        {
            "Reviewer's home": reverse("assessments:reviewer_home"),
            "Rules impact": reverse("assessments:rules_impact"),
            "Result": reverse("assessments:result", args=[final.pk]),
            "Print preview": reverse("assessments:report_preview", args=[final.pk]),
            "Admin index": reverse("admin:index"),
            "Admin list": reverse("admin:assessments_assessment_changelist"),
            "Admin assessment": reverse("admin:assessments_assessment_change", args=[final.pk]),
            "Admin history": reverse("admin:assessments_assessment_history", args=[final.pk]),
            "Access log": reverse("admin:assessments_accesslogentry_changelist"),
        },
        html,
    )
    problems += nu_errors(html, tmp_path / "html")
    assert problems == [], "\n".join(problems)
