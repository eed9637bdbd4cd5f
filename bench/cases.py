"""Random valid cases (JSON form) covering every scenario and rule."""

import random
from datetime import date, timedelta

from vertebro_rules import vocabulary

TODAY = date(2026, 11, 25)


def random_case(rng: random.Random, today: date = TODAY) -> dict:
    index_date = today - timedelta(days=rng.choice([0, 2, 3, 4, 10, 32, 33, 60, 400, 3000]))
    assessment_date = index_date + timedelta(days=rng.randint(0, (today - index_date).days))
    response = rng.choice(vocabulary.InitialResponse.values)
    days = (assessment_date - index_date).days
    if response == "relief_then_recurrence" and days < 1:
        response = "no_relief"
    case = {
        "patient_ref": f"MRN-{rng.randint(1, 999_999):06d}",
        "patient_age": rng.randint(18, 120),
        "sex": rng.choice([None, *vocabulary.Sex.values]),
        "treated_level": rng.choice(vocabulary.VertebralLevel.values),
        "index_procedure_date": index_date.isoformat(),
        "index_cement_volume_ml": rng.choice([None, 1.5, 4.2, 6.8, 12.0]),
        "fracture_etiology": rng.choice(vocabulary.FractureEtiology.values),
        "bmd_t_score": rng.choice([None, -3.1, -2.5, -2.4, 0.0, 1.2]),
        "prior_vertebral_fractures": rng.randint(0, 4),
        "assessment_date": assessment_date.isoformat(),
        "initial_response": response,
        "vas_before_index": rng.choice([None, *range(11)]),
        "vas_current": rng.randint(0, 10),
        "conservative_therapy_weeks": rng.choice([0, 3, 5, 6, 12, 52]),
        "mobility": rng.choice([None, *vocabulary.Mobility.values]),
        "analgesics": rng.choice([None, *vocabulary.Analgesics.values]),
        "cement_fill": rng.choice(vocabulary.CementFill.values),
        "prior_cement_leakage": rng.choice([None, True, False]),
        "point_tenderness": rng.choice(vocabulary.Tenderness.values),
        "neuro_exam": rng.choice(vocabulary.NeuroExam.values),
        "contraindications": (
            rng.sample(vocabulary.Contraindication.values, rng.randint(1, 2))
            if rng.random() < 0.1
            else []
        ),
    }
    if response == "relief_then_recurrence":
        recurrence_date = index_date + timedelta(days=rng.randint(1, days))
        case["recurrence_date"] = recurrence_date.isoformat()
        # §1: no more weeks of therapy than weeks since the pain returned, rounded up.
        weeks_since = ((assessment_date - recurrence_date).days + 6) // 7
        case["conservative_therapy_weeks"] = min(case["conservative_therapy_weeks"], weeks_since)
    case["mri_performed"] = rng.random() < 0.8
    if case["mri_performed"]:
        location = rng.choice(vocabulary.FractureLocation.values)
        if response == "ongoing_relief" and location == "treated_level":
            location = "none_identified"
        edema = rng.choice(vocabulary.Finding.values)
        cleft = rng.choice(vocabulary.Finding.values)
        fluid = rng.random() < 0.2
        # §1: no positive sign beside "no active fracture identified", and an active fracture
        # at the treated level shows at least one sign that is not negative.
        if location == "none_identified":
            edema = "absent" if edema == "present" else edema
            cleft = "absent" if cleft == "present" else cleft
            fluid = False
        if location == "treated_level" and edema == cleft == "absent" and not fluid:
            edema = "present"
        case.update(
            active_fracture_location=location,
            cleft_sign=cleft,
            marrow_edema=edema,
            cleft_new_since_index=rng.choice([None, True, False]),
            fluid_at_cement_interface=fluid,
        )
    return case


def random_cases(count: int, seed: int = 2026, today: date = TODAY) -> list[dict]:
    rng = random.Random(seed)
    return [random_case(rng, today) for _ in range(count)]


def random_case_2026_3(rng: random.Random, today: date = TODAY) -> dict:
    """A random case valid under rules version 2026.3 (its inputs and refusals, §1)."""
    from vertebro_rules.versions.v2026_3 import vocabulary as v3

    index_date = today - timedelta(
        days=rng.choice([0, 2, 3, 4, 10, 28, 29, 32, 33, 42, 43, 60, 400, 3000])
    )
    assessment_date = index_date + timedelta(days=rng.randint(0, (today - index_date).days))
    days = (assessment_date - index_date).days
    response = rng.choice(v3.InitialResponse.values)
    if response == "relief_then_recurrence" and days < 1:
        response = "no_relief"
    analgesics = rng.choice([None, *v3.Analgesics.values])
    case: dict = {
        "patient_ref": f"MRN-{rng.randint(1, 999_999):06d}",
        "patient_age": rng.choice([18, 45, 55, 56, 70, 75, 90, 120]),
        "sex": rng.choice([None, *v3.Sex.values]),
        "treated_level": rng.choice(v3.VertebralLevel.values),
        "index_procedure_date": index_date.isoformat(),
        "index_cement_volume_ml": rng.choice([None, 1.5, 4.2, 6.8, 10.0, 12.5]),
        "fracture_etiology": rng.choice(
            ["osteoporotic", "osteoporotic", "osteoporotic", *v3.FractureEtiology.values]
        ),
        "bmd_t_score": rng.choice([None, -3.1, -2.5, -2.4, -1.0, -0.9, 0.0, 1.2]),
        "prior_vertebral_fractures": rng.randint(0, 4),
        "assessment_date": assessment_date.isoformat(),
        "initial_response": response,
        "vas_before_index": rng.choice([None, *range(11)]),
        "vas_current": rng.randint(0, 10),
        "mobility": rng.choice([None, *v3.Mobility.values]),
        "analgesics": analgesics,
        "cement_fill": rng.choice(v3.CementFill.values),
        "prior_cement_leakage": rng.choice([None, True, False]),
        "point_tenderness": rng.choice(v3.Tenderness.values),
        "neuro_exam": rng.choice(["normal", "normal", *v3.NeuroExam.values]),
        "infection_signs": rng.random() < 0.1,
        "vertebral_infection": rng.choice([None, None, None, None, *v3.VertebralInfection.values]),
        "complication_assessed": rng.random() < 0.3,
        "contraindications": (
            rng.sample(v3.Contraindication.values, rng.randint(1, 2)) if rng.random() < 0.1 else []
        ),
    }
    if analgesics == "opioid" and rng.random() < 0.3:
        case["opioid_failure"] = True
    if response == "relief_then_recurrence":
        recurrence_date = index_date + timedelta(days=rng.randint(1, days))
        case["recurrence_date"] = recurrence_date.isoformat()
        # §1: no more weeks of therapy than weeks since the pain returned, rounded up.
        weeks_since = ((assessment_date - recurrence_date).days + 6) // 7
        case["conservative_therapy_weeks"] = min(rng.choice([0, 3, 5, 6, 12]), weeks_since)
    elif rng.random() < 0.1:
        # Accepted and kept with another course of pain, never read (§1).
        case["conservative_therapy_weeks"] = rng.choice([0, 3, 52])
    case["mri_performed"] = rng.random() < 0.8
    if case["mri_performed"]:
        cleft = rng.choice(v3.Finding.values)
        case.update(
            active_fracture_location=rng.choice(v3.FractureLocation.values),
            cleft_sign=cleft,
            marrow_edema=rng.choice(v3.Finding.values),
            fluid_at_cement_interface=rng.random() < 0.2,
        )
        if cleft == "present":
            case["cleft_new_since_index"] = rng.choice([None, True, False])
    elif rng.random() < 0.3:
        case["mri_not_possible"] = True
    return case


def random_cases_2026_3(count: int, seed: int = 2026, today: date = TODAY) -> list[dict]:
    rng = random.Random(seed)
    return [random_case_2026_3(rng, today) for _ in range(count)]
