"""CDS Hooks endpoints: discovery, the service, and the launch of an app-link card.

The service endpoint is called by the electronic record, not by a browser:
no session, no CSRF token; a signed JWT instead (see `security`).
"""

import json
import logging
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import jsonschema
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts import security_log
from assessments.reports.display import guidance_section
from assessments.rules_versions import active_version

from .. import json_input, launch, selectors
from ..fhir.common import fhir_base
from ..models import CdsCall, CdsCard, CdsFeedback
from . import feedback, security, service
from .cors import cds_cors

logger = logging.getLogger(__name__)

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


def clean_text(value, limit: int) -> str:
    """A request-supplied text as the call log and the security log can store it: NUL and
    lone surrogates replaced (PostgreSQL refuses the one, UTF-8 cannot encode the other)."""
    text = str(value)[:limit]
    return "".join(
        "\ufffd" if char == "\x00" or "\ud800" <= char <= "\udfff" else char for char in text
    )


def _count_unauthenticated(request) -> int:
    """Count a call that was not authenticated, per client address and minute; the count."""
    address = security_log.client_ip(request) or "unknown"
    key = f"cds-unauthenticated:{address}:{int(timezone.now().timestamp() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        return 1


def _unauthenticated_over_limit(request) -> bool:
    address = security_log.client_ip(request) or "unknown"
    key = f"cds-unauthenticated:{address}:{int(timezone.now().timestamp() // 60)}"
    return (cache.get(key) or 0) >= settings.VERTEBRO_CDS_UNAUTHENTICATED_PER_MINUTE


def _guarded(request, service_id: str, record: CdsCall, handler):
    """Run one authenticated endpoint (`handler`). Every refusal is a JSON 4xx with one
    security-log line.

    Calls that are not authenticated (no valid token from an allowlisted client) leave no
    row in the call log: they are counted per client address and minute, and past
    `VERTEBRO_CDS_UNAUTHENTICATED_PER_MINUTE` refused with 429 without being read; only the
    first of those and every hundredth after is logged.
    """
    if _unauthenticated_over_limit(request):
        count = _count_unauthenticated(request)
        limit = settings.VERTEBRO_CDS_UNAUTHENTICATED_PER_MINUTE
        if count == limit + 1 or count % 100 == 0:
            security_log.event(
                "cds_rate_limited",
                detail=f"{count} unauthenticated calls this minute from this address",
            )
        response = _problem(429, "Too many unauthenticated calls from this address; wait a minute.")
        response["Retry-After"] = "60"
        return response
    try:
        response = handler(request, service_id, record)
    except DatabaseError:
        logger.exception("CDS call failed on the database")
        return _problem(503, "The service is unavailable for a moment; try again.")
    except Exception:
        # Never a 500 for what a caller sends: the traceback goes to the error log, the
        # caller gets a JSON refusal.
        logger.exception("CDS call could not be processed")
        response = _problem(400, "The request could not be processed.")
        record.reason = "request could not be processed"
    record.status = response.status_code
    if response.status_code >= 400:
        prefix = "feedback " if record.hook == "feedback" else ""
        security_log.event(
            "cds_refused",
            detail=clean_text(f"{prefix}{response.status_code} {record.reason}", 200),
        )
    if record.client:  # authenticated: one row in the call log
        record.reason = clean_text(record.reason, 200)
        record.hook = clean_text(record.hook, 64)
        record.hook_instance = clean_text(record.hook_instance, 64)
        record.save()
    else:
        _count_unauthenticated(request)
    return response


@cds_cors
@csrf_exempt
@never_cache
@require_POST
def call(request, service_id):
    """One call of the service (see `_guarded` for refusals and the call log)."""
    return _guarded(request, service_id, CdsCall(service=clean_text(service_id, 64)), _call)


def _read_body(request, record: CdsCall) -> tuple[bytes, JsonResponse | None]:
    """The body within `VERTEBRO_CDS_MAX_BODY_BYTES`, or a 413 refusal."""
    limit = settings.VERTEBRO_CDS_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    body = b"" if declared > limit else request.read(limit + 1)
    if declared > limit or len(body) > limit:
        record.reason = "body too large"
        return b"", _problem(413, f"The request body is larger than {limit} bytes.")
    return body, None


def _authenticate(request, audience: str, record: CdsCall, now):
    """The verified caller, or a 401 refusal."""
    try:
        caller = security.verify(
            request.headers.get("Authorization", ""),
            audience=audience,
            clients_path=settings.VERTEBRO_CDS_CLIENTS,
            now=now,
        )
        security.remember(caller, now=now)
    except security.Unauthorized as refused:
        record.reason = str(refused)[:200]
        response = _problem(401, str(refused))
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return None, response
    record.client = caller.issuer[:255]
    return caller, None


def _admit(request, service_id: str, record: CdsCall, path: str, now):
    """A known service, a body within the limits, a caller authenticated for `path` (the
    audience), and the body parsed: `(caller, payload, None)`, else `(None, None, refusal)`."""
    if service_id not in service.SERVICES:
        record.reason = "unknown service"
        return None, None, _problem(404, "No such CDS service; the discovery endpoint lists them.")
    body, refusal = _read_body(request, record)
    if refusal is not None:
        return None, None, refusal
    caller, refusal = _authenticate(request, public_url(path), record, now)
    if refusal is not None:
        return None, None, refusal
    try:
        return caller, json_input.loads(body), None
    except json_input.BadJson as refused:
        record.reason = f"body refused: {refused}"[:200]
        return None, None, _problem(400, f"The request body was refused. {refused}")


def _call(request, service_id: str, record: CdsCall):
    now = timezone.now()
    caller, payload, refusal = _admit(
        request, service_id, record, f"/cds-services/{service_id}", now
    )
    if refusal is not None:
        return refusal
    errors = sorted(request_validator().iter_errors(payload), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(part) for part in errors[0].path) or "(request)"
        record.reason = f"invalid request at {where}"[:200]
        return _problem(400, f"Invalid CDS Hooks request at {where}: {errors[0].message[:300]}")
    record.hook = str(payload["hook"])[:64]
    record.hook_instance = str(payload["hookInstance"])[:64]
    if payload["hook"] not in service.HOOKS:
        record.reason = "hook not supported"
        return _problem(400, f"This service answers the hooks {', '.join(service.HOOKS)}.")

    try:
        service.check_prefetch_patient(payload)
    except service.PrefetchMismatch as mismatch:
        record.reason = str(mismatch)[:200]
        return _operation_outcome(412, str(mismatch), "invalid")

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
        # How Vertebro reads a level is for whoever sets up the record, not for the card.
        logger.info(
            "CDS %s: %s Vertebro reads the level from bodySite: a SNOMED CT vertebra (e.g. "
            '66794005 for L1) or a code, display or text starting with the level ("L1", '
            '"T12 vertebra").',
            record.hook,
            unknown,
        )
        card = service.level_unknown_card(
            unknown=unknown,
            launch_url=_launch_url(unknown.prefill, caller=caller, payload=payload, now=now),
            canonical_base=fhir_base(),
            rules_version=active_version(),
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
        today = timezone.localdate(now)
        guidance = guidance_display(found, today=today) if found is not None else None
        reassess = ""
        if found is not None and guidance.reassess_from and today >= guidance.reassess_from:
            # Guidance that was "too early" or "continue, then reassess" until a day now
            # come is not today's guidance: the card asks for the reassessment instead.
            reassess = service.reassess_due(
                assessed=found.assessment_date, reassess_from=guidance.reassess_from
            )
            found = None
        if found is not None:
            card = service.guidance_card(
                guidance=guidance,
                result_url=public_url(reverse("assessments:result", args=[found.pk])),
                canonical_base=fhir_base(),
                assessed=found.assessment_date,
                finalized=timezone.localdate(found.finalized_at),
                amended=found.amends_id is not None,
                mismatch=service.index_date_mismatch(
                    context.index_procedure_date,
                    found.index_procedure_date,
                    first_of_several=len(context.record_procedures) > 1,
                ),
                record_note=service.several_procedures(context.level, context.record_procedures),
            )
            _keep_card(
                card, CdsCard.Kind.GUIDANCE, caller=caller, service_id=service_id, assessment=found
            )
            record.card_kinds = CdsCard.Kind.GUIDANCE
        else:
            prefill = service.prefill(context)
            card = service.app_link_card(
                launch_url=_launch_url(prefill, caller=caller, payload=payload, now=now),
                canonical_base=fhir_base(),
                rules_version=active_version(),
                prefill=prefill,
                recent_days=settings.VERTEBRO_CDS_RECENT_DAYS,
                reassess=reassess,
            )
            _keep_card(card, CdsCard.Kind.APP_LINK, caller=caller, service_id=service_id)
            record.card_kinds = CdsCard.Kind.APP_LINK
        cards.append(card)
    record.cards = len(cards)
    return JsonResponse({"cards": cards})


def _launch_url(prefill: dict, *, caller, payload: dict, now) -> str:
    """The address of a new single-use launch handle holding `prefill`, for the record's user
    of the call when Vertebro knows them (see `launch`)."""
    handle = launch.launch_create(
        prefill=prefill,
        issuer=caller.issuer,
        now=now,
        user=launch.ehr_user(
            fhir_server=payload.get("fhirServer") or "",
            user_reference=payload["context"].get("userId") or "",
        ),
    )
    return public_url(reverse("interop:launch", args=[handle]))


def guidance_display(assessment, *, today):
    """The guidance of a finalized assessment in the words frozen at its finalization."""
    return guidance_section(assessment, today=today).guidance


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
        for coding in service.override_reasons(fhir_base())
    }


@cds_cors
@csrf_exempt
@never_cache
@require_POST
def feedback_view(request, service_id):
    """`POST /cds-services/{id}/feedback`: what the clinician did with the cards (CDS Hooks
    2.0.1 § Feedback). Authenticated like a call (the audience is this feedback URL); every
    entry must name a card this service gave this client; all or nothing."""
    record = CdsCall(service=clean_text(service_id, 64), hook="feedback")
    return _guarded(request, service_id, record, _feedback)


def _feedback(request, service_id: str, record: CdsCall):
    caller, payload, refusal = _admit(
        request, service_id, record, f"/cds-services/{service_id}/feedback", timezone.now()
    )
    if refusal is not None:
        return refusal
    try:
        entries = feedback.parse(payload, reasons=_offered_reasons())
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
