"""The EHR launch, from `/smart/launch` to a signed-in clinician on a pre-filled step 1.

`begin` checks the issuer against the trusted list, discovers its SMART configuration and
keeps the launch's `state` (with the PKCE verifier and the nonce) in the browser's session:
the callback is accepted only in the session that began the launch, once, within
`VERTEBRO_SMART_STATE_MINUTES`. `complete` exchanges the code, verifies the ID token, maps its
`fhirUser` to a Vertebro account through `SmartIdentity` and starts the draft.

Each refusal is a `LaunchRefused` with the HTTP status, a title and what to do; the view shows
it as a page (no dead end: it names who can fix it).
"""

import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import security_log
from assessments import roles, rules_versions, services
from assessments.models import Assessment

from . import client, prefill
from .config import IssuerConfigError, registry
from .models import SmartIdentity, SmartLaunch

PENDING = "smart_pending"
MAX_PENDING = 5


class LaunchRefused(Exception):
    def __init__(self, status: int, title: str, message: str, *, unlinked: dict | None = None):
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message
        # For an unknown practitioner: the issuer and fhirUser an administrator must link.
        self.unlinked = unlinked


@dataclass(frozen=True, slots=True)
class Launched:
    user: object
    launch: SmartLaunch


def _issuer(iss: str):
    try:
        issuer = registry.get(iss)
    except IssuerConfigError as error:
        raise LaunchRefused(
            503,
            "Launch from the record is not set up correctly",
            f"{error} An administrator must correct VERTEBRO_SMART_ISSUERS.",
        ) from None
    if issuer is None:
        raise LaunchRefused(
            403,
            "This electronic record is not registered with Vertebro",
            "Vertebro accepts launches only from the records an administrator registered "
            "(VERTEBRO_SMART_ISSUERS). Ask your administrator to register this record, or "
            "sign in to Vertebro directly.",
        )
    return issuer


def _live(pending: dict, now: float) -> dict:
    limit = settings.VERTEBRO_SMART_STATE_MINUTES * 60
    live = {state: entry for state, entry in pending.items() if now - entry["at"] <= limit}
    newest = sorted(live.items(), key=lambda item: item[1]["at"])[-(MAX_PENDING - 1) :]
    return dict(newest)


def begin(*, session, iss: str, launch: str, redirect_uri: str) -> str:
    """The authorize URL to send the browser to; the state is kept in `session`."""
    if not iss:
        raise LaunchRefused(
            400,
            "The launch has no iss",
            "The record's launch URL has no iss (its FHIR server address). Open Vertebro again from the record.",
        )
    if not launch:
        raise LaunchRefused(
            400,
            "The launch has no launch parameter",
            "The record's launch URL has no launch parameter. Open Vertebro again from the record.",
        )
    issuer = _issuer(iss)
    try:
        configuration = client.discover(issuer.iss)
    except client.RecordError as error:
        raise LaunchRefused(
            502, "The electronic record did not answer", f"{error} Try again in a moment."
        ) from None
    request = client.authorization_request(
        issuer=issuer, configuration=configuration, launch=launch, redirect_uri=redirect_uri
    )
    now = time.time()
    pending = _live(session.get(PENDING, {}), now)
    pending[request.state] = {
        "iss": issuer.iss,
        "verifier": request.code_verifier,
        "nonce": request.nonce,
        "at": now,
        "token_endpoint": configuration.token_endpoint,
        "jwks_uri": configuration.jwks_uri,
        "issuer": configuration.issuer,
        "authorization_endpoint": configuration.authorization_endpoint,
    }
    session[PENDING] = pending
    return request.url


def _take_state(session, state: str) -> dict:
    """The pending launch of `state`, removed from the session (a state is used once)."""
    pending = dict(session.get(PENDING, {}))
    entry = pending.pop(state, None)
    session[PENDING] = pending
    if entry is None:
        raise LaunchRefused(
            403,
            "This sign-in from the record cannot be completed",
            "Its state is unknown to this browser, or was already used. Open Vertebro again "
            "from the record.",
        )
    if time.time() - entry["at"] > settings.VERTEBRO_SMART_STATE_MINUTES * 60:
        raise LaunchRefused(
            403,
            "This sign-in from the record took too long",
            "It expired before the record answered. Open Vertebro again from the record.",
        )
    return entry


def _absolute(fhir_user: str, iss: str) -> str:
    if fhir_user.startswith(("https://", "http://")):
        return fhir_user
    return f"{iss}/{fhir_user.lstrip('/')}"


def _user_for(*, iss: str, fhir_user: str):
    identity = (
        SmartIdentity.objects.select_related("user").filter(issuer=iss, fhir_user=fhir_user).first()
    )
    if identity is None:
        security_log.event("smart_unlinked", detail=f"{iss} {fhir_user}"[:200])
        raise LaunchRefused(
            403,
            "Your record account is not linked to a Vertebro account",
            "Your account in the electronic record is not yet linked to a Vertebro account. "
            "Send the two lines below (the record and your practitioner address) to your "
            "Vertebro administrator, who links them once, in Vertebro's admin under “Launch "
            "from the electronic record”. Until then, sign in to Vertebro with your user name "
            "and password.",
            unlinked={"issuer": iss, "fhir_user": fhir_user},
        )
    user = identity.user
    if not user.is_active:
        raise LaunchRefused(403, "This Vertebro account is disabled", "Ask your administrator.")
    if not roles.is_clinician(user):
        raise LaunchRefused(
            403,
            "Only clinicians start assessments from the record",
            "Your Vertebro account is not in the Clinicians group. Ask your administrator.",
        )
    return user


def complete(*, session, params, redirect_uri: str) -> Launched:
    """Check the callback, exchange the code, verify the ID token and map the practitioner.
    The caller signs the user in and then calls `start_draft`."""
    if params.get("error"):
        raise LaunchRefused(
            400,
            "The electronic record refused the sign-in",
            f"The record answered: {params.get('error')[:60]}"
            + (
                f" ({params.get('error_description')[:200]})"
                if params.get("error_description")
                else ""
            )
            + ". Open Vertebro again from the record.",
        )
    state, code = params.get("state", ""), params.get("code", "")
    if not state:
        raise LaunchRefused(
            400, "The record's answer has no state", "Open Vertebro again from the record."
        )
    if not code:
        raise LaunchRefused(
            400, "The record's answer has no code", "Open Vertebro again from the record."
        )
    entry = _take_state(session, state)
    issuer = _issuer(entry["iss"])
    configuration = client.SmartConfiguration(
        authorization_endpoint=entry["authorization_endpoint"],
        token_endpoint=entry["token_endpoint"],
        issuer=entry["issuer"],
        jwks_uri=entry["jwks_uri"],
        capabilities=(),
    )
    try:
        token = client.exchange_code(
            issuer=issuer,
            configuration=configuration,
            code=code,
            code_verifier=entry["verifier"],
            redirect_uri=redirect_uri,
        )
        if not isinstance(token.get("id_token"), str):
            raise client.RecordError("The record sent no ID token (the openid scope).")
        claims = client.verify_id_token(
            token["id_token"], issuer=issuer, configuration=configuration, nonce=entry["nonce"]
        )
    except client.RecordError as error:
        security_log.event("smart_refused", detail=str(error)[:200])
        raise LaunchRefused(
            403, "The sign-in from the record could not be verified", str(error)
        ) from None
    fhir_user = claims.get("fhirUser") or claims.get("profile")
    if not isinstance(fhir_user, str) or not fhir_user:
        raise LaunchRefused(
            403,
            "The record did not say who you are",
            "Its ID token has no fhirUser. Ask your administrator to grant Vertebro the fhirUser scope.",
        )
    user = _user_for(iss=issuer.iss, fhir_user=_absolute(fhir_user, issuer.iss))
    patient_id = token.get("patient")
    if not isinstance(patient_id, str) or not patient_id:
        raise LaunchRefused(
            400,
            "The record launched Vertebro without a patient",
            "Open Vertebro from a patient's chart in the record.",
        )
    expires_in = token.get("expires_in")
    launch = SmartLaunch.objects.create(
        issuer=issuer.iss,
        user=user,
        fhir_user=_absolute(fhir_user, issuer.iss),
        patient_id=patient_id[:64],
        scope=str(token.get("scope", "")),
        access_token=token["access_token"],
        refresh_token=str(token.get("refresh_token") or ""),
        token_expires_at=(
            timezone.now() + timedelta(seconds=int(expires_in))
            if isinstance(expires_in, int | float) or str(expires_in).isdigit()
            else None
        ),
    )
    return Launched(user=user, launch=launch)


def typed_values(raw: dict, *, version: str, today, notes: list[str]) -> dict:
    """The record's answers as the draft's values under `version`; a value the version's
    inputs refuse is left out, and a note says so (the clinician enters it)."""
    fields = rules_versions.edition(version).FIELDS_BY_NAME
    values = {}
    for name, value in raw.items():
        spec = fields.get(name)
        if spec is None or spec.step != 1:
            continue
        try:
            typed = spec.from_json(value)
            problem = spec.check(typed, today=today)
        except ValueError as error:
            problem = str(error)
        if problem is None:
            values[name] = typed
        else:
            notes.append(
                f"{spec.label}: the record's value ({value}) was not taken ({problem}) "
                "Enter it yourself."
            )
    return values


@transaction.atomic
def start_draft(*, launched: Launched) -> Assessment:
    """A new draft of the launch's user with step 1 filled from the record (what it holds)."""
    launch = launched.launch
    today = timezone.localdate()
    try:
        found = prefill.read_record(
            base=launch.issuer, token=launch.access_token, patient_id=launch.patient_id, today=today
        )
    except client.RecordError as error:
        found = prefill.Prefill(notes=[f"{error} Step 1 is empty: enter the answers yourself."])
    version = rules_versions.active_version()
    values = typed_values(found.values, version=version, today=today, notes=found.notes)
    draft = Assessment(
        owner=launched.user,
        from_record={
            # As JSON: a T-score taken (at most one decimal place) is a number, as sent.
            "answers": {
                name: float(raw) if isinstance(raw, Decimal) else raw
                for name, raw in found.values.items()
                if name in values
            },
            "notes": list(found.notes),
        },
        **values,
    )
    draft = services.assessment_save_step(
        assessment=draft, fields=tuple(values), expected_version=None, user=launched.user
    )
    launch.assessment = draft
    launch.prefilled = sorted(values)
    launch.save(update_fields=["assessment", "prefilled"])
    return draft
