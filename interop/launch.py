"""Launch handles: how an app-link card opens a pre-filled draft without patient data in a URL.

The card's link carries only a random handle; the pre-filled answers stay on
the server, under the handle's SHA-256. A handle opens one draft, once,
within `VERTEBRO_CDS_LAUNCH_MINUTES`; then it is gone.

A handle belongs to the EHR user of the hook call when Vertebro knows that user: the
record names its user as `context.userId` ("Practitioner/123") on its FHIR server
(`fhirServer`), and an identity link (kept by the SMART App Launch, which registers a
resolver with `register_ehr_user_resolver`) maps it to a Vertebro account; the handle is
then claimed for that account from the start. Otherwise it belongs to the clinician who
follows the link first (signed in). Anyone else who opens it is told there is no such
link (404), and the attempt is logged (`launch_refused`): a link passed on, or read over
a shoulder, does not open the patient's details for a second person.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, answers_read

from .cds.service import PREFILL_NOTES
from .models import LaunchHandle, handle_digest

# fn(fhir_server, user_reference) -> a Vertebro user or None; registered by the SMART App
# Launch, which keeps the links between the record's practitioners and Vertebro accounts.
_ehr_user_resolvers: list = []


def register_ehr_user_resolver(fn) -> None:
    """Register how to find the Vertebro account of the record's user of a hook call."""
    if fn not in _ehr_user_resolvers:
        _ehr_user_resolvers.append(fn)


def ehr_user(*, fhir_server: str, user_reference: str):
    """The Vertebro account linked to the record's user (`context.userId`, e.g.
    "Practitioner/123", on `fhir_server`), or None when no resolver knows it."""
    if not fhir_server or not user_reference:
        return None
    for resolve in _ehr_user_resolvers:
        user = resolve(fhir_server, user_reference)
        if user is not None:
            return user
    return None


class LaunchUnavailable(Exception):
    """The handle is unknown, already used or expired."""


class LaunchNotYours(Exception):
    """The handle was claimed by another user."""


def launch_create(*, prefill: dict, issuer: str, now: datetime, user=None) -> str:
    """Store the pre-fill and return the new handle (the only copy of it); with `user` (the
    record's user's account), the handle is theirs from the start."""
    LaunchHandle.objects.filter(expires_at__lt=now).delete()
    handle = secrets.token_urlsafe(32)
    LaunchHandle.objects.create(
        digest=handle_digest(handle),
        prefill=prefill,
        issuer=issuer[:255],
        expires_at=now + timedelta(minutes=settings.VERTEBRO_CDS_LAUNCH_MINUTES),
        claimed_by=user,
    )
    return handle


def _claimed(*, handle: str, user, now: datetime) -> LaunchHandle:
    """The live handle, claimed for `user` if nobody has; raise if gone or someone else's.
    Call inside a transaction (the row is locked)."""
    found = (
        LaunchHandle.objects.select_for_update()
        .filter(digest=handle_digest(handle), expires_at__gt=now)
        .first()
    )
    if found is None:
        raise LaunchUnavailable("This link has expired or was already used.")
    if found.claimed_by_id is None:
        found.claimed_by = user
        found.save(update_fields=["claimed_by"])
    elif found.claimed_by_id != user.pk:
        raise LaunchNotYours("This link was opened by another user.")
    return found


@transaction.atomic
def launch_claim(*, handle: str, user, now: datetime) -> dict:
    """Following the link (before confirming): claim it for `user` and return what it will
    pre-fill; raise LaunchUnavailable or LaunchNotYours."""
    return dict(_claimed(handle=handle, user=user, now=now).prefill)


def usable_answers(prefill: dict, *, now: datetime) -> dict:
    """The pre-filled answers a new draft will take: those the active rules version accepts."""
    return typed_prefill(prefill, today=timezone.localdate(now), rules=Assessment().rules())


def typed_prefill(prefill: dict, *, today, rules) -> dict:
    """The pre-filled answers as the draft's values, read as the questions of `rules` (the
    draft's rules version); any value that version refuses is left out."""
    values = answers_read(rules, prefill)
    return {
        name: value
        for name, value in values.items()
        if rules.FIELDS_BY_NAME[name].check(value, today=today) is None
    }


@transaction.atomic
def launch_consume(*, handle: str, user, now: datetime) -> Assessment:
    """Use the handle: create the user's draft with step 1 pre-filled; the handle is deleted.
    The draft keeps which answers came from the record, as sent, and the notes on them
    (`Assessment.from_record`). Raises LaunchUnavailable, or LaunchNotYours when another user
    claimed it."""
    found = _claimed(handle=handle, user=user, now=now)
    # A new draft runs under the active rules version: the pre-fill is read as its questions.
    draft = Assessment(owner=user)
    values = typed_prefill(found.prefill, today=timezone.localdate(now), rules=draft.rules())
    notes = [note for note in found.prefill.get(PREFILL_NOTES, []) if isinstance(note, str)]
    draft.from_record = {
        "answers": {name: found.prefill[name] for name in values},
        "notes": notes,
    }
    found.delete()
    for name, value in values.items():
        setattr(draft, name, value)
    return services.assessment_save_step(
        assessment=draft, fields=tuple(values), expected_version=None, user=user
    )
