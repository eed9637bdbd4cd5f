"""The interoperability pages in Chromium: the app-link card's launch page opens a pre-filled
step 1, and the import page (with refused answers) and the launch page pass axe-core and
the Nu HTML checker at every width."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from interop import launch
from interop.fhir.response import export_response
from tests.browser.checks import check_at_every_width, nu_errors
from tests.browser.dates import date_group
from tests.conftest import PASSWORD
from tests.factories import make_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PREFILL = {
    "patient_ref": "MRN-EHR-1",
    "patient_age": 81,
    "sex": "male",
    "treated_level": "T12",
    "index_procedure_date": "2026-09-14",
}


@pytest.fixture
def checker(browser):
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


def test_the_launch_link_opens_step_1_pre_filled(checker, live_server, alice, tmp_path):
    handle = launch.launch_create(
        prefill=PREFILL, issuer="https://ehr.example.org", now=timezone.now()
    )
    url = live_server.url + reverse("interop:launch", args=[handle])
    html = {}
    _sign_in(checker, live_server, "alice")
    html["Launch"] = checker.goto(url).text()
    assert checker.get_by_text(
        "The record sent the patient reference MRN-EHR-1, age 81, sex male, treated level T12 "
        "and index vertebroplasty 14 Sep 2026."
    ).is_visible()
    problems = check_at_every_width(checker, "Launch")
    checker.get_by_role("button", name="Open the pre-filled draft").click()
    checker.wait_for_load_state("load")
    assert "/step/1/" in checker.url
    assert checker.get_by_label("Patient reference (MRN)").input_value() == "MRN-EHR-1"
    assert checker.get_by_label("Age (years)").input_value() == "81"
    assert checker.get_by_label("Treated level").input_value() == "T12"
    index_date = date_group(checker, "Date of the index vertebroplasty")
    assert index_date.get_by_label("Day").input_value() == "14"
    assert index_date.get_by_label("Month").input_value() == "9"
    assert index_date.get_by_label("Year").input_value() == "2026"
    # Each answer from the record is marked, from what the draft keeps.
    assert checker.locator("label .from-record, legend .from-record").count() == len(PREFILL)
    response = checker.goto(url)
    assert response.status == 410
    problems += nu_errors(html, tmp_path / "html")
    assert problems == [], "\n".join(problems)


def test_the_import_page_and_its_refusal(checker, live_server, alice, bob, tmp_path):
    final = services.assessment_finalize(assessment=make_assessment(alice), user=alice)
    bad = export_response(final)
    bad["item"][0]["item"][1]["answer"] = [{"valueInteger": 150}]
    path = tmp_path / "response.json"
    path.write_text(json.dumps(bad))
    html = {}
    _sign_in(checker, live_server, "bob")
    html["Import"] = checker.goto(live_server.url + reverse("interop:import")).text()
    problems = check_at_every_width(checker, "Import")
    checker.get_by_label("QuestionnaireResponse (FHIR JSON)").set_input_files(str(path))
    with checker.expect_navigation() as refused:
        checker.get_by_role("button", name="Import as a new draft").click()
    assert refused.value.status == 400
    html["Import refused"] = refused.value.text()
    assert "patient_age" in html["Import refused"]
    problems += check_at_every_width(checker, "Import refused")
    problems += nu_errors(html, tmp_path / "html")
    assert problems == [], "\n".join(problems)
