"""CDS Hooks endpoints: discovery, the service, and the launch of an app-link card.

The service endpoint is called by the electronic record, not by a browser:
no session, no CSRF token; a signed JWT instead (see `security`).
"""

import json
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import jsonschema
from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts import security_log
from assessments.rules_versions import active_version

from .. import launch, selectors
from ..models import CdsCall, CdsCard, CdsFeedback
from . import feedback, security, service
from .cors import cds_cors

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


@lru_cache(maxsize=1)
def request_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / "cds-hooks-request.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def public_url(path: str = "") -> str:
    return f"{settings.VERTEBRO_PUBLIC_URL.rstrip('/')}{path}"


def order_codes() -> frozenset[tuple[str, str]]:
    """The configured vertebroplasty order codes, `system|code`."""
    return frozenset(
        tuple(item.rsplit("|", 1)) for item in settings.VERTEBRO_CDS_ORDER_CODES if "|" in item
    )


def _problem(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _operation_outcome(status: int, message: str, code: str) -> JsonResponse:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": message}],
    }
    return JsonResponse(outcome, status=status, content_type="application/fhir+json")


@cds_cors
@require_GET
def discovery(request):
    return JsonResponse(service.discovery())


@cds_cors
@csrf_exempt
@never_cache
@require_POST
def call(request, service_id):
    record = CdsCall(service=service_id[:64])
    response = _call(request, service_id, record)
    record.status = response.status_code
    record.save()
    return response


def _call(request, service_id: str, record: CdsCall):
    if service_id not in service.SERVICES:
        record.reason = "unknown service"
        return _problem(404, f"No CDS service {service_id!r}.")
    limit = settings.VERTEBRO_CDS_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    body = b"" if declared > limit else request.read(limit + 1)
    if declared > limit or len(body) > limit:
        record.reason = "body too large"
        return _problem(413, f"The request body is larger than {limit} bytes.")

    now = timezone.now()
    try:
        caller = security.verify(
            request.headers.get("Authorization", ""),
            audience=public_url(f"/cds-services/{service_id}"),
            clients_path=settings.VERTEBRO_CDS_CLIENTS,
            now=now,
        )
        security.remember(caller, now=now)
    except security.Unauthorized as refused:
        record.reason = str(refused)[:200]
        security_log.event("cds_refused", detail=record.reason)
        response = _problem(401, str(refused))
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    record.client = caller.issuer[:255]

    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        record.reason = "body is not JSON"
        return _problem(400, "The request body is not JSON.")
    errors = sorted(request_validator().iter_errors(payload), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(part) for part in errors[0].path) or "(request)"
        record.reason = f"invalid request at {where}"[:200]
        return _problem(400, f"Invalid CDS Hooks request at {where}: {errors[0].message}")
    record.hook = str(payload["hook"])[:64]
    record.hook_instance = str(payload["hookInstance"])[:64]
    if payload["hook"] not in service.HOOKS:
        record.reason = "hook not supported"
        return _problem(400, f"This service answers the hooks {', '.join(service.HOOKS)}.")

    try:
        context = service.order_context(
            payload,
            codes=order_codes(),
            identifier_system=settings.VERTEBRO_CDS_PATIENT_IDENTIFIER_SYSTEM,
            today=timezone.localdate(now),
        )
    except service.PrefetchMissing as missing:
        record.reason = str(missing)[:200]
        return _operation_outcome(
            412, f"{missing} This service does not query the FHIR server.", "required"
        )
    except service.LevelNotRecognised as unknown:
        card = service.level_unknown_card(
            reason=str(unknown), public_url=public_url(), rules_version=active_version()
        )
        _keep_card(card, CdsCard.Kind.LEVEL_UNKNOWN, caller=caller, service_id=service_id)
        record.card_kinds, record.cards = CdsCard.Kind.LEVEL_UNKNOWN, 1
        return JsonResponse({"cards": [card]})

    cards = []
    if context is not None:
        found = None
        if context.patient_ref:
            found = selectors.recent_final_assessment(
                patient_ref=context.patient_ref,
                level=context.level,
                since=now - timedelta(days=settings.VERTEBRO_CDS_RECENT_DAYS),
            )
        if found is not None:
            card = service.guidance_card(
                guidance=found.guidance,
                result_url=public_url(reverse("assessments:result", args=[found.pk])),
                public_url=public_url(),
                finalized=date_format(timezone.localdate(found.finalized_at)),
                mismatch=service.index_date_mismatch(
                    context.index_procedure_date, found.index_procedure_date
                ),
            )
            _keep_card(
                card, CdsCard.Kind.GUIDANCE, caller=caller, service_id=service_id, assessment=found
            )
            record.card_kinds = CdsCard.Kind.GUIDANCE
        else:
            handle = launch.launch_create(
                prefill=service.prefill(context), issuer=caller.issuer, now=now
            )
            card = service.app_link_card(
                launch_url=public_url(reverse("interop:launch", args=[handle])),
                public_url=public_url(),
                rules_version=active_version(),
            )
            _keep_card(card, CdsCard.Kind.APP_LINK, caller=caller, service_id=service_id)
            record.card_kinds = CdsCard.Kind.APP_LINK
        cards.append(card)
    record.cards = len(cards)
    return JsonResponse({"cards": cards})


def _keep_card(card: dict, kind: str, *, caller, service_id: str, assessment=None) -> None:
    """Record the card given, so that feedback on it can be read (no patient data)."""
    CdsCard.objects.create(
        uuid=card["uuid"],
        client=caller.issuer[:255],
        service=service_id,
        kind=kind,
        recommendation=assessment.recommendation if assessment else "",
        deciding_rule=assessment.deciding_rule if assessment else "",
        rules_version=assessment.rules_version if assessment else "",
        assessment=assessment,
    )


def _offered_reasons() -> dict[tuple[str, str], str]:
    return {
        (coding["system"], coding["code"]): coding["display"]
        for coding in service.override_reasons(public_url())
    }


@cds_cors
@csrf_exempt
@never_cache
@require_POST
def feedback_view(request, service_id):
    """`POST /cds-services/{id}/feedback`: what the clinician did with the cards (CDS Hooks
    2.0.1 § Feedback). Authenticated like a call (the audience is this feedback URL); every
    entry must name a card this service gave this client; all or nothing."""
    record = CdsCall(service=service_id[:64], hook="feedback")
    response = _feedback(request, service_id, record)
    record.status = response.status_code
    if response.status_code >= 400:
        detail = f"feedback {response.status_code} {record.reason}"[:200]
        security_log.event("cds_refused", detail=detail)
    if record.client:  # authenticated: one row in the call log
        record.save()
    return response


def _feedback(request, service_id: str, record: CdsCall):
    if service_id not in service.SERVICES:
        record.reason = "unknown service"
        return _problem(404, "No such CDS service; the discovery endpoint lists them.")
    limit = settings.VERTEBRO_CDS_MAX_BODY_BYTES
    body = request.read(limit + 1)
    if len(body) > limit:
        record.reason = "body too large"
        return _problem(413, f"The request body is larger than {limit} bytes.")
    now = timezone.now()
    try:
        caller = security.verify(
            request.headers.get("Authorization", ""),
            audience=public_url(f"/cds-services/{service_id}/feedback"),
            clients_path=settings.VERTEBRO_CDS_CLIENTS,
            now=now,
        )
        security.remember(caller, now=now)
    except security.Unauthorized as refused:
        record.reason = str(refused)[:200]
        response = _problem(401, str(refused))
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    record.client = caller.issuer[:255]
    try:
        payload = json.loads(body)
        entries = feedback.parse(payload, reasons=_offered_reasons())
    except (ValueError, RecursionError):
        record.reason = "body is not JSON"
        return _problem(400, "The request body is not JSON.")
    except feedback.FeedbackInvalid as refused:
        record.reason = str(refused)[:200]
        return _problem(400, str(refused))
    cards = {
        card.uuid: card
        for card in CdsCard.objects.filter(
            uuid__in=[entry.card for entry in entries],
            client=caller.issuer,
            service=service_id,
        )
    }
    for index, entry in enumerate(entries):
        if entry.card not in cards:
            record.reason = f"feedback[{index}]: unknown card"
            return _problem(
                404,
                f"feedback[{index}].card: this service gave this client no card {entry.card}.",
            )
    CdsFeedback.objects.bulk_create(
        CdsFeedback(
            card=cards[entry.card],
            card_uuid=entry.card,
            service_id=service_id,
            outcome=entry.outcome,
            override_reason_code=entry.reason_code,
            override_reason_display=entry.reason_display,
            user_comment=entry.comment,
            outcome_timestamp=entry.timestamp,
            recommendation=cards[entry.card].recommendation,
            deciding_rule=cards[entry.card].deciding_rule,
            rules_version=cards[entry.card].rules_version,
            assessment_id=cards[entry.card].assessment_id,
        )
        for entry in entries
    )
    record.cards = len(entries)
    return JsonResponse({})
