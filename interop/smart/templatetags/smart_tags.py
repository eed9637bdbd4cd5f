"""The result page's line about the write-back to the electronic record (none when the
assessment was not started from the record)."""

import uuid

from django import template

from vertebro_lib.prepared import PreparedRead

from ..models import EhrWriteBack

register = template.Library()

# Asked on every final assessment's result page: the SQL is written once (vertebro_lib.prepared).
_write_back_of = PreparedRead(
    lambda assessment_id: EhrWriteBack.objects.filter(assessment_id=assessment_id)[:1],
    placeholders=[uuid.UUID("7e57ab1e-0000-4000-8000-0000000e4b00")],
    fields=[EhrWriteBack._meta.get_field("assessment")],
)


@register.inclusion_tag("smart/write_back_status.html", takes_context=True)
def ehr_write_back_status(context, assessment):
    row = next(iter(_write_back_of(assessment.pk)), None)
    user = context.get("user")
    return {
        "row": row,
        "can_retry": row is not None
        and row.status != EhrWriteBack.Status.SENT
        and user is not None
        and assessment.owner_id == user.pk,
        "assessment": assessment,
        "csrf_token": context.get("csrf_token"),
    }
