"""The result page's line about the write-back to the electronic record (none when the
assessment was not started from the record)."""

from django import template

from ..models import EhrWriteBack

register = template.Library()


@register.inclusion_tag("smart/write_back_status.html", takes_context=True)
def ehr_write_back_status(context, assessment):
    row = EhrWriteBack.objects.filter(assessment_id=assessment.pk).first()
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
