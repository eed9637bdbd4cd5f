"""An independent reading of guidance-rules.md §2–§5, for cross-checking.

Written from the specification alone, in a deliberately plain style (one
if/elif chain per table), so that a mistake in `vertebro_rules.rules` is not
copied here. It takes a case in the JSON form of `evaluate` (dates as ISO
strings) that has already passed validation, and returns only the fields the
agreement test compares.
"""

from datetime import date

REPEAT = ("repeat_indicated", "repeat_may_be_considered")


def _as_date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def oracle(case: dict) -> dict:
    index_date = _as_date(case["index_procedure_date"])
    assessment_date = _as_date(case["assessment_date"])
    recurrence_date = _as_date(case.get("recurrence_date"))

    # §2
    days_since_index = (assessment_date - index_date).days
    if recurrence_date is None:
        days_since_recurrence = None
    else:
        days_since_recurrence = (assessment_date - recurrence_date).days

    response = case["initial_response"]
    vas_current = case["vas_current"]
    mri = case["mri_performed"]
    location = case.get("active_fracture_location")
    edema = case.get("marrow_edema")
    cleft = case.get("cleft_sign")
    fluid = case.get("fluid_at_cement_interface") is True
    cleft_new = case.get("cleft_new_since_index") is True
    cement_fill = case["cement_fill"]
    tenderness = case["point_tenderness"]
    neuro = case["neuro_exam"]
    contraindications = case.get("contraindications") or []
    weeks = case["conservative_therapy_weeks"]

    # §3 scenario: first match wins
    if response == "ongoing_relief" or vas_current == 0:
        scenario = "no_current_pain"
    elif location == "adjacent_level":
        scenario = "adjacent_level_fracture"
    elif location == "non_adjacent_level":
        scenario = "non_adjacent_fracture"
    elif response == "no_relief" and days_since_index < 4:
        scenario = "too_early"
    elif response == "no_relief" and days_since_index <= 32:
        scenario = "immediate_failure"
    elif response == "no_relief":
        scenario = "persistent_pain"
    else:
        scenario = "delayed_recurrence"

    # R6 work-up items, in the spec's order
    missing = []
    if not mri:
        missing.append("mri")
    else:
        any_positive = edema == "present" or cleft == "present" or fluid
        any_indeterminate = edema == "indeterminate" or cleft == "indeterminate"
        if not any_positive and any_indeterminate:
            missing.append("mri_findings")
    if tenderness == "not_examined":
        missing.append("point_tenderness")
    if neuro == "not_documented":
        missing.append("neuro_exam")
    if cement_fill == "not_assessed":
        missing.append("cement_imaging")

    # §4 recommendation: first rule that fires
    if neuro == "new_deficit":
        rule, recommendation = "R1", "urgent_referral"
    elif len(contraindications) > 0:
        rule, recommendation = "R2", "contraindicated"
    elif scenario == "no_current_pain":
        rule, recommendation = "R3", "not_indicated"
    elif scenario == "too_early":
        rule, recommendation = "R4", "reassess_later"
    elif scenario in ("adjacent_level_fracture", "non_adjacent_fracture"):
        rule, recommendation = "R5", "evaluate_new_level"
    elif missing:
        rule, recommendation = "R6", "complete_workup"
    elif edema == "absent" and cleft == "absent" and not fluid:
        rule, recommendation = "R7", "not_indicated"
    elif tenderness == "absent":
        rule, recommendation = "R8", "not_indicated"
    elif scenario in ("persistent_pain", "delayed_recurrence") and weeks < 6:
        rule, recommendation = "R9", "continue_conservative"
    elif scenario == "immediate_failure" and cement_fill == "inadequate":
        rule, recommendation = "R10", "repeat_indicated"
    elif scenario == "immediate_failure":
        rule, recommendation = "R11", "repeat_may_be_considered"
    elif cleft == "present":
        rule, recommendation = "R12", "repeat_indicated"
    else:
        rule, recommendation = "R13", "repeat_may_be_considered"

    if rule != "R6":
        missing = []

    # §5 notes, in id order
    notes = []
    if recommendation in REPEAT:
        notes.append("N1")
        notes.append("N2")
        notes.append("N3")
        if cleft == "present":
            notes.append("N4")
    if cement_fill == "inadequate" or fluid or cleft == "present":
        notes.append("N5")
    if cleft == "present" and cleft_new:
        notes.append("N6")
    if scenario in ("adjacent_level_fracture", "non_adjacent_fracture"):
        notes.append("N7")
    age = case["patient_age"]
    t_score = case.get("bmd_t_score")
    prior = case["prior_vertebral_fractures"]
    if age >= 75 or (t_score is not None and t_score <= -2.5) or prior >= 2:
        notes.append("N8")
    if rule != "R1":
        notes.append("N9")
    if neuro in ("normal", "chronic_stable_deficit") and recommendation in REPEAT:
        notes.append("N10")

    return {
        "scenario": scenario,
        "recommendation": recommendation,
        "rule": rule,
        "missing": missing,
        "notes": notes,
        "days_since_index": days_since_index,
        "days_since_recurrence": days_since_recurrence,
    }
