"""Writes of outcomes: each validated in full before it is saved, history kept with its author."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists

from assessments.models import Assessment
from assessments.roles import CLINICIANS

from . import facts
from .models import Delegation, FollowUp, Procedure


@transaction.atomic
def procedure_save(*, procedure: Procedure, user) -> Procedure:
    """Create or update the procedure record (fields already set); raises ValidationError."""
    Assessment.objects.select_for_update().filter(pk=procedure.assessment_id).first()
    existing = Procedure.objects.filter(assessment_id=procedure.assessment_id).first()
    return _record(procedure, existing=existing, user=user)


@transaction.atomic
def follow_up_save(*, follow_up: FollowUp, user) -> FollowUp:
    """Create or update the follow-up of its interval (fields already set)."""
    Assessment.objects.select_for_update().filter(pk=follow_up.assessment_id).first()
    existing = FollowUp.objects.filter(
        assessment_id=follow_up.assessment_id, interval=follow_up.interval
    ).first()
    return _record(follow_up, existing=existing, user=user)


def _record(record, *, existing, user):
    """Save `record` by `user`, over `existing` (the record already kept for the same
    procedure or follow-up interval, read under the assessment's lock) when there is one."""
    if existing is not None and record.pk is None:
        record.pk = existing.pk
        record.created = existing.created
        record._state.adding = False
    record.recorded_by = user
    record.full_clean(validate_unique=False)
    record._history_user = user
    record.save()
    return record


@transaction.atomic
def delegation_grant(*, assessment: Assessment, username: str, user) -> Delegation:
    """Let a fellow clinician (by user name) record this assessment's outcomes."""
    colleague = (
        get_user_model()
        .objects.filter(username=username.strip(), is_active=True, groups__name=CLINICIANS)
        .first()
    )
    if colleague is None:
        raise ValidationError({"username": "No active clinician has this user name."})
    if colleague.pk == assessment.owner_id:
        raise ValidationError({"username": "You already record this assessment's outcomes."})
    delegation, _ = Delegation.objects.get_or_create(
        assessment=assessment, delegate=colleague, defaults={"granted_by": user}
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, assessment: Assessment, delegate_id: int) -> None:
    Delegation.objects.filter(assessment=assessment, delegate_id=delegate_id).delete()


MOVED_TO_AMENDMENT = "Moved to the amendment of the assessment"


def outcomes_follow_amendment(*, original: Assessment, amendment: Assessment, user) -> None:
    """The procedure, follow-ups and delegations of `original` move to its `amendment`.

    They belong to the patient's episode: once the amendment supersedes the original, the
    audit counts them through the amendment, its visits stay due on My assessments, and they
    are recorded on it. Each move is a change in the record's history, by `user`. A record
    the amendment already has (it cannot, being a fresh draft until now) is kept.
    """
    moves = [
        *Procedure.objects.filter(assessment=original).exclude(
            Exists(Procedure.objects.filter(assessment=amendment))
        ),
        *FollowUp.objects.filter(assessment=original).exclude(
            interval__in=FollowUp.objects.filter(assessment=amendment).values("interval")
        ),
    ]
    for record in moves:
        record.assessment = amendment
        record._history_user = user
        record._change_reason = MOVED_TO_AMENDMENT
        record.save(update_fields=["assessment", "updated"])
    # A record the original kept (none, today) counts without the visits that moved.
    facts.refresh_assessment(original.pk)
    for delegation in Delegation.objects.filter(assessment=original):
        Delegation.objects.get_or_create(
            assessment=amendment,
            delegate_id=delegation.delegate_id,
            defaults={"granted_by_id": delegation.granted_by_id},
        )
