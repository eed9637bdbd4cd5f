"""The record's feedback on guidance cards, as the department audit counts it.

Registered with the audit (`outcomes.audit.register_feedback_source`) in `apps.py`:
one aggregate query, grouped by the card's recommendation, the outcome and the
override reason; the period is the day the clinician acted (`outcomeTimestamp`,
local date), the other filters apply to the assessment the card showed. Only
guidance cards count: an app-link or level card carries no recommendation.
"""

from django.db.models import Count, Q

from .models import CdsFeedback

# Audit filter attribute -> the assessment field it filters on.
ASSESSMENT_FILTERS = {
    "clinician_id": "owner_id",
    "treated_level": "treated_level",
    "fracture_etiology": "fracture_etiology",
    "scenario": "scenario",
}


def feedback_counts(audit_filter) -> list[dict]:
    """[{"recommendation", "outcome", "override_reason", "n"}] for the audit's filter."""
    q = ~Q(recommendation="")
    if getattr(audit_filter, "date_from", None):
        q &= Q(outcome_timestamp__date__gte=audit_filter.date_from)
    if getattr(audit_filter, "date_to", None):
        q &= Q(outcome_timestamp__date__lte=audit_filter.date_to)
    for name, field in ASSESSMENT_FILTERS.items():
        value = getattr(audit_filter, name, None)
        if value:
            q &= Q(**{f"assessment__{field}": value})
    rows = (
        CdsFeedback.objects.filter(q)
        .values("recommendation", "outcome", "override_reason_display")
        .annotate(n=Count("id"))
        .order_by("recommendation", "outcome", "override_reason_display")
    )
    return [
        {
            "recommendation": row["recommendation"],
            "outcome": row["outcome"],
            "override_reason": row["override_reason_display"],
            "n": row["n"],
        }
        for row in rows
    ]
