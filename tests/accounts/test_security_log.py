"""Security events reach a structured JSON log with ids and addresses, never patient data."""

import io
import json
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts import security_log
from assessments.models import Assessment
from tests.conftest import PASSWORD
from tests.factories import make_assessment

PATIENT_REF = "MRN-SECRET-4711"
CLINIC_PC = "10.1.2.3"


@pytest.fixture
def security_events():
    """The JSON lines the security logger writes, as dicts (formatted as in production)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(security_log.JsonFormatter())
    logger = logging.getLogger(security_log.LOGGER_NAME)
    logger.addHandler(handler)
    lines = []

    def read():
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())
        stream.seek(0)
        stream.truncate()
        return lines

    yield read
    logger.removeHandler(handler)
    assert PATIENT_REF not in json.dumps(lines)


def _sign_in(client, password=PASSWORD):
    return client.post(
        reverse("login"), {"username": "alice", "password": password}, REMOTE_ADDR=CLINIC_PC
    )


def test_a_sign_in_is_logged_with_the_user_id_and_address(client, alice, security_events):
    _sign_in(client)
    (line,) = [e for e in security_events() if e["event"] == "sign_in"]
    assert line["user_id"] == alice.pk
    assert line["ip"] == CLINIC_PC
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")


def test_a_failed_sign_in_is_logged_with_the_user_name_and_never_the_password(
    client, alice, security_events
):
    _sign_in(client, password="wrong-password-123")
    (line,) = [e for e in security_events() if e["event"] == "sign_in_failed"]
    assert line["username"] == "alice"
    assert line["ip"] == CLINIC_PC
    assert "wrong-password-123" not in json.dumps(security_events())


def test_a_lockout_is_logged(client, alice, security_events):
    for _ in range(5):
        _sign_in(client, password="wrong")
    locked = [e for e in security_events() if e["event"] == "lockout"]
    assert locked
    assert locked[0]["username"] == "alice"
    assert locked[0]["ip"] == CLINIC_PC


def test_sign_out_is_logged(client, alice, security_events):
    _sign_in(client)
    client.post(reverse("logout"))
    assert [e["event"] for e in security_events()] == ["sign_in", "sign_out"]


def test_finalize_and_amend_are_logged_with_the_assessment_id_only(
    client, alice, security_events, django_capture_on_commit_callbacks
):
    draft = make_assessment(alice, patient_ref=PATIENT_REF)
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assessments:finalize", args=[draft.pk]), REMOTE_ADDR=CLINIC_PC)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("assessments:amend", args=[draft.pk]),
            {"reason": "Wrong level"},
            REMOTE_ADDR=CLINIC_PC,
        )
    amendment = Assessment.objects.get(amends=draft)
    events = {e["event"]: e for e in security_events()}
    assert events["finalize"]["assessment_id"] == str(draft.pk)
    assert events["finalize"]["user_id"] == alice.pk
    assert events["finalize"]["ip"] == CLINIC_PC
    assert events["amend"]["assessment_id"] == str(amendment.pk)
    assert events["amend"]["detail"] == f"amends {draft.pk}"


def test_a_failed_finalization_logs_nothing(
    alice, security_events, django_capture_on_commit_callbacks
):
    from assessments import services
    from vertebro_rules import validation

    draft = make_assessment(alice, patient_ref=PATIENT_REF, neuro_exam=None)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(validation.InvalidInput):
        services.assessment_finalize(assessment=draft, user=alice)
    assert not [e for e in security_events() if e["event"] == "finalize"]


def test_the_csv_export_command_is_logged(alice, security_events, tmp_path):
    make_assessment(alice, patient_ref=PATIENT_REF)
    call_command("export_csv", "-o", str(tmp_path / "out.csv"), stderr=io.StringIO())
    (line,) = [e for e in security_events() if e["event"] == "export"]
    assert line["detail"] == "export_csv command, 1 assessments"


def test_event_refuses_fields_that_could_carry_patient_data():
    with pytest.raises(TypeError, match="patient_ref"):
        security_log.event("finalize", patient_ref=PATIENT_REF)


def test_the_client_address_comes_from_the_proxy_only_when_one_is_trusted(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.168.1.7")
    settings.VERTEBRO_PROXY_COUNT = 0
    assert security_log.client_ip(request) == "10.0.0.1"
    settings.VERTEBRO_PROXY_COUNT = 1
    assert security_log.client_ip(request) == "192.168.1.7"


def test_the_admin_csv_export_is_logged_with_the_reviewer(client, reviewer, alice, security_events):
    assessment = make_assessment(alice, patient_ref=PATIENT_REF)
    client.force_login(reviewer)
    response = client.post(
        reverse("admin:assessments_assessment_changelist"),
        {"action": "export_selected_as_csv", "_selected_action": [str(assessment.pk)]},
        REMOTE_ADDR=CLINIC_PC,
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    (line,) = [e for e in security_events() if e["event"] == "export"]
    assert line["user_id"] == reviewer.pk
    assert line["ip"] == CLINIC_PC
