"""Demo outcomes: a cohort of a few dozen final assessments with procedures and follow-ups.

`seed_demo` calls `seed_outcomes()`; every record has a fixed id or key, so a
second run finds it and changes nothing. Values come from a seeded random
generator: the same cohort on every machine, varied enough that the audit
dashboard has something to show.
"""

import random
import uuid
from datetime import date, timedelta
from decimal import Decimal

from assessments.models import Assessment
from assessments.services import assessment_finalize

from . import choices, services
from .models import FollowUp, Procedure

NAMESPACE = uuid.UUID("0b7c6f0e-4a8e-4f55-8c1b-9e2d3a4b5c6d")
COHORT_SIZE = 36
SEED = 2026
LEVELS = ("T11", "T12", "L1", "L2", "L3")

COMMON = {
    "patient_age": 74,
    "sex": "female",
    "fracture_etiology": "osteoporotic",
    "bmd_t_score": Decimal("-2.6"),
    "prior_vertebral_fractures": 1,
    "vas_before_index": 8,
    "conservative_therapy_weeks": 2,
    "mobility": "limited",
    "analgesics": "opioid",
    "opioid_failure": False,
    "mri_performed": True,
    "mri_not_possible": False,
    "active_fracture_location": "treated_level",
    "cleft_sign": "absent",
    "cleft_new_since_index": None,
    "marrow_edema": "present",
    "fluid_at_cement_interface": False,
    "cement_fill": "inadequate",
    "prior_cement_leakage": False,
    "point_tenderness": "present",
    "neuro_exam": "normal",
    "infection_signs": False,
    "complication_assessed": False,
    "contraindications": [],
    "initial_response": "no_relief",
    "recurrence_date": None,
}


def demo_id(patient_ref: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, patient_ref)


def _inputs(number: int, rng: random.Random) -> dict:
    assessed = date(2025, 1, 6) + timedelta(days=5 * number)
    kind = number % 6
    values = {
        **COMMON,
        "treated_level": LEVELS[number % len(LEVELS)],
        "assessment_date": assessed,
        "index_procedure_date": assessed - timedelta(days=17),
        "index_cement_volume_ml": Decimal(rng.randint(30, 50)) / 10,
        "vas_current": rng.randint(7, 9),
    }
    if kind in (1, 2):  # immediate failure with a persistent cleft (R10)
        values |= {"cleft_sign": "present", "cleft_new_since_index": kind == 1}
    elif kind == 3:  # delayed recurrence with a cleft (R12)
        values |= {
            "initial_response": "relief_then_recurrence",
            "index_procedure_date": assessed - timedelta(days=220),
            "recurrence_date": assessed - timedelta(days=63),
            "conservative_therapy_weeks": 8,
            "cleft_sign": "present",
            "cement_fill": "adequate",
        }
    elif kind == 5:  # no point tenderness: repeat not indicated (R8)
        values |= {"point_tenderness": "absent"}
    return values


def seed_outcomes(users: dict) -> int:
    """Create the cohort and its outcomes; return how many patients are new.

    The cohort belongs to the demo colleague, so that the demo clinician's own list stays
    the short tour of the questionnaire.
    """
    rng = random.Random(SEED)
    created = 0
    for number in range(COHORT_SIZE):
        patient_ref = f"MRN-OUTCOME-{number + 1:03d}"
        owner = users["colleague"]
        inputs = _inputs(number, rng)  # drawn every time, so the sequence never shifts
        plan = _plan(inputs, rng)
        if Assessment.objects.filter(pk=demo_id(patient_ref)).exists():
            continue
        assessment = Assessment(
            id=demo_id(patient_ref), owner=owner, patient_ref=patient_ref, **inputs
        )
        assessment._history_user = owner
        assessment.full_clean()
        assessment.save()
        assessment = assessment_finalize(assessment=assessment, user=owner)
        _record(assessment, plan, owner)
        created += 1
    return created


def _plan(inputs: dict, rng: random.Random) -> dict:
    """Every random draw for one patient, made up front in a fixed order."""
    return {
        "performed_draw": rng.random(),
        "delay": rng.randint(1, 6),
        "volume": Decimal(rng.randint(50, 85)) / 10,
        "leak_draw": rng.random(),
        "complication_draw": rng.random(),
        "relief": rng.randint(4, 8),
        "drift": rng.choice((0, 0, 1, 1, 2)),
        "cleft_draw": rng.random(),
        "fracture_draw": rng.random(),
        "fracture_days": rng.randint(40, 120),
        "late_fracture_days": rng.randint(150, 330),
        "seen_at_12": rng.random() < 0.9,
    }


def _record(assessment: Assessment, plan: dict, user) -> None:
    repeat = assessment.recommendation in ("repeat_indicated", "repeat_may_be_considered")
    performed = plan["performed_draw"] < (0.85 if repeat else 0.2)
    cleft = assessment.cleft_sign == "present"
    if performed:
        leak = plan["leak_draw"]
        complication = plan["complication_draw"]
        procedure = Procedure(
            assessment=assessment,
            performed=choices.Performed.YES,
            performed_on=assessment.assessment_date + timedelta(days=plan["delay"]),
            cement_volume_ml=plan["volume"],
            leakage="symptomatic" if leak < 0.03 else "asymptomatic" if leak < 0.2 else "none",
            cleft_filled="yes" if cleft else "no_cleft",
            complications="minor" if complication < 0.06 else "none",
            complication_description="Transient radicular pain" if complication < 0.06 else "",
            operator="Dr Demo",
        )
    else:
        declined = plan["delay"] == 1
        procedure = Procedure(
            assessment=assessment,
            performed=choices.Performed.DECLINED if declined else choices.Performed.NO,
            not_done_reason="" if declined else choices.NotDoneReason.UNFIT,
        )
    services.procedure_save(procedure=procedure, user=user)
    base = procedure.follow_up_base_date()
    before = assessment.vas_current
    one = max(0, before - plan["relief"]) if performed else max(0, before - 2)
    three = min(10, one + plan["drift"])
    fracture = None
    if plan["fracture_draw"] < 0.12:
        adjacent = plan["fracture_draw"] < 0.075
        days = plan["fracture_days"] if adjacent else plan["late_fracture_days"]
        fracture = ("adjacent" if adjacent else "non_adjacent", base + timedelta(days=days))
    cleft_reading = "gone" if plan["cleft_draw"] < 0.75 else "persists"
    visits = [(choices.Interval.ONE_MONTH, one), (choices.Interval.THREE_MONTHS, three)]
    if plan["seen_at_12"]:
        visits.append((choices.Interval.TWELVE_MONTHS, three))
    for interval, vas in visits:
        seen_on = base + timedelta(days=choices.INTERVAL_DAYS[interval])
        reported = (
            fracture if fracture and fracture[1] <= seen_on and not _reported(assessment) else None
        )
        services.follow_up_save(
            follow_up=FollowUp(
                assessment=assessment,
                interval=interval,
                seen_on=seen_on,
                vas=vas,
                mobility="independent" if vas <= 3 else "limited",
                analgesics="non_opioid" if vas <= 4 else "opioid",
                cleft_on_imaging=(
                    ""  # not asked: no cleft at the assessment
                    if not cleft
                    else cleft_reading
                    if performed and interval == choices.Interval.THREE_MONTHS
                    else "not_imaged"
                ),
                new_fracture=reported[0] if reported else "none",
                new_fracture_date=reported[1] if reported else None,
            ),
            user=user,
        )


def _reported(assessment: Assessment) -> bool:
    return FollowUp.objects.filter(assessment=assessment).exclude(new_fracture="none").exists()


def seed_current(users: dict) -> None:
    """A procedure on a recent demo assessment, so that My assessments shows a follow-up due."""
    assessment = Assessment.objects.final().filter(patient_ref="MRN-DEMO-001").first()
    if assessment is None or Procedure.objects.filter(assessment=assessment).exists():
        return
    services.procedure_save(
        procedure=Procedure(
            assessment=assessment,
            performed=choices.Performed.YES,
            performed_on=assessment.assessment_date + timedelta(days=3),
            cement_volume_ml=Decimal("6.4"),
            leakage="none",
            cleft_filled="no_cleft",
            complications="none",
            operator="Dr Demo",
        ),
        user=assessment.owner,
    )
