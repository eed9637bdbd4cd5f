"""Who may read and who may record the outcomes of an assessment; what follow-ups are due.

The assessment's clinician and the colleagues they delegate to record; reviewers
read; anyone else gets a 404 (not a 403: the assessment's existence is not leaked).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, DateField, Exists, F, OuterRef, Q, When
from django.http import Http404

from assessments.models import Assessment
from assessments.roles import is_clinician
from assessments.selectors import user_can_review

from . import choices
from .models import Delegation, FollowUp, due_date

# "Follow-ups due" lists what falls due within this many days, and everything overdue.
DUE_WINDOW_DAYS = 14
DUE_LIST_LIMIT = 50


def _recordable(user):
    """Final assessments the user records outcomes of: their own and those delegated to them."""
    delegated = Delegation.objects.filter(assessment=OuterRef("pk"), delegate=user)
    return Assessment.objects.final().filter(Q(owner=user) | Q(Exists(delegated)))


def _get(queryset, assessment_id) -> Assessment:
    try:
        return queryset.select_related("owner").get(pk=assessment_id)
    except (Assessment.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404("No such assessment.") from error


def get_assessment_for_reader(*, user, assessment_id) -> tuple[Assessment, bool]:
    """The finalized assessment and whether this user may record its outcomes.

    Readable: a finalized (final or superseded) assessment by its clinician, a delegate or
    a reviewer; a draft or a discarded draft has no outcomes page (404, as its result page
    is for anyone but its owner). Recordable: only the current final record, by its
    clinician or a delegate (a superseded one's outcomes moved to its amendment).
    """
    if not user.is_authenticated:
        raise Http404("No such assessment.")
    delegated = Delegation.objects.filter(assessment=OuterRef("pk"), delegate=user)
    readable = Assessment.objects.finalized().annotate(delegated=Exists(delegated))
    if not user_can_review(user):
        readable = readable.filter(Q(owner=user) | Q(delegated=True))
    assessment = _get(readable, assessment_id)
    records = assessment.owner_id == user.pk or assessment.delegated
    # Records only while a clinician (rights follow the role).
    return assessment, bool(records and assessment.is_current_final and is_clinician(user))


def get_assessment_for_recorder(*, user, assessment_id) -> Assessment:
    """The final assessment whose outcomes this user may record; 403 for a reviewer (or on a
    superseded assessment, whose outcomes are recorded on its amendment), else 404."""
    assessment, may_record = get_assessment_for_reader(user=user, assessment_id=assessment_id)
    if not may_record:
        if not assessment.is_current_final:
            raise PermissionDenied(
                "This assessment was amended: record its outcomes on the amendment."
            )
        raise PermissionDenied("Reviewers read outcomes; they do not record them.")
    return assessment


def may_delegate(*, user, assessment: Assessment) -> bool:
    """Only the assessment's own clinician chooses who else records its outcomes."""
    return assessment.owner_id == user.pk and assessment.is_current_final and is_clinician(user)


@dataclass(frozen=True)
class DueFollowUp:
    assessment: Assessment
    interval: str
    interval_label: str
    due: date
    overdue: bool


def follow_ups_due(*, user, today: date, window_days: int = DUE_WINDOW_DAYS) -> list[DueFollowUp]:
    """Follow-ups not yet recorded that fall due by `today + window_days` (overdue first).

    One query: the user's recordable assessments with a recorded procedure,
    each with its base date (procedure or assessment) and which visits exist.
    """
    horizon = today + timedelta(days=window_days)
    first_due = min(choices.INTERVAL_DAYS.values())
    recorded = {
        interval: Exists(FollowUp.objects.filter(assessment=OuterRef("pk"), interval=interval))
        for interval in choices.Interval.values
    }
    candidates = (
        _recordable(user)
        .filter(procedure__isnull=False)
        .annotate(
            base_date=Case(
                When(
                    procedure__performed=choices.Performed.YES,
                    procedure__performed_on__isnull=False,
                    then=F("procedure__performed_on"),
                ),
                default=F("assessment_date"),
                output_field=DateField(),
            ),
            **{f"has_{interval}": exists for interval, exists in recorded.items()},
        )
        .filter(base_date__lte=horizon - timedelta(days=first_due))
        .exclude(**{f"has_{interval}": True for interval in choices.Interval.values})
        .only("id", "patient_ref", "treated_level", "assessment_date")
        .order_by("base_date", "id")[:DUE_LIST_LIMIT]
    )
    due = []
    for assessment in candidates:
        for interval in choices.Interval:
            when = due_date(assessment.base_date, interval)
            if not getattr(assessment, f"has_{interval.value}") and when <= horizon:
                due.append(
                    DueFollowUp(assessment, interval.value, interval.label, when, when < today)
                )
    return sorted(
        due, key=lambda item: (item.due, item.assessment.patient_ref or "", str(item.assessment.pk))
    )
