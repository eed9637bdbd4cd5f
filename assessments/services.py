"""Writes that change an assessment's state (HackSoft style: keyword-only, typed)."""

from django.db import transaction
from django.utils import timezone

from . import validation
from .models import Assessment


class AssessmentNotEditable(Exception):
    """The assessment is final: it is never changed again."""


@transaction.atomic
def assessment_finalize(*, assessment: Assessment, user) -> Assessment:
    """Validate the whole assessment, freeze its guidance and mark it final.

    Raises `validation.InvalidInput` when an input is missing or invalid and
    `AssessmentNotEditable` when the assessment is already final. The row is
    locked for the transaction, so two finalizations at once finalize once.
    """
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_final:
        raise AssessmentNotEditable("This assessment is already final.")
    now = timezone.now()
    validation.validate_values(locked.input_values(), today=timezone.localdate(now))
    result = locked.evaluate()
    locked.guidance = result.to_dict()
    locked.rules_version = result.rules_version
    locked.status = Assessment.Status.FINAL
    locked.finalized_at = now
    locked.finalized_by = user
    locked.version += 1
    locked.save()
    return locked
