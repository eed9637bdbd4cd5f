"""The whole EHR launch in Chromium: the test record's chart page frames Vertebro's launch
URL; the clinician lands signed in on step 1 filled in from the record, finalizes, and the
record receives the DocumentReference. A record whose origin is not listed cannot frame it."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from interop.smart.config import registry
from interop.smart.models import SmartIdentity
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
