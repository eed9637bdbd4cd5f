"""Who may read and who may record the outcomes of an assessment; what follow-ups are due.

The assessment's clinician and the colleagues they delegate to record; reviewers
read; anyone else gets a 404 (not a 403: the assessment's existence is not leaked).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from assessments.models import Assessment
from assessments.roles import is_clinician
from assessments.selectors import user_can_review

from . import choices
from .models import Delegation, FollowUp, Procedure, due_date

# "Follow-ups due" lists what falls due within this many days, and everything overdue.
DUE_WINDOW_DAYS = 14
DUE_LIST_LIMIT = 50


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

    One query (`_FOLLOW_UPS_DUE_SQL`): the final assessments the user records outcomes of
    (their own and those delegated to them) with a recorded procedure and a
    visit not yet recorded, whose earliest visit falls due by the horizon, earliest base date
    (the procedure's date when performed, else the assessment's) first.
    """
    horizon = today + timedelta(days=window_days)
    first_due = min(choices.INTERVAL_DAYS.values())
    intervals = choices.Interval.values
    params = [
        *intervals,
        Assessment.Status.FINAL,
        user.pk,
        user.pk,
        choices.Performed.YES,
        horizon - timedelta(days=first_due),
        *intervals,
        choices.Performed.YES,
        DUE_LIST_LIMIT,
    ]
    due = []
    for assessment in Assessment.objects.raw(_follow_ups_due_sql(), params):
        performed = assessment.performed == choices.Performed.YES and assessment.performed_on
        base = assessment.performed_on if performed else assessment.assessment_date
        for interval in choices.Interval:
            when = due_date(base, interval)
            if not getattr(assessment, f"has_{interval.value}") and when <= horizon:
                due.append(
                    DueFollowUp(assessment, interval.value, interval.label, when, when < today)
                )
    return sorted(
        due, key=lambda item: (item.due, item.assessment.patient_ref or "", str(item.assessment.pk))
    )


@cache
def _follow_ups_due_sql() -> str:
    """The query of `follow_ups_due`, written once per process from the models' own table and
    column names: the start page runs it at every request, and building it through the ORM
    (three EXISTS, a CASE and the delegation test) cost several times running it. Its
    parameters, in order: the interval codes, the final status, the user's id twice, the
    performed code, the latest base date, the interval codes, the performed code, the limit."""
    q = connection.ops.quote_name
    a, p, f, d = Assessment._meta, Procedure._meta, FollowUp._meta, Delegation._meta

    def column(meta, name):
        return q(meta.get_field(name).column)

    def recorded(alias: str = "") -> str:
        return (
            f"EXISTS (SELECT 1 FROM {q(f.db_table)} f WHERE f.{column(f, 'assessment')} = "
            f"a.{q(a.pk.column)} AND f.{column(f, 'interval')} = %s){alias}"
        )

    intervals = choices.Interval.values
    base_date = (
        f"CASE WHEN p.{column(p, 'performed')} = %s AND p.{column(p, 'performed_on')} IS NOT NULL"
        f" THEN p.{column(p, 'performed_on')} ELSE a.{column(a, 'assessment_date')} END"
    )
    return (
        f"SELECT a.{q(a.pk.column)}, a.{column(a, 'patient_ref')}, a.{column(a, 'treated_level')},"
        f" a.{column(a, 'assessment_date')}, p.{column(p, 'performed')},"
        f" p.{column(p, 'performed_on')}, "
        + ", ".join(recorded(f" AS {q('has_' + interval)}") for interval in intervals)
        + f" FROM {q(a.db_table)} a JOIN {q(p.db_table)} p"
        f" ON p.{column(p, 'assessment')} = a.{q(a.pk.column)}"
        f" WHERE a.{column(a, 'status')} = %s AND (a.{column(a, 'owner')} = %s OR EXISTS"
        f" (SELECT 1 FROM {q(d.db_table)} d WHERE d.{column(d, 'assessment')} ="
        f" a.{q(a.pk.column)} AND d.{column(d, 'delegate')} = %s))"
        f" AND {base_date} <= %s"
        f" AND NOT ({' AND '.join(recorded() for _ in intervals)})"
        f" ORDER BY {base_date}, a.{q(a.pk.column)} LIMIT %s"
    )
