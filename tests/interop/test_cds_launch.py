"""The app-link card's link: a signed-in clinician opens a pre-filled draft, once, in time."""

import contextlib
import html
import io
import json
import logging
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import security_log
from assessments.models import Assessment
from interop import launch
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


def test_the_link_belongs_to_the_clinician_who_followed_it_first(client, alice, bob, launch_path):
    """Another clinician who opens it (passed on, or read over a shoulder) gets 404, no draft
    and no patient detail; the attempt is logged."""
    client.force_login(alice)
    assert client.get(launch_path).status_code == 200
    client.force_login(bob)
    with assert_logged("launch_refused"):
        page = client.get(launch_path)
    assert page.status_code == 404
    assert b"MRN-0001" not in page.content
    assert client.post(launch_path).status_code == 404
    assert not Assessment.objects.filter(owner=bob).exists()
    client.force_login(alice)
    assert client.post(launch_path).status_code == 302
    assert Assessment.objects.get().owner == alice


def test_using_the_link_first_claims_it_too(client, alice, bob, launch_path):
    client.force_login(bob)
    assert client.post(launch_path).status_code == 302
    client.force_login(alice)
    assert client.get(launch_path).status_code == 410  # used up


def test_a_clinician_taken_out_of_the_group_cannot_follow_it(client, alice, launch_path):
    alice.groups.clear()
    client.force_login(alice)
    assert client.get(launch_path).status_code == 403
    assert LaunchHandle.objects.get().claimed_by is None


@contextlib.contextmanager
def assert_logged(event: str):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(security_log.JsonFormatter())
    logger = logging.getLogger(security_log.LOGGER_NAME)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    events = [json.loads(line)["event"] for line in stream.getvalue().splitlines()]
    assert events == [event]


# --- The record's user of the hook call -------------------------------------------------------


@pytest.fixture
def identity_links(monkeypatch):
    """Identity links as the SMART App Launch keeps them: (fhirServer, userId) -> account."""
    links: dict = {}
    monkeypatch.setattr(launch, "_ehr_user_resolvers", [])
    launch.register_ehr_user_resolver(lambda server, reference: links.get((server, reference)))
    return links


def test_a_link_belongs_to_the_records_user_when_their_account_is_known(
    client, cds_settings, alice, bob, identity_links
):
    identity_links[("https://ehr.example.org/fhir", "Practitioner/pr-1")] = alice
    url = call(client, hook_request()).json()["cards"][0]["links"][0]["url"]
    path = url.removeprefix(PUBLIC_URL)
    assert LaunchHandle.objects.get().claimed_by == alice
    # Another clinician who signs in first does not get the patient's draft.
    client.force_login(bob)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    assert not Assessment.objects.exists()
    client.force_login(alice)
    assert client.post(path).status_code == 302
    assert Assessment.objects.get().owner == alice


def test_a_user_of_another_record_is_not_matched(client, cds_settings, bob, identity_links):
    identity_links[("https://other-ehr.example.org/fhir", "Practitioner/pr-1")] = bob
    call(client, hook_request())
    assert LaunchHandle.objects.get().claimed_by is None  # the first signed-in user claims it


def test_the_practitioner_linked_for_smart_launches_owns_the_cards_link(
    client, cds_settings, alice, bob
):
    """The links an administrator keeps for SMART App Launch name the hook call's user too."""
    from interop.smart.models import SmartIdentity

    SmartIdentity.objects.create(
        issuer="https://ehr.example.org/fhir",
        fhir_user="https://ehr.example.org/fhir/Practitioner/pr-1",
        user=alice,
    )
    url = call(client, hook_request()).json()["cards"][0]["links"][0]["url"]
    assert LaunchHandle.objects.get().claimed_by == alice
    client.force_login(bob)
    assert client.post(url.removeprefix(PUBLIC_URL)).status_code == 404


def _step_1_message(client, response) -> str:
    step1 = client.get(response["Location"])
    return " ".join(str(message) for message in step1.context["messages"])


def test_a_pre_filled_launch_says_so_and_marks_the_answers(client, alice, launch_path):
    client.force_login(alice)
    page = client.get(launch_path).content.decode()
    assert "with these answers filled in" in page
    assert "Open the pre-filled draft" in page
    message = _step_1_message(client, client.post(launch_path))
    assert "Answers marked “From the EHR” were taken from the record" in message


def test_a_launch_the_record_sent_nothing_for_offers_an_empty_draft(client, alice, cds_settings):
    handle = launch.launch_create(prefill={}, issuer="https://ehr.example.org", now=timezone.now())
    client.force_login(alice)
    page = client.get(f"/interop/launch/{handle}/").content.decode()
    assert "The record sent none of the answers of step 1: enter them yourself." in page
    assert "A new, empty draft opens at step 1" in page
    assert "Open a new draft" in page
    assert "filled in" not in page and "pre-filled" not in page
    message = _step_1_message(client, client.post(f"/interop/launch/{handle}/"))
    assert "sent none of the answers of step 1" in message
    assert "From the EHR" not in message
    assert Assessment.objects.get(owner=alice).from_record["answers"] == {}


def test_a_launch_whose_every_answer_is_refused_marks_nothing(client, alice, cds_settings):
    # An age the questionnaire refuses (over its maximum) is left out of the draft.
    handle = launch.launch_create(
        prefill={"patient_age": 300}, issuer="https://ehr.example.org", now=timezone.now()
    )
    client.force_login(alice)
    page = html.unescape(client.get(f"/interop/launch/{handle}/").content.decode())
    assert "The questionnaire cannot take the age as sent." in page
    assert "A new, empty draft opens at step 1" in page and "Open a new draft" in page
    message = _step_1_message(client, client.post(f"/interop/launch/{handle}/"))
    assert "sent none of the answers of step 1 that the questionnaire can take" in message
    assert Assessment.objects.get(owner=alice).patient_age is None


def test_a_launch_with_one_answer_refused_says_which_is_left_out(client, alice, cds_settings):
    handle = launch.launch_create(
        prefill={"patient_age": 300, "treated_level": "L2"},
        issuer="https://ehr.example.org",
        now=timezone.now(),
    )
    client.force_login(alice)
    page = html.unescape(client.get(f"/interop/launch/{handle}/").content.decode())
    assert "with these answers filled in, except the age, which the questionnaire" in page
    assert "Open the pre-filled draft" in page
    client.post(f"/interop/launch/{handle}/")
    draft = Assessment.objects.get(owner=alice)
    assert (draft.treated_level, draft.patient_age) == ("L2", None)
