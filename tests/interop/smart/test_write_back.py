"""On finalize, an assessment started from the record is written back to it (the PDF as a
LOINC-typed DocumentReference, the QuestionnaireResponse); the record being down never loses
or delays the finalization, says so, and a retry sends it once."""

import base64
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.services import assessment_finalize
from interop.smart.models import EhrWriteBack, SmartLaunch
from tests.factories import make_assessment

from .conftest import full_launch


@pytest.fixture
def launched(client, ehr, alice_linked):
    """A launch's token for the record's patient, on a complete draft of alice's."""
    full_launch(client, ehr)
    launch = SmartLaunch.objects.get()
    launch.assessment = make_assessment(alice_linked)
    launch.save()
    return launch


def finalize(assessment, user, capture):
    warnings = assessment.evaluate().to_dict().get("warnings", [])
    with capture(execute=True):
        assessment_finalize(
            assessment=assessment, user=user, acknowledged=[w["id"] for w in warnings]
        )
    assessment.refresh_from_db()
    return EhrWriteBack.objects.filter(assessment=assessment).first()


def created(ehr, kind):
    return [resource for resource in ehr.created if resource["resourceType"] == kind]


def test_finalizing_writes_the_pdf_and_the_answers_back_to_the_record(
    launched, ehr, alice_linked, django_capture_on_commit_callbacks
):
    row = finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert row.status == EhrWriteBack.Status.SENT and row.attempts == 1
    [document] = created(ehr, "DocumentReference")
    [response] = created(ehr, "QuestionnaireResponse")
    assert document["subject"] == {"reference": "Patient/pat-1"}
    assert response["subject"] == {"reference": "Patient/pat-1"}
    assert document["type"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "11488-4",
        "display": "Consult note",
    }
    pdf = base64.b64decode(document["content"][0]["attachment"]["data"])
    assert pdf.startswith(b"%PDF")
    assert document["_if_none_exist"].endswith(f"|{launched.assessment.pk}")
    assert response["status"] == "completed"
    assert row.document_reference.startswith(f"{ehr.base}/DocumentReference/")
    assert row.questionnaire_response.startswith(f"{ehr.base}/QuestionnaireResponse/")


def test_the_record_down_keeps_the_finalization_and_a_retry_sends_it(
    launched, ehr, alice_linked, client, django_capture_on_commit_callbacks
):
    ehr.fail_creates = 1
    row = finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert launched.assessment.is_final
    assert row.status == EhrWriteBack.Status.PENDING
    assert "refused the DocumentReference (HTTP 503)" in row.last_error
    assert ehr.created == []
    page = client.get(reverse("assessments:result", args=[launched.assessment.pk]))
    html = page.content.decode()
    assert "Not yet in the electronic record" in html
    assert "finalized and safe in Vertebro" in html
    assert "Try again now" in html
    retry = client.post(reverse("smart:write_back_retry", args=[launched.assessment.pk]))
    assert retry.status_code == 302
    row.refresh_from_db()
    assert row.status == EhrWriteBack.Status.SENT and row.attempts == 2
    assert len(created(ehr, "DocumentReference")) == 1
    html = client.get(retry["Location"]).content.decode()
    assert "Written back to the electronic record" in html
    assert "Try again now" not in html


def test_a_retry_does_not_send_twice_what_the_record_took(
    launched, ehr, alice_linked, django_capture_on_commit_callbacks
):
    ehr.fail_kinds = {"QuestionnaireResponse"}
    row = finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert row.status == EhrWriteBack.Status.PENDING
    assert row.document_reference and not row.questionnaire_response
    ehr.fail_kinds = set()
    out = io.StringIO()
    call_command("smart_write_back", stdout=out)
    row.refresh_from_db()
    assert row.status == EhrWriteBack.Status.SENT
    assert len(created(ehr, "DocumentReference")) == 1
    assert len(created(ehr, "QuestionnaireResponse")) == 1
    assert "1 of 1 pending write-backs sent" in out.getvalue()


def test_the_command_says_what_is_still_pending(
    launched, ehr, alice_linked, django_capture_on_commit_callbacks
):
    ehr.fail_creates = 5
    finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    out = io.StringIO()
    call_command("smart_write_back", stdout=out)
    assert f"still pending: assessment {launched.assessment.pk}" in out.getvalue()
    assert "0 of 1 pending write-backs sent" in out.getvalue()


def test_an_expired_token_waits_for_the_next_launch_of_the_patient(
    launched, ehr, alice_linked, client, django_capture_on_commit_callbacks
):
    # The record gave no refresh token: nothing renews the access.
    launched.refresh_token = ""
    launched.token_expires_at = timezone.now() - timedelta(minutes=1)
    launched.save()
    row = finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert row.status == EhrWriteBack.Status.PENDING
    assert "access token has expired" in row.last_error
    assert ehr.created == []
    client.logout()
    response = full_launch(client, ehr)
    row.refresh_from_db()
    assert row.status == EhrWriteBack.Status.SENT
    assert row.launch != launched
    assert len(created(ehr, "DocumentReference")) == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("1 of 1 finalized assessments waiting for the record" in m for m in messages)


def test_without_the_right_to_write_nothing_is_sent_and_the_page_says_why(
    launched, ehr, alice_linked, client, django_capture_on_commit_callbacks
):
    launched.scope = "launch openid fhirUser patient/Patient.rs"
    launched.save()
    row = finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert row.status == EhrWriteBack.Status.FAILED
    assert ehr.created == []
    html = client.get(reverse("assessments:result", args=[launched.assessment.pk])).content
    assert b"did not grant Vertebro the right" in html
    # Refused for good: not "waiting", and the clinician is told what to do meanwhile.
    assert b"Not sent to the electronic record." in html
    assert b"copy the chart note into the record" in html
    assert b"tell your Vertebro administrator" in html  # nobody else is told
    assert b"is waiting" not in html


def test_an_assessment_not_started_from_the_record_is_not_written_back(
    ehr, alice, django_capture_on_commit_callbacks
):
    assessment = make_assessment(alice)
    assert finalize(assessment, alice, django_capture_on_commit_callbacks) is None
    assert ehr.created == []


def test_a_record_registered_without_write_back_gets_nothing(
    launched, ehr, alice_linked, settings, tmp_path, django_capture_on_commit_callbacks
):
    from interop.smart.config import registry

    settings.VERTEBRO_SMART_ISSUERS = ehr.issuers_file(tmp_path / "no-write.json", write_back=False)
    registry._key = None
    assert finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks) is None
    assert ehr.created == []


def test_only_the_owner_may_retry(
    launched, ehr, alice_linked, bob, client, django_capture_on_commit_callbacks
):
    ehr.fail_creates = 1
    finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    client.force_login(bob)
    response = client.post(reverse("smart:write_back_retry", args=[launched.assessment.pk]))
    assert response.status_code == 404
    assert ehr.created == []


def test_a_write_back_refused_for_good_is_not_tried_again(
    launched, ehr, alice_linked, client, django_capture_on_commit_callbacks
):
    launched.scope = "launch openid fhirUser patient/Patient.rs"
    launched.save()
    row = finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    client.post(reverse("smart:write_back_retry", args=[launched.assessment.pk]))
    call_command("smart_write_back", stdout=io.StringIO())
    row.refresh_from_db()
    assert row.status == EhrWriteBack.Status.FAILED and row.attempts == 0
    assert ehr.created == []


def test_expired_tokens_are_deleted_unless_a_write_back_waits_on_them(
    launched, ehr, alice_linked, django_capture_on_commit_callbacks
):
    ehr.refresh_tokens.clear()  # the record refuses to renew it
    launched.token_expires_at = timezone.now() - timedelta(minutes=1)
    launched.save()
    finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    call_command("smart_write_back", stdout=io.StringIO())
    launched.refresh_from_db()
    assert launched.access_token  # the pending write-back still needs a launch's token
    EhrWriteBack.objects.update(status=EhrWriteBack.Status.SENT)
    out = io.StringIO()
    call_command("smart_write_back", stdout=out)
    launched.refresh_from_db()
    assert launched.access_token == "" and launched.refresh_token == ""
    assert "1 expired access tokens of the record deleted" in out.getvalue()
