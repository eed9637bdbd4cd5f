"""What the outcomes page shows of one assessment (templates only read this)."""

from django.utils import timezone

from . import choices, wording
from .models import FollowUp, Procedure, due_date


def outcome_summary(assessment) -> dict:
    procedure = Procedure.objects.filter(assessment=assessment).first()
    recorded = {
        follow_up.interval: follow_up
        for follow_up in FollowUp.objects.filter(assessment=assessment)
    }
    base = procedure.follow_up_base_date() if procedure else None
    today = timezone.localdate()
    visits = []
    for interval in choices.Interval:
        due = due_date(base, interval) if base else None
        visits.append(
            {
                "interval": interval.value,
                "label": interval.label,
                "due": due,
                "overdue": bool(due and due < today and interval.value not in recorded),
                "follow_up": recorded.get(interval.value),
            }
        )
    return {
        "assessment": assessment,
        # Why the rules decided, in words: the page prints no rule id.
        "decided_because": wording.rule_words(assessment.deciding_rule),
        "procedure": procedure,
        "visits": visits,
        "delegations": list(assessment.delegations.select_related("delegate")),
    }
