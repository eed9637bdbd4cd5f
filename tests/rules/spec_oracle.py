"""An independent reading of docs/specification.md §2–§6 (rules version 2026.2), for cross-checking.

Written from the specification alone, in a deliberately plain style (one
if/elif chain per table), so that a mistake in `vertebro_rules.rules` is not
copied here. It takes a case in the JSON form of `evaluate` (dates as ISO
strings, or dates) that has already passed validation, and returns only the
fields the agreement tests compare: ids, references and day counts, not the
sentences.
"""

from datetime import date

RULES_VERSION = "2026.2"
REPEAT = ("repeat_indicated", "repeat_may_be_considered")
FAILURE_SCENARIOS = ("immediate_failure", "persistent_pain", "delayed_recurrence")


def _as_date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _osteoporotic_rule(scenario, cement_fill, cleft):
    """What R10–R13 decide for this case (§4 rows 12–15)."""
    if scenario == "immediate_failure" and (cement_fill == "inadequate" or cleft == "present"):
        return "R10", "repeat_indicated"
    if scenario == "immediate_failure":
        return "R11", "repeat_may_be_considered"
    if cleft == "present":
        return "R12", "repeat_indicated"
    return "R13", "repeat_may_be_considered"


def oracle(case: dict) -> dict:
    index_date = _as_date(case["index_procedure_date"])
    assessment_date = _as_date(case["assessment_date"])
    recurrence_date = _as_date(case.get("recurrence_date"))

    # §2
    days_since_index = (assessment_date - index_date).days
    if recurrence_date is None:
        days_since_recurrence = None
        days_to_recurrence = None
    else:
        days_since_recurrence = (assessment_date - recurrence_date).days
        days_to_recurrence = (recurrence_date - index_date).days

    response = case["initial_response"]
    early_recurrence = response == "relief_then_recurrence" and days_to_recurrence <= 32
    fails_like_no_relief = response == "no_relief" or early_recurrence

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
    etiology = case["fracture_etiology"]
    t_score = case.get("bmd_t_score")
    sign_at_treated_level = edema == "present" or cleft == "present" or fluid

    # §3 scenario: first match wins
    if vas_current == 0:
        scenario = "no_current_pain"
    elif location == "adjacent_level":
        scenario = "adjacent_level_fracture"
    elif location == "non_adjacent_level":
        scenario = "non_adjacent_fracture"
    elif response == "ongoing_relief":
        scenario = "treated_level_relieved"
    elif fails_like_no_relief and days_since_index < 4:
        scenario = "too_early"
    elif fails_like_no_relief and days_since_index <= 32:
        scenario = "immediate_failure"
    elif fails_like_no_relief:
        scenario = "persistent_pain"
    else:
        scenario = "delayed_recurrence"

    # R6 work-up items, in the spec's order
    missing = []
    if not mri:
        missing.append("mri")
    else:
        any_indeterminate = edema == "indeterminate" or cleft == "indeterminate"
        if not sign_at_treated_level and any_indeterminate:
            missing.append("mri_findings")
    if tenderness == "not_examined":
        missing.append("point_tenderness")
    if neuro == "not_documented":
        missing.append("neuro_exam")
    if cement_fill == "not_assessed":
        missing.append("cement_imaging")

    # §4 recommendation: first rule that fires, in the order of the table
    would_apply = None
    if neuro == "new_deficit":
        rule, recommendation, refs = "R1", "urgent_referral", [4]
    elif len(contraindications) > 0:
        rule, recommendation, refs = "R2", "contraindicated", []
    elif scenario in ("no_current_pain", "treated_level_relieved"):
        rule, recommendation, refs = "R3", "not_indicated", [1, 2]
    elif scenario == "too_early":
        rule, recommendation, refs = "R4", "reassess_later", [1]
    elif scenario in ("adjacent_level_fracture", "non_adjacent_fracture"):
        rule, recommendation, refs = "R5", "evaluate_new_level", [5]
    elif missing:
        rule, recommendation, refs = "R6", "complete_workup", [1, 3, 4]
    elif edema == "absent" and cleft == "absent" and not fluid:
        rule, recommendation, refs = "R7", "not_indicated", [2, 3, 4]
    elif tenderness == "absent":
        rule, recommendation, refs = "R8", "not_indicated", [4]
    elif (scenario == "persistent_pain" and weeks < 6) or (
        scenario == "delayed_recurrence" and (weeks < 6 or days_since_recurrence < 42)
    ):
        rule, recommendation, refs = "R9", "continue_conservative", [4]
    elif vas_current <= 3:
        rule, recommendation, refs = "R14", "continue_conservative", [1, 4]
    elif etiology != "osteoporotic":
        rule, recommendation, refs = "R15", "repeat_may_be_considered", [1, 2, 4]
        would_apply = _osteoporotic_rule(scenario, cement_fill, cleft)[0]
    else:
        rule, recommendation = _osteoporotic_rule(scenario, cement_fill, cleft)
        if rule == "R10" or rule == "R11":
            refs = [1, 3]
        elif rule == "R12":
            refs = [2, 3]
        elif cement_fill == "inadequate":
            refs = [2, 3, 4]
        else:
            refs = [2, 4]

    if rule != "R6":
        missing = []

    # §5 notes, in id order, with their references; none when R1 decides
    notes = []
    if rule != "R1":
        if recommendation in REPEAT:
            notes.append(("N1", [1, 2, 3]))
            if scenario == "immediate_failure":
                notes.append(("N2", [1]))
            elif scenario == "delayed_recurrence":
                notes.append(("N2", [2]))
            else:
                notes.append(("N2", [1, 2]))
            notes.append(("N3", [1, 2, 4]))
            if cleft == "present":
                notes.append(("N4", [2]))
        if scenario in FAILURE_SCENARIOS and (
            cement_fill == "inadequate" or fluid or cleft == "present"
        ):
            notes.append(("N5", [3]))
        if cleft == "present" and cleft_new:
            notes.append(("N6", [2]))
        if location in ("adjacent_level", "non_adjacent_level"):
            notes.append(("N7", [5]))
        age = case["patient_age"]
        prior = case["prior_vertebral_fractures"]
        if age >= 75 or (t_score is not None and t_score <= -2.5) or prior >= 2:
            notes.append(("N8", [5, 6]))
        if etiology == "osteoporotic" or (t_score is not None and t_score <= -2.5):
            notes.append(("N9", [4, 7]))
        else:
            notes.append(("N9", [4]))
        if neuro in ("normal", "chronic_stable_deficit") and recommendation in REPEAT:
            notes.append(("N10", [4]))
        if rule == "R5" and sign_at_treated_level:
            notes.append(("N11", [3]))

    cited = set(refs)
    for _, note_refs in notes:
        cited.update(note_refs)

    return {
        "scenario": scenario,
        "recommendation": recommendation,
        "rule": rule,
        "rule_refs": refs,
        "would_apply": would_apply,
        "missing": missing,
        "notes": [note_id for note_id, _ in notes],
        "note_refs": dict(notes),
        "references": sorted(cited),
        "days_since_index": days_since_index,
        "days_since_recurrence": days_since_recurrence,
    }


def conservative_weeks_limit(days_since_recurrence: int) -> int:
    """§1: the most weeks of conservative therapy a recurrence this old allows."""
    return (days_since_recurrence + 6) // 7


def refusals(case: dict) -> set[str]:
    """The fields that the 2026.2 cross-field rules of §1 refuse in a complete case."""
    refused = set()
    location = case.get("active_fracture_location")
    edema = case.get("marrow_edema")
    cleft = case.get("cleft_sign")
    fluid = case.get("fluid_at_cement_interface") is True
    if location == "none_identified":
        if edema == "present":
            refused.add("marrow_edema")
        if cleft == "present":
            refused.add("cleft_sign")
        if fluid:
            refused.add("fluid_at_cement_interface")
    if location == "treated_level" and edema == "absent" and cleft == "absent" and not fluid:
        refused.add("active_fracture_location")
    if case["initial_response"] == "ongoing_relief" and location == "treated_level":
        refused.add("initial_response")
    if case["initial_response"] == "relief_then_recurrence":
        days = (_as_date(case["assessment_date"]) - _as_date(case["recurrence_date"])).days
        if case["conservative_therapy_weeks"] > conservative_weeks_limit(days):
            refused.add("conservative_therapy_weeks")
    return refused
