"""An amendment of an assessment the record launched goes back to the same record: its
document replaces the record's earlier one (relatesTo, as the record named it) and its answers
name the record's earlier response; it is sent after the assessment it corrects, and without
the link when the record never had that one."""

import io

from django.core.management import call_command

from assessments.services import assessment_amend
from interop.smart.config import registry
from interop.smart.models import EhrWriteBack

from .test_write_back import created, finalize, launched  # noqa: F401 (fixture)


def _amend(assessment, user, capture):
    amendment = assessment_amend(assessment=assessment, user=user, reason="VAS was 6, not 1")
    return amendment, finalize(amendment, user, capture)


def _replaces(resource) -> list[str]:
    return [
        extension["valueReference"]["reference"]
        for extension in resource.get("extension", [])
        if extension["url"].endswith("/StructureDefinition/replaces")
    ]


def test_an_amendment_replaces_the_record_s_own_document_and_answers(
    launched,  # noqa: F811
    ehr,
    alice_linked,
    django_capture_on_commit_callbacks,
):
    first = finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert first.status == EhrWriteBack.Status.SENT
    amendment, row = _amend(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert row is not None and row.status == EhrWriteBack.Status.SENT, row and row.last_error
    assert row.launch == launched
    earlier_document, document = created(ehr, "DocumentReference")
    earlier_response, response = created(ehr, "QuestionnaireResponse")
    assert "relatesTo" not in earlier_document
    assert document["relatesTo"] == [
        {"code": "replaces", "target": {"reference": f"DocumentReference/{earlier_document['id']}"}}
    ]
    assert document["_if_none_exist"].endswith(f"|{amendment.pk}")
    assert response["status"] == "amended"
    assert _replaces(response) == [f"QuestionnaireResponse/{earlier_response['id']}"]
    # Vertebro's own ids mean nothing in the record: none is sent as a link.
    assert str(launched.assessment.pk) not in str(document.get("relatesTo"))
    assert str(launched.assessment.pk) not in str(_replaces(response))


def test_an_amendment_waits_for_the_assessment_it_corrects_then_follows_it(
    launched,  # noqa: F811
    ehr,
    alice_linked,
    django_capture_on_commit_callbacks,
):
    ehr.fail_creates = 1
    first = finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert first.status == EhrWriteBack.Status.PENDING
    _amendment, row = _amend(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert row.status == EhrWriteBack.Status.PENDING
    assert "not yet in the record; the amendment is sent after it" in row.last_error
    assert ehr.created == []
    out = io.StringIO()
    call_command("smart_write_back", stdout=out)
    assert "2 of 2 pending write-backs sent" in out.getvalue()
    earlier_document, document = created(ehr, "DocumentReference")
    assert document["relatesTo"][0]["target"]["reference"] == (
        f"DocumentReference/{earlier_document['id']}"
    )


def test_an_amendment_of_an_assessment_the_record_never_had_goes_without_the_link(
    launched,  # noqa: F811
    ehr,
    alice_linked,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.VERTEBRO_SMART_ISSUERS = ehr.issuers_file(tmp_path / "off.json", write_back=False)
    registry._key = None
    assert finalize(launched.assessment, alice_linked, django_capture_on_commit_callbacks) is None
    settings.VERTEBRO_SMART_ISSUERS = ehr.issuers_file(tmp_path / "on.json")
    registry._key = None
    _amendment, row = _amend(launched.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert row.status == EhrWriteBack.Status.SENT
    [document] = created(ehr, "DocumentReference")
    [response] = created(ehr, "QuestionnaireResponse")
    assert "relatesTo" not in document
    assert _replaces(response) == []
