"""Reads of assessments for a given user: what they may see, or 404."""

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404

from assessments.models import REVIEW_PERMISSION, Assessment
from vertebro_lib.prepared import PreparedRead

# Every step, review, save and result reads its assessment by primary key: the SQL is written
# once per database connection (vertebro_lib.prepared), not at each request.
_PLACEHOLDER_ID = uuid.UUID("7e57ab1e-0000-4000-8000-000000000000")
_by_id = PreparedRead(
    lambda assessment_id: Assessment.objects.filter(pk=assessment_id),
    placeholders=[_PLACEHOLDER_ID],
    fields=[Assessment._meta.pk],
)
_by_id_with_people = PreparedRead(
    lambda assessment_id: Assessment.objects.select_related("owner", "finalized_by").filter(
        pk=assessment_id
    ),
    placeholders=[_PLACEHOLDER_ID],
    fields=[Assessment._meta.pk],
)


def _one(read: PreparedRead[Assessment], assessment_id) -> Assessment:
    """The assessment `assessment_id`, or a 404 (none such, or not an id at all)."""
    try:
        found = read(assessment_id)
    except (ValueError, ValidationError) as error:
        raise Http404("No such assessment.") from error
    if not found:
        raise Http404("No such assessment.")
    return found[0]


_later_visits = PreparedRead(
    lambda assessment_id: (
        Assessment.objects.filter(reassesses=assessment_id)
        .not_discarded()
        .order_by("created")
        .only("id", "status", "assessment_date", "created", "reassesses")
    ),
    placeholders=[_PLACEHOLDER_ID],
    fields=[Assessment._meta.get_field("reassesses")],
)


def reassessments_of(assessment: Assessment) -> list[Assessment]:
    """The reassessments of `assessment` at later visits, oldest first (what the result page
    links to); none to ask for a draft, which is never reassessed."""
    return _later_visits(assessment.pk) if assessment.is_final else []


def user_can_review(user) -> bool:
    """Reviewers read every assessment (and change none)."""
    return user.is_authenticated and user.has_perm(REVIEW_PERMISSION)


def assessments_visible_to(user):
    """Every assessment for a reviewer; otherwise the user's own (discarded drafts: none)."""
    return Assessment.objects.visible_to(user)


def recent_finals(*, limit: int):
    """The latest final assessments of every clinician (not superseded), newest first: what a
    reviewer looks over. Only what a line shows is read (not the frozen guidance)."""
    return (
        Assessment.objects.final()
        .select_related("owner")
        .only(
            "pk",
            "patient_ref",
            "treated_level",
            "recommendation",
            "rules_version",
            "status",
            "assessment_date",
            "amends",
            "finalized_at",
            "owner__username",
            "owner__first_name",
            "owner__last_name",
        )
        .order_by("-finalized_at", "-created")[:limit]
    )


def get_assessment_for_owner(*, user, assessment_id) -> Assessment:
    """The user's own assessment, for editing; 404 for anyone else's (not 403: no leak) and
    for a discarded draft.

    The same rows as `Assessment.objects.owned_by(user)`, read by primary key alone and the
    owner and status checked here: every step, review and save reads it, and a query
    filtered three ways costs about half as much again to build as the read itself.
    """
    assessment = _one(_by_id, assessment_id)
    if assessment.owner_id != user.pk or assessment.status == Assessment.Status.DISCARDED:
        raise Http404("No such assessment.")
    return assessment


def get_assessment_for_viewer(*, user, assessment_id) -> Assessment:
    """An assessment the user may read (owner or reviewer); 404 otherwise.

    The same rows as `Assessment.objects.visible_to(user)` (every one but a discarded draft
    for a reviewer, the user's own otherwise), read by primary key alone and checked here,
    as `get_assessment_for_owner` does.
    """
    if not user.is_authenticated:
        raise Http404("No such assessment.")
    assessment = _one(_by_id_with_people, assessment_id)
    if assessment.status == Assessment.Status.DISCARDED or (
        assessment.owner_id != user.pk and not user_can_review(user)
    ):
        raise Http404("No such assessment.")
    return assessment
