"""The department audit's facts (`AuditFact`): one narrow row per decision, kept on write.

Each row is computed here, in Python, from the procedure, its assessment and the
assessment's follow-ups, with the audit's definitions (`outcomes.audit`): the VAS at the
1-month visit at least `RELIEF_MIN_DROP` points below the assessment's, the cleft gone on
one visit's imaging or persisting with none gone, a new fracture among the patients seen
at 12 months, the day the visits count from.

Kept by signal receivers (`connect`) on every save and deletion of an assessment, a
procedure or a follow-up, in the same transaction as the write: every path that changes
these records — the questionnaire, finalization and amendment, the outcome forms, the
admin, an import, a data migration through the models — goes through `Model.save()` or
`delete()`, and a receiver is the one place that sees them all. A write that bypasses the
models (`QuerySet.update()`, `bulk_create()`, SQL) must be followed by `rebuild()`
(`manage.py rebuild_audit_facts`), which recomputes every row and says how many changed.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from assessments.models import Assessment
from vertebro_rules import vocabulary

from . import choices
from .models import AuditFact, FollowUp, Procedure

RELIEF_MIN_DROP = 2
FRACTURES = (choices.NewFracture.ADJACENT, choices.NewFracture.NON_ADJACENT)
TREATED_LEVEL = choices.NewFracture.TREATED
NOT_GONE = (choices.CleftOnImaging.PERSISTS, choices.CleftOnImaging.NOT_IMAGED)
VISITS = (
    choices.Interval.ONE_MONTH,
    choices.Interval.THREE_MONTHS,
    choices.Interval.TWELVE_MONTHS,
)
# The assessment's columns a fact reads (and no other: the row also holds the guidance).
ASSESSMENT_FIELDS = (
    "status",
    "owner_id",
    "patient_ref",
    "treated_level",
    "recommendation",
    "deciding_rule",
    "fracture_etiology",
    "scenario",
    "assessment_date",
    "cleft_sign",
    "vas_current",
    "index_cement_volume_ml",
)


def _float(value) -> float | None:
    return None if value is None else float(value)


def period_of(day: date | None) -> int | None:
    """The year and quarter of a day as one integer, year × 10 + quarter (2025 Q1 → 20251)."""
    return None if day is None else day.year * 10 + (day.month + 2) // 3


def fact_values(procedure: Procedure, assessment: Assessment, follow_ups: Iterable) -> dict:
    """The fact's columns for a procedure, its assessment and the assessment's follow-ups."""
    follow_ups = list(follow_ups)
    visits = {visit.interval: visit for visit in follow_ups if visit.interval in VISITS}
    one_month = visits.get(choices.Interval.ONE_MONTH)
    three_months = visits.get(choices.Interval.THREE_MONTHS)
    performed = procedure.performed == choices.Performed.YES
    vas_before = assessment.vas_current
    imaging = [visit.cleft_on_imaging for visit in visits.values()]
    gone = choices.CleftOnImaging.GONE in imaging
    # Every visit held is one whose imaging did not show the cleft gone.
    none_gone = all(visits[v].cleft_on_imaging in NOT_GONE for v in visits)
    kinds = {visit.new_fracture for visit in follow_ups}
    return {
        "status": assessment.status,
        "owner_id": assessment.owner_id,
        "patient_ref": assessment.patient_ref,
        "treated_level": assessment.treated_level,
        "recommendation": assessment.recommendation,
        "rule": assessment.deciding_rule,
        "etiology": assessment.fracture_etiology,
        "scenario": assessment.scenario,
        "assessment_date": assessment.assessment_date,
        "period": period_of(assessment.assessment_date),
        "cleft": assessment.cleft_sign == vocabulary.Finding.PRESENT,
        "vas_before": _float(vas_before),
        "index_cement_ml": _float(assessment.index_cement_volume_ml),
        "performed": procedure.performed,
        "not_done_reason": procedure.not_done_reason,
        "not_done_detail": procedure.not_done_detail,
        "performed_on": procedure.performed_on,
        "base_date": (
            procedure.performed_on
            if performed and procedure.performed_on
            else assessment.assessment_date
        ),
        "cement_ml": _float(procedure.cement_volume_ml),
        "leakage": procedure.leakage,
        "complications": procedure.complications,
        "seen_1": one_month is not None,
        "seen_3": three_months is not None,
        "seen_12": choices.Interval.TWELVE_MONTHS in visits,
        "vas_1": _float(one_month.vas) if one_month else None,
        "vas_3": _float(three_months.vas) if three_months else None,
        "relieved": (
            one_month is not None
            and one_month.vas is not None
            and vas_before is not None
            and one_month.vas <= vas_before - RELIEF_MIN_DROP
        ),
        "cleft_gone": gone,
        "cleft_persists": choices.CleftOnImaging.PERSISTS in imaging and none_gone,
        "fracture_in_year": (
            choices.Interval.TWELVE_MONTHS in visits
            and any(visit.new_fracture in FRACTURES for visit in visits.values())
        ),
        "fractured": bool(kinds & set(FRACTURES)),
        "refractured": TREATED_LEVEL in kinds,
    }


def refresh(procedure_id) -> None:
    """Recompute the fact of one procedure from the records (none when it is gone)."""
    procedure = Procedure.objects.filter(pk=procedure_id).first()
    if procedure is None:
        AuditFact.objects.filter(procedure_id=procedure_id).delete()
        return
    assessment = Assessment.objects.only(*ASSESSMENT_FIELDS).get(pk=procedure.assessment_id)
    values = fact_values(procedure, assessment, FollowUp.objects.filter(assessment=assessment))
    # The assessment's fact row is this procedure's: a procedure moved to an amendment
    # takes its row along.
    AuditFact.objects.filter(assessment_id=assessment.pk).exclude(procedure=procedure).delete()
    AuditFact.objects.update_or_create(
        procedure=procedure, defaults={"assessment_id": assessment.pk, **values}
    )


def refresh_assessment(assessment_id) -> None:
    """Recompute the fact of the assessment's procedure, if it has one."""
    for procedure_id in Procedure.objects.filter(assessment_id=assessment_id).values_list(
        "pk", flat=True
    ):
        refresh(procedure_id)


def drift() -> int:
    """How many facts differ from the records (added, changed or removed by a rebuild)."""
    return _differing(computed(Procedure, FollowUp, AuditFact))


def _differing(wanted: dict) -> int:
    held = {fact.pk: _row(fact) for fact in AuditFact.objects.all().iterator(chunk_size=2000)}
    changed = sum(1 for pk, fact in wanted.items() if held.get(pk) != _row(fact))
    return changed + sum(1 for pk in held if pk not in wanted)


def rebuild() -> int:
    """Recompute every fact from the records; returns how many rows were added, changed or
    removed."""
    wanted = computed(Procedure, FollowUp, AuditFact)
    differing = _differing(wanted)
    if differing:
        with transaction.atomic():
            AuditFact.objects.all().delete()
            AuditFact.objects.bulk_create(wanted.values(), batch_size=2000)
    return differing


def computed(procedure_model, follow_up_model, fact_model) -> dict:
    """Every fact computed from the records (unsaved), by procedure; the models are given so
    that a migration can pass its own."""
    follow_ups = defaultdict(list)
    for visit in follow_up_model.objects.only(
        "assessment_id", "interval", "vas", "cleft_on_imaging", "new_fracture"
    ):
        follow_ups[visit.assessment_id].append(visit)
    procedures = procedure_model.objects.select_related("assessment").only(
        *(f.attname for f in procedure_model._meta.concrete_fields),
        *(f"assessment__{name}" for name in ASSESSMENT_FIELDS),
    )
    return {
        procedure.pk: fact_model(
            procedure_id=procedure.pk,
            assessment_id=procedure.assessment_id,
            **fact_values(
                procedure, procedure.assessment, follow_ups.get(procedure.assessment_id, ())
            ),
        )
        for procedure in procedures.iterator(chunk_size=2000)
    }


def _row(fact: AuditFact) -> tuple:
    return tuple(getattr(fact, field.attname) for field in AuditFact._meta.concrete_fields)


# --- Kept on write ----------------------------------------------------------------------


def _assessment_saved(sender, instance, raw=False, **kwargs):
    # A draft's procedure cannot be recorded (outcomes follow a final assessment): a step
    # saved on a draft, the questionnaire's every save, costs nothing here.
    if raw or instance.status == Assessment.Status.DRAFT:
        return
    refresh_assessment(instance.pk)


def _procedure_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh(instance.pk)


def _follow_up_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_assessment(instance.assessment_id)


def connect() -> None:
    post_save.connect(_assessment_saved, sender=Assessment, dispatch_uid="audit_fact_assessment")
    post_save.connect(_procedure_saved, sender=Procedure, dispatch_uid="audit_fact_procedure")
    post_save.connect(_follow_up_changed, sender=FollowUp, dispatch_uid="audit_fact_follow_up")
    post_delete.connect(
        _follow_up_changed, sender=FollowUp, dispatch_uid="audit_fact_follow_up_deleted"
    )
