"""The write-back of an assessment started from the electronic record, when it is finalized:
its PDF summary as a DocumentReference (LOINC-typed) and its QuestionnaireResponse, created
on the record's FHIR server with the launch's access token.

The finalization never waits for, or depends on, the record: `queue_write_back` adds an
`EhrWriteBack` row in the finalizing transaction and sends it once that transaction is
committed. A failure leaves the row pending with its reason, shown on the result page with a
"Try again" button; `manage.py smart_write_back` retries every pending row (run it from cron),
and a new launch by the same clinician for the same patient carries a fresh token to the rows
whose token has expired. Each resource is created once: a retry skips what the record already
took, and the DocumentReference is created conditionally on its identifier (If-None-Exist).
"""

import logging

from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment

from ..fhir.common import assessment_identifier
from ..fhir.document import build_document_reference
from ..fhir.response import export_response
from . import client
from .config import IssuerConfigError, registry
from .models import EhrWriteBack, SmartLaunch

logger = logging.getLogger(__name__)

LOINC = "http://loinc.org"
# LOINC 11488-4 "Consult note": a specialist's assessment and recommendation for the chart.
DOCUMENT_TYPE = {"system": LOINC, "code": "11488-4", "display": "Consult note"}
WRITES = ("DocumentReference", "QuestionnaireResponse")


def queue_write_back(*, assessment: Assessment, user) -> None:
    """Finalize listener: queue the write-back of an assessment a launch started."""
    launch = SmartLaunch.objects.filter(assessment_id=assessment.pk).order_by("-pk").first()
    if launch is None:
        return
    try:
        issuer = registry.get(launch.issuer)
    except IssuerConfigError:
        issuer = None
    if issuer is None or not issuer.write_back:
        return
    row = EhrWriteBack.objects.create(launch=launch, assessment=assessment)
    if not all(launch.grants(kind) for kind in WRITES):
        row.status = EhrWriteBack.Status.FAILED
        row.last_error = (
            "The record did not grant Vertebro the right to create a DocumentReference and a "
            "QuestionnaireResponse; ask its administrator to grant patient/DocumentReference.c "
            "and patient/QuestionnaireResponse.c."
        )
        row.save(update_fields=["status", "last_error"])
        return
    transaction.on_commit(lambda: send_safely(row.pk), robust=True)


def _for_the_record(resource: dict, patient_id: str) -> dict:
    """The resource as the record stores it: its own id assigned there, the record's Patient
    as subject."""
    resource = {key: value for key, value in resource.items() if key != "id"}
    resource["subject"] = {"reference": f"Patient/{patient_id}"}
    return resource


def document_reference(assessment: Assessment, patient_id: str) -> dict:
    resource = _for_the_record(build_document_reference(assessment), patient_id)
    kind = resource.setdefault("type", {})
    codings = [c for c in kind.get("coding") or [] if c.get("system") != LOINC]
    kind["coding"] = [DOCUMENT_TYPE, *codings]
    return resource


def questionnaire_response(assessment: Assessment, patient_id: str) -> dict:
    return _for_the_record(export_response(assessment), patient_id)


def send(row: EhrWriteBack, *, now=None) -> EhrWriteBack:
    """Try the write-back once; the row says how it went (sent, or pending with the reason)."""
    now = now or timezone.now()
    launch = row.launch
    if row.status != EhrWriteBack.Status.PENDING:
        # Sent already, or refused for good (no right to write): nothing to try.
        return row
    row.attempts += 1
    row.last_attempt_at = now
    try:
        if launch.token_expires_at is not None and launch.token_expires_at <= now:
            raise client.RecordError(
                "The record's access token has expired; it is sent when you next open "
                "Vertebro from this patient's chart in the record."
            )
        assessment = row.assessment
        if not row.document_reference:
            row.document_reference = client.fhir_create(
                launch.issuer,
                document_reference(assessment, launch.patient_id),
                token=launch.access_token,
                if_none_exist=f"identifier={_identifier(assessment)}",
            )
        if not row.questionnaire_response:
            row.questionnaire_response = client.fhir_create(
                launch.issuer,
                questionnaire_response(assessment, launch.patient_id),
                token=launch.access_token,
            )
    except client.RecordError as error:
        row.last_error = str(error)[:300]
    else:
        row.status = EhrWriteBack.Status.SENT
        row.sent_at = now
        row.last_error = ""
    row.save()
    return row


def _identifier(assessment: Assessment) -> str:
    identifier = assessment_identifier(assessment.pk)
    return f"{identifier['system']}|{identifier['value']}"


def send_safely(row_id: int) -> None:
    """Send after the finalization is committed; nothing raised here reaches the clinician
    (the row keeps the reason, the result page shows it)."""
    try:
        send(EhrWriteBack.objects.select_related("launch", "assessment").get(pk=row_id))
    except Exception:
        logger.exception("write-back %s to the electronic record failed", row_id)


def pending() -> list[EhrWriteBack]:
    return list(
        EhrWriteBack.objects.filter(status=EhrWriteBack.Status.PENDING)
        .select_related("launch", "assessment")
        .order_by("created_at", "pk")
    )


def resume_with(launch: SmartLaunch) -> list[EhrWriteBack]:
    """A new launch by the same clinician for the same patient at the same record: its token
    takes over the pending write-backs (their own token may have expired), which are sent."""
    rows = [
        row
        for row in pending()
        if row.launch.user_id == launch.user_id
        and row.launch.issuer == launch.issuer
        and row.launch.patient_id == launch.patient_id
        and row.launch_id != launch.pk
    ]
    for row in rows:
        row.launch = launch
        row.save(update_fields=["launch"])
        send(row)
    return rows


def forget_expired_tokens(*, now=None) -> int:
    """Blank the tokens of launches whose access token has expired and that no pending
    write-back waits on: a database copy then holds no usable credential of the record."""
    now = now or timezone.now()
    waiting = EhrWriteBack.objects.filter(status=EhrWriteBack.Status.PENDING).values("launch_id")
    return (
        SmartLaunch.objects.filter(token_expires_at__lte=now)
        .exclude(access_token="", refresh_token="")
        .exclude(pk__in=waiting)
        .update(access_token="", refresh_token="")
    )
