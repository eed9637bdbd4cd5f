"""The whole EHR launch in Chromium: the test record's chart page frames Vertebro's launch
URL; the clinician lands signed in on step 1 filled in from the record, finalizes, and the
record receives the DocumentReference. A record whose origin is not listed cannot frame it.
The pages of a refused launch pass axe-core and the Nu HTML checker at every width."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from interop.smart.config import registry
from interop.smart.models import SmartIdentity
from tests.browser.checks import check_at_every_width, nu_errors
from tests.factories import answered_inputs
from tests.interop.smart.ehr import PRACTITIONER, LoopbackEhr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEP_1_FROM_RECORD = {
    "Patient reference (MRN)": "MRN-4711",
    "Treated level": "L1",
    "Lowest DXA T-score": "-3.1",
}


@pytest.fixture(scope="module")
def _record():
    ehr = LoopbackEhr().start(host="localhost")
    yield ehr
    ehr.stop()


@pytest.fixture
def record(_record, live_server, settings, tmp_path, alice):
    ehr = _record
    ehr.created.clear()
    ehr.client.redirect_uris = [f"{live_server.url}/smart/callback"]
    settings.VERTEBRO_PUBLIC_URL = live_server.url
    settings.VERTEBRO_SMART_ISSUERS = ehr.issuers_file(tmp_path / "issuers.json")
    settings.VERTEBRO_EHR_FRAME_ORIGINS = [ehr.origin]
    registry._key = None
    SmartIdentity.objects.create(
        issuer=ehr.base, fhir_user=f"{ehr.base}/{PRACTITIONER}", user=alice
    )
    return ehr


def test_from_the_records_chart_to_a_written_back_assessment(page, live_server, record, alice):
    assert live_server.url.startswith("http://localhost:")
    page.goto(f"{record.origin}/ehr?app={live_server.url}")
    frame = page.frame_locator("#app")
    frame.get_by_role("heading", name="Patient and index procedure").wait_for()
    for label, value in STEP_1_FROM_RECORD.items():
        assert frame.get_by_label(label).input_value() == value
    assert frame.locator(".from-record").count() == 6
    draft = Assessment.objects.get(owner=alice)
    # Steps 2 to 4 are the questionnaire's own (tested elsewhere): answered here directly.
    inputs = answered_inputs()
    for name in (
        "patient_ref",
        "patient_age",
        "sex",
        "treated_level",
        "index_procedure_date",
        "bmd_t_score",
    ):
        inputs.pop(name, None)
    Assessment.objects.filter(pk=draft.pk).update(**inputs)
    inner = page.frames[1]
    inner.goto(live_server.url + reverse("assessments:finalize", args=[draft.pk]))
    for box in inner.locator("input[type=checkbox]").all():
        box.check()
    inner.get_by_role("button", name="Finalize the assessment").click()
    inner.get_by_text("Written back to the electronic record").wait_for()
    kinds = [resource["resourceType"] for resource in record.created]
    assert kinds == ["DocumentReference", "QuestionnaireResponse"]
    assert record.created[0]["subject"] == {"reference": "Patient/pat-1"}


def test_a_record_whose_origin_is_not_listed_cannot_frame_vertebro(
    page, live_server, record, settings
):
    settings.VERTEBRO_EHR_FRAME_ORIGINS = ["https://another-ehr.example.org"]
    refusals = []
    page.on("console", lambda message: refusals.append(message.text))
    page.goto(f"{record.origin}/ehr?app={live_server.url}")
    page.wait_for_timeout(1500)
    assert any("frame-ancestors" in text for text in refusals), refusals
    assert (
        page.frame_locator("#app")
        .get_by_role("heading", name="Patient and index procedure")
        .count()
        == 0
    )


def test_the_launch_refusals_pass_axe_and_the_nu_checker(browser, live_server, record, tmp_path):
    """The pages a launch from the record can end on instead of a draft: the practitioner not
    linked to a Vertebro account (403, with the issuer and fhirUser an administrator links),
    a record not registered (403) and a launch URL without its iss (400)."""
    SmartIdentity.objects.all().delete()
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    launch = live_server.url + reverse("smart:launch")
    pages = {
        "SMART: practitioner not linked": (
            f"{launch}?iss={record.base}&launch={record.new_launch()}",
            403,
        ),
        "SMART: record not registered": (f"{launch}?iss=https://ehr.example.org&launch=x", 403),
        "SMART: launch without iss": (f"{launch}?launch=x", 400),
    }
    html, problems = {}, []
    for name, (url, status) in pages.items():
        response = page.goto(url)
        assert response.status == status, name
        html[name] = response.text()
        problems += check_at_every_width(page, name)
    assert f"{record.base}/{PRACTITIONER}" in html["SMART: practitioner not linked"]
    problems += nu_errors(html, tmp_path / "html")
    context.close()
    assert problems == [], "\n".join(problems)
