"""Procedures, follow-ups and delegations recorded on an assessment that has since been
amended move to the current amendment of its chain (they belong to the patient's episode;
from now on `outcomes.services.outcomes_follow_amendment` moves them at finalization)."""

from django.db import migrations
from django.db.models import Q


def current_of(assessment, Assessment):
    """The final end of `assessment`'s amendment chain (itself if it is not superseded)."""
    seen = {assessment.pk}
    while assessment.status == "superseded":
        successor = Assessment.objects.filter(amends=assessment).first()
        if successor is None or successor.pk in seen:
            break
        seen.add(successor.pk)
        assessment = successor
    return assessment


def forwards(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    Procedure = apps.get_model("outcomes", "Procedure")
    FollowUp = apps.get_model("outcomes", "FollowUp")
    Delegation = apps.get_model("outcomes", "Delegation")
    with_outcomes = Q(procedure__isnull=False) | Q(follow_ups__isnull=False)
    for original in Assessment.objects.filter(with_outcomes, status="superseded").distinct():
        current = current_of(original, Assessment)
        if current.pk == original.pk or current.status != "final":
            continue
        if not Procedure.objects.filter(assessment=current).exists():
            Procedure.objects.filter(assessment=original).update(assessment=current)
        taken = FollowUp.objects.filter(assessment=current).values("interval")
        FollowUp.objects.filter(assessment=original).exclude(interval__in=taken).update(
            assessment=current
        )
        for delegation in Delegation.objects.filter(assessment=original):
            Delegation.objects.get_or_create(
                assessment=current,
                delegate_id=delegation.delegate_id,
                defaults={"granted_by_id": delegation.granted_by_id, "created": delegation.created},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0002_follow_up_fracture_index"),
        ("assessments", "0013_amendment_reason"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
