"""The repeat-vertebroplasty guidance rules (docs/specification.md, rules version 2026.1).

Plain Python: no model, database, request or clock. `evaluate(inputs)` is a
pure function of the inputs; the assessment date is one of them. The tables
below follow the spec's tables in order — scenarios (§3), rules R1–R13 (§4),
work-up items (§4) and notes N1–N10 (§5) — so that the two can be read side
by side.

Readings of the spec where it leaves a choice open (the safer one is taken):
- `fluid_at_cement_interface` left empty counts as false (§1 "false when
  absent").
- N5 names "incomplete filling or cement missing the fracture" for
  `cement_fill` = `inadequate`, since the spec defines `inadequate` as either.
- N8 cut-offs are inclusive (≥ 75 years, T-score ≤ −2.5, ≥ 2 prior
  fractures), as the spec writes them.
- N5, N6, N7 and N8 depend only on their own conditions, not on the
  recommendation: a failure mechanism, a new cleft, a fracture at another
  level or a risk factor is worth knowing even when, say, R1 or R9 decides.
- `cleft_new_since_index` left empty counts as "not known to be new": N6 is
  shown only when it is true.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .guidance import Guidance, Note, Reason
from .inputs import Inputs
from .vocabulary import (
    CementFill,
    Contraindication,
    FractureEtiology,
    FractureLocation,
    InitialResponse,
    NeuroExam,
    Recommendation,
    Scenario,
    Tenderness,
    WorkupItem,
)
from .vocabulary import (
    Finding as F,
)

RULES_VERSION = "2026.1"
DISCLAIMER = "Decision support for clinicians; it does not replace clinical judgement."
HEADLINE_MAX_LENGTH = 140  # the CDS Hooks card summary limit (§6)

# Scenario day boundaries (§3, ref 1: immediate failure is judged on days 4–32).
IMMEDIATE_FAILURE_FIRST_DAY = 4
IMMEDIATE_FAILURE_LAST_DAY = 32
# R9: pain refractory to at least six weeks of conservative therapy (ref 4).
MINIMUM_CONSERVATIVE_WEEKS = 6
# N8 risk-factor thresholds: project conventions; the evidence (refs 5, 6) names
# the factors, not the cut-offs. −2.5 is the WHO osteoporosis threshold.
RISK_AGE_YEARS = 75
RISK_T_SCORE = Decimal("-2.5")
RISK_PRIOR_FRACTURES = 2

REPEAT_RECOMMENDATIONS = frozenset(
    {Recommendation.REPEAT_INDICATED, Recommendation.REPEAT_MAY_BE_CONSIDERED}
)


@dataclass(frozen=True, slots=True)
class Case:
    """The inputs with the values derived from them (§2, §3, R6)."""

    inputs: Inputs
    days_since_index: int
    days_since_recurrence: int | None
    scenario: str
    missing: tuple[str, ...]
    recommendation: str | None = None


# §3 Scenario: checked in order, the first that applies is the scenario.
SCENARIOS: tuple[tuple[str, Callable[[Inputs, int], bool]], ...] = (
    (
        Scenario.NO_CURRENT_PAIN,
        lambda i, days: i.initial_response == InitialResponse.ONGOING_RELIEF or i.vas_current == 0,
    ),
    (
        Scenario.ADJACENT_LEVEL_FRACTURE,
        lambda i, days: i.active_fracture_location == FractureLocation.ADJACENT_LEVEL,
    ),
    (
        Scenario.NON_ADJACENT_FRACTURE,
        lambda i, days: i.active_fracture_location == FractureLocation.NON_ADJACENT_LEVEL,
    ),
    (
        Scenario.TOO_EARLY,
        lambda i, days: (
            i.initial_response == InitialResponse.NO_RELIEF and days < IMMEDIATE_FAILURE_FIRST_DAY
        ),
    ),
    (
        Scenario.IMMEDIATE_FAILURE,
        lambda i, days: (
            i.initial_response == InitialResponse.NO_RELIEF
            and IMMEDIATE_FAILURE_FIRST_DAY <= days <= IMMEDIATE_FAILURE_LAST_DAY
        ),
    ),
    (
        Scenario.PERSISTENT_PAIN,
        lambda i, days: (
            i.initial_response == InitialResponse.NO_RELIEF and days > IMMEDIATE_FAILURE_LAST_DAY
        ),
    ),
    (
        Scenario.DELAYED_RECURRENCE,
        lambda i, days: i.initial_response == InitialResponse.RELIEF_THEN_RECURRENCE,
    ),
)


def activity_signs(inputs: Inputs) -> list[str]:
    """Signs of fracture activity at the treated level that are positive (§1)."""
    signs = []
    if inputs.marrow_edema == F.PRESENT:
        signs.append("marrow edema")
    if inputs.cleft_sign == F.PRESENT:
        signs.append("an intravertebral cleft")
    if inputs.fluid_at_cement_interface:
        signs.append("fluid at the bone–cement interface")
    return signs


def _mri_findings_unclear(i: Inputs) -> bool:
    return (
        i.mri_performed
        and not activity_signs(i)
        and F.INDETERMINATE in (i.marrow_edema, i.cleft_sign)
    )


# §4 Work-up items for R6, in the spec's order.
WORKUP_ITEMS: tuple[tuple[str, Callable[[Inputs], bool]], ...] = (
    (WorkupItem.MRI, lambda i: not i.mri_performed),
    (WorkupItem.MRI_FINDINGS, _mri_findings_unclear),
    (WorkupItem.POINT_TENDERNESS, lambda i: i.point_tenderness == Tenderness.NOT_EXAMINED),
    (WorkupItem.NEURO_EXAM, lambda i: i.neuro_exam == NeuroExam.NOT_DOCUMENTED),
    (WorkupItem.CEMENT_IMAGING, lambda i: i.cement_fill == CementFill.NOT_ASSESSED),
)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _contraindication_names(case: Case) -> str:
    return _join([Contraindication(c).label.lower() for c in case.inputs.contraindications])


def _in_sentence(label: str) -> str:
    """A label as it reads mid-sentence: first letter lower-cased, unless it starts an acronym."""
    first_word = label.split(" ", 1)[0]
    return label if first_word.isupper() else label[0].lower() + label[1:]


def _workup_names(case: Case) -> str:
    return _join([_in_sentence(WorkupItem(item).label) for item in case.missing])


def _level_sentence(case: Case) -> str:
    return f"day {case.days_since_index} after the index procedure at {case.inputs.treated_level}"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    recommendation: str
    refs: tuple[int, ...]
    when: Callable[[Case], bool]
    reason: Callable[[Case], str]


# §4 Recommendation: rules tried in order; the first that fires decides.
RULES: tuple[Rule, ...] = (
    Rule(
        id="R1",
        recommendation=Recommendation.URGENT_REFERRAL,
        refs=(4,),
        when=lambda c: c.inputs.neuro_exam == NeuroExam.NEW_DEFICIT,
        reason=lambda c: (
            "A new neurological deficit needs urgent evaluation; "
            "this is outside the scope of this guidance."
        ),
    ),
    Rule(
        id="R2",
        recommendation=Recommendation.CONTRAINDICATED,
        refs=(4,),
        when=lambda c: bool(c.inputs.contraindications),
        reason=lambda c: f"Repeat vertebroplasty is contraindicated: {_contraindication_names(c)}.",
    ),
    Rule(
        id="R3",
        recommendation=Recommendation.NOT_INDICATED,
        refs=(1, 2),
        when=lambda c: c.scenario == Scenario.NO_CURRENT_PAIN,
        reason=lambda c: (
            f"No current pain at the treated level {c.inputs.treated_level} "
            f"(current VAS {c.inputs.vas_current}/10): there is nothing to treat."
        ),
    ),
    Rule(
        id="R4",
        recommendation=Recommendation.REASSESS_LATER,
        refs=(1,),
        when=lambda c: c.scenario == Scenario.TOO_EARLY,
        reason=lambda c: (
            f"It is {_level_sentence(c)}: too early to call it a failure. Reassess from "
            f"day {IMMEDIATE_FAILURE_FIRST_DAY} after the index procedure."
        ),
    ),
    Rule(
        id="R5",
        recommendation=Recommendation.EVALUATE_NEW_LEVEL,
        refs=(5,),
        when=lambda c: (
            c.scenario in (Scenario.ADJACENT_LEVEL_FRACTURE, Scenario.NON_ADJACENT_FRACTURE)
        ),
        reason=lambda c: (
            "MRI shows the active fracture at "
            + (
                "an adjacent"
                if c.scenario == Scenario.ADJACENT_LEVEL_FRACTURE
                else "a non-adjacent"
            )
            + f" level: a new fracture at another level, not a recurrence at {c.inputs.treated_level}. "
            "Evaluate the new level on its own merits."
        ),
    ),
    Rule(
        id="R6",
        recommendation=Recommendation.COMPLETE_WORKUP,
        refs=(1, 3, 4),
        when=lambda c: bool(c.missing),
        reason=lambda c: (
            f"The work-up is incomplete; before deciding on a repeat procedure at "
            f"{c.inputs.treated_level}, obtain: {_workup_names(c)}."
        ),
    ),
    Rule(
        id="R7",
        recommendation=Recommendation.NOT_INDICATED,
        refs=(2, 3, 4),
        when=lambda c: (
            c.inputs.marrow_edema == F.ABSENT
            and c.inputs.cleft_sign == F.ABSENT
            and not c.inputs.fluid_at_cement_interface
        ),
        reason=lambda c: (
            f"MRI shows no sign of fracture activity at {c.inputs.treated_level} (no marrow edema, "
            "no cleft, no fluid at the bone–cement interface); look for another pain generator."
        ),
    ),
    Rule(
        id="R8",
        recommendation=Recommendation.NOT_INDICATED,
        refs=(4,),
        when=lambda c: c.inputs.point_tenderness == Tenderness.ABSENT,
        reason=lambda c: (
            f"There is no point tenderness at the spinous process of {c.inputs.treated_level}; "
            "point tenderness at the treated level is a selection criterion."
        ),
    ),
    Rule(
        id="R9",
        recommendation=Recommendation.CONTINUE_CONSERVATIVE,
        refs=(4,),
        when=lambda c: (
            c.scenario in (Scenario.PERSISTENT_PAIN, Scenario.DELAYED_RECURRENCE)
            and c.inputs.conservative_therapy_weeks < MINIMUM_CONSERVATIVE_WEEKS
        ),
        reason=lambda c: (
            f"Only {_plural(c.inputs.conservative_therapy_weeks, 'week')} of conservative therapy "
            f"so far: pain must be refractory to at least {MINIMUM_CONSERVATIVE_WEEKS} weeks of "
            "conservative therapy unless immediate failure is evident."
        ),
    ),
    Rule(
        id="R10",
        recommendation=Recommendation.REPEAT_INDICATED,
        refs=(1, 3),
        when=lambda c: (
            c.scenario == Scenario.IMMEDIATE_FAILURE
            and c.inputs.cement_fill == CementFill.INADEQUATE
        ),
        reason=lambda c: (
            f"Immediate failure ({_level_sentence(c)}, within days "
            f"{IMMEDIATE_FAILURE_FIRST_DAY}–{IMMEDIATE_FAILURE_LAST_DAY}) with inadequate cement "
            "fill, the usual technical cause of unrelieved pain: repeat vertebroplasty is indicated."
        ),
    ),
    Rule(
        id="R11",
        recommendation=Recommendation.REPEAT_MAY_BE_CONSIDERED,
        refs=(1, 3),
        when=lambda c: c.scenario == Scenario.IMMEDIATE_FAILURE,
        reason=lambda c: (
            f"Immediate failure ({_level_sentence(c)}) although the cement fill is adequate: "
            "inadequate filling is the usual cause of immediate failure, so confirm the pain "
            "generator before repeating."
        ),
    ),
    Rule(
        id="R12",
        recommendation=Recommendation.REPEAT_INDICATED,
        refs=(2, 3),
        when=lambda c: c.inputs.cleft_sign == F.PRESENT,
        reason=lambda c: (
            f"MRI shows an intravertebral cleft at {c.inputs.treated_level}, the strongest "
            "predictor of benefit from a repeat procedure: repeat vertebroplasty is indicated."
        ),
    ),
    Rule(
        id="R13",
        recommendation=Recommendation.REPEAT_MAY_BE_CONSIDERED,
        refs=(2, 4),
        when=lambda c: True,
        reason=lambda c: (
            f"MRI shows fracture activity at {c.inputs.treated_level} "
            f"({_join(activity_signs(c.inputs))}) without a cleft; published benefit was in "
            "patients with clefts."
        ),
    ),
)

HEADLINES = {
    Recommendation.URGENT_REFERRAL: "Urgent referral for a new neurological deficit; "
    "repeat vertebroplasty at {level} is outside this guidance.",
    Recommendation.CONTRAINDICATED: "Repeat vertebroplasty at {level} is contraindicated.",
    Recommendation.NOT_INDICATED: "Repeat vertebroplasty at {level} is not indicated.",
    Recommendation.REASSESS_LATER: "Too early to judge the vertebroplasty at {level}; "
    "reassess from day 4.",
    Recommendation.EVALUATE_NEW_LEVEL: "Evaluate the new fracture at another level; "
    "repeat vertebroplasty at {level} is not indicated for it.",
    Recommendation.COMPLETE_WORKUP: "Complete the work-up before deciding on repeat "
    "vertebroplasty at {level}.",
    Recommendation.CONTINUE_CONSERVATIVE: "Continue conservative therapy before repeat "
    "vertebroplasty at {level}.",
    Recommendation.REPEAT_INDICATED: "Repeat vertebroplasty is indicated at {level}.",
    Recommendation.REPEAT_MAY_BE_CONSIDERED: "Repeat vertebroplasty may be considered at {level}.",
}


def _is_repeat(c: Case) -> bool:
    return c.recommendation in REPEAT_RECOMMENDATIONS


def _n1_text(c: Case) -> str:
    index_volume = (
        f"The index procedure used {c.inputs.index_cement_volume_ml} mL. "
        if c.inputs.index_cement_volume_ml is not None
        else "The index cement volume was not recorded. "
    )
    return (
        "Plan for a larger cement volume than at the index procedure: mean 6.8 mL at repeat vs "
        "4.2 mL initially; 4.0–6.8 mL per vertebra in published series. "
        + index_volume
        + "Aim the cement at the cleft or the unfilled fracture zone."
    )


def _n3_text(c: Case) -> str:
    text = (
        "Safety: asymptomatic cement leakage is seen in 13–22% on imaging and is clinically "
        "insignificant; major complications occur in less than 1% of osteoporotic fractures."
    )
    if c.inputs.fracture_etiology != FractureEtiology.OSTEOPOROTIC:
        etiology = FractureEtiology(c.inputs.fracture_etiology).label.lower()
        text += (
            " That figure is for osteoporotic fractures; this fracture is not osteoporotic "
            f"(etiology: {etiology})."
        )
    return text


def failure_mechanisms(inputs: Inputs) -> list[str]:
    """Failure mechanisms shown by the inputs (N5, ref 3)."""
    mechanisms = []
    if inputs.cement_fill == CementFill.INADEQUATE:
        mechanisms.append("incomplete filling or cement missing the fracture")
    if inputs.fluid_at_cement_interface:
        mechanisms.append("fluid at the bone–cement interface (progressive fracture)")
    if inputs.cleft_sign == F.PRESENT:
        mechanisms.append("a persistent intravertebral cleft")
    return mechanisms


def risk_factors(inputs: Inputs) -> list[str]:
    """Risk factors for further fractures present in the inputs (N8, refs 5, 6)."""
    factors = []
    if inputs.patient_age >= RISK_AGE_YEARS:
        factors.append(f"age {inputs.patient_age} (≥ {RISK_AGE_YEARS})")
    if inputs.bmd_t_score is not None and inputs.bmd_t_score <= RISK_T_SCORE:
        factors.append(f"T-score {inputs.bmd_t_score} (≤ {RISK_T_SCORE})")
    if inputs.prior_vertebral_fractures >= RISK_PRIOR_FRACTURES:
        factors.append(
            f"{inputs.prior_vertebral_fractures} prior vertebral fractures (≥ {RISK_PRIOR_FRACTURES})"
        )
    return factors


@dataclass(frozen=True, slots=True)
class NoteRule:
    id: str
    refs: tuple[int, ...]
    when: Callable[[Case], bool]
    text: Callable[[Case], str]


# §5 Notes: every note whose condition holds, in id order.
NOTES: tuple[NoteRule, ...] = (
    NoteRule(id="N1", refs=(1, 2, 3), when=_is_repeat, text=_n1_text),
    NoteRule(
        id="N2",
        refs=(1, 2),
        when=_is_repeat,
        text=lambda c: (
            "Expected outcome, from small case series: complete or partial relief in all "
            "appropriately selected patients; mean VAS fall of 6.93 points (8.6 → 1.67) in the "
            "first month, and a mean of 2.8 at 3 months."
        ),
    ),
    NoteRule(id="N3", refs=(1, 4), when=_is_repeat, text=_n3_text),
    NoteRule(
        id="N4",
        refs=(2,),
        when=lambda c: _is_repeat(c) and c.inputs.cleft_sign == F.PRESENT,
        text=lambda c: (
            "Success correlates with disappearance of the cleft on post-procedure imaging."
        ),
    ),
    NoteRule(
        id="N5",
        refs=(3,),
        when=lambda c: bool(failure_mechanisms(c.inputs)),
        text=lambda c: f"Failure mechanism shown: {_join(failure_mechanisms(c.inputs))}.",
    ),
    NoteRule(
        id="N6",
        refs=(2,),
        when=lambda c: c.inputs.cleft_sign == F.PRESENT and c.inputs.cleft_new_since_index is True,
        text=lambda c: (
            "The cleft was absent on pre-index imaging: clefts can appear after the index "
            "procedure, and every patient with recurrent pain showed a cleft before the repeat "
            "procedure."
        ),
    ),
    NoteRule(
        id="N7",
        refs=(5,),
        when=lambda c: (
            c.scenario in (Scenario.ADJACENT_LEVEL_FRACTURE, Scenario.NON_ADJACENT_FRACTURE)
        ),
        text=lambda c: (
            "58.8–63.8% of new fractures after vertebroplasty are at adjacent levels, and "
            "adjacent fractures come sooner (mean 72 vs 287 days); this one is seen "
            f"{_plural(c.days_since_index, 'day')} after the index procedure."
        ),
    ),
    NoteRule(
        id="N8",
        refs=(5, 6),
        when=lambda c: bool(risk_factors(c.inputs)),
        text=lambda c: (
            f"Raised risk of further fractures: {_join(risk_factors(c.inputs))}. Baseline: "
            "7.8% have a new symptomatic fracture within a year (92.2% fracture-free)."
        ),
    ),
    NoteRule(
        id="N9",
        refs=(4, 7),
        when=lambda c: c.recommendation != Recommendation.URGENT_REFERRAL,
        text=lambda c: (
            "Counsel the patient to report any sudden increase in back pain or new back pain, "
            "which may signal a new fracture. Prevent further fractures (bisphosphonates, "
            "calcium, vitamin D), particularly after a repeat procedure. Follow up pain, "
            "mobility and analgesic use."
        ),
    ),
    NoteRule(
        id="N10",
        refs=(4,),
        when=lambda c: (
            _is_repeat(c)
            and c.inputs.neuro_exam in (NeuroExam.NORMAL, NeuroExam.CHRONIC_STABLE_DEFICIT)
        ),
        text=lambda c: (
            "Record the baseline neurological examination "
            f"({NeuroExam(c.inputs.neuro_exam).label.lower()}) for rapid comparison after the procedure."
        ),
    ),
)


def scenario_for(inputs: Inputs, days_since_index: int) -> str:
    for scenario, applies in SCENARIOS:
        if applies(inputs, days_since_index):
            return scenario
    # Unreachable for valid inputs: initial_response is one of the three values.
    raise ValueError(f"no scenario applies to initial_response={inputs.initial_response!r}")


def evaluate(inputs: Inputs) -> Guidance:
    """Run the rules on validated inputs and return the guidance (§2–§6)."""
    days_since_index = (inputs.assessment_date - inputs.index_procedure_date).days
    days_since_recurrence = (
        (inputs.assessment_date - inputs.recurrence_date).days
        if inputs.recurrence_date is not None
        else None
    )
    case = Case(
        inputs=inputs,
        days_since_index=days_since_index,
        days_since_recurrence=days_since_recurrence,
        scenario=scenario_for(inputs, days_since_index),
        missing=tuple(item for item, missing in WORKUP_ITEMS if missing(inputs)),
    )
    rule = next(rule for rule in RULES if rule.when(case))
    # `missing` is empty unless R6 fired (§4).
    decided = Case(
        inputs=inputs,
        days_since_index=days_since_index,
        days_since_recurrence=days_since_recurrence,
        scenario=case.scenario,
        missing=case.missing if rule.id == "R6" else (),
        recommendation=rule.recommendation,
    )
    return Guidance(
        rules_version=RULES_VERSION,
        scenario=str(decided.scenario),
        recommendation=str(rule.recommendation),
        headline=HEADLINES[rule.recommendation].format(level=inputs.treated_level),
        reasons=(Reason(rule=rule.id, text=rule.reason(case), refs=rule.refs),),
        missing=tuple(str(item) for item in decided.missing),
        notes=tuple(
            Note(id=note.id, text=note.text(decided), refs=note.refs)
            for note in NOTES
            if note.when(decided)
        ),
        days_since_index=days_since_index,
        days_since_recurrence=days_since_recurrence,
        disclaimer=DISCLAIMER,
    )
