"""Random cases that pass the §1 validation of rules version 2026.3, drawn to reach every rule,
warning, note, next step and work-up item, and every conditional part of their sentences.

Each field is drawn on its own, with the spec's cut-offs (days 3/4, 14, 28/29, 32/33, 42/43;
VAS 0, 3/4, 7; T-score −1.0 and −2.5; 10.0 mL; ages 50, 55, 75) drawn often, and every
answer that §1 says cannot apply left empty (absent, or null) so that the case is valid.
"""

import random
from datetime import date, timedelta

LEVELS = [f"T{n}" for n in range(1, 13)] + [f"L{n}" for n in range(1, 6)]
CONTRAINDICATIONS = [
    "active_infection",
    "uncorrectable_coagulopathy",
    "cement_allergy",
    "canal_compromise",
]
EARLIEST_INDEX = date(1985, 1, 1)


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def edge_or_any(rng: random.Random, edges: list, low: int, high: int) -> int:
    return rng.choice(edges) if rng.random() < 0.6 else rng.randint(low, high)


def random_t_scores(rng: random.Random) -> list[float]:
    return [rng.randint(-70, 40) / 10, rng.randint(-40, -10) / 10]


def days_since_index(rng: random.Random) -> int:
    stretch = weighted(rng, {"early": 1, "window": 3, "six_weeks": 2, "later": 3, "years": 1})
    if stretch == "early":
        return rng.randint(0, 3)
    if stretch == "window":
        return edge_or_any(rng, [4, 5, 14, 15, 28, 29, 30, 32], 4, 32)
    if stretch == "six_weeks":
        return edge_or_any(rng, [33, 41, 42], 33, 42)
    if stretch == "later":
        return edge_or_any(rng, [43, 60, 70, 71, 84], 43, 400)
    return rng.randint(401, 14000)


def random_valid_case(rng: random.Random, anchor: date) -> dict:
    """One valid 2026.3 case in the JSON form of `evaluate` (dates not after `anchor`)."""
    d = days_since_index(rng)
    latest_back = (anchor - EARLIEST_INDEX).days
    days_back = min(latest_back, d + rng.choice([0, 0, 1, rng.randint(0, 3000)]))
    index_date = anchor - timedelta(days=days_back)
    assessment_date = index_date + timedelta(days=d)
    case = {
        "patient_ref": f"RND-{rng.randint(0, 10**9)}",
        "patient_age": edge_or_any(rng, [18, 49, 50, 55, 56, 74, 75, 120], 18, 120),
        "sex": rng.choice([None, "female", "male", "other", "unknown", "female", "male"]),
        "treated_level": rng.choice(LEVELS),
        "index_procedure_date": index_date.isoformat(),
        "index_cement_volume_ml": rng.choice(
            [None, None, 0.5, 10.0, 10.1, 20.0, rng.randint(5, 200) / 10, rng.randint(20, 80) / 10]
        ),
        "fracture_etiology": weighted(
            rng, {"osteoporotic": 13, "neoplastic": 2, "traumatic": 3, "other": 2}
        ),
        "bmd_t_score": rng.choice(
            [None, None, -7.0, -2.6, -2.5, -2.4, -1.1, -1.0, -0.9, 0.0, 4.0, *random_t_scores(rng)]
        ),
        "prior_vertebral_fractures": edge_or_any(rng, [0, 0, 1, 2, 25], 0, 25),
        "assessment_date": assessment_date.isoformat(),
    }

    response = weighted(
        rng,
        {"no_relief": 4, "partial_relief": 3, "relief_then_recurrence": 6, "ongoing_relief": 2},
    )
    if response == "relief_then_recurrence" and d == 0:
        response = rng.choice(["no_relief", "partial_relief", "ongoing_relief"])
    case["initial_response"] = response
    if response == "relief_then_recurrence":
        # The day the pain returned: beside the 28 days of an early recurrence, the 3 days of
        # the first post-procedural days and the 42 days of the 6-week criterion.
        since = rng.choice(
            [0, 0, 1, 13, 14, 20, 41, 42, 43, rng.randint(0, d), rng.randint(42, max(42, d - 29))]
        )
        to = weighted(
            rng,
            {
                rng.choice([1, 2, 3, 27, 28, 29, 30, 32, 33]): 1,
                d - since: 2,
                rng.randint(1, d): 1,
            },
        )
        to = min(max(to, 1), d)
        case["recurrence_date"] = (index_date + timedelta(days=to)).isoformat()
        limit = min((d - to + 6) // 7, 520)
        weeks = rng.choice([0, 0, 1, 3, 5, 6, 6, 8, limit, rng.randint(0, limit)])
        case["conservative_therapy_weeks"] = min(weeks, limit)
    else:
        if rng.random() < 0.3:
            case["recurrence_date"] = None
        if rng.random() < 0.15:
            # Accepted, kept and not read (§1).
            case["conservative_therapy_weeks"] = rng.choice([0, 6, 520, rng.randint(0, 520)])

    vas_current = weighted(
        rng,
        {0: 2, rng.randint(1, 3): 4, rng.randint(4, 6): 4, rng.randint(7, 10): 5, 3: 1, 4: 1},
    )
    case["vas_current"] = vas_current
    if rng.random() < 0.75:
        case["vas_before_index"] = rng.choice(
            [
                rng.randint(0, 10),
                rng.randint(6, 10),
                min(10, vas_current * 2),
                max(0, vas_current - 2),
                2,
                3,
                4,
            ]
        )
    elif rng.random() < 0.5:
        case["vas_before_index"] = None
    mobility = rng.choice([None, "independent", "limited", "bed_bound", "bed_bound"])
    analgesics = rng.choice([None, "none", "non_opioid", "opioid", "opioid"])
    case["mobility"] = mobility
    case["analgesics"] = analgesics
    if analgesics == "opioid" and rng.random() < 0.6:
        case["opioid_failure"] = rng.random() < 0.5

    mri = rng.random() < 0.8
    case["mri_performed"] = mri
    if mri:
        location = weighted(
            rng,
            {
                "treated_level": 8,
                "none_identified": 3,
                "adjacent_level": 1,
                "non_adjacent_level": 1,
            },
        )
        edema = weighted(rng, {"present": 5, "absent": 4, "indeterminate": 1})
        cleft = weighted(rng, {"present": 4, "absent": 5, "indeterminate": 1})
        fluid = rng.random() < 0.25
        case.update(
            active_fracture_location=location,
            marrow_edema=edema,
            cleft_sign=cleft,
            fluid_at_cement_interface=fluid,
        )
        if cleft == "present":
            choice = rng.choice(["absent", None, True, False, True, False])
            if choice != "absent":
                case["cleft_new_since_index"] = choice
        if rng.random() < 0.1:
            case["mri_not_possible"] = rng.choice([None, False])
    else:
        for name in ("active_fracture_location", "marrow_edema", "cleft_sign"):
            if rng.random() < 0.2:
                case[name] = None
        if rng.random() < 0.5:
            case["fluid_at_cement_interface"] = rng.choice([None, False])
        if rng.random() < 0.45:
            case["mri_not_possible"] = True
        elif rng.random() < 0.3:
            case["mri_not_possible"] = False

    case["cement_fill"] = weighted(rng, {"adequate": 5, "inadequate": 5, "not_assessed": 1})
    if rng.random() < 0.7:
        case["prior_cement_leakage"] = rng.choice([None, True, False])
    case["point_tenderness"] = weighted(rng, {"present": 8, "absent": 3, "not_examined": 1})
    case["neuro_exam"] = weighted(
        rng, {"normal": 10, "chronic_stable_deficit": 4, "new_deficit": 1, "not_documented": 2}
    )
    if rng.random() < 0.7:
        case["infection_signs"] = rng.random() < 0.15
    if rng.random() < 0.6:
        case["vertebral_infection"] = weighted(
            rng, {"not_assessed": 6, "excluded": 2, "active": 1, "resolved": 2}
        )
    if rng.random() < 0.7:
        case["complication_assessed"] = rng.random() < 0.45
    contraindications = rng.sample(
        CONTRAINDICATIONS, weighted(rng, {0: 24, 1: 4, 2: 1, 3: 1, 4: 1})
    )
    if contraindications or rng.random() < 0.6:
        case["contraindications"] = contraindications

    if rng.random() < 0.3:
        procedural_candidate(rng, case)

    if "active_infection" in (case.get("contraindications") or []) and rng.random() < 0.3:
        case["infection_signs"] = True
    # A whole number is a decimal too (printed "12.0 mL", "-3.0").
    if rng.random() < 0.05:
        case["index_cement_volume_ml"] = rng.choice([4, 12])
    if rng.random() < 0.05:
        case["bmd_t_score"] = rng.choice([-3, 0, 1])
    # Optional answers may also be null, or left out altogether.
    for name in ("vertebral_infection", "infection_signs", "complication_assessed"):
        if name not in case and rng.random() < 0.2:
            case[name] = None
    if "contraindications" not in case and rng.random() < 0.2:
        case["contraindications"] = None
    for name in ("sex", "index_cement_volume_ml", "bmd_t_score", "mobility", "analgesics"):
        if case.get(name) is None and rng.random() < 0.5:
            case.pop(name, None)
    return case


def random_valid_cases(count: int, seed: int, anchor: date) -> list[dict]:
    rng = random.Random(seed)
    return [random_valid_case(rng, anchor) for _ in range(count)]


def procedural_candidate(rng: random.Random, case: dict) -> None:
    """Clear the red flags and the work-up of a case (keeping it valid), so that the rules that
    lead to a repeat procedure, and those just before them, are reached often."""
    case["neuro_exam"] = rng.choice(["normal", "normal", "chronic_stable_deficit"])
    case["infection_signs"] = False
    case["vertebral_infection"] = rng.choice(["not_assessed", "excluded", "resolved"])
    case["complication_assessed"] = True
    case["fracture_etiology"] = weighted(
        rng, {"osteoporotic": 12, "traumatic": 1, "other": 1, "neoplastic": 1}
    )
    case["contraindications"] = rng.choice([[], [], [], [], [rng.choice(CONTRAINDICATIONS)]])
    case["point_tenderness"] = weighted(rng, {"present": 4, "absent": 1})
    case["cement_fill"] = rng.choice(["adequate", "inadequate"])
    if case["vas_current"] == 0 or rng.random() < 0.7:
        case["vas_current"] = rng.randint(4, 10)
    if case.get("mobility") == "bed_bound" and rng.random() < 0.3:
        # Kept in bed by the pain at a low score (the bed-bound sentence, warning P12).
        case["vas_current"] = rng.randint(1, 3)
    if case["initial_response"] == "relief_then_recurrence" and rng.random() < 0.6:
        # A recurrence after a pain-free interval, past the 6 weeks of therapy.
        to = rng.choice([29, rng.randint(29, 400)])
        since = rng.choice([42, 43, rng.randint(42, 700)])
        assessment_date = date.fromisoformat(case["assessment_date"])
        index_date = assessment_date - timedelta(days=to + since)
        if index_date >= EARLIEST_INDEX:
            case["index_procedure_date"] = index_date.isoformat()
            case["recurrence_date"] = (index_date + timedelta(days=to)).isoformat()
            limit = min((since + 6) // 7, 520)
            case["conservative_therapy_weeks"] = rng.choice([6, limit, rng.randint(6, limit)])
            if case.get("analgesics") == "none" and rng.random() < 0.8:
                case["analgesics"] = "non_opioid"
    if case["mri_performed"]:
        if case["active_fracture_location"] in ("none_identified", "adjacent_level"):
            case["active_fracture_location"] = "treated_level"
        signs = [case["marrow_edema"] == "present", case["cleft_sign"] == "present"]
        if not any(signs) and not case["fluid_at_cement_interface"]:
            sign = rng.choice(["marrow_edema", "cleft_sign", "fluid_at_cement_interface"])
            case[sign] = True if sign == "fluid_at_cement_interface" else "present"
        if rng.random() < 0.15 and (
            case["marrow_edema"] == "present" or case["fluid_at_cement_interface"]
        ):
            case["cleft_sign"] = "indeterminate"
        if rng.random() < 0.1:
            # A quiet MRI: no sign of activity at the treated level (R7).
            case.update(
                active_fracture_location="none_identified",
                marrow_edema="absent",
                cleft_sign="absent",
                fluid_at_cement_interface=False,
            )
        if case["cleft_sign"] != "present":
            case.pop("cleft_new_since_index", None)


FUTURE_DAYS = 30


def mutations(case: dict, today: date) -> list[tuple[str, object]]:
    """Changes of one answer each, at or across the §1 limits: most are refused, some sit just
    inside a limit. Only values whose JSON type no reading could take for the field's own (no
    "70" for an integer, no "true" for a boolean)."""
    future = (today + timedelta(days=FUTURE_DAYS)).isoformat()
    index = date.fromisoformat(case["index_procedure_date"])
    assessment = date.fromisoformat(case["assessment_date"])
    return [
        ("patient_ref", ""),
        ("patient_ref", "X" * 64),
        ("patient_ref", "X" * 65),
        ("patient_ref", "A\tB"),
        ("patient_age", 17),
        ("patient_age", 18),
        ("patient_age", 120),
        ("patient_age", 121),
        ("patient_age", 0),
        ("patient_age", "old"),
        ("sex", "F"),
        ("treated_level", "C3"),
        ("treated_level", "S2"),
        ("treated_level", "T13"),
        ("treated_level", "l1"),
        ("index_procedure_date", "1984-12-31"),
        ("index_procedure_date", future),
        ("index_procedure_date", "2026-13-01"),
        ("index_procedure_date", (assessment + timedelta(days=1)).isoformat()),
        ("index_cement_volume_ml", 0.4),
        ("index_cement_volume_ml", 0.5),
        ("index_cement_volume_ml", 20.0),
        ("index_cement_volume_ml", 20.1),
        ("index_cement_volume_ml", 4.25),
        ("index_cement_volume_ml", 10.05),
        ("fracture_etiology", "pathological"),
        ("bmd_t_score", -7.1),
        ("bmd_t_score", -7.0),
        ("bmd_t_score", 4.0),
        ("bmd_t_score", 4.1),
        ("bmd_t_score", -2.55),
        ("prior_vertebral_fractures", -1),
        ("prior_vertebral_fractures", 26),
        ("prior_vertebral_fractures", 25),
        ("assessment_date", (index - timedelta(days=1)).isoformat()),
        ("assessment_date", future),
        ("assessment_date", "yesterday"),
        ("initial_response", "better"),
        ("initial_response", "relief_then_recurrence"),
        ("initial_response", "no_relief"),
        ("initial_response", "partial_relief"),
        ("recurrence_date", index.isoformat()),
        ("recurrence_date", (index + timedelta(days=1)).isoformat()),
        ("recurrence_date", (assessment + timedelta(days=1)).isoformat()),
        ("recurrence_date", None),
        ("vas_before_index", -1),
        ("vas_before_index", 11),
        ("vas_current", -1),
        ("vas_current", 11),
        ("vas_current", None),
        ("conservative_therapy_weeks", -1),
        ("conservative_therapy_weeks", 521),
        ("conservative_therapy_weeks", 520),
        ("conservative_therapy_weeks", None),
        ("conservative_therapy_weeks", 7),
        ("mobility", "walking"),
        ("analgesics", "morphine"),
        ("opioid_failure", True),
        ("opioid_failure", "perhaps"),
        ("mri_performed", None),
        ("mri_performed", not case["mri_performed"]),
        ("mri_not_possible", True),
        ("active_fracture_location", "L2"),
        ("active_fracture_location", None),
        ("active_fracture_location", "treated_level"),
        ("cleft_sign", "maybe"),
        ("cleft_sign", None),
        ("cleft_sign", "absent"),
        ("cleft_new_since_index", True),
        ("marrow_edema", None),
        ("marrow_edema", "present"),
        ("fluid_at_cement_interface", True),
        ("fluid_at_cement_interface", "no"),
        ("cement_fill", None),
        ("cement_fill", "good"),
        ("prior_cement_leakage", "perhaps"),
        ("point_tenderness", None),
        ("point_tenderness", "yes"),
        ("neuro_exam", None),
        ("neuro_exam", "abnormal"),
        ("infection_signs", "perhaps"),
        ("vertebral_infection", "suspected"),
        ("complication_assessed", "perhaps"),
        ("contraindications", ["cement_allergy", "cement_allergy"]),
        ("contraindications", ["pregnancy"]),
        ("contraindications", "cement_allergy"),
        ("complication_excluded", True),
        ("weight_kg", 60),
    ]


def mutated_cases(count: int, seed: int, anchor: date, today: date) -> list[dict]:
    """Valid cases with one or two answers changed by `mutations`."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        case = random_valid_case(rng, anchor)
        menu = mutations(case, today)
        for _ in range(rng.choice([1, 1, 2])):
            name, value = rng.choice(menu)
            case[name] = value
        cases.append(case)
    return cases
