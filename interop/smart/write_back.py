"""The write-back of an assessment started from the electronic record, when it is finalized:
its PDF summary as a DocumentReference (LOINC-typed) and its QuestionnaireResponse, created
on the record's FHIR server with the launch's access token.

The finalization never waits for, or depends on, the record: `queue_write_back` adds an
`EhrWriteBack` row in the finalizing transaction and sends it once that transaction is
committed. A failure leaves the row pending with its reason, shown on the result page with a
"Try again" button; `manage.py smart_write_back` retries every pending row (run it from cron),
and a new launch by the same clinician for the same patient carries a fresh token to the rows
whose token has expired. An expired access token is first renewed with the launch's refresh
token when the record gave one (`refresh` in the issuers file). Each resource is created once:
a retry skips what the record already took, and the DocumentReference is created
conditionally on its identifier (If-None-Exist).

An amendment of an assessment a launch started goes back to the same record with the same
launch: its DocumentReference `replaces` (relatesTo) the earlier one as the record named it,
and its QuestionnaireResponse's `replaces` extension names the record's earlier response. It is
sent only after the assessment it corrects (which must be in the record first to be replaced);
when that one never went to the record, the amendment goes without the link.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from assessments.models import Assessment

from ..fhir.common import EXT_REPLACES, assessment_identifier, fhir_base
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
    """Finalize listener: queue the write-back of an assessment a launch started, or of an
    amendment of one."""
    launch = _launch_of(assessment)
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


def _launch_of(assessment: Assessment) -> SmartLaunch | None:
    """The latest launch that started this assessment or, for an amendment, the one that
    started the assessment it corrects (back along the chain of amendments)."""
    current: Assessment | None = assessment
    while current is not None:
        launch = SmartLaunch.objects.filter(assessment_id=current.pk).order_by("-pk").first()
        if launch is not None:
            return launch
        current = current.amends if current.amends_id else None
    return None


def _replaced(assessment: Assessment) -> EhrWriteBack | None:
    """The write-back of the assessment an amendment corrects, if it went to the record; an
    amendment waits (RecordError) while that one is still pending."""
    if not assessment.amends_id:
        return None
    earlier = (
        EhrWriteBack.objects.filter(assessment_id=assessment.amends_id).order_by("-pk").first()
    )
    if earlier is None or earlier.status == EhrWriteBack.Status.FAILED:
        return None
    if earlier.status == EhrWriteBack.Status.PENDING:
        raise client.RecordError(
            "The assessment this amendment corrects is not yet in the record; the amendment is "
            "sent after it."
        )
    return earlier


def _on_the_record(location: str, kind: str) -> str:
    """`Kind/id` of a resource from the Location the record gave it (absolute, maybe with
    its version: .../DocumentReference/abc/_history/1)."""
    parts = location.rstrip("/").split("/")
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] == kind:
            return f"{kind}/{parts[index + 1]}"
    return ""


def _for_the_record(resource: dict, patient_id: str) -> dict:
    """The resource as the record stores it: its own id assigned there, the record's Patient
    as subject."""
    resource = {key: value for key, value in resource.items() if key != "id"}
    resource["subject"] = {"reference": f"Patient/{patient_id}"}
    return resource


def document_reference(assessment: Assessment, patient_id: str, *, replaces: str = "") -> dict:
    """The PDF for the record; an amendment's `relatesTo` names the record's own earlier
    document (`replaces`, as the record named it), or is left out when the record never had
    it (Vertebro's own id means nothing there)."""
    resource = _for_the_record(build_document_reference(assessment), patient_id)
    kind = resource.setdefault("type", {})
    codings = [c for c in kind.get("coding") or [] if c.get("system") != LOINC]
    kind["coding"] = [DOCUMENT_TYPE, *codings]
    resource.pop("relatesTo", None)
    if replaces:
        resource["relatesTo"] = [{"code": "replaces", "target": {"reference": replaces}}]
    return resource


def questionnaire_response(assessment: Assessment, patient_id: str, *, replaces: str = "") -> dict:
    """The answers for the record; the `replaces` extension of an amendment names the record's
    earlier response, or is left out when the record never had it."""
    resource = _for_the_record(export_response(assessment), patient_id)
    extensions = [
        extension
        for extension in resource.get("extension", [])
        if not extension["url"].endswith(EXT_REPLACES)
    ]
    if replaces:
        extensions.append(
            {"url": f"{fhir_base()}/{EXT_REPLACES}", "valueReference": {"reference": replaces}}
        )
    if extensions:
        resource["extension"] = extensions
    else:
        resource.pop("extension", None)
    return resource


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
            _renew(launch, now=now)
        assessment = row.assessment
        earlier = _replaced(assessment)
        if not row.document_reference:
            row.document_reference = client.fhir_create(
                launch.issuer,
                document_reference(
                    assessment,
                    launch.patient_id,
                    replaces=_on_the_record(earlier.document_reference, "DocumentReference")
                    if earlier
                    else "",
                ),
                token=launch.access_token,
                if_none_exist=f"identifier={_identifier(assessment)}",
            )
        if not row.questionnaire_response:
            row.questionnaire_response = client.fhir_create(
                launch.issuer,
                questionnaire_response(
                    assessment,
                    launch.patient_id,
                    replaces=_on_the_record(earlier.questionnaire_response, "QuestionnaireResponse")
                    if earlier
                    else "",
                ),
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


EXPIRED = (
    "The record's access token has expired; it is sent when you next open Vertebro from this "
    "patient's chart in the record."
)


def _renew(launch: SmartLaunch, *, now) -> None:
    """A new access token from the launch's refresh token, kept on the launch (with the new
    refresh token when the record rotates it); RecordError when there is none or the record
    refuses it: the write-back then waits for the next launch."""
    if not launch.refresh_token:
        raise client.RecordError(EXPIRED)
    try:
        issuer = registry.get(launch.issuer)
        if issuer is None:
            raise client.RecordError(EXPIRED)
        token = client.refresh(
            issuer=issuer,
            configuration=client.discover(launch.issuer),
            refresh_token=launch.refresh_token,
        )
    except (client.RecordError, IssuerConfigError) as error:
        logger.info("renewing the access token of launch %s failed: %s", launch.pk, error)
        raise client.RecordError(EXPIRED) from None
    expires_in = token.get("expires_in")
    launch.access_token = token["access_token"]
    launch.refresh_token = str(token.get("refresh_token") or launch.refresh_token)
    launch.token_expires_at = (
        now + timedelta(seconds=int(expires_in)) if str(expires_in).isdigit() else None
    )
    launch.save(update_fields=["access_token", "refresh_token", "token_expires_at"])


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
