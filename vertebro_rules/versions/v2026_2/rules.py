"""The repeat-vertebroplasty guidance rules (docs/specification.md, rules version 2026.2).

Plain Python: no model, database, request or clock. `evaluate(inputs)` is a
pure function of the inputs; the assessment date is one of them. The tables
below follow the spec's tables in order — scenarios (§3), rules R1–R15 in the
order of §4 (R14 and R15 before R10), work-up items (§4) and notes N1–N11
(§5) — so that the two can be read side by side.

Readings of the spec where it leaves a choice open (the safer one is taken):
- `fluid_at_cement_interface` left empty counts as false (§1 "false when
  absent").
- N5 names "incomplete filling or cement missing the fracture" for
  `cement_fill` = `inadequate`, since the spec defines `inadequate` as either.
- N8 cut-offs are inclusive (≥ 75 years, T-score ≤ −2.5, ≥ 2 prior
  fractures), as the spec writes them.
- `cleft_new_since_index` left empty counts as "not known to be new": N6 is
  shown only when it is true, and a cleft is called "persistent" (§4).
- R9 for `persistent_pain` reads the weeks only, also after an early
  recurrence (§4 counts those weeks "since the fracture"; the 42 days apply to
  `delayed_recurrence`).
- R11 and R13 say "no definite cleft" when the cleft reading is
  indeterminate (R6 does not stop such a case when another sign is positive),
  never "no cleft".
- R15 carries the sentence of the first of R10–R13 that fires for the same
  inputs, word for word, after "For an osteoporotic fracture, R1x would
  apply:"; the recommendation stays "may be considered".
- N2's "adequate fill and no cleft" addition reads `cement_fill` =
  `adequate` and `cleft_sign` ≠ `present`.
- N7 follows the new-level location whatever the scenario (also with no
  current pain), but, like every note, not when R1 decides.
- N1 and N2 add that their figures come from osteoporotic fractures when the
  fracture is not osteoporotic; N3 says the same of the < 1% figure.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ...dates import in_words
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

RULES_VERSION = "2026.2"
DISCLAIMER = "Decision support for clinicians; it does not replace clinical judgement."
HEADLINE_MAX_LENGTH = 140  # the CDS Hooks card summary limit (§6)

# Scenario day boundaries (§3, ref 1: immediate failure is judged on days 4–32).
IMMEDIATE_FAILURE_FIRST_DAY = 4
IMMEDIATE_FAILURE_LAST_DAY = 32
# §2 early recurrence: pain back within the window in which ref 1 judges immediate failure
# is a failure of the index procedure (project convention).
EARLY_RECURRENCE_LAST_DAY = IMMEDIATE_FAILURE_LAST_DAY
# R9: pain refractory to at least six weeks of conservative therapy (ref 4); for a
# recurrence, six weeks since the pain returned: 42 days (project convention).
MINIMUM_CONSERVATIVE_WEEKS = 6
MINIMUM_DAYS_SINCE_RECURRENCE = 7 * MINIMUM_CONSERVATIVE_WEEKS
# R14: mild pain, VAS ≤ 3 (project convention: the usual upper bound of mild pain; the
# unrelieved-pain series, ref 1, treated a mean VAS of 8.6).
MILD_PAIN_MAX_VAS = 3
# N8 risk-factor thresholds: project conventions; the evidence (refs 5, 6) names
# the factors, not the cut-offs. −2.5 is the WHO osteoporosis threshold (also N9).
RISK_AGE_YEARS = 75
RISK_T_SCORE = Decimal("-2.5")
RISK_PRIOR_FRACTURES = 2

REPEAT_RECOMMENDATIONS = frozenset(
    {Recommendation.REPEAT_INDICATED, Recommendation.REPEAT_MAY_BE_CONSIDERED}
)
NEW_LEVEL_SCENARIOS = frozenset({Scenario.ADJACENT_LEVEL_FRACTURE, Scenario.NON_ADJACENT_FRACTURE})
FAILURE_SCENARIOS = frozenset(
    {Scenario.IMMEDIATE_FAILURE, Scenario.PERSISTENT_PAIN, Scenario.DELAYED_RECURRENCE}
)


@dataclass(frozen=True, slots=True)
class Case:
    """The inputs with the values derived from them (§2, §3, R6), and, once decided, the
    recommendation and the deciding rule."""

    inputs: Inputs
    days_since_index: int
    days_since_recurrence: int | None
    days_to_recurrence: int | None
    scenario: str
    missing: tuple[str, ...]
    recommendation: str | None = None
    rule: str | None = None


def _early_recurrence(i: Inputs, days_to_recurrence: int | None) -> bool:
    """§2: the pain came back within 32 days of the index procedure (project convention)."""
    return (
        i.initial_response == InitialResponse.RELIEF_THEN_RECURRENCE
        and days_to_recurrence is not None
        and days_to_recurrence <= EARLY_RECURRENCE_LAST_DAY
    )


def _fails_like_no_relief(i: Inputs, days_to_recurrence: int | None) -> bool:
    """§3: no relief, or an early recurrence: the index procedure failed."""
    return i.initial_response == InitialResponse.NO_RELIEF or _early_recurrence(
        i, days_to_recurrence
    )


# §3 Scenario: checked in order, the first that applies is the scenario. Each condition
# reads the inputs, the days since the index procedure and the days to the recurrence.
SCENARIOS: tuple[tuple[str, Callable[[Inputs, int, int | None], bool]], ...] = (
    (Scenario.NO_CURRENT_PAIN, lambda i, days, to: i.vas_current == 0),
    (
        Scenario.ADJACENT_LEVEL_FRACTURE,
        lambda i, days, to: i.active_fracture_location == FractureLocation.ADJACENT_LEVEL,
    ),
    (
        Scenario.NON_ADJACENT_FRACTURE,
        lambda i, days, to: i.active_fracture_location == FractureLocation.NON_ADJACENT_LEVEL,
    ),
    (
        Scenario.TREATED_LEVEL_RELIEVED,
        lambda i, days, to: i.initial_response == InitialResponse.ONGOING_RELIEF,
    ),
    (
        Scenario.TOO_EARLY,
        lambda i, days, to: _fails_like_no_relief(i, to) and days < IMMEDIATE_FAILURE_FIRST_DAY,
    ),
    (
        Scenario.IMMEDIATE_FAILURE,
        lambda i, days, to: (
            _fails_like_no_relief(i, to)
            and IMMEDIATE_FAILURE_FIRST_DAY <= days <= IMMEDIATE_FAILURE_LAST_DAY
        ),
    ),
    (
        Scenario.PERSISTENT_PAIN,
        lambda i, days, to: _fails_like_no_relief(i, to) and days > IMMEDIATE_FAILURE_LAST_DAY,
    ),
    (
        Scenario.DELAYED_RECURRENCE,
        lambda i, days, to: i.initial_response == InitialResponse.RELIEF_THEN_RECURRENCE,
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


def in_sentence(label: str) -> str:
    """A label as it reads mid-sentence: first letter lower-cased, unless its first word is
    an acronym ("MRI of the spine", "CT or radiographs…" keep theirs; "A definite reading"
    becomes "a definite reading")."""
    first_word = label.split(" ", 1)[0]
    is_acronym = len(first_word) > 1 and first_word.isupper()
    return label if is_acronym else label[0].lower() + label[1:]


def _contraindication_names(case: Case) -> list[str]:
    return [in_sentence(Contraindication(c).label) for c in case.inputs.contraindications]


def _workup_names(case: Case) -> str:
    return _join([in_sentence(WorkupItem(item).label) for item in case.missing])


def _etiology_words(etiology: str) -> str:
    """The fracture named by its etiology: "neoplastic fracture", "fracture of other etiology"."""
    if etiology == FractureEtiology.OTHER:
        return "fracture of other etiology"
    return f"{FractureEtiology(etiology).label.lower()} fracture"


def _cleft_words(case: Case) -> str:
    """§4: a cleft is "new" when `cleft_new_since_index` is true, "persistent" otherwise."""
    return "new" if case.inputs.cleft_new_since_index is True else "persistent"


def _failure_timeline(case: Case) -> str:
    """When the index procedure failed: no relief, or pain back early (§2), and today's day."""
    if case.inputs.initial_response == InitialResponse.NO_RELIEF:
        return (
            f"no relief by day {case.days_since_index} after the index procedure "
            f"at {case.inputs.treated_level}"
        )
    return (
        f"pain back on day {case.days_to_recurrence} after the index procedure at "
        f"{case.inputs.treated_level} and seen on day {case.days_since_index}"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One row of §4: when it fires, its recommendation, its reason, references and headline."""

    id: str
    recommendation: str
    refs: Callable[[Case], tuple[int, ...]]
    when: Callable[[Case], bool]
    reason: Callable[[Case], str]
    headline: Callable[[Case], str]


def _refs(*numbers: int) -> Callable[[Case], tuple[int, ...]]:
    """References that do not depend on the case."""
    return lambda c: numbers


def _r2_reason(c: Case) -> str:
    return (
        f"Repeat vertebroplasty at {c.inputs.treated_level} is contraindicated: "
        f"{_join(_contraindication_names(c))}. These are the usual contraindications of "
        "vertebral augmentation, listed here as a project convention; the source evidence "
        "does not list contraindications."
    )


def _r2_headline(c: Case) -> str:
    named = (
        f"Repeat vertebroplasty at {c.inputs.treated_level} is contraindicated: "
        f"{_join(_contraindication_names(c))}."
    )
    if len(named) <= HEADLINE_MAX_LENGTH:
        return named
    count = _plural(len(c.inputs.contraindications), "contraindication")
    return f"Repeat vertebroplasty at {c.inputs.treated_level} is contraindicated ({count})."


def _r3_reason(c: Case) -> str:
    if c.scenario == Scenario.NO_CURRENT_PAIN:
        return (
            f"No current pain (VAS 0/10) at the treated level {c.inputs.treated_level}: there is "
            "no pain for a repeat procedure to treat."
        )
    return (
        f"The index procedure still gives relief at the treated level {c.inputs.treated_level}, "
        f"so the current pain (VAS {c.inputs.vas_current}/10) is not a failure of that level; "
        "another pain generator is the likelier source."
    )


def _r3_headline(c: Case) -> str:
    if c.scenario == Scenario.NO_CURRENT_PAIN:
        return (
            f"Repeat vertebroplasty at {c.inputs.treated_level} is not indicated: no current pain."
        )
    return (
        f"Repeat vertebroplasty at {c.inputs.treated_level} is not indicated: the level is still "
        "relieved and the current pain likely has another source."
    )


def _new_level_words(c: Case) -> str:
    return (
        "an adjacent level"
        if c.scenario == Scenario.ADJACENT_LEVEL_FRACTURE
        else "a non-adjacent level"
    )


def _r5_reason(c: Case) -> str:
    signs = activity_signs(c.inputs)
    text = (
        f"MRI shows the active fracture at {_new_level_words(c)}: a new fracture at another level"
    )
    if signs:
        text += f", and the treated level {c.inputs.treated_level} also shows activity ({_join(signs)})."
    else:
        text += f", not a same-level recurrence at {c.inputs.treated_level}."
    return text + " The new level is evaluated first, on its own merits."


def _r9_applies(c: Case) -> bool:
    """R9: fewer than 6 weeks of therapy (since the fracture for persistent pain, since the
    pain returned for a recurrence), or a recurrence less than 42 days old."""
    weeks_short = c.inputs.conservative_therapy_weeks < MINIMUM_CONSERVATIVE_WEEKS
    if c.scenario == Scenario.PERSISTENT_PAIN:
        return weeks_short
    if c.scenario == Scenario.DELAYED_RECURRENCE:
        return weeks_short or c.days_since_recurrence < MINIMUM_DAYS_SINCE_RECURRENCE
    return False


def _r9_reason(c: Case) -> str:
    weeks = _plural(c.inputs.conservative_therapy_weeks, "week")
    selection = (
        f"selection requires pain refractory to at least {MINIMUM_CONSERVATIVE_WEEKS} weeks of "
        "conservative therapy"
    )
    if c.scenario == Scenario.PERSISTENT_PAIN:
        return f"{weeks} of conservative therapy since the fracture so far: {selection}."
    since = f"{weeks} of conservative therapy since the pain returned"
    if c.days_since_recurrence < MINIMUM_DAYS_SINCE_RECURRENCE:
        since += (
            f" {_plural(c.days_since_recurrence, 'day')} ago "
            f"(on {in_words(c.inputs.recurrence_date)})"
        )
    return (
        f"{since}: {selection}, counted for a recurrence since the pain returned "
        f"(at least {MINIMUM_DAYS_SINCE_RECURRENCE} days)."
    )


def _r9_headline(c: Case) -> str:
    if c.scenario == Scenario.DELAYED_RECURRENCE and (
        c.days_since_recurrence < MINIMUM_DAYS_SINCE_RECURRENCE
        and c.inputs.conservative_therapy_weeks >= MINIMUM_CONSERVATIVE_WEEKS
    ):
        why = f"the pain returned only {_plural(c.days_since_recurrence, 'day')} ago"
    else:
        why = f"only {_plural(c.inputs.conservative_therapy_weeks, 'week')} of therapy so far"
    return (
        f"Continue conservative therapy before any repeat vertebroplasty at {c.inputs.treated_level}: "
        f"{why}."
    )


def _r10_reason(c: Case) -> str:
    causes = []
    if c.inputs.cement_fill == CementFill.INADEQUATE:
        causes.append("inadequate cement fill (the usual technical cause of unrelieved pain)")
    if c.inputs.cleft_sign == F.PRESENT:
        causes.append(
            f"a {_cleft_words(c)} intravertebral cleft (persistent or worsened clefts indicate "
            "inadequate initial treatment)"
        )
    return (
        f"Immediate failure of the index procedure ({_failure_timeline(c)}, within days "
        f"{IMMEDIATE_FAILURE_FIRST_DAY}–{IMMEDIATE_FAILURE_LAST_DAY}) with {_join(causes)}: "
        "repeat vertebroplasty is indicated."
    )


def _r11_reason(c: Case) -> str:
    cleft = "no cleft" if c.inputs.cleft_sign == F.ABSENT else "no definite cleft"
    return (
        f"Immediate failure of the index procedure ({_failure_timeline(c)}) with an adequate "
        f"cement fill and {cleft}: inadequate filling is the usual cause of immediate failure, "
        "so the pain generator needs confirming before a repeat procedure."
    )


def _r12_reason(c: Case) -> str:
    return (
        f"MRI shows an intravertebral cleft at {c.inputs.treated_level}, the strongest predictor of "
        "benefit from a repeat procedure: repeat vertebroplasty is indicated."
    )


def _r13_reason(c: Case) -> str:
    cleft = "without a cleft" if c.inputs.cleft_sign == F.ABSENT else "without a definite cleft"
    text = (
        f"MRI shows fracture activity at {c.inputs.treated_level} ({_join(activity_signs(c.inputs))}) "
        f"{cleft}; published benefit was in patients with clefts."
    )
    if c.inputs.cement_fill == CementFill.INADEQUATE:
        text += (
            " The index cement fill is inadequate: incomplete filling is the most common "
            "technical cause of persistent pain, but the repeat series studied unrelieved "
            f"pain only to day {IMMEDIATE_FAILURE_LAST_DAY} and recurrent pain with clefts."
        )
    return text


def _r13_refs(c: Case) -> tuple[int, ...]:
    return (2, 3, 4) if c.inputs.cement_fill == CementFill.INADEQUATE else (2, 4)


# R10–R13: what the rules say for an osteoporotic fracture (R15 carries it for the others).
OSTEOPOROTIC_RULES: tuple[Rule, ...] = (
    Rule(
        id="R10",
        recommendation=Recommendation.REPEAT_INDICATED,
        refs=_refs(1, 3),
        when=lambda c: (
            c.scenario == Scenario.IMMEDIATE_FAILURE
            and (c.inputs.cement_fill == CementFill.INADEQUATE or c.inputs.cleft_sign == F.PRESENT)
        ),
        reason=_r10_reason,
        headline=lambda c: f"Repeat vertebroplasty is indicated at {c.inputs.treated_level}.",
    ),
    Rule(
        id="R11",
        recommendation=Recommendation.REPEAT_MAY_BE_CONSIDERED,
        refs=_refs(1, 3),
        when=lambda c: c.scenario == Scenario.IMMEDIATE_FAILURE,
        reason=_r11_reason,
        headline=lambda c: f"Repeat vertebroplasty may be considered at {c.inputs.treated_level}.",
    ),
    Rule(
        id="R12",
        recommendation=Recommendation.REPEAT_INDICATED,
        refs=_refs(2, 3),
        when=lambda c: c.inputs.cleft_sign == F.PRESENT,
        reason=_r12_reason,
        headline=lambda c: f"Repeat vertebroplasty is indicated at {c.inputs.treated_level}.",
    ),
    Rule(
        id="R13",
        recommendation=Recommendation.REPEAT_MAY_BE_CONSIDERED,
        refs=_r13_refs,
        when=lambda c: True,
        reason=_r13_reason,
        headline=lambda c: f"Repeat vertebroplasty may be considered at {c.inputs.treated_level}.",
    ),
)


def osteoporotic_rule(case: Case) -> Rule:
    """The first of R10–R13 that fires for this case."""
    return next(rule for rule in OSTEOPOROTIC_RULES if rule.when(case))


def _r15_reason(c: Case) -> str:
    rule = osteoporotic_rule(c)
    return (
        "The evidence on repeat vertebroplasty comes from osteoporotic compression fractures; "
        f"for a {_etiology_words(c.inputs.fracture_etiology)} at {c.inputs.treated_level} it applies only "
        "by extension, and the decision is one for the treating team. "
        f"For an osteoporotic fracture, {rule.id} would apply: {rule.reason(c)}"
    )


def _r15_headline(c: Case) -> str:
    return (
        f"Repeat vertebroplasty may be considered at {c.inputs.treated_level} "
        f"({_etiology_words(c.inputs.fracture_etiology)}: decide with the treating team)."
    )


# §4 Recommendation: rules tried in the order of the table (R14 and R15 stand before R10);
# the first that fires decides.
RULES: tuple[Rule, ...] = (
    Rule(
        id="R1",
        recommendation=Recommendation.URGENT_REFERRAL,
        refs=_refs(4),
        when=lambda c: c.inputs.neuro_exam == NeuroExam.NEW_DEFICIT,
        reason=lambda c: (
            "A new neurological deficit calls for urgent evaluation; this is outside the "
            "scope of this guidance."
        ),
        headline=lambda c: (
            "Urgent referral for a new neurological deficit; repeat vertebroplasty at "
            f"{c.inputs.treated_level} is outside this guidance."
        ),
    ),
    Rule(
        id="R2",
        recommendation=Recommendation.CONTRAINDICATED,
        refs=_refs(),  # the source summary lists no contraindications (project convention)
        when=lambda c: bool(c.inputs.contraindications),
        reason=_r2_reason,
        headline=_r2_headline,
    ),
    Rule(
        id="R3",
        recommendation=Recommendation.NOT_INDICATED,
        refs=_refs(1, 2),
        when=lambda c: c.scenario in (Scenario.NO_CURRENT_PAIN, Scenario.TREATED_LEVEL_RELIEVED),
        reason=_r3_reason,
        headline=_r3_headline,
    ),
    Rule(
        id="R4",
        recommendation=Recommendation.REASSESS_LATER,
        refs=_refs(1),
        when=lambda c: c.scenario == Scenario.TOO_EARLY,
        reason=lambda c: (
            f"It is day {c.days_since_index} after the index procedure at {c.inputs.treated_level}: "
            "too early to call it a failure; the result can be judged from day "
            f"{IMMEDIATE_FAILURE_FIRST_DAY} after the index procedure."
        ),
        headline=lambda c: (
            f"Too early to judge the vertebroplasty at {c.inputs.treated_level}: reassess from day "
            f"{IMMEDIATE_FAILURE_FIRST_DAY} after the index procedure."
        ),
    ),
    Rule(
        id="R5",
        recommendation=Recommendation.EVALUATE_NEW_LEVEL,
        refs=_refs(5),
        when=lambda c: c.scenario in NEW_LEVEL_SCENARIOS,
        reason=_r5_reason,
        headline=lambda c: (
            f"Evaluate the new fracture at {_new_level_words(c)} first, before deciding on "
            f"repeat vertebroplasty at {c.inputs.treated_level}."
        ),
    ),
    Rule(
        id="R6",
        recommendation=Recommendation.COMPLETE_WORKUP,
        refs=_refs(1, 3, 4),
        when=lambda c: bool(c.missing),
        reason=lambda c: (
            f"The work-up is incomplete; a decision on a repeat procedure at {c.inputs.treated_level} "
            f"still needs {_workup_names(c)}."
        ),
        headline=lambda c: (
            f"Complete the work-up before deciding on repeat vertebroplasty at {c.inputs.treated_level}."
        ),
    ),
    Rule(
        id="R7",
        recommendation=Recommendation.NOT_INDICATED,
        refs=_refs(2, 3, 4),
        when=lambda c: (
            c.inputs.marrow_edema == F.ABSENT
            and c.inputs.cleft_sign == F.ABSENT
            and not c.inputs.fluid_at_cement_interface
        ),
        reason=lambda c: (
            f"MRI shows no sign of fracture activity at {c.inputs.treated_level} (no marrow edema, "
            "no cleft, no fluid at the bone–cement interface); another pain generator is the "
            "likelier source."
        ),
        headline=lambda c: (
            f"Repeat vertebroplasty at {c.inputs.treated_level} is not indicated: no sign of fracture "
            "activity on MRI."
        ),
    ),
    Rule(
        id="R8",
        recommendation=Recommendation.NOT_INDICATED,
        refs=_refs(4),
        when=lambda c: c.inputs.point_tenderness == Tenderness.ABSENT,
        reason=lambda c: (
            f"There is no point tenderness at the spinous process of {c.inputs.treated_level}; "
            "point tenderness at the treated level is a selection criterion."
        ),
        headline=lambda c: (
            f"Repeat vertebroplasty at {c.inputs.treated_level} is not indicated: no point tenderness "
            "at the level."
        ),
    ),
    Rule(
        id="R9",
        recommendation=Recommendation.CONTINUE_CONSERVATIVE,
        refs=_refs(4),
        when=_r9_applies,
        reason=_r9_reason,
        headline=_r9_headline,
    ),
    Rule(
        id="R14",
        recommendation=Recommendation.CONTINUE_CONSERVATIVE,
        refs=_refs(1, 4),
        when=lambda c: c.inputs.vas_current <= MILD_PAIN_MAX_VAS,
        reason=lambda c: (
            f"Current pain at {c.inputs.treated_level} is mild (VAS {c.inputs.vas_current}/10): the "
            "unrelieved-pain series treated severe pain (mean VAS 8.6 before the repeat "
            "procedure), and selection requires pain refractory to conservative therapy. "
            f"The cut-off of {MILD_PAIN_MAX_VAS} is a project convention (the usual upper "
            "bound of mild pain on a 0–10 scale)."
        ),
        headline=lambda c: (
            f"Continue conservative therapy rather than repeat vertebroplasty at "
            f"{c.inputs.treated_level}: current pain is mild (VAS {c.inputs.vas_current}/10)."
        ),
    ),
    Rule(
        id="R15",
        recommendation=Recommendation.REPEAT_MAY_BE_CONSIDERED,
        refs=_refs(1, 2, 4),
        when=lambda c: c.inputs.fracture_etiology != FractureEtiology.OSTEOPOROTIC,
        reason=_r15_reason,
        headline=_r15_headline,
    ),
    *OSTEOPOROTIC_RULES,
)

# The deciding rules reached only when no work-up item (§4.1) is missing: those after R6 in the
# order (R6 fires on any missing item). Beside an earlier rule an empty `missing` list says
# nothing of the work-up: only the safety items are listed there.
_ORDER = [rule.id for rule in RULES]
WORKUP_COMPLETE_RULES = frozenset(_ORDER[_ORDER.index("R6") + 1 :])


def _is_repeat(c: Case) -> bool:
    return c.recommendation in REPEAT_RECOMMENDATIONS


def _from_osteoporotic(c: Case) -> str:
    """§5: N1 and N2 say that their figures come from osteoporotic fractures when this one is not."""
    if c.inputs.fracture_etiology == FractureEtiology.OSTEOPOROTIC:
        return ""
    return (
        f" These figures come from osteoporotic fractures; this is a "
        f"{_etiology_words(c.inputs.fracture_etiology)}."
    )


def _n1_text(c: Case) -> str:
    index_volume = (
        f"The index procedure at {c.inputs.treated_level} used {c.inputs.index_cement_volume_ml} mL."
        if c.inputs.index_cement_volume_ml is not None
        else "The index cement volume was not recorded."
    )
    target = "the cleft" if c.inputs.cleft_sign == F.PRESENT else "the unfilled fracture zone"
    return (
        "In the recurrent-pain series the repeat procedure used more cement than the index "
        "procedure (mean 6.8 vs 4.2 mL); mean volumes across the repeat series were "
        "4.0–6.8 mL per vertebra (means reported by the series, not a dose). "
        f"{index_volume} The target of a repeat procedure is {target}." + _from_osteoporotic(c)
    )


N2_UNRELIEVED = (
    "in a small series of repeat procedures for pain not relieved within 4–32 days, all "
    "appropriately selected patients had complete or partial relief, with a mean VAS fall "
    "of 6.93 points (8.6 → 1.67) in the first month"
)
N2_RECURRENT = (
    "in a small series of repeat procedures for recurrent pain, all patients showed a cleft "
    "before the repeat procedure and all had complete or partial relief, with a mean VAS of "
    "2.8 at 3 months"
)


def _n2(c: Case) -> tuple[str, tuple[int, ...]]:
    if c.scenario == Scenario.IMMEDIATE_FAILURE:
        text = f"Expected outcome: {N2_UNRELIEVED} (ref 1)."
        refs = (1,)
        if c.inputs.cement_fill == CementFill.ADEQUATE and c.inputs.cleft_sign != F.PRESENT:
            text += (
                " Inadequate filling was the primary technical reason for failure in that "
                "series, so the benefit with an adequate fill and no cleft is not established."
            )
    elif c.scenario == Scenario.DELAYED_RECURRENCE:
        text = f"Expected outcome: {N2_RECURRENT} (ref 2)."
        refs = (2,)
    else:  # persistent pain: both series, each with its own figures
        text = (
            f"Expected outcome: {N2_UNRELIEVED} (ref 1; that series covered days 4–32 only); "
            f"{N2_RECURRENT} (ref 2)."
        )
        refs = (1, 2)
    if c.scenario != Scenario.IMMEDIATE_FAILURE and c.inputs.cleft_sign != F.PRESENT:
        text += (
            " The recurrent-pain series were patients with clefts, so the benefit without "
            "one is not established."
        )
    return text + _from_osteoporotic(c), refs


def _n3_text(c: Case) -> str:
    text = (
        "Safety, as reported: asymptomatic cement leakage was seen on imaging in 13–22% of "
        "repeat procedures for unrelieved pain and remained clinically insignificant (ref 1); "
        "no serious complications occurred in the repeat series (refs 1, 2); major "
        "complications occur in less than 1% of vertebral augmentations for osteoporotic "
        "fractures, a figure not specific to repeat procedures (ref 4)."
    )
    if c.inputs.fracture_etiology != FractureEtiology.OSTEOPOROTIC:
        text += (
            " That figure is for osteoporotic fractures; this is a "
            f"{_etiology_words(c.inputs.fracture_etiology)}."
        )
    if c.inputs.prior_cement_leakage:
        text += " Cement leakage was recorded at the index procedure."
    return text


def failure_mechanisms(case: Case) -> list[str]:
    """Failure mechanisms shown by the inputs (N5, ref 3)."""
    mechanisms = []
    if case.inputs.cement_fill == CementFill.INADEQUATE:
        # The input does not tell the two apart (§1 `inadequate`).
        mechanisms.append("incomplete filling or cement missing the fracture")
    if case.inputs.fluid_at_cement_interface:
        mechanisms.append("fluid at the bone–cement interface (progressive fracture)")
    if case.inputs.cleft_sign == F.PRESENT:
        mechanisms.append(f"a {_cleft_words(case)} intravertebral cleft")
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


def _prevention_applies(c: Case) -> bool:
    """N9: fracture prevention only for an osteoporotic fracture or a T-score ≤ −2.5."""
    return c.inputs.fracture_etiology == FractureEtiology.OSTEOPOROTIC or (
        c.inputs.bmd_t_score is not None and c.inputs.bmd_t_score <= RISK_T_SCORE
    )


def _n7_text(c: Case) -> str:
    if c.inputs.recurrence_date is not None:
        when = f"This pain began {_plural(c.days_to_recurrence, 'day')} after the index procedure."
    else:
        when = (
            f"This fracture is seen {_plural(c.days_since_index, 'day')} after the index procedure."
        )
    return (
        "In the published series of new fractures after vertebroplasty, 58.8–63.8% were at "
        "adjacent levels, and adjacent fractures came sooner (mean 72 vs 287 days after "
        f"vertebroplasty). {when}"
    )


def _n9(c: Case) -> tuple[str, tuple[int, ...]]:
    text = (
        "The practice parameter advises counselling the patient to report a sudden increase "
        "in back pain or new back pain, which may signal a new fracture, and follow-up of "
        "pain, mobility and analgesic use."
    )
    if not _prevention_applies(c):
        return text, (4,)
    return (
        text + " It also advises medical prevention of further fractures (bisphosphonates, "
        "calcium, vitamin D), particularly after a repeat procedure.",
        (4, 7),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteRule:
    """One row of §5: when the note is shown, and its sentence with its references (N2 and
    N9 cite by case)."""

    id: str
    when: Callable[[Case], bool]
    content: Callable[[Case], tuple[str, tuple[int, ...]]]


def _fixed(refs: tuple[int, ...], text: Callable[[Case], str]):
    return lambda c: (text(c), refs)


# §5 Notes: every note whose condition holds, in id order; none when R1 decides.
NOTES: tuple[NoteRule, ...] = (
    NoteRule(id="N1", when=_is_repeat, content=_fixed((1, 2, 3), _n1_text)),
    NoteRule(id="N2", when=_is_repeat, content=_n2),
    NoteRule(id="N3", when=_is_repeat, content=_fixed((1, 2, 4), _n3_text)),
    NoteRule(
        id="N4",
        when=lambda c: _is_repeat(c) and c.inputs.cleft_sign == F.PRESENT,
        content=_fixed(
            (2,),
            lambda c: (
                "In the recurrent-pain series, success correlated with disappearance of the "
                "cleft on post-procedure imaging."
            ),
        ),
    ),
    NoteRule(
        id="N5",
        when=lambda c: c.scenario in FAILURE_SCENARIOS and bool(failure_mechanisms(c)),
        content=_fixed(
            (3,),
            lambda c: f"Failure mechanism shown: {_join(failure_mechanisms(c))}.",
        ),
    ),
    NoteRule(
        id="N6",
        when=lambda c: c.inputs.cleft_sign == F.PRESENT and c.inputs.cleft_new_since_index is True,
        content=_fixed(
            (2,),
            lambda c: (
                "The cleft was absent on pre-index imaging: clefts can appear after the index "
                "procedure, and in the recurrent-pain series every patient showed a cleft "
                "before the repeat procedure."
            ),
        ),
    ),
    NoteRule(
        id="N7",
        when=lambda c: (
            c.inputs.active_fracture_location
            in (FractureLocation.ADJACENT_LEVEL, FractureLocation.NON_ADJACENT_LEVEL)
        ),
        content=_fixed((5,), _n7_text),
    ),
    NoteRule(
        id="N8",
        when=lambda c: bool(risk_factors(c.inputs)),
        content=_fixed(
            (5, 6),
            lambda c: (
                f"Raised risk of further fractures: {_join(risk_factors(c.inputs))}. Older age, "
                "lower bone density and more pre-existing fractures are the risk factors of "
                "the published series (the cut-offs are project conventions). Baseline: in the "
                "published series 92.2% were free of a new symptomatic fracture at one year "
                "(7.8% had one)."
            ),
        ),
    ),
    NoteRule(id="N9", when=lambda c: True, content=_n9),
    NoteRule(
        id="N10",
        when=lambda c: (
            _is_repeat(c)
            and c.inputs.neuro_exam in (NeuroExam.NORMAL, NeuroExam.CHRONIC_STABLE_DEFICIT)
        ),
        content=_fixed(
            (4,),
            lambda c: (
                "A baseline neurological examination recorded now "
                f"({NeuroExam(c.inputs.neuro_exam).label.lower()}) allows rapid comparison after the "
                "procedure."
            ),
        ),
    ),
    NoteRule(
        id="N11",
        when=lambda c: c.rule == "R5" and bool(activity_signs(c.inputs)),
        content=_fixed(
            (3,),
            lambda c: (
                f"MRI also shows activity at the treated level {c.inputs.treated_level} "
                f"({_join(activity_signs(c.inputs))}): the treated level may need "
                "reassessment once the new level is addressed."
            ),
        ),
    ),
)


def scenario_for(inputs: Inputs, days_since_index: int, days_to_recurrence: int | None) -> str:
    for scenario, applies in SCENARIOS:
        if applies(inputs, days_since_index, days_to_recurrence):
            return scenario
    # Unreachable for valid inputs: initial_response is one of the three values.
    raise ValueError(f"no scenario applies to initial_response={inputs.initial_response!r}")


def evaluate(inputs: Inputs) -> Guidance:
    """Run the rules on validated inputs and return the guidance (§2–§6)."""
    days_since_index = (inputs.assessment_date - inputs.index_procedure_date).days
    if inputs.recurrence_date is not None:
        days_since_recurrence = (inputs.assessment_date - inputs.recurrence_date).days
        days_to_recurrence = (inputs.recurrence_date - inputs.index_procedure_date).days
    else:
        days_since_recurrence = days_to_recurrence = None
    case = Case(
        inputs=inputs,
        days_since_index=days_since_index,
        days_since_recurrence=days_since_recurrence,
        days_to_recurrence=days_to_recurrence,
        scenario=scenario_for(inputs, days_since_index, days_to_recurrence),
        missing=tuple(item for item, missing in WORKUP_ITEMS if missing(inputs)),
    )
    rule = next(rule for rule in RULES if rule.when(case))
    # `missing` is empty unless R6 fired (§4).
    decided = Case(
        inputs=inputs,
        days_since_index=days_since_index,
        days_since_recurrence=days_since_recurrence,
        days_to_recurrence=days_to_recurrence,
        scenario=case.scenario,
        missing=case.missing if rule.id == "R6" else (),
        recommendation=rule.recommendation,
        rule=rule.id,
    )
    # When R1 decides, the guidance stops at the urgent referral: no note (§5).
    notes = ()
    if rule.id != "R1":
        notes = tuple(
            Note(id=note.id, text=text, refs=refs)
            for note in NOTES
            if note.when(decided)
            for text, refs in (note.content(decided),)
        )
    return Guidance(
        rules_version=RULES_VERSION,
        scenario=str(decided.scenario),
        recommendation=str(rule.recommendation),
        headline=rule.headline(decided),
        reasons=(Reason(rule=rule.id, text=rule.reason(decided), refs=rule.refs(decided)),),
        missing=tuple(str(item) for item in decided.missing),
        notes=notes,
        days_since_index=days_since_index,
        days_since_recurrence=days_since_recurrence,
        disclaimer=DISCLAIMER,
    )
