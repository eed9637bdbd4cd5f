"""The app-link card's link: a signed-in clinician opens a pre-filled draft, once, in time."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from assessments.models import Assessment
from interop.models import LaunchHandle

from .conftest import PUBLIC_URL, call, hook_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def launch_path(client, cds_settings):
    response = call(client, hook_request())
    url = response.json()["cards"][0]["links"][0]["url"]
    return url.removeprefix(PUBLIC_URL)


def test_the_link_opens_a_draft_with_step_1_pre_filled(client, alice, launch_path):
    client.force_login(alice)
    page = client.get(launch_path)
    assert page.status_code == 200
    assert LaunchHandle.objects.exists()  # asking is not using
    response = client.post(launch_path)
    draft = Assessment.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/assessments/{draft.pk}/step/1/"
    assert draft.status == Assessment.Status.DRAFT
    assert (draft.patient_ref, draft.patient_age, draft.sex, draft.treated_level) == (
        "MRN-0001",
        70,
        "female",
        "L1",
    )
    assert draft.index_procedure_date.isoformat() == "2026-10-01"
    # What the record does not hold, the clinician still answers.
    assert draft.fracture_etiology is None and draft.prior_vertebral_fractures is None
    step1 = client.get(response["Location"])
    assert step1.status_code == 200
    assert b"MRN-0001" in step1.content
    assert not LaunchHandle.objects.exists()


def test_followed_twice_it_opens_nothing(client, alice, launch_path):
    client.force_login(alice)
    client.post(launch_path)
    assert client.post(launch_path).status_code == 410
    assert client.get(launch_path).status_code == 410
    assert Assessment.objects.count() == 1


def test_expired_it_opens_nothing(client, alice, launch_path):
    client.force_login(alice)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert client.get(launch_path).status_code == 410
        assert client.post(launch_path).status_code == 410
    assert not Assessment.objects.exists()


def test_an_unknown_handle_opens_nothing(client, alice, cds_settings):
    client.force_login(alice)
    assert client.post("/interop/launch/made-up-handle/").status_code == 410


def test_signing_in_first_keeps_the_handle(client, alice, launch_path):
    response = client.post(launch_path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert LaunchHandle.objects.count() == 1
    client.force_login(alice)
    assert client.post(launch_path).status_code == 302


def test_a_reviewer_cannot_use_it(client, reviewer, launch_path):
    client.force_login(reviewer)
    assert client.post(launch_path).status_code == 403
    assert LaunchHandle.objects.count() == 1


def test_a_value_the_spec_refuses_is_left_for_the_clinician(client, alice, cds_settings):
    from .conftest import patient

    response = call(client, hook_request(the_patient=patient(birth_date="2015-01-01", gender="x")))
    path = response.json()["cards"][0]["links"][0]["url"].removeprefix(PUBLIC_URL)
    client.force_login(alice)
    client.post(path)
    draft = Assessment.objects.get()
    assert draft.patient_age is None and draft.sex is None
    assert draft.treated_level == "L1"
