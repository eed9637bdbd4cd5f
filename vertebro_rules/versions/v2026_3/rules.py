"""The repeat-vertebroplasty guidance rules of version 2026.3 (docs/specification.md).

Plain Python: no model, database, request or clock. `evaluate(inputs)` is a
pure function of the inputs; the assessment date is one of them. The derived
values of §2 are calculated once per case (`derive`), then the scenario (§3),
the rules R1–R23 in the order of §4 (R8 is retired), the work-up (§4.1), the
headline (§4.2), the notes (§5), the warnings (§5a), the next steps (§5b) and
`reassess_from` (§6) read them. Every sentence follows its §4.0/§5/§5a/§5b
template; the references a text cites are read from the text itself (§4, F27).

Readings of the spec where it leaves a choice open (the safer one is taken):
- N11 cites no reference in either of its texts, so its `refs` are empty
  although the §5 table shows "— or 3": `refs` are computed from the text
  (§4, F27), and a citation the sentence does not print would be invisible.
- `{new level}` follows `active_fracture_location` (N7 is shown also with no
  current pain, when the scenario is not a new-level one).
- The T-score prints with one decimal and a sign, "0.0" for zero (§2.1).
- `conservative_therapy_weeks` is read for `delayed_recurrence` only (§1).
- P9's T-score condition and N8's read only a recorded T-score.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ...dates import in_words
from . import flags
from .guidance import Guidance, InputWarning, NextStep, Note, Reason, cited
from .inputs import Inputs
from .vocabulary import (
    Analgesics,
    CementFill,
    Contraindication,
    FractureEtiology,
    FractureLocation,
    InitialResponse,
    Mobility,
    NeuroExam,
    Recommendation,
    Scenario,
    Sex,
    Tenderness,
    VertebralInfection,
    WorkupItem,
)
from .vocabulary import Finding as F

RULES_VERSION = "2026.3"
DISCLAIMER = "Decision support for clinicians; it does not replace clinical judgement."
HEADLINE_MAX_LENGTH = 140  # the CDS Hooks card summary limit (§6)
# §5b (F16): the chart prints this line above the next steps (a label, not part of the JSON).
NEXT_STEPS_LINE = "Next steps without a reference are local practice, not from the cited evidence."

# §3 day boundaries (ref 1 judged immediate failure on days 4–32).
FIRST_DAY_TO_JUDGE = 4
IMMEDIATE_FAILURE_LAST_DAY = 32
# §2 local policy: relief of less than four weeks is a failure of the index procedure.
EARLY_RECURRENCE_LAST_DAY = 28
# §2 the first six weeks (R9, R16, R19, R11, N11, P4, S26).
SIX_WEEKS_DAYS = 42
MINIMUM_CONSERVATIVE_WEEKS = 6
# R9: a two-week trial of analgesia (local policy); R19: reassess the trend in two weeks.
ANALGESIA_TRIAL_DAYS = 14
TREND_DAYS = 14
# R14/R20 and P12/P13: VAS 3 or less is mild (local policy).
MILD_PAIN_MAX_VAS = 3
# N7, S8: a new fracture this early may predate the index procedure (local policy).
EARLY_NEW_FRACTURE_DAYS = 14
# N8 risk factors (local policy cut-offs; refs 5, 6 name the factors).
RISK_AGE_YEARS = 75
RISK_T_SCORE = Decimal("-2.5")
RISK_PRIOR_FRACTURES = 2
# §2 prevention_applies and P9: WHO osteoporosis and osteopenia thresholds.
OSTEOPENIA_T_SCORE = Decimal("-1.0")
YOUNG_AGE_YEARS = 50
# S24: pregnancy status (local policy).
CHILDBEARING_AGE_MAX = 55
# P10: a single level (local policy).
SINGLE_LEVEL_MAX_ML = Decimal("10.0")

REPEAT_RECOMMENDATIONS = frozenset(
    {Recommendation.REPEAT_INDICATED, Recommendation.REPEAT_MAY_BE_CONSIDERED}
)
NEW_LEVEL_SCENARIOS = frozenset({Scenario.ADJACENT_LEVEL_FRACTURE, Scenario.NON_ADJACENT_FRACTURE})
INDEX_FAILURE_SCENARIOS = frozenset({Scenario.IMMEDIATE_FAILURE, Scenario.PERSISTENT_PAIN})
FAILURE_SCENARIOS = INDEX_FAILURE_SCENARIOS | {Scenario.DELAYED_RECURRENCE}
# §5 "N5 rules".
N5_RULES = frozenset(
    {"R2", "R6", "R9", "R14", "R20", "R22", "R15", "R23", "R19", "R21", "R10", "R11", "R12", "R13"}
)
SIGN_EDEMA = "marrow edema"
SIGN_CLEFT = "an intravertebral cleft"
SIGN_FLUID = "fluid at the bone–cement interface"
INADEQUATE_FILL = "inadequate cement fill"

# §2.1 {contraindication names} and {qualified contraindications}, in the order of §1.
CONTRAINDICATION_NAMES = {
    Contraindication.ACTIVE_INFECTION: "active infection",
    Contraindication.UNCORRECTABLE_COAGULOPATHY: "coagulopathy",
    Contraindication.CEMENT_ALLERGY: "cement allergy",
    Contraindication.CANAL_COMPROMISE: "canal compromise",
}
QUALIFIED_CONTRAINDICATIONS = {
    Contraindication.ACTIVE_INFECTION: "active infection (temporary)",
    Contraindication.UNCORRECTABLE_COAGULOPATHY: "uncorrectable coagulopathy",
    Contraindication.CEMENT_ALLERGY: (
        "allergy to cement (PMMA) components (often a relative contraindication)"
    ),
    Contraindication.CANAL_COMPROMISE: (
        "spinal canal compromise (retropulsion, posterior wall defect; often a relative "
        "contraindication)"
    ),
}
ETIOLOGY_WORDS = {
    FractureEtiology.OSTEOPOROTIC: "osteoporotic fracture",
    FractureEtiology.NEOPLASTIC: "neoplastic fracture",
    FractureEtiology.TRAUMATIC: "traumatic fracture",
    FractureEtiology.OTHER: "fracture of other etiology",
}


# §2.1 formatting -------------------------------------------------------------------------


def join(items: list[str] | tuple[str, ...]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def count(number: int, word: str) -> str:
    """ "1 day", "2 days"."""
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def t_score(value: Decimal) -> str:
    """One decimal, "+" before a positive value, "-" before a negative one, "0.0" for zero."""
    if value == 0:
        return "0.0"
    return f"{value:+.1f}"


def volume(value: Decimal) -> str:
    return f"{value:.1f}"


# §2 derived values, calculated once ---------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Case:
    """The inputs with every value §2 and §3 derive from them."""

    i: Inputs
    level: str
    d: int
    s: int | None
    r: int | None
    scenario: str
    early_recurrence: bool
    index_failure: bool
    signs: tuple[str, ...]
    mri_unclear: bool
    contradiction: str | None  # "none" or "treated" (§2 reading_contradiction)
    pain_worse: bool
    substantial_relief: bool
    recurrence_flag: bool
    complication_flag: bool
    infection_recorded: bool
    infection_flag: bool
    mild_pain: bool
    opioid_controlled: bool
    disabled: bool
    medical_therapy_failed: bool
    six_weeks_unmet: bool
    six_weeks_date: date | None
    prevention_applies: bool
    p4: bool
    workup: tuple[str, ...]  # every §4.1 item missing, in order


def scenario_for(
    vas_current: int,
    location: str | None,
    initial_response: str,
    index_failure: bool,
    days_since_index: int,
) -> str:
    """§3: the first scenario that applies."""
    if vas_current == 0:
        return Scenario.NO_CURRENT_PAIN
    if location == FractureLocation.ADJACENT_LEVEL:
        return Scenario.ADJACENT_LEVEL_FRACTURE
    if location == FractureLocation.NON_ADJACENT_LEVEL:
        return Scenario.NON_ADJACENT_FRACTURE
    if initial_response == InitialResponse.ONGOING_RELIEF:
        return Scenario.TREATED_LEVEL_RELIEVED
    if index_failure:
        if days_since_index < FIRST_DAY_TO_JUDGE:
            return Scenario.TOO_EARLY
        if days_since_index <= IMMEDIATE_FAILURE_LAST_DAY:
            return Scenario.IMMEDIATE_FAILURE
        return Scenario.PERSISTENT_PAIN
    return Scenario.DELAYED_RECURRENCE


def is_index_failure(initial_response: str, days_to_recurrence: int | None) -> bool:
    """§2 `index_failure`: no or partial relief, or relief that lasted less than four weeks."""
    return initial_response in (InitialResponse.NO_RELIEF, InitialResponse.PARTIAL_RELIEF) or (
        initial_response == InitialResponse.RELIEF_THEN_RECURRENCE
        and days_to_recurrence is not None
        and days_to_recurrence <= EARLY_RECURRENCE_LAST_DAY
    )


def derive(i: Inputs) -> Case:
    """§2, §3 and §4.1 for `i`, each value calculated once."""
    d = (i.assessment_date - i.index_procedure_date).days
    recurrence = i.recurrence_date
    returned = i.initial_response == InitialResponse.RELIEF_THEN_RECURRENCE
    s = (i.assessment_date - recurrence).days if returned and recurrence is not None else None
    r = (recurrence - i.index_procedure_date).days if returned and recurrence is not None else None
    early = returned and r is not None and r <= EARLY_RECURRENCE_LAST_DAY
    index_failure = early or i.initial_response in (
        InitialResponse.NO_RELIEF,
        InitialResponse.PARTIAL_RELIEF,
    )
    scenario = scenario_for(
        i.vas_current, i.active_fracture_location, i.initial_response, index_failure, d
    )
    signs: list[str] = []
    if i.marrow_edema == F.PRESENT:
        signs.append(SIGN_EDEMA)
    if i.cleft_sign == F.PRESENT:
        signs.append(SIGN_CLEFT)
    if i.fluid_at_cement_interface:
        signs.append(SIGN_FLUID)
    mri_unclear = (
        i.mri_performed and not signs and F.INDETERMINATE in (i.marrow_edema, i.cleft_sign)
    )
    contradiction = None
    if i.mri_performed:
        if i.active_fracture_location == FractureLocation.NONE_IDENTIFIED and signs:
            contradiction = "none"
        elif (
            i.active_fracture_location == FractureLocation.TREATED_LEVEL
            and i.marrow_edema == F.ABSENT
            and i.cleft_sign == F.ABSENT
            and not i.fluid_at_cement_interface
        ):
            contradiction = "treated"
    vb, vc = i.vas_before_index, i.vas_current
    worse = flags.pain_worse(vb, vc)
    substantial = vb is not None and 1 <= vc < vb and 2 * (vb - vc) >= vb
    recurrence_flag = flags.recurrence_flag(i.initial_response, vc, d)
    complication = flags.complication_flag(i.complication_assessed, d, worse, recurrence_flag)
    recorded = flags.infection_recorded(i.contraindications, i.infection_signs)
    infection = flags.infection_flag(recorded, i.vertebral_infection, vc, i.analgesics)
    bed_bound = i.mobility == Mobility.BED_BOUND
    on_opioids = i.analgesics == Analgesics.OPIOID
    weeks = i.conservative_therapy_weeks
    six_weeks_unmet = False
    six_weeks_date = None
    if scenario == Scenario.DELAYED_RECURRENCE and recurrence is not None and s is not None:
        weeks_short = weeks is not None and weeks < MINIMUM_CONSERVATIVE_WEEKS
        six_weeks_unmet = weeks_short or s < SIX_WEEKS_DAYS or i.analgesics == Analgesics.NONE
        six_weeks_date = recurrence + timedelta(days=SIX_WEEKS_DAYS)
        if weeks is not None and weeks_short:
            six_weeks_date = max(
                six_weeks_date,
                i.assessment_date + timedelta(days=7 * (MINIMUM_CONSERVATIVE_WEEKS - weeks)),
            )
    t = i.bmd_t_score
    prevention = (
        i.fracture_etiology == FractureEtiology.OSTEOPOROTIC
        and (t is None or t <= OSTEOPENIA_T_SCORE)
    ) or (t is not None and t <= RISK_T_SCORE)
    p4 = i.mri_performed and i.marrow_edema == F.ABSENT and d <= SIX_WEEKS_DAYS
    workup: list[str] = []
    if not i.mri_performed and not i.mri_not_possible:
        workup.append(WorkupItem.MRI)
    if (
        mri_unclear
        or contradiction is not None
        or (p4 and scenario in INDEX_FAILURE_SCENARIOS and not signs)
    ):
        workup.append(WorkupItem.MRI_FINDINGS)
    if (
        i.initial_response == InitialResponse.ONGOING_RELIEF
        and vc >= 1
        and i.active_fracture_location == FractureLocation.TREATED_LEVEL
    ):
        workup.append(WorkupItem.PAIN_COURSE)
    if i.point_tenderness == Tenderness.NOT_EXAMINED:
        workup.append(WorkupItem.POINT_TENDERNESS)
    if i.neuro_exam == NeuroExam.NOT_DOCUMENTED:
        workup.append(WorkupItem.NEURO_EXAM)
    if i.cement_fill == CementFill.NOT_ASSESSED:
        workup.append(WorkupItem.CEMENT_IMAGING)
    return Case(
        i=i,
        level=i.treated_level,
        d=d,
        s=s,
        r=r,
        scenario=scenario,
        early_recurrence=early,
        index_failure=index_failure,
        signs=tuple(signs),
        mri_unclear=mri_unclear,
        contradiction=contradiction,
        pain_worse=worse,
        substantial_relief=substantial,
        recurrence_flag=recurrence_flag,
        complication_flag=complication,
        infection_recorded=recorded,
        infection_flag=infection,
        mild_pain=vc <= MILD_PAIN_MAX_VAS and not bed_bound and not on_opioids,
        opioid_controlled=(
            vc <= MILD_PAIN_MAX_VAS and on_opioids and not bed_bound and not i.opioid_failure
        ),
        disabled=bed_bound or on_opioids,
        medical_therapy_failed=bed_bound or i.opioid_failure,
        six_weeks_unmet=six_weeks_unmet,
        six_weeks_date=six_weeks_date,
        prevention_applies=prevention,
        p4=p4,
        workup=tuple(workup),
    )


# Shared phrases of §2.1 ---------------------------------------------------------------------


def new_level(c: Case) -> str:
    if c.i.active_fracture_location == FractureLocation.ADJACENT_LEVEL:
        return "an adjacent level"
    return "a non-adjacent level"


def cleft_phrase(c: Case) -> str:
    if c.i.cleft_new_since_index is True:
        return "an intravertebral cleft that was absent before the index procedure"
    if c.i.cleft_new_since_index is False:
        return "an intravertebral cleft that was present before the index procedure and persists"
    return "an intravertebral cleft (not known whether present before the index procedure)"


def partial_timeline(c: Case) -> str:
    if c.i.vas_before_index is None:
        return f"partial relief only by day {c.d}"
    return f"partial relief only, VAS {c.i.vas_before_index} → {c.i.vas_current} by day {c.d}"


def timeline(c: Case) -> str:
    """{timeline} of an index failure."""
    if c.i.initial_response == InitialResponse.NO_RELIEF:
        return f"no relief by day {c.d}"
    if c.i.initial_response == InitialResponse.PARTIAL_RELIEF:
        return partial_timeline(c)
    return f"relief for only {count(c.r or 0, 'day')}, pain back on day {c.r}, seen on day {c.d}"


def findings(c: Case) -> str:
    """{findings}: the course, each sign, then an inadequate fill; "" when none."""
    items: list[str] = []
    response = c.i.initial_response
    if response == InitialResponse.NO_RELIEF:
        items.append("no relief since the index procedure")
    elif response == InitialResponse.PARTIAL_RELIEF:
        items.append(partial_timeline(c))
    elif c.early_recurrence:
        items.append(f"relief for only {count(c.r or 0, 'day')}")
    elif response == InitialResponse.RELIEF_THEN_RECURRENCE:
        items.append(f"pain back on day {c.r} after the index procedure")
    items.extend(c.signs)
    if c.i.cement_fill == CementFill.INADEQUATE:
        items.append(INADEQUATE_FILL)
    return join(items)


def imaging_findings(c: Case) -> str:
    items = list(c.signs)
    if c.i.cement_fill == CementFill.INADEQUATE:
        items.append(INADEQUATE_FILL)
    return join(items)


def etiology_words(c: Case) -> str:
    return ETIOLOGY_WORDS[FractureEtiology(c.i.fracture_etiology)]


def qualified_contraindications(c: Case) -> str:
    return join([QUALIFIED_CONTRAINDICATIONS[Contraindication(x)] for x in c.i.contraindications])


def when_returned(c: Case) -> str:
    return "today" if c.s == 0 else f"{count(c.s or 0, 'day')} ago"


def weeks_recorded(c: Case) -> str:
    weeks = c.i.conservative_therapy_weeks or 0
    return f"{count(weeks, 'week')} of conservative therapy {'is' if weeks == 1 else 'are'}"


def disabled_state(c: Case) -> str:
    bed_bound = c.i.mobility == Mobility.BED_BOUND
    on_opioids = c.i.analgesics == Analgesics.OPIOID
    if bed_bound and on_opioids:
        return "bed-bound and taking opioids"
    return "bed-bound" if bed_bound else "taking opioids"


def r9_reassess_from(c: Case) -> date:
    """§6: the later of the six-weeks date and, without analgesics, a two-week trial."""
    later = c.six_weeks_date or c.i.assessment_date
    if c.i.analgesics == Analgesics.NONE:
        later = max(later, c.i.assessment_date + timedelta(days=ANALGESIA_TRIAL_DAYS))
    return later


def r9_start(c: Case) -> str:
    starting = c.i.conservative_therapy_weeks == 0 and c.i.analgesics in (None, Analgesics.NONE)
    return "Start" if starting else "Continue"


def bed_bound_sentence(c: Case, *, second_form: bool) -> str:
    if c.i.mobility != Mobility.BED_BOUND:
        return ""
    if c.i.vas_current <= MILD_PAIN_MAX_VAS:
        return (
            " The patient is recorded as kept in bed by the back pain despite a VAS of "
            f"{c.i.vas_current}/10 at the time of scoring (see warning P12): confirm this before "
            "any repeat procedure."
        )
    if second_form and c.i.initial_response == InitialResponse.PARTIAL_RELIEF:
        return (
            " The patient is bed-bound: when the pain keeps the patient in bed, partial relief "
            "does not mean the pain is relieved."
        )
    return ""


PERSISTENT_SENTENCE = (
    " The unrelieved-pain series judged failure at days 4–32 (ref 1); a failure that persists "
    "beyond day 32 is no less a failure of the index procedure (local policy, not from the "
    "cited evidence)."
)


# §4 rules ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decision:
    recommendation: str
    reason: str
    headline: str
    reassess_from: date | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of §4: when it fires, and what it decides (recommendation, reason, headline)."""

    id: str
    when: Callable[[Case], bool]
    decide: Callable[[Case], Decision]


# The red flags' headlines and next steps, also shown by the guidance so far (§6).


def r1_headline(level: str) -> str:
    return (
        f"Urgent referral for a new neurological deficit; repeat vertebroplasty at {level} is "
        "outside this guidance."
    )


def r17_headline(level: str, *, active: bool) -> str:
    if active:
        return (
            f"Infection of the treated vertebra {level} is active: treat it with the infection "
            "and spinal teams; no repeat vertebroplasty now."
        )
    return (
        f"Exclude infection of the treated vertebra {level} now; no repeat vertebroplasty while "
        "infection is active or not excluded."
    )


def r16_headline(level: str, *, returned_on_day: int | None, severe: bool) -> str:
    """With `returned_on_day` when `recurrence_flag` holds, else pain worse than before."""
    if returned_on_day is not None:
        return (
            f"Assess now for a complication of the vertebroplasty at {level}: "
            f"{'severe pain' if severe else 'pain'} returned on day {returned_on_day}."
        )
    return (
        f"Assess now for a complication of the vertebroplasty at {level}: pain worse than "
        "before the procedure."
    )


def s1_text(*, neoplastic: bool) -> str:
    text = (
        "Refer immediately (emergency): spinal surgical assessment with MRI of the whole spine "
        "(CT if MRI cannot be done)"
    )
    if neoplastic:
        text += ", following the local metastatic spinal cord compression pathway"
    return text + "."


def s2_text(level: str) -> str:
    return (
        f"Exclude infection of {level} now: CRP, ESR and white cell count, blood cultures "
        f"(before any antibiotic), MRI of {level} with contrast (when MRI is not "
        f"possible: CT of {level} and a nuclear infection scan, FDG PET-CT or gallium "
        "with bone scan, as agreed with radiology) and a neurological examination; "
        "image-guided biopsy if imaging suggests infection, before antibiotics where the "
        "patient is stable. Record the result under “Infection of the treated vertebra” "
        "(excluded, or active) and evaluate again."
    )


def s3_text(level: str) -> str:
    return (
        "Assess now for a complication of the index procedure: neurological examination; "
        f"CT of {level} for cement position and leakage (spinal canal, foramina, disc, "
        "veins) and for a new fracture (pedicle, endplate, adjacent level); MRI where it "
        "can be done; consider haematoma and infection. Record that the procedure has "
        "been assessed, enter any complication found (for example the level of a new "
        "fracture), and evaluate again."
    )


S28_TEXT = (
    "Treat the infection with the infection and spinal teams; when it is cured, record "
    "“Infection of the treated vertebra: resolved” and evaluate again."
)


def _r1(c: Case) -> Decision:
    text = (
        f"New neurological deficit after vertebroplasty at {c.level}: compression of the spinal "
        "cord or nerve roots must be excluded at once (cement leakage, retropulsion, haematoma"
    )
    if c.infection_recorded or c.i.vertebral_infection == VertebralInfection.ACTIVE:
        text += "; epidural abscess, as infection is recorded"
    if c.i.fracture_etiology == FractureEtiology.NEOPLASTIC:
        text += "; tumour, as the fracture is neoplastic"
    text += "). This is urgent care, outside the scope of this guidance."
    return Decision(
        Recommendation.URGENT_REFERRAL,
        text,
        r1_headline(c.level),
    )


def _r17(c: Case) -> Decision:
    if c.i.vertebral_infection == VertebralInfection.ACTIVE:
        return Decision(
            Recommendation.MANAGE_INFECTION,
            f"Infection of the treated vertebra {c.level} is active: no repeat procedure while it "
            "is treated; antibiotic treatment, and surgery for instability, abscess or "
            "neurological compromise, are decided with the infection and spinal teams (local "
            "policy, not from the cited evidence).",
            r17_headline(c.level, active=True),
        )
    active = Contraindication.ACTIVE_INFECTION in c.i.contraindications
    if active and c.i.infection_signs:
        which = "Active infection and signs of infection are recorded"
    elif active:
        which = "Active infection is recorded"
    else:
        which = "Signs of infection are recorded (fever, raised CRP or ESR, or wound inflammation)"
    who = (
        f"a patient with pain (VAS {c.i.vas_current}/10)"
        if c.i.vas_current >= 1
        else "a patient on opioids (VAS 0/10, pain possibly masked)"
    )
    text = (
        f"{which} in {who} after vertebroplasty at {c.level}: infection of the treated vertebra "
        "(vertebral osteomyelitis, spondylodiscitis, epidural abscess) must be excluded before "
        "anything else. No repeat procedure while infection is active or not excluded (local "
        "policy, not from the cited evidence)."
    )
    if c.scenario in NEW_LEVEL_SCENARIOS:
        text += (
            f" MRI also shows a fracture at {new_level(c)}, to be evaluated once infection is "
            "excluded."
        )
    return Decision(
        Recommendation.EXCLUDE_INFECTION,
        text,
        r17_headline(c.level, active=False),
    )


def _r16(c: Case) -> Decision:
    vc, vb = c.i.vas_current, c.i.vas_before_index
    severe = vc >= flags.SEVERE_PAIN_VAS
    if c.recurrence_flag:
        what = (
            f"{'Severe pain' if severe else 'Pain'} (VAS {vc}/10) returned at {c.level} on day "
            f"{c.r} after initial relief"
        )
        if c.pain_worse:
            what += f" and is worse than before the index procedure (VAS {vb} before)"
        headline = r16_headline(c.level, returned_on_day=c.r, severe=severe)
    else:
        if c.i.initial_response == InitialResponse.ONGOING_RELIEF:
            what = (
                f"Current pain (VAS {vc}/10) is worse than the pain at {c.level} before the "
                f"index procedure (VAS {vb})"
            )
        else:
            what = f"Pain at {c.level} is worse than before the index procedure (VAS {vb} → {vc})"
        headline = r16_headline(c.level, returned_on_day=None, severe=severe)
    text = (
        f"{what}; this is day {c.d} after the index procedure. A complication of the procedure "
        "(cement leakage into the spinal canal, foramina, disc or veins; a new fracture of the "
        "pedicle, an endplate or an adjacent level; haematoma; infection) must be excluded now, "
        "before the result of the index procedure is judged. A sudden increase in back pain may "
        "signal a new fracture (ref 4); the rest is local policy, not from the cited evidence."
    )
    if c.scenario in NEW_LEVEL_SCENARIOS:
        text += f" MRI shows a fracture at {new_level(c)}, one of the complications to assess."
    return Decision(Recommendation.ASSESS_COMPLICATION, text, headline)


def _r4(c: Case) -> Decision:
    judged_from = c.i.index_procedure_date + timedelta(days=FIRST_DAY_TO_JUDGE)
    return Decision(
        Recommendation.REASSESS_LATER,
        f"It is day {c.d} after the index procedure at {c.level}: too early to call it a "
        "failure; the result can be judged from day 4 after the index procedure "
        f"({in_words(judged_from)}), when the unrelieved-pain series began to judge failure "
        "(ref 1).",
        f"Too early to judge the vertebroplasty at {c.level}: reassess from day 4 after the "
        f"index procedure ({in_words(judged_from)}).",
        judged_from,
    )


def _r18(c: Case) -> Decision:
    text = (
        f"Neoplastic fracture at {c.level}: pain at a cemented vertebra in a patient with a "
        "neoplastic fracture may be tumour progression (in the vertebral body, the epidural space "
        "or the posterior elements) until proven otherwise, and marrow edema or a cleft on MRI "
        "without contrast does not tell tumour from fracture."
    )
    if c.scenario in NEW_LEVEL_SCENARIOS:
        text += (
            f" MRI shows a fracture at {new_level(c)}: in this patient, a new tumour deposit "
            "(metastasis or myeloma) until proven otherwise."
        )
    found = findings(c)
    if found:
        text += f" Recorded at {c.level}: {found}."
    text += (
        " The evidence on repeat vertebroplasty comes from osteoporotic fractures and does not "
        "decide here: restaging, stability and epidural disease do, at the spine-oncology MDT "
        "(standard oncology practice, not from the cited evidence)."
    )
    return Decision(
        Recommendation.REFER_ONCOLOGY_MDT,
        text,
        f"Neoplastic fracture at {c.level}: restage and decide at the spine-oncology MDT; the "
        "pain may be tumour progression.",
    )


def _r3_fires(c: Case) -> bool:
    return c.scenario == Scenario.NO_CURRENT_PAIN or (
        c.scenario == Scenario.TREATED_LEVEL_RELIEVED
        and c.i.mri_performed
        and c.i.active_fracture_location == FractureLocation.NONE_IDENTIFIED
        and not c.signs
        and not c.mri_unclear
    )


def _r3(c: Case) -> Decision:
    if c.scenario == Scenario.NO_CURRENT_PAIN:
        if c.i.analgesics == Analgesics.OPIOID:
            text = (
                f"No current pain at {c.level} (VAS 0/10, on opioids): no repeat procedure now. "
                "The pain may be controlled rather than resolved."
            )
        else:
            text = f"No current pain at {c.level} (VAS 0/10): no repeat procedure now."
        return Decision(
            Recommendation.NOT_INDICATED,
            text,
            f"Repeat vertebroplasty at {c.level} is not indicated now: no current pain.",
        )
    return Decision(
        Recommendation.NOT_INDICATED,
        f"The index procedure still gives relief at the treated level {c.level}, and MRI shows no "
        "active fracture and no sign of activity there: the current pain (VAS "
        f"{c.i.vas_current}/10) is not a failure of that level; another pain generator is the "
        "likelier source.",
        f"Repeat vertebroplasty at {c.level} is not indicated: the level is still relieved and the "
        "current pain likely has another source.",
    )


def _r5(c: Case) -> Decision:
    text = f"MRI shows the active fracture at {new_level(c)}: a new fracture at another level"
    if c.signs:
        text += f"; MRI also shows {join(c.signs)} at {c.level} (see note N11)."
    else:
        text += f", not a same-level recurrence at {c.level}."
    text += " Evaluate the new level for treatment on its own merits."
    return Decision(
        Recommendation.EVALUATE_NEW_LEVEL,
        text,
        f"Evaluate the new fracture at {new_level(c)} on its own merits; repeat vertebroplasty at "
        f"{c.level} is decided separately.",
    )


def workup_words(c: Case, item: str) -> str:
    """§4.1: what R6 says is still needed for `item`."""
    if item == WorkupItem.MRI:
        return "MRI of the spine"
    if item == WorkupItem.MRI_FINDINGS:
        if c.mri_unclear:
            unclear = []
            if c.i.marrow_edema == F.INDETERMINATE:
                unclear.append("marrow edema")
            if c.i.cleft_sign == F.INDETERMINATE:
                unclear.append("the cleft sign")
            return f"a definite reading of {join(unclear)}"
        if c.contradiction == "none":
            return (
                "a consistent MRI reading (no active fracture is recorded, yet "
                f"{join(c.signs)} at {c.level})"
            )
        if c.contradiction == "treated":
            return (
                f"a consistent MRI reading (the active fracture is placed at {c.level}, yet no "
                "sign of activity is positive there)"
            )
        return (
            f"confirmation that the MRI was done after the index procedure, at {c.level}, with "
            "fluid-sensitive sequences"
        )
    if item == WorkupItem.PAIN_COURSE:
        return (
            f"confirmation of the course of pain at {c.level} (recorded as still relieved, while "
            "MRI places the active fracture there)"
        )
    if item == WorkupItem.POINT_TENDERNESS:
        return f"examination for point tenderness at {c.level}"
    if item == WorkupItem.NEURO_EXAM:
        return (
            "a neurological examination (to exclude a new deficit; it also serves as the "
            "baseline before any procedure)"
        )
    return "CT or radiographs of the index cement fill"


def _r6(c: Case) -> Decision:
    needs = join([workup_words(c, item) for item in c.workup])
    return Decision(
        Recommendation.COMPLETE_WORKUP,
        f"The work-up is incomplete; a decision on a repeat procedure at {c.level} still needs "
        f"{needs}.",
        f"Complete the work-up before deciding on repeat vertebroplasty at {c.level}.",
    )


def _r7(c: Case) -> Decision:
    return Decision(
        Recommendation.NOT_INDICATED,
        f"MRI shows no sign of fracture activity at {c.level} (no marrow edema, no cleft, no fluid "
        "at the bone–cement interface), the signs the practice parameter uses to select patients "
        "(ref 4); another pain generator is the likelier source.",
        f"Repeat vertebroplasty at {c.level} is not indicated: no sign of fracture activity on MRI.",
    )


def _r9(c: Case) -> Decision:
    reassess = r9_reassess_from(c)
    recurrence = c.i.recurrence_date
    assert recurrence is not None
    text = (
        f"Pain at {c.level} returned {when_returned(c)} (on {in_words(recurrence)}); "
        f"{weeks_recorded(c)} recorded since then. Selection for a repeat procedure requires pain "
        "refractory to at least 6 weeks of conservative therapy (ref 4); counting them from when "
        "the pain returned is local policy, not from the cited evidence."
    )
    if c.i.analgesics == Analgesics.NONE:
        text += (
            " No analgesic is recorded: the pain cannot be called refractory to medical therapy "
            "before a trial of analgesia (two weeks, local policy, not from the cited evidence)."
        )
    if c.disabled:
        text += (
            f" The patient is {disabled_state(c)}: earlier intervention may be discussed with the "
            "spine team (common practice, not from the cited evidence)."
        )
    text += f" Reassess from {in_words(reassess)}."
    weeks = c.i.conservative_therapy_weeks or 0
    s = c.s or 0
    if c.i.analgesics == Analgesics.NONE:
        why = "no analgesic tried yet"
    elif s < SIX_WEEKS_DAYS:
        why = (
            "the pain returned today" if s == 0 else f"the pain returned only {count(s, 'day')} ago"
        )
    elif weeks == 0:
        why = "no conservative therapy yet"
    else:
        why = f"only {count(weeks, 'week')} of therapy so far"
    return Decision(
        Recommendation.CONTINUE_CONSERVATIVE,
        text,
        f"{r9_start(c)} conservative therapy before any repeat vertebroplasty at {c.level}: {why}; "
        f"reassess from {in_words(reassess)}.",
        reassess,
    )


def _r14(c: Case) -> Decision:
    text = (
        f"Current pain at {c.level} is mild (VAS {c.i.vas_current}/10): selection for a repeat "
        "procedure requires pain refractory to conservative therapy (ref 4)"
    )
    if c.scenario in INDEX_FAILURE_SCENARIOS:
        text += (
            ", and the unrelieved-pain series treated severe pain (mean VAS 8.6 before the repeat "
            "procedure, ref 1)"
        )
    text += (
        ". Mild here means VAS 3 or less in a patient not recorded as bed-bound or taking opioids "
        "(local policy, not from the cited evidence)."
    )
    return Decision(
        Recommendation.CONTINUE_CONSERVATIVE,
        text,
        f"Continue conservative therapy rather than repeat vertebroplasty at {c.level}: current "
        f"pain is mild (VAS {c.i.vas_current}/10).",
    )


def _r20(c: Case) -> Decision:
    return Decision(
        Recommendation.CONTINUE_CONSERVATIVE,
        f"Pain at {c.level} is controlled on opioids (VAS {c.i.vas_current}/10): that is not mild "
        "pain, but a repeat procedure is not needed while the pain stays controlled without undue "
        "side effects. Medical therapy has failed if the opioids cannot be reduced or cause "
        "sedation, confusion or constipation (common practice, not from the cited evidence); "
        "selection requires pain refractory to conservative therapy (ref 4).",
        f"Continue conservative therapy at {c.level}: pain is controlled on opioids (VAS "
        f"{c.i.vas_current}/10); reassess if they cannot be reduced.",
    )


def _r22(c: Case) -> Decision:
    text = "MRI, which these rules read, is not possible."
    found = findings(c)
    if found:
        text += f" Recorded at {c.level}: {found}."
    text += (
        f" The decision rests with the spine team on CT of {c.level} and bone scintigraphy with "
        "SPECT-CT (MRI is the imaging the practice parameter asks for, ref 4; the alternative is "
        "local policy, not from the cited evidence; uptake on bone scintigraphy persists for "
        "months after a fracture and after cementation)."
    )
    return Decision(
        Recommendation.DECIDE_WITH_SPINE_TEAM,
        text,
        f"MRI is not possible: decide on repeat vertebroplasty at {c.level} with the spine team on "
        "CT and SPECT-CT.",
    )


def _r2(c: Case) -> Decision:
    one = len(c.i.contraindications) == 1
    names = join([CONTRAINDICATION_NAMES[Contraindication(x)] for x in c.i.contraindications])
    return Decision(
        Recommendation.CONTRAINDICATED,
        f"Repeat vertebroplasty at {c.level} is contraindicated: {qualified_contraindications(c)}. "
        f"{'This is' if one else 'These are'} local policy, not from the cited evidence. Without "
        f"{'it' if one else 'them'}, the findings at {c.level} ({findings(c)}) would lead to a "
        "repeat recommendation.",
        f"Repeat vertebroplasty at {c.level} is contraindicated: {names}.",
    )


def _r15(c: Case) -> Decision:
    etiology = etiology_words(c)
    traumatic = c.i.fracture_etiology == FractureEtiology.TRAUMATIC
    who = (
        "a spinal surgeon, who assesses the stability of the fracture"
        if traumatic
        else "the spine team once the cause of the fracture is established"
    )
    return Decision(
        Recommendation.REPEAT_MAY_BE_CONSIDERED,
        "The evidence on repeat vertebroplasty comes from osteoporotic compression fractures; for "
        f"a {etiology} at {c.level} it applies only by extension. Findings at {c.level}: "
        f"{findings(c)}. In osteoporotic fractures these findings may support a repeat procedure; "
        f"whether this holds for a {etiology} is not known, so a repeat procedure may at most be "
        f"considered, decided with {who}.",
        f"Repeat vertebroplasty may be considered at {c.level} ({etiology}: decide with "
        f"{'a spinal surgeon' if traumatic else 'the spine team'}).",
    )


def _r23(c: Case) -> Decision:
    bed_bound = c.i.mobility == Mobility.BED_BOUND
    if bed_bound and c.i.opioid_failure:
        state_long = (
            "kept in bed by the pain, on opioids that cannot be reduced or cause side effects"
        )
        state_short = "bed-bound, opioids failed"
    elif bed_bound:
        state_long, state_short = "kept in bed by the pain", "bed-bound"
    else:
        state_long = "on opioids that cannot be reduced or cause side effects"
        state_short = "opioids failed"
    recurrence = c.i.recurrence_date
    assert recurrence is not None and c.six_weeks_date is not None
    return Decision(
        Recommendation.REPEAT_MAY_BE_CONSIDERED,
        f"Pain at {c.level} returned {when_returned(c)} (on {in_words(recurrence)}) and "
        f"{weeks_recorded(c)} recorded: the 6 weeks asked for by the practice parameter (ref 4) "
        f"are not complete (met on {in_words(c.six_weeks_date)}). The patient is {state_long}, "
        "which counts here as failed medical therapy (local policy, not from the cited evidence). "
        f"Findings at {c.level}: {findings(c)}. A repeat procedure may be considered now, decided "
        "with the spine team.",
        f"Repeat vertebroplasty may be considered at {c.level}: medical therapy has failed "
        f"({state_short}); decide with the spine team.",
    )


def _r19(c: Case) -> Decision:
    text = (
        f"Partial relief at {c.level} is recorded ({timeline(c)}); the unrelieved-pain series "
        "treated pain that was not relieved (ref 1)."
    )
    reassess = None
    if c.d < SIX_WEEKS_DAYS:
        reassess = c.i.assessment_date + timedelta(days=TREND_DAYS)
        text += (
            " A repeat procedure may be considered if the pain plateaus at a disabling level; "
            f"reassess the trend from {in_words(reassess)}."
        )
        vb = c.i.vas_before_index
        recorded = "recorded." if vb is None else f"recorded (VAS {vb} → {c.i.vas_current})."
        headline = (
            f"Repeat vertebroplasty may be considered at {c.level} if the pain plateaus: partial "
            f"relief is {recorded}"
        )
    else:
        text += f" The pain has persisted for {c.d} days: a repeat procedure may be considered."
        headline = (
            f"Repeat vertebroplasty may be considered at {c.level}: partial relief only, "
            f"persisting on day {c.d}."
        )
    return Decision(Recommendation.REPEAT_MAY_BE_CONSIDERED, text, headline, reassess)


def _r21(c: Case) -> Decision:
    return Decision(
        Recommendation.REPEAT_MAY_BE_CONSIDERED,
        f"Point tenderness is absent at the spinous process of {c.level}, but the imaging points "
        f"to {c.level} ({imaging_findings(c)}). The practice parameter asks for point tenderness "
        "to be documented (ref 4), but its absence is not treated here as a reason to refuse: in "
        "a series of first vertebroplasties, patients without tenderness over the treated "
        "fracture had no worse pain relief (ref 8); repeat procedures have not been studied in "
        "this respect (local policy, beyond the cited evidence). Re-examine before deciding: a "
        "repeat procedure may be considered.",
        f"Repeat vertebroplasty may be considered at {c.level}: imaging points to the level, but "
        "point tenderness is absent; re-examine.",
    )


def _r10(c: Case) -> Decision:
    causes = []
    if c.i.cement_fill == CementFill.INADEQUATE:
        causes.append(
            "inadequate cement fill (the primary technical reason for failure in the "
            "unrelieved-pain series, ref 1)"
        )
    if c.i.cleft_sign == F.PRESENT:
        if c.i.cleft_new_since_index is True:
            causes.append(
                f"{cleft_phrase(c)}, a sign that the fracture progressed after the index "
                "procedure (ref 3)"
            )
        else:
            causes.append(f"{cleft_phrase(c)}, a sign of inadequate initial treatment (ref 3)")
    text = (
        f"Failure of the index procedure at {c.level} ({timeline(c)}) with {join(causes)}: repeat "
        "vertebroplasty is indicated."
    )
    if c.scenario == Scenario.PERSISTENT_PAIN:
        text += PERSISTENT_SENTENCE
    text += bed_bound_sentence(c, second_form=True)
    return Decision(
        Recommendation.REPEAT_INDICATED, text, f"Repeat vertebroplasty is indicated at {c.level}."
    )


def _r11(c: Case) -> Decision:
    cleft = (
        "no cleft"
        if c.i.cleft_sign == F.ABSENT
        else "no definite cleft (the cleft sign is indeterminate)"
    )
    text = (
        f"Failure of the index procedure at {c.level} ({timeline(c)}) with an adequate cement "
        f"fill and {cleft}. "
    )
    if c.signs == (SIGN_EDEMA,) and c.d <= SIX_WEEKS_DAYS:
        text += (
            f"MRI shows marrow edema at {c.level}, which is expected within 6 weeks of "
            f"cementation and does not by itself show that {c.level} is the pain generator (not "
            "from the cited evidence)"
        )
    else:
        text += (
            f"MRI shows {join(c.signs)} at {c.level}, so the treated level is a plausible source"
        )
        if c.i.fluid_at_cement_interface:
            text += "; fluid at the bone–cement interface signals a progressive fracture (ref 3)"
    text += (
        ". But inadequate filling, the primary technical reason for failure in the "
        "unrelieved-pain series (ref 1), is not shown: confirm the pain generator before a repeat "
        "procedure, which may then be considered (see next steps)."
    )
    if c.scenario == Scenario.PERSISTENT_PAIN:
        text += PERSISTENT_SENTENCE
    text += bed_bound_sentence(c, second_form=True)
    return Decision(
        Recommendation.REPEAT_MAY_BE_CONSIDERED,
        text,
        f"Repeat vertebroplasty may be considered at {c.level}.",
    )


def _r12(c: Case) -> Decision:
    text = (
        f"MRI shows {cleft_phrase(c)} at {c.level} after the pain recurred. In the recurrent-pain "
        "series every patient had a cleft before the repeat procedure and all had complete or "
        "partial relief (ref 2), and an unfilled cleft is a recognised cause of progression after "
        "vertebroplasty (ref 3). On this evidence from small series, repeat vertebroplasty is "
        "indicated."
    ) + bed_bound_sentence(c, second_form=False)
    return Decision(
        Recommendation.REPEAT_INDICATED, text, f"Repeat vertebroplasty is indicated at {c.level}."
    )


def _r13(c: Case) -> Decision:
    cleft = (
        "a cleft"
        if c.i.cleft_sign == F.ABSENT
        else "a definite cleft (the cleft sign is indeterminate)"
    )
    text = (
        f"MRI shows fracture activity at {c.level} ({join(c.signs)}) without {cleft}: the "
        "published benefit of a repeat procedure after recurrence was in patients with clefts "
        "(ref 2), so a repeat procedure may be considered."
    )
    if c.i.cement_fill == CementFill.INADEQUATE:
        text += (
            " The index fill is inadequate; incomplete filling is the most common technical cause "
            "of persistent pain (ref 3)."
        )
    text += bed_bound_sentence(c, second_form=False)
    return Decision(
        Recommendation.REPEAT_MAY_BE_CONSIDERED,
        text,
        f"Repeat vertebroplasty may be considered at {c.level}.",
    )


# §4: the rules in their order; the first that fires decides (R8 is retired).
RULES: tuple[Rule, ...] = (
    Rule("R1", lambda c: c.i.neuro_exam == NeuroExam.NEW_DEFICIT, _r1),
    Rule("R17", lambda c: c.infection_flag, _r17),
    Rule("R16", lambda c: c.complication_flag, _r16),
    Rule("R4", lambda c: c.scenario == Scenario.TOO_EARLY, _r4),
    Rule(
        "R18",
        lambda c: c.i.fracture_etiology == FractureEtiology.NEOPLASTIC and c.i.vas_current >= 1,
        _r18,
    ),
    Rule("R3", _r3_fires, _r3),
    Rule("R5", lambda c: c.scenario in NEW_LEVEL_SCENARIOS, _r5),
    Rule("R6", lambda c: bool(c.workup), _r6),
    Rule(
        "R7",
        lambda c: (
            c.i.marrow_edema == F.ABSENT
            and c.i.cleft_sign == F.ABSENT
            and not c.i.fluid_at_cement_interface
        ),
        _r7,
    ),
    Rule(
        "R9",
        lambda c: (
            c.six_weeks_unmet
            and (not c.medical_therapy_failed or c.i.analgesics == Analgesics.NONE)
        ),
        _r9,
    ),
    Rule("R14", lambda c: c.mild_pain, _r14),
    Rule("R20", lambda c: c.opioid_controlled, _r20),
    Rule("R22", lambda c: c.i.mri_not_possible, _r22),
    Rule("R2", lambda c: bool(c.i.contraindications), _r2),
    Rule(
        "R15",
        lambda c: c.i.fracture_etiology in (FractureEtiology.TRAUMATIC, FractureEtiology.OTHER),
        _r15,
    ),
    Rule("R23", lambda c: c.six_weeks_unmet and c.medical_therapy_failed, _r23),
    Rule(
        "R19",
        lambda c: (
            c.i.initial_response == InitialResponse.PARTIAL_RELIEF
            and c.i.mobility != Mobility.BED_BOUND
        ),
        _r19,
    ),
    Rule("R21", lambda c: c.i.point_tenderness == Tenderness.ABSENT, _r21),
    Rule(
        "R10",
        lambda c: (
            c.scenario in INDEX_FAILURE_SCENARIOS
            and (c.i.cement_fill == CementFill.INADEQUATE or c.i.cleft_sign == F.PRESENT)
        ),
        _r10,
    ),
    Rule("R11", lambda c: c.scenario in INDEX_FAILURE_SCENARIOS, _r11),
    Rule("R12", lambda c: c.i.cleft_sign == F.PRESENT, _r12),
    Rule("R13", lambda c: True, _r13),
)

# The deciding rules reached only when no work-up item (§4.1) is missing: those after R6 in the
# order (R6 fires on any missing item). Beside an earlier rule an empty `missing` list says
# nothing of the work-up: only the safety items are listed there.
_ORDER = [rule.id for rule in RULES]
WORKUP_COMPLETE_RULES = frozenset(_ORDER[_ORDER.index("R6") + 1 :])
RULE_IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)


# §5a warnings -----------------------------------------------------------------------------


def warnings_for(c: Case) -> list[InputWarning]:
    i, level = c.i, c.level
    found: list[InputWarning] = []
    response = i.initial_response
    edema_present = i.marrow_edema == F.PRESENT
    if (
        response == InitialResponse.ONGOING_RELIEF
        and i.active_fracture_location == FractureLocation.TREATED_LEVEL
    ):
        text = (
            "“Ongoing relief at the treated level” is recorded, but MRI places the active "
            f"fracture at {level}"
        )
        if c.signs:
            text += f" ({join(c.signs)})"
        text += "."
        if edema_present:
            text += (
                " Marrow edema can persist for months after cementation and is not by itself a "
                "recurrence (not from the cited evidence)."
            )
        text += (
            f" If the pain at {level} came back, record “Relief, then recurrence of pain” with its "
            f"date; if {level} is still relieved and its MRI signal is post-procedural, record the "
            "active fracture location as “No active fracture identified”."
        )
        found.append(InputWarning("P1", ("initial_response", "active_fracture_location"), text))
    if c.contradiction == "none":
        text = f"“No active fracture identified” is recorded together with {join(c.signs)} at {level}: re-read the MRI."
        if edema_present:
            text += (
                " Marrow edema can persist for months after cementation and is not by itself an "
                "active fracture (not from the cited evidence)."
            )
        if i.cleft_sign == F.PRESENT or i.fluid_at_cement_interface:
            text += (
                " A cleft or fluid at the bone–cement interface is a sign of an unhealed fracture."
            )
        fields = ["active_fracture_location"]
        if i.cleft_sign == F.PRESENT:
            fields.append("cleft_sign")
        if edema_present:
            fields.append("marrow_edema")
        if i.fluid_at_cement_interface:
            fields.append("fluid_at_cement_interface")
        found.append(InputWarning("P2", tuple(fields), text))
    if c.contradiction == "treated":
        found.append(
            InputWarning(
                "P3",
                ("active_fracture_location", "cleft_sign", "marrow_edema"),
                "“At the treated level” is recorded as the location of the active fracture, but "
                f"no sign of activity is positive at {level} (marrow edema absent, cleft absent, "
                "no fluid at the bone–cement interface): re-read the MRI, and record "
                "“Indeterminate” for a sign the images do not allow reading.",
            )
        )
    if c.p4:
        found.append(
            InputWarning(
                "P4",
                ("marrow_edema",),
                f"No marrow edema is recorded at {level} {count(c.d, 'day')} after cementation: "
                "edema usually persists for weeks after vertebroplasty (not from the cited "
                "evidence). Check that the MRI was done after the index procedure, at the right "
                "level, with fluid-sensitive (STIR or fat-suppressed T2) sequences.",
            )
        )
    vb, vc = i.vas_before_index, i.vas_current
    if (
        response == InitialResponse.NO_RELIEF
        and c.substantial_relief
        and i.mobility != Mobility.BED_BOUND
        and vb is not None
    ):
        percent = (100 * (vb - vc)) // vb
        found.append(
            InputWarning(
                "P5",
                ("initial_response", "vas_before_index", "vas_current"),
                f"“No relief after the index procedure” is recorded, but the VAS fell from {vb} "
                f"to {vc} ({percent}% less). Confirm the course of pain: if the index procedure "
                "gave partial relief, record “Partial relief”; if the lower score reflects "
                "stronger analgesia, keep “No relief”.",
            )
        )
    if vc == 0 and response != InitialResponse.ONGOING_RELIEF:
        facts = []
        if response == InitialResponse.NO_RELIEF:
            facts.append("the pain never improved after the index procedure")
        elif response == InitialResponse.PARTIAL_RELIEF:
            facts.append("the pain improved only partly after the index procedure")
        elif i.recurrence_date is not None:
            facts.append(f"the pain came back on {in_words(i.recurrence_date)}")
        if i.analgesics == Analgesics.OPIOID:
            facts.append("the patient takes opioids")
        if i.point_tenderness == Tenderness.PRESENT:
            facts.append(f"{level} is tender")
        found.append(
            InputWarning(
                "P6",
                ("vas_current",),
                f"No current pain (VAS 0) is recorded although {join(facts)}: confirm whether the "
                "pain has resolved or is controlled by analgesics.",
            )
        )
    if (
        response == InitialResponse.ONGOING_RELIEF
        and vc >= 1
        and i.point_tenderness == Tenderness.PRESENT
    ):
        found.append(
            InputWarning(
                "P7",
                ("initial_response", "point_tenderness"),
                f"Point tenderness at {level} is recorded although the pain there is recorded as "
                f"still relieved: re-examine, and if the pain at {level} came back, record "
                "“Relief, then recurrence of pain” with its date.",
            )
        )
    weeks = i.conservative_therapy_weeks
    if (
        response == InitialResponse.RELIEF_THEN_RECURRENCE
        and i.analgesics == Analgesics.NONE
        and weeks is not None
        and weeks >= 1
    ):
        found.append(
            InputWarning(
                "P8",
                ("conservative_therapy_weeks", "analgesics"),
                f"{count(weeks, 'week')} of conservative therapy {'is' if weeks == 1 else 'are'} "
                "recorded with no analgesic: confirm what the therapy was (for example bracing, "
                "physiotherapy or rest); the pain cannot be called refractory to medical therapy "
                "without a trial of analgesia.",
            )
        )
    t = i.bmd_t_score
    young = i.patient_age < YOUNG_AGE_YEARS
    normal_bone = t is not None and t > OSTEOPENIA_T_SCORE
    if i.fracture_etiology == FractureEtiology.OSTEOPOROTIC and (young or normal_bone):
        details = []
        fields = []
        if young:
            details.append(f"at {i.patient_age} years")
            fields.append("patient_age")
        fields.append("fracture_etiology")
        if normal_bone and t is not None:
            details.append(
                f"with a T-score of {t_score(t)} (normal bone density by the WHO definition)"
            )
            fields.append("bmd_t_score")
        found.append(
            InputWarning(
                "P9",
                tuple(fields),
                f"An osteoporotic fracture is recorded {' and '.join(details)}: the etiology is "
                "not confirmed. Exclude an underlying lesion (myeloma, metastasis), trauma and "
                "secondary causes of bone loss before a repeat procedure (not from the cited "
                "evidence); the cited evidence comes from osteoporotic fractures.",
            )
        )
    ml = i.index_cement_volume_ml
    if ml is not None and ml > SINGLE_LEVEL_MAX_ML:
        found.append(
            InputWarning(
                "P10",
                ("index_cement_volume_ml",),
                f"{volume(ml)} mL of cement is recorded for the index procedure at {level}, more "
                "than is usual for a single vertebra (above 10.0 mL, local policy): check the "
                "entry (is it a total for several levels?) and the index images.",
            )
        )
    if (
        i.infection_signs
        and i.vertebral_infection == VertebralInfection.EXCLUDED
        and Contraindication.ACTIVE_INFECTION not in i.contraindications
    ):
        found.append(
            InputWarning(
                "P11",
                ("infection_signs", "vertebral_infection", "contraindications"),
                "Signs of infection are recorded, and infection of the treated vertebra is "
                "recorded as excluded: if an infection elsewhere is still active, record it as a "
                "contraindication (active infection); a repeat procedure waits until it has "
                "resolved.",
            )
        )
    if i.mobility == Mobility.BED_BOUND and 1 <= vc <= MILD_PAIN_MAX_VAS:
        found.append(
            InputWarning(
                "P12",
                ("vas_current", "mobility"),
                f"VAS {vc}/10 is recorded for a patient kept in bed by the back pain: confirm that "
                "the back pain, not another condition, keeps the patient in bed, and that the "
                "score was taken on movement, not at rest.",
            )
        )
    if vb is not None and vb <= MILD_PAIN_MAX_VAS:
        found.append(
            InputWarning(
                "P13",
                ("vas_before_index",),
                f"A pain score of {vb}/10 before the index procedure is recorded: check the entry; "
                "vertebroplasty is done for severe pain.",
            )
        )
    if c.scenario == Scenario.PERSISTENT_PAIN and i.analgesics == Analgesics.NONE:
        found.append(
            InputWarning(
                "P14",
                ("analgesics",),
                f"No analgesic is recorded although the pain has not been relieved for {c.d} days: "
                "confirm the analgesic history; selection asks for pain refractory to "
                "conservative therapy.",
            )
        )
    return found


# §5 notes ---------------------------------------------------------------------------------

UNRELIEVED = (
    "in a small series of repeat procedures for pain not relieved within 4–32 days, every "
    "patient had complete or partial relief (mean VAS 8.6 → 1.67 in the first month, ref 1)"
)
RECURRENT = (
    "in a small series of repeat procedures for recurrent pain, every patient had a cleft and "
    "complete or partial relief (mean VAS 2.8 at 3 months, ref 2)"
)
N2_SAFETY = (
    ". These small series are not a prediction for this patient: a repeat procedure can fail, "
    "and rare serious complications (cement embolism, neurological injury, infection, bleeding) "
    "cannot be excluded. Asymptomatic leakage was seen on imaging in 13–22% of repeat procedures "
    "(ref 1), no serious complication was reported (refs 1, 2), and major complications occur in "
    "less than 1% of vertebral augmentations for osteoporotic fractures (ref 4)."
)


def _note(note_id: str, text: str) -> Note:
    return Note(note_id, text, cited(text))


def notes_for(c: Case, rule: str, repeat: bool) -> list[Note]:
    """§5: the notes in id order, N16 first; none when R1 decides."""
    if rule == "R1":
        return []
    i, level = c.i, c.level
    notes: list[Note] = []
    if repeat:
        ml = i.index_cement_volume_ml
        if i.cleft_sign == F.PRESENT:
            target = "the cleft"
        elif i.cement_fill == CementFill.INADEQUATE:
            target = "the part of the fracture the index cement did not fill"
        else:
            target = "to be defined on CT"
        notes.append(
            _note(
                "N1",
                f"Index cement at {level}: {'not recorded' if ml is None else volume(ml) + ' mL'}; "
                f"target of a repeat procedure: {target} (ref 3). The repeat series used means of "
                "4.0–6.8 mL per vertebra (refs 1, 2), and success correlated with disappearance "
                "of the cleft (ref 2); the volume is judged under fluoroscopy and is smaller in "
                "the thoracic spine (not from the cited evidence).",
            )
        )
        if c.scenario == Scenario.IMMEDIATE_FAILURE:
            text = "Reported outcome: " + UNRELIEVED
        elif c.scenario == Scenario.PERSISTENT_PAIN:
            text = "Reported outcome: " + UNRELIEVED + "; " + RECURRENT
        else:
            text = "Reported outcome: " + RECURRENT
        if i.initial_response == InitialResponse.PARTIAL_RELIEF:
            text += "; this patient has partial relief, unlike the patients of the unrelieved-pain series"
        if i.cleft_sign != F.PRESENT:
            if c.scenario == Scenario.IMMEDIATE_FAILURE and i.cement_fill == CementFill.ADEQUATE:
                text += (
                    "; with an adequate fill and no definite cleft the benefit is not established"
                )
            elif c.scenario in (Scenario.PERSISTENT_PAIN, Scenario.DELAYED_RECURRENCE):
                text += "; without a definite cleft the benefit is not established"
        notes.append(_note("N2", text + N2_SAFETY))
    n5_rule = rule in N5_RULES
    failure = c.scenario in FAILURE_SCENARIOS
    if failure and n5_rule:
        mechanisms = []
        if i.cement_fill == CementFill.INADEQUATE:
            mechanisms.append(
                "incomplete filling or cement missing the fracture (cement fill recorded as "
                "inadequate)"
            )
        if i.fluid_at_cement_interface:
            mechanisms.append(
                "fluid at the bone–cement interface, a sign of a progressive fracture"
            )
        if i.cleft_sign == F.PRESENT:
            mechanisms.append(cleft_phrase(c))
        if mechanisms:
            notes.append(_note("N5", f"Failure mechanism shown (ref 3): {join(mechanisms)}."))
        if i.cleft_sign == F.PRESENT and i.cleft_new_since_index is True:
            notes.append(
                _note(
                    "N6",
                    "The cleft was absent on pre-index imaging: clefts can appear after the index "
                    "procedure, and in the recurrent-pain series every patient showed a cleft "
                    "before the repeat procedure (ref 2).",
                )
            )
    if i.active_fracture_location in (
        FractureLocation.ADJACENT_LEVEL,
        FractureLocation.NON_ADJACENT_LEVEL,
    ):
        text = (
            "In the published series of new fractures after vertebroplasty, 58.8–63.8% were at "
            "adjacent levels, and adjacent fractures came sooner (mean 72 vs 287 days after "
            f"vertebroplasty) (ref 5). This fracture at {new_level(c)} is reported on day {c.d} "
            "after the index procedure"
        )
        if c.d <= EARLY_NEW_FRACTURE_DAYS:
            text += (
                "; this early, it may have been present before the index procedure, and the "
                "series of new fractures may not apply"
            )
        notes.append(_note("N7", text + "."))
    factors = []
    if i.patient_age >= RISK_AGE_YEARS:
        factors.append(f"age {i.patient_age}")
    if i.bmd_t_score is not None and i.bmd_t_score <= RISK_T_SCORE:
        factors.append(f"a T-score of {t_score(i.bmd_t_score)}")
    if i.prior_vertebral_fractures >= RISK_PRIOR_FRACTURES:
        factors.append(count(i.prior_vertebral_fractures, "prior vertebral fracture"))
    if factors:
        notes.append(
            _note(
                "N8",
                f"Risk factors for further fractures are present: {join(factors)}. Older age, "
                "lower bone density and more pre-existing fractures were the risk factors in the "
                "published series (refs 5, 6); in one series 7.8% of patients had a new "
                "symptomatic fracture within a year of vertebroplasty (ref 6), and with these "
                "risk factors the risk is likely to be higher.",
            )
        )
    if rule not in ("R4", "R16", "R17", "R18"):
        text = (
            "The practice parameter advises counselling the patient to report a sudden increase "
            "in back pain or new back pain, which may signal a new fracture, and follow-up of "
            "pain, mobility and analgesic use (ref 4)."
        )
        if c.prevention_applies:
            text += " It also advises medical prevention of further fractures"
            if repeat:
                text += ", particularly after a repeat procedure"
            text += " (bisphosphonates, calcium, vitamin D; ref 7)."
            if i.patient_age < YOUNG_AGE_YEARS:
                text += (
                    f" At {i.patient_age} years, a search for secondary causes of bone loss and "
                    "specialist bone advice usually come before drug treatment (local policy, not "
                    "from the cited evidence)."
                )
        notes.append(_note("N9", text))
    if repeat and i.neuro_exam in (NeuroExam.NORMAL, NeuroExam.CHRONIC_STABLE_DEFICIT):
        state = "normal" if i.neuro_exam == NeuroExam.NORMAL else "chronic, stable deficit"
        notes.append(
            _note(
                "N10",
                f"A baseline neurological examination recorded now ({state}) allows rapid "
                "comparison after the procedure (ref 4).",
            )
        )
    if rule == "R5" and c.signs:
        if c.signs == (SIGN_EDEMA,) and c.d <= SIX_WEEKS_DAYS:
            text = (
                f"Marrow edema at {level} {count(c.d, 'day')} after cementation is expected after "
                "the procedure and is not by itself a failure of the treated level (not from the "
                "cited evidence)."
            )
        else:
            text = f"MRI also shows {join(c.signs)} at {level}"
            if i.point_tenderness == Tenderness.PRESENT:
                text += ", which is tender"
            text += ": the treated level may also be painful; correlate each level with the examination."
        notes.append(_note("N11", text))
    if i.contraindications and rule != "R2":
        notes.append(
            _note(
                "N12",
                "Contraindications recorded (local policy list, not from the cited evidence): "
                f"{qualified_contraindications(c)}. Each is resolved or weighed before any repeat "
                "procedure (see the next steps).",
            )
        )
    if i.fracture_etiology == FractureEtiology.NEOPLASTIC and rule != "R18":
        notes.append(
            _note(
                "N13",
                "Neoplastic fracture: pain at a cemented vertebra may be tumour progression until "
                "proven otherwise, and marrow edema or a cleft on MRI without contrast does not "
                "tell tumour from fracture. The evidence on repeat vertebroplasty comes from "
                "osteoporotic fractures; restaging, stability, epidural disease and the "
                "spine-oncology MDT decide the treatment of this level (standard oncology "
                "practice, not from the cited evidence).",
            )
        )
    if (
        c.infection_recorded
        and i.vertebral_infection == VertebralInfection.NOT_ASSESSED
        and not c.infection_flag
    ):
        active = Contraindication.ACTIVE_INFECTION in i.contraindications
        if active and i.infection_signs:
            which = "active infection and signs of infection"
        else:
            which = "active infection" if active else "signs of infection"
        notes.append(
            _note(
                "N14",
                f"Infection is recorded ({which}) and there is no back pain now: new back pain "
                "would call for exclusion of infection of the treated vertebra (local policy, not "
                "from the cited evidence).",
            )
        )
    if i.vertebral_infection == VertebralInfection.RESOLVED:
        notes.append(
            _note(
                "N15",
                f"Infection of the treated vertebra {level} has been treated: any repeat procedure "
                "needs the infection team's agreement, with a biopsy at the procedure (local "
                "policy, not from the cited evidence).",
            )
        )
    if i.fracture_etiology != FractureEtiology.OSTEOPOROTIC and any(
        note.id in ("N1", "N2", "N5", "N6", "N7", "N8") for note in notes
    ):
        notes.insert(
            0,
            _note(
                "N16",
                "The series cited in these notes concern osteoporotic fractures; this is a "
                f"{etiology_words(c)}.",
            ),
        )
    return notes


# §5b next steps ---------------------------------------------------------------------------


def _step(step_id: str, text: str) -> NextStep:
    return NextStep(step_id, text, cited(text))


def next_steps_for(
    c: Case, rule: str, repeat: bool, reassess_from: date | None, prevention_sentence: bool
) -> list[NextStep]:
    i, level = c.i, c.level
    neoplastic = i.fracture_etiology == FractureEtiology.NEOPLASTIC
    if rule == "R1":
        return [_step("S1", s1_text(neoplastic=neoplastic))]
    steps: list[NextStep] = []
    r17_second = rule == "R17" and i.vertebral_infection != VertebralInfection.ACTIVE
    if r17_second:
        steps.append(_step("S2", s2_text(level)))
    if c.complication_flag:
        steps.append(_step("S3", s3_text(level)))
    if rule == "R4" and reassess_from is not None:
        steps.append(
            _step(
                "S4",
                f"Reassess from {in_words(reassess_from)} (day 4 after the index procedure); new "
                "or worse pain, or any neurological change, before then calls for assessment at "
                "once.",
            )
        )
    if rule == "R18":
        steps.append(
            _step(
                "S5",
                f"Restage the disease and image {level}: MRI with contrast (when MRI is not "
                "possible: CT, with CT myelography where epidural disease is suspected) and CT of "
                "the posterior wall and posterior elements; assess spinal stability and epidural "
                "disease; present at the spine-oncology MDT (radiotherapy, surgery, or repeat "
                "augmentation with biopsy).",
            )
        )
    if rule == "R3" and c.scenario == Scenario.NO_CURRENT_PAIN:
        text = "No procedure now; evaluate again if the pain returns"
        if i.analgesics == Analgesics.OPIOID:
            text += " or when opioids are reduced"
        text += "."
        if i.cleft_sign == F.PRESENT or i.fluid_at_cement_interface:
            text += (
                f" Consider follow-up radiographs of {level} for progressive collapse (MRI shows "
                f"{join(c.signs)})."
            )
        steps.append(_step("S6", text))
    if (rule == "R3" and c.scenario == Scenario.TREATED_LEVEL_RELIEVED) or rule == "R7":
        text = (
            "Look for the source of the pain: adjacent levels, facet joints, sacroiliac joints, "
            "radicular pain and non-spinal causes."
        )
        if c.p4:
            text += " First confirm the MRI reading (see warning P4)."
        steps.append(_step("S7", text))
    if rule == "R5":
        text = f"Evaluate the new fracture at {new_level(c)} for treatment on its own merits."
        if c.d <= EARLY_NEW_FRACTURE_DAYS:
            text += (
                f" Compare with the pre-procedure MRI: a fracture seen {count(c.d, 'day')} after "
                "the index procedure may have been present before it."
            )
        if c.signs and not (c.signs == (SIGN_EDEMA,) and c.d <= SIX_WEEKS_DAYS):
            text += (
                " Correlate both levels with the examination; where both are painful and active, "
                "treating both in one session may be appropriate (not from the cited evidence)."
            )
        steps.append(_step("S8", text))
    if rule == "R6":
        text = "Complete the work-up, then evaluate again."
        if WorkupItem.PAIN_COURSE in c.workup:
            text += f" Confirm the course of pain at {level} (see warning P1)."
        if c.scenario == Scenario.TREATED_LEVEL_RELIEVED and WorkupItem.MRI in c.workup:
            text += (
                " New back pain after vertebroplasty may signal a new fracture, most often at an "
                "adjacent level (refs 4, 5): MRI looks for it."
            )
        steps.append(_step("S9", text))
    if rule == "R9" and reassess_from is not None:
        text = f"{r9_start(c)} conservative therapy"
        if i.analgesics == Analgesics.NONE:
            text += ", including a trial of analgesia,"
        text += f" and reassess from {in_words(reassess_from)}."
        if c.disabled:
            bed_bound = i.mobility == Mobility.BED_BOUND
            on_opioids = i.analgesics == Analgesics.OPIOID
            if bed_bound and on_opioids:
                harm = "prolonged bed rest and opioid use carry their own harm"
            elif bed_bound:
                harm = "prolonged bed rest carries its own harm"
            else:
                harm = "prolonged opioid use carries its own harm"
            text += (
                f" The patient is {disabled_state(c)}: discuss earlier intervention with the spine "
                f"team, since {harm} (common practice, not from the cited evidence)."
            )
        steps.append(_step("S10", text))
    if rule == "R14":
        steps.append(
            _step(
                "S11",
                "Continue conservative therapy; evaluate again if the pain worsens, keeps the "
                "patient in bed or needs opioids, recording mobility and analgesics as they are "
                "then.",
            )
        )
    if rule == "R20":
        steps.append(
            _step(
                "S12",
                "Continue analgesia and reduce opioids as tolerated; if they cannot be reduced, or "
                "cause sedation, confusion or constipation, record it (“Opioids cannot be "
                "reduced…”) and evaluate again.",
            )
        )
    contraindications = i.contraindications
    if Contraindication.ACTIVE_INFECTION in contraindications and rule != "R17":
        steps.append(
            _step(
                "S13",
                "Active infection: treat it; a repeat procedure can be considered again once it "
                "has resolved.",
            )
        )
    if Contraindication.UNCORRECTABLE_COAGULOPATHY in contraindications:
        steps.append(
            _step(
                "S14",
                "Coagulopathy: seek haematology advice; evaluate again if it can be corrected.",
            )
        )
    if Contraindication.CEMENT_ALLERGY in contraindications:
        steps.append(
            _step(
                "S15",
                "Cement allergy: seek allergy advice on alternative materials or premedication.",
            )
        )
    if Contraindication.CANAL_COMPROMISE in contraindications:
        steps.append(
            _step(
                "S16",
                "Spinal canal compromise: seek a spinal surgical opinion on stabilisation or "
                "decompression.",
            )
        )
    if rule == "R15" or (
        rule == "R2" and i.fracture_etiology in (FractureEtiology.TRAUMATIC, FractureEtiology.OTHER)
    ):
        if i.fracture_etiology == FractureEtiology.TRAUMATIC:
            text = (
                "Seek a spinal surgical opinion on the stability of the fracture (posterior wall, "
                "posterior ligamentous complex) before any repeat procedure."
            )
        else:
            text = (
                "Establish the cause of the fracture, then decide with the spine team (spinal "
                "surgeon and interventional radiologist)."
            )
        steps.append(_step("S17", text))
    if rule == "R19" and reassess_from is not None:
        steps.append(
            _step(
                "S18",
                f"Reassess the trend from {in_words(reassess_from)}: if the pain plateaus at a "
                "disabling level, a repeat procedure may be considered then.",
            )
        )
    if i.point_tenderness == Tenderness.ABSENT and repeat:
        steps.append(
            _step(
                "S19",
                f"Re-examine {level} for point tenderness (palpation under fluoroscopy can "
                "localise it) and exclude other pain generators (facet joints, adjacent levels, "
                "radicular pain).",
            )
        )
    if rule == "R11":
        text = (
            f"Confirm the pain generator: CT of {level} for a fracture line the cement missed or a "
            "leak; examination for facet or radicular pain; a diagnostic block where the source "
            "stays unclear."
        )
        if c.scenario == Scenario.PERSISTENT_PAIN:
            text += (
                f" With pain unrelieved for {c.d} days despite an adequate fill, check CRP and ESR "
                "and consider MRI with contrast (FDG PET-CT when MRI is not possible) to exclude "
                "infection."
            )
        steps.append(_step("S20", text))
    if rule == "R13" and i.cleft_sign == F.INDETERMINATE:
        steps.append(
            _step(
                "S21",
                "Clarify the cleft: CT (a gas- or fluid-filled cleft) or supine and standing "
                "radiographs (a mobile cleft); a definite cleft would favour a repeat procedure "
                "(refs 2, 3).",
            )
        )
    if repeat:
        text = (
            "Before a repeat procedure: manage anticoagulant and antiplatelet therapy under the "
            "local peri-procedural protocol, and review the index imaging for the cement "
            "distribution"
        )
        if i.prior_cement_leakage:
            text += " and the route of the earlier leak"
        steps.append(_step("S22", text + "."))
        target = "the cleft" if i.cleft_sign == F.PRESENT else "the target zone"
        steps.append(
            _step(
                "S23",
                f"After a repeat procedure: imaging to confirm that {target} is filled (in the "
                "recurrent-pain series success correlated with disappearance of the cleft, "
                "ref 2), and a neurological examination compared with the one recorded before "
                "the procedure (ref 4).",
            )
        )
    if (
        i.sex != Sex.MALE
        and i.patient_age <= CHILDBEARING_AGE_MAX
        and (repeat or rule in ("R16", "R17", "R18") or prevention_sentence)
    ):
        steps.append(
            _step("S24", "Confirm pregnancy status before CT, fluoroscopy or any bisphosphonate.")
        )
    if i.neuro_exam == NeuroExam.NOT_DOCUMENTED and rule != "R6":
        steps.append(
            _step(
                "S25",
                "Document a neurological examination now: a new deficit calls for urgent referral.",
            )
        )
    if (
        i.vas_before_index is None
        and c.scenario
        in (
            Scenario.TOO_EARLY,
            Scenario.IMMEDIATE_FAILURE,
            Scenario.PERSISTENT_PAIN,
            Scenario.DELAYED_RECURRENCE,
        )
        and c.d <= SIX_WEEKS_DAYS
        and rule not in ("R16", "R17")
    ):
        steps.append(
            _step(
                "S26",
                "Record the pain score before the index procedure: pain worse than before calls "
                "for assessment of a complication now.",
            )
        )
    if rule == "R22":
        steps.append(
            _step(
                "S27",
                f"Obtain CT of {level} (cement fill, cleft, fracture lines) and bone scintigraphy "
                "with SPECT-CT, and present them with this assessment to the spine team (spinal "
                "surgeon and interventional radiologist) for the decision.",
            )
        )
    if rule == "R17" and not r17_second:
        steps.append(_step("S28", S28_TEXT))
    if rule == "R23" and c.six_weeks_date is not None:
        steps.append(
            _step(
                "S29",
                "Present the patient to the spine team now; if a repeat procedure is not chosen, "
                "continue conservative therapy and evaluate again when the 6 weeks are met "
                f"({in_words(c.six_weeks_date)}).",
            )
        )
    return steps


# §4.1 what `missing` holds ------------------------------------------------------------------


def missing_for(c: Case, rule: str) -> tuple[str, ...]:
    """Every item when R6 decides; otherwise the safety items (§4.1)."""
    if rule == "R6":
        return c.workup
    kept = []
    for item in c.workup:
        if item == WorkupItem.NEURO_EXAM or (
            item == WorkupItem.MRI and c.i.vas_current >= 1 and rule not in ("R1", "R4")
        ):
            kept.append(item)
    return tuple(kept)


# evaluate ---------------------------------------------------------------------------------


def decide(c: Case) -> tuple[str, Decision]:
    """§4: the first rule that fires, and what it decides."""
    for rule in RULES:
        if rule.when(c):
            return rule.id, rule.decide(c)
    raise AssertionError("R13 always fires")  # pragma: no cover


def evaluate(inputs: Inputs) -> Guidance:
    """The guidance for validated inputs (§4–§6): a pure function that never raises."""
    c = derive(inputs)
    rule, decision = decide(c)
    repeat = decision.recommendation in REPEAT_RECOMMENDATIONS
    notes = notes_for(c, rule, repeat)
    prevention_sentence = c.prevention_applies and any(note.id == "N9" for note in notes)
    return Guidance(
        rules_version=RULES_VERSION,
        scenario=c.scenario,
        recommendation=decision.recommendation,
        headline=decision.headline,
        reasons=(Reason(rule, decision.reason, cited(decision.reason)),),
        missing=missing_for(c, rule),
        warnings=tuple(warnings_for(c)),
        next_steps=tuple(
            next_steps_for(c, rule, repeat, decision.reassess_from, prevention_sentence)
        ),
        reassess_from=decision.reassess_from,
        notes=tuple(notes),
        days_since_index=c.d,
        days_since_recurrence=c.s,
        disclaimer=DISCLAIMER,
    )
