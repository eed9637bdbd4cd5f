"""What pages of other apps show of the outcomes, as template tags: `assessments` knows nothing
of outcomes (docs/architecture.md), so its My assessments page loads the panel from here."""

from django import template
from django.utils import timezone

from outcomes.selectors import follow_ups_due

register = template.Library()


@register.inclusion_tag("outcomes/partials/follow_ups_due.html", takes_context=True)
def follow_ups_due_panel(context):
    """The "Follow-ups due" panel of the signed-in clinician: visits due within two weeks
    and overdue ones (`selectors.follow_ups_due`); nothing when there are none."""
    user = context["request"].user
    return {"follow_ups_due": follow_ups_due(user=user, today=timezone.localdate())}
