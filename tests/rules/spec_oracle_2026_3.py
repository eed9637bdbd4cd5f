"""An independent reading of the rules specification, version 2026.3, for cross-checking.

Written from the specification text alone (§1–§8 of `guidance-rules.md`, rules
version 2026.3), never from `vertebro_rules`, in a deliberately plain style: one
if/elif chain per table and each sentence spelled out where the spec spells it,
so that a slip in the implementation is not copied here. `oracle(case)` takes a
case in the JSON form of `evaluate` (field names of §1, dates as ISO strings)
that passes validation and returns the whole §6 output, sentences included.
`red_flag_lines(case)` returns the §8 lines for the valid answers of a case.

Where the text leaves a choice, the reading taken here is the safer one and is
named at the place it is taken ("Reading:").

`trace`, when given, collects a tag for every conditional part of a template
that the case reaches, so that a test can show that random cases reach every
addition of every sentence, not only every id.
"""

import re
from datetime import date, timedelta

RULES_VERSION = "2026.3"
DISCLAIMER = "Decision support for clinicians; it does not replace clinical judgement."

REPEAT = ("repeat_indicated", "repeat_may_be_considered")
INDEX_FAILURE_SCENARIOS = ("immediate_failure", "persistent_pain")
FAILURE_SCENARIOS = ("immediate_failure", "persistent_pain", "delayed_recurrence")
NEW_LEVEL_SCENARIOS = ("adjacent_level_fracture", "non_adjacent_fracture")
# "N5 rules" (§5): the deciding rule is one of these.
N5_RULES = ("R2", "R6", "R9", "R14", "R20", "R22", "R15", "R23", "R19", "R21")
N5_RULES += ("R10", "R11", "R12", "R13")

RULE_IDS = tuple(f"R{n}" for n in range(1, 24) if n != 8)
WARNING_IDS = tuple(f"P{n}" for n in range(1, 15))
NOTE_IDS = ("N1", "N2", *(f"N{n}" for n in range(5, 17)))
NEXT_STEP_IDS = tuple(f"S{n}" for n in range(1, 30))
WORKUP_IDS = ("mri", "mri_findings", "pain_course", "point_tenderness", "neuro_exam")
WORKUP_IDS += ("cement_imaging",)
CONTRAINDICATIONS = (
    "active_infection",
    "uncorrectable_coagulopathy",
    "cement_allergy",
    "canal_compromise",
)

# §7, the printed text of every reference.
REFERENCES = {
    1: "Repeat vertebroplasty for unrelieved pain at previously treated levels (immediate "
    "failure, 4–32 days). Source not yet confirmed.",
    2: "Repeat percutaneous vertebroplasty for recurrent pain arising from previously treated "
    "vertebrae in patients with osteoporotic vertebral compression fractures. Authors and "
    "journal not yet confirmed.",
    3: "Progression of vertebral compression fractures after previous vertebral augmentation: "
    "technical reasons for recurrent fractures in a previously treated vertebra. Cureus "
    "(review). Authors and year not yet confirmed.",
    4: "Practice parameter for vertebral augmentation (patient selection, complications, "
    "follow-up). Source not yet confirmed.",
    5: "Tseng YY, Yang TC, Tu PH, Lo YL, Yang ST. Repeated and multiple new vertebral "
    "compression fractures after percutaneous transpedicular vertebroplasty. Journal not yet "
    "confirmed.",
    6: "Risk factors for new fractures after vertebroplasty (1-year fracture-free rate 92.2%). "
    "Source not yet confirmed.",
    7: "Medical prevention of further osteoporotic fractures. Source not yet confirmed.",
    8: "Ehteshami Rad A, Kallmes DF. Pain relief following vertebroplasty in patients with and "
    "without localizing tenderness on palpation. AJNR Am J Neuroradiol 2008;29(9):1622–1626.",
}

# §8, the red-flag lines of a refused case.
RED_FLAG_DEFICIT = (
    "RED FLAG: a new neurological deficit is recorded: urgent referral does not wait for the "
    "corrections below."
)
RED_FLAG_INFECTION = (
    "RED FLAG: infection with pain is recorded: exclusion or treatment of infection of the "
    "treated vertebra does not wait for the corrections below."
)
RED_FLAG_COMPLICATION = (
    "RED FLAG: new or worse pain after the index procedure is recorded: assessment for a "
    "complication does not wait for the corrections below."
)

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ETIOLOGY_WORDS = {
    "osteoporotic": "osteoporotic fracture",
    "neoplastic": "neoplastic fracture",
    "traumatic": "traumatic fracture",
    "other": "fracture of other etiology",
}
NEW_LEVEL_WORDS = {
    "adjacent_level": "an adjacent level",
    "non_adjacent_level": "a non-adjacent level",
}
CONTRAINDICATION_NAMES = {
    "active_infection": "active infection",
    "uncorrectable_coagulopathy": "coagulopathy",
    "cement_allergy": "cement allergy",
    "canal_compromise": "canal compromise",
}
QUALIFIED_CONTRAINDICATIONS = {
    "active_infection": "active infection (temporary)",
    "uncorrectable_coagulopathy": "uncorrectable coagulopathy",
    "cement_allergy": "allergy to cement (PMMA) components (often a relative contraindication)",
    "canal_compromise": "spinal canal compromise (retropulsion, posterior wall defect; often a "
    "relative contraindication)",
}
CITATION = re.compile(r"\brefs? (\d+(?:, \d+)*)")

SEVERE_PAIN = 7
FIRST_SIX_WEEKS = 42


# §2.1 formatting ------------------------------------------------------------------------------


def as_date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def in_words(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def counted(n: int, word: str) -> str:
    return f"1 {word}" if n == 1 else f"{n} {word}s"


def listed(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def t_score_text(value: float) -> str:
    if value == 0:
        return "0.0"
    return f"{value:+.1f}"


def volume_text(value: float) -> str:
    return f"{value:.1f}"


def cited(text: str) -> list[int]:
    """§4 (F27): the reference numbers a text cites as "ref n" or "refs n, m", ascending."""
    numbers = set()
    for match in CITATION.finditer(text):
        numbers.update(int(number) for number in match.group(1).split(", "))
    return sorted(numbers)


class _Trace:
    def __init__(self, tags):
        self.tags = tags

    def __call__(self, tag: str) -> bool:
        if self.tags is not None:
            self.tags.add(tag)
        return True


# The case, read ------------------------------------------------------------------------------


class Case:
    """The §1 inputs with their defaults, and the §2 derived values."""

    def __init__(self, case: dict):
        get = case.get
        self.L = case["treated_level"]
        self.age = case["patient_age"]
        self.sex = get("sex")
        self.index_date = as_date(case["index_procedure_date"])
        self.volume = get("index_cement_volume_ml")
        self.etiology = case["fracture_etiology"]
        self.t_score = get("bmd_t_score")
        self.prior = case["prior_vertebral_fractures"]
        self.assessment_date = as_date(case["assessment_date"])
        self.response = case["initial_response"]
        self.recurrence_date = as_date(get("recurrence_date"))
        self.vb = get("vas_before_index")
        self.vc = case["vas_current"]
        self.weeks = get("conservative_therapy_weeks")
        self.mobility = get("mobility")
        self.analgesics = get("analgesics")
        self.opioid_failure = get("opioid_failure") is True
        self.mri = case["mri_performed"] is True
        self.mri_not_possible = get("mri_not_possible") is True
        self.location = get("active_fracture_location")
        self.cleft = get("cleft_sign")
        self.cleft_new = get("cleft_new_since_index")
        self.edema = get("marrow_edema")
        self.fluid = get("fluid_at_cement_interface") is True
        self.fill = case["cement_fill"]
        self.leakage = get("prior_cement_leakage") is True
        self.tenderness = case["point_tenderness"]
        self.neuro = case["neuro_exam"]
        self.infection_signs = get("infection_signs") is True
        self.vertebral_infection = get("vertebral_infection") or "not_assessed"
        self.complication_assessed = get("complication_assessed") is True
        recorded = set(get("contraindications") or [])
        self.contraindications = [name for name in CONTRAINDICATIONS if name in recorded]

        # §2 derived values
        self.d = (self.assessment_date - self.index_date).days
        if self.recurrence_date is None:
            self.s = None
            self.r = None
        else:
            self.s = (self.assessment_date - self.recurrence_date).days
            self.r = (self.recurrence_date - self.index_date).days
        recurrence = self.response == "relief_then_recurrence"
        self.early_recurrence = recurrence and self.r <= 28
        self.index_failure = (
            self.response in ("no_relief", "partial_relief") or self.early_recurrence
        )
        self.signs = []
        if self.edema == "present":
            self.signs.append("marrow edema")
        if self.cleft == "present":
            self.signs.append("an intravertebral cleft")
        if self.fluid:
            self.signs.append("fluid at the bone–cement interface")
        self.mri_unclear = (
            self.mri
            and not self.signs
            and (self.edema == "indeterminate" or self.cleft == "indeterminate")
        )
        self.contradiction = None
        if self.mri and self.location == "none_identified" and self.signs:
            self.contradiction = "none"
        elif (
            self.mri
            and self.location == "treated_level"
            and self.edema == "absent"
            and self.cleft == "absent"
            and not self.fluid
        ):
            self.contradiction = "treated"
        self.pain_worse = self.vb is not None and self.vc >= self.vb + 2
        self.substantial_relief = (
            self.vb is not None and 1 <= self.vc < self.vb and 2 * (self.vb - self.vc) >= self.vb
        )
        self.relief_percent = (100 * (self.vb - self.vc)) // self.vb if self.vb else None
        self.recurrence_flag = (
            recurrence and self.vc >= 1 and (self.vc >= SEVERE_PAIN or self.d < 4)
        )
        self.complication_flag = (
            not self.complication_assessed
            and self.d <= FIRST_SIX_WEEKS
            and (self.pain_worse or self.recurrence_flag)
        )
        self.active_infection = "active_infection" in self.contraindications
        self.infection_recorded = self.active_infection or self.infection_signs
        self.infection_flag = (
            self.infection_recorded
            and self.vertebral_infection == "not_assessed"
            and (self.vc >= 1 or self.analgesics == "opioid")
        ) or self.vertebral_infection == "active"
        self.bed_bound = self.mobility == "bed_bound"
        self.opioid = self.analgesics == "opioid"
        self.mild_pain = self.vc <= 3 and not self.bed_bound and not self.opioid
        self.opioid_controlled = (
            self.vc <= 3 and self.opioid and not self.bed_bound and not self.opioid_failure
        )
        self.disabled = self.bed_bound or self.opioid
        self.medical_therapy_failed = self.bed_bound or self.opioid_failure
        self.prevention_applies = (
            self.etiology == "osteoporotic" and (self.t_score is None or self.t_score <= -1.0)
        ) or (self.t_score is not None and self.t_score <= -2.5)

        self.scenario = self._scenario()
        self.six_weeks_unmet = self.scenario == "delayed_recurrence" and (
            self.weeks < 6 or self.s < 42 or self.analgesics == "none"
        )
        self.six_weeks_date = None
        if self.scenario == "delayed_recurrence":
            self.six_weeks_date = self.recurrence_date + timedelta(days=42)
            if self.weeks < 6:
                by_weeks = self.assessment_date + timedelta(days=7 * (6 - self.weeks))
                self.six_weeks_date = max(self.six_weeks_date, by_weeks)

    def _scenario(self) -> str:
        if self.vc == 0:
            return "no_current_pain"
        if self.location == "adjacent_level":
            return "adjacent_level_fracture"
        if self.location == "non_adjacent_level":
            return "non_adjacent_fracture"
        if self.response == "ongoing_relief":
            return "treated_level_relieved"
        if self.index_failure and self.d < 4:
            return "too_early"
        if self.index_failure and self.d <= 32:
            return "immediate_failure"
        if self.index_failure:
            return "persistent_pain"
        return "delayed_recurrence"

    # Shared phrases of §2.1
    @property
    def new_level(self) -> str:
        return NEW_LEVEL_WORDS[self.location]

    @property
    def etiology_words(self) -> str:
        return ETIOLOGY_WORDS[self.etiology]

    def cleft_phrase(self, trace) -> str:
        if self.cleft_new is True and trace("cleft_phrase:new"):
            return "an intravertebral cleft that was absent before the index procedure"
        if self.cleft_new is False and trace("cleft_phrase:persistent"):
            return (
                "an intravertebral cleft that was present before the index procedure and persists"
            )
        trace("cleft_phrase:unknown")
        return "an intravertebral cleft (not known whether present before the index procedure)"

    def timeline(self, trace) -> str:
        if self.response == "no_relief" and trace("timeline:no_relief"):
            return f"no relief by day {self.d}"
        if self.response == "partial_relief":
            if self.vb is None and trace("timeline:partial_without_vas"):
                return f"partial relief only by day {self.d}"
            trace("timeline:partial")
            return f"partial relief only, VAS {self.vb} → {self.vc} by day {self.d}"
        trace("timeline:early_recurrence")
        return (
            f"relief for only {counted(self.r, 'day')}, pain back on day {self.r}, "
            f"seen on day {self.d}"
        )

    def findings(self, trace) -> list[str]:
        items = []
        if self.response == "no_relief":
            items.append("no relief since the index procedure")
        elif self.response == "partial_relief":
            items.append(self.timeline(trace))
        elif self.early_recurrence:
            items.append(f"relief for only {counted(self.r, 'day')}")
        elif self.response == "relief_then_recurrence":
            items.append(f"pain back on day {self.r} after the index procedure")
        items.extend(self.signs)
        if self.fill == "inadequate":
            items.append("inadequate cement fill")
        return items

    def imaging_findings(self) -> list[str]:
        return [*self.signs, *(["inadequate cement fill"] if self.fill == "inadequate" else [])]

    def p4_fires(self) -> bool:
        return self.mri and self.edema == "absent" and self.d <= FIRST_SIX_WEEKS

    def edema_only_early(self) -> bool:
        return self.signs == ["marrow edema"] and self.d <= FIRST_SIX_WEEKS


# §4.1 work-up ---------------------------------------------------------------------------------


def workup(c: Case, trace) -> list[tuple[str, str]]:
    """Every missing work-up item with its R6 words, in the order of §4.1."""
    items = []
    if not c.mri and not c.mri_not_possible:
        items.append(("mri", "MRI of the spine"))
    index_failure_p4 = c.scenario in INDEX_FAILURE_SCENARIOS and not c.signs and c.p4_fires()
    if c.mri_unclear or c.contradiction or index_failure_p4:
        if c.mri_unclear:
            trace("mri_findings:unclear")
            unclear = [
                name
                for name, value in (("marrow edema", c.edema), ("the cleft sign", c.cleft))
                if value == "indeterminate"
            ]
            words = f"a definite reading of {listed(unclear)}"
        elif c.contradiction == "none" and trace("mri_findings:none"):
            words = (
                "a consistent MRI reading (no active fracture is recorded, yet "
                f"{listed(c.signs)} at {c.L})"
            )
        elif c.contradiction == "treated" and trace("mri_findings:treated"):
            words = (
                f"a consistent MRI reading (the active fracture is placed at {c.L}, yet no sign "
                "of activity is positive there)"
            )
        else:
            trace("mri_findings:p4")
            words = (
                "confirmation that the MRI was done after the index procedure, at "
                f"{c.L}, with fluid-sensitive sequences"
            )
        items.append(("mri_findings", words))
    if c.response == "ongoing_relief" and c.vc >= 1 and c.location == "treated_level":
        items.append(
            (
                "pain_course",
                f"confirmation of the course of pain at {c.L} (recorded as still relieved, "
                "while MRI places the active fracture there)",
            )
        )
    if c.tenderness == "not_examined":
        items.append(("point_tenderness", f"examination for point tenderness at {c.L}"))
    if c.neuro == "not_documented":
        items.append(
            (
                "neuro_exam",
                "a neurological examination (to exclude a new deficit; it also serves as the "
                "baseline before any procedure)",
            )
        )
    if c.fill == "not_assessed":
        items.append(("cement_imaging", "CT or radiographs of the index cement fill"))
    return items


# §4 rule --------------------------------------------------------------------------------------


def deciding_rule(c: Case, missing_items) -> tuple[str, str]:
    if c.neuro == "new_deficit":
        return "R1", "urgent_referral"
    if c.infection_flag:
        if c.vertebral_infection == "active":
            return "R17", "manage_infection"
        return "R17", "exclude_infection"
    if c.complication_flag:
        return "R16", "assess_complication"
    if c.scenario == "too_early":
        return "R4", "reassess_later"
    if c.etiology == "neoplastic" and c.vc >= 1:
        return "R18", "refer_oncology_mdt"
    if c.scenario == "no_current_pain" or (
        c.scenario == "treated_level_relieved"
        and c.mri
        and c.location == "none_identified"
        and not c.signs
        and not c.mri_unclear
    ):
        return "R3", "not_indicated"
    if c.scenario in NEW_LEVEL_SCENARIOS:
        return "R5", "evaluate_new_level"
    if missing_items:
        return "R6", "complete_workup"
    if c.edema == "absent" and c.cleft == "absent" and not c.fluid:
        return "R7", "not_indicated"
    if c.six_weeks_unmet and (not c.medical_therapy_failed or c.analgesics == "none"):
        return "R9", "continue_conservative"
    if c.mild_pain:
        return "R14", "continue_conservative"
    if c.opioid_controlled:
        return "R20", "continue_conservative"
    if c.mri_not_possible:
        return "R22", "decide_with_spine_team"
    if c.contraindications:
        return "R2", "contraindicated"
    if c.etiology in ("traumatic", "other"):
        return "R15", "repeat_may_be_considered"
    if c.six_weeks_unmet and c.medical_therapy_failed:
        return "R23", "repeat_may_be_considered"
    if c.response == "partial_relief" and not c.bed_bound:
        return "R19", "repeat_may_be_considered"
    if c.tenderness == "absent":
        return "R21", "repeat_may_be_considered"
    if c.scenario in INDEX_FAILURE_SCENARIOS and (c.fill == "inadequate" or c.cleft == "present"):
        return "R10", "repeat_indicated"
    if c.scenario in INDEX_FAILURE_SCENARIOS:
        return "R11", "repeat_may_be_considered"
    if c.cleft == "present":
        return "R12", "repeat_indicated"
    return "R13", "repeat_may_be_considered"


def reassess_from(c: Case, rule: str):
    if rule == "R4":
        return c.index_date + timedelta(days=4)
    if rule == "R9":
        later = c.six_weeks_date
        if c.analgesics == "none":
            later = max(later, c.assessment_date + timedelta(days=14))
        return later
    if rule == "R19" and c.d < 42:
        return c.assessment_date + timedelta(days=14)
    return None


def disabled_state(c: Case) -> str:
    if c.bed_bound and c.opioid:
        return "bed-bound and taking opioids"
    if c.bed_bound:
        return "bed-bound"
    return "taking opioids"


def bed_bound_sentence(c: Case, trace, second_form_allowed: bool) -> str:
    if c.bed_bound and c.vc <= 3 and trace("bed_bound:first"):
        return (
            " The patient is recorded as kept in bed by the back pain despite a VAS of "
            f"{c.vc}/10 at the time of scoring (see warning P12): confirm this before any "
            "repeat procedure."
        )
    if (
        second_form_allowed
        and c.bed_bound
        and c.response == "partial_relief"
        and c.vc >= 4
        and trace("bed_bound:second")
    ):
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


def recurrence_when(c: Case) -> str:
    return "today" if c.s == 0 else f"{counted(c.s, 'day')} ago"


def weeks_recorded(c: Case) -> str:
    return f"{counted(c.weeks, 'week')} of conservative therapy {'is' if c.weeks == 1 else 'are'}"


def reason_text(c: Case, rule: str, reassess, missing_items, trace) -> str:
    L = c.L
    if rule == "R1":
        text = (
            f"New neurological deficit after vertebroplasty at {L}: compression of the spinal "
            "cord or nerve roots must be excluded at once (cement leakage, retropulsion, "
            "haematoma"
        )
        if (c.infection_recorded or c.vertebral_infection == "active") and trace("R1:abscess"):
            text += "; epidural abscess, as infection is recorded"
        if c.etiology == "neoplastic" and trace("R1:tumour"):
            text += "; tumour, as the fracture is neoplastic"
        return text + "). This is urgent care, outside the scope of this guidance."
    if rule == "R17":
        if c.vertebral_infection == "active" and trace("R17:first"):
            return (
                f"Infection of the treated vertebra {L} is active: no repeat procedure while it "
                "is treated; antibiotic treatment, and surgery for instability, abscess or "
                "neurological compromise, are decided with the infection and spinal teams (local "
                "policy, not from the cited evidence)."
            )
        if c.active_infection and c.infection_signs and trace("R17:which:both"):
            which = "Active infection and signs of infection are recorded"
        elif c.active_infection and trace("R17:which:active"):
            which = "Active infection is recorded"
        else:
            trace("R17:which:signs")
            which = (
                "Signs of infection are recorded (fever, raised CRP or ESR, or wound inflammation)"
            )
        if c.vc >= 1 and trace("R17:who:pain"):
            who = f"a patient with pain (VAS {c.vc}/10)"
        else:
            trace("R17:who:opioids")
            who = "a patient on opioids (VAS 0/10, pain possibly masked)"
        text = (
            f"{which} in {who} after vertebroplasty at {L}: infection of the treated vertebra "
            "(vertebral osteomyelitis, spondylodiscitis, epidural abscess) must be excluded "
            "before anything else. No repeat procedure while infection is active or not "
            "excluded (local policy, not from the cited evidence)."
        )
        if c.scenario in NEW_LEVEL_SCENARIOS and trace("R17:new_level"):
            text += (
                f" MRI also shows a fracture at {c.new_level}, to be evaluated once infection "
                "is excluded."
            )
        return text
    if rule == "R16":
        if c.recurrence_flag:
            severe = "Severe pain" if c.vc >= SEVERE_PAIN else "Pain"
            trace(f"R16:what:recurrence:{severe}")
            what = f"{severe} (VAS {c.vc}/10) returned at {L} on day {c.r} after initial relief"
            if c.pain_worse and trace("R16:what:recurrence_worse"):
                what += f" and is worse than before the index procedure (VAS {c.vb} before)"
        elif c.response == "ongoing_relief" and trace("R16:what:ongoing"):
            what = (
                f"Current pain (VAS {c.vc}/10) is worse than the pain at {L} before the index "
                f"procedure (VAS {c.vb})"
            )
        else:
            trace("R16:what:worse")
            what = f"Pain at {L} is worse than before the index procedure (VAS {c.vb} → {c.vc})"
        text = (
            f"{what}; this is day {c.d} after the index procedure. A complication of the "
            "procedure (cement leakage into the spinal canal, foramina, disc or veins; a new "
            "fracture of the pedicle, an endplate or an adjacent level; haematoma; infection) "
            "must be excluded now, before the result of the index procedure is judged. A sudden "
            "increase in back pain may signal a new fracture (ref 4); the rest is local policy, "
            "not from the cited evidence."
        )
        if c.scenario in NEW_LEVEL_SCENARIOS and trace("R16:new_level"):
            text += f" MRI shows a fracture at {c.new_level}, one of the complications to assess."
        return text
    if rule == "R4":
        return (
            f"It is day {c.d} after the index procedure at {L}: too early to call it a "
            "failure; the result can be judged from day 4 after the index procedure "
            f"({in_words(reassess)}), when the unrelieved-pain series began to judge failure "
            "(ref 1)."
        )
    if rule == "R18":
        text = (
            f"Neoplastic fracture at {L}: pain at a cemented vertebra in a patient with a "
            "neoplastic fracture may be tumour progression (in the vertebral body, the epidural "
            "space or the posterior elements) until proven otherwise, and marrow edema or a "
            "cleft on MRI without contrast does not tell tumour from fracture."
        )
        if c.scenario in NEW_LEVEL_SCENARIOS and trace("R18:new_level"):
            text += (
                f" MRI shows a fracture at {c.new_level}: in this patient, a new tumour deposit "
                "(metastasis or myeloma) until proven otherwise."
            )
        findings = c.findings(trace)
        if findings and trace("R18:findings"):
            text += f" Recorded at {L}: {listed(findings)}."
        return text + (
            " The evidence on repeat vertebroplasty comes from osteoporotic fractures and does "
            "not decide here: restaging, stability and epidural disease do, at the "
            "spine-oncology MDT (standard oncology practice, not from the cited evidence)."
        )
    if rule == "R3":
        if c.scenario == "no_current_pain":
            if c.opioid and trace("R3:opioid"):
                return (
                    f"No current pain at {L} (VAS 0/10, on opioids): no repeat procedure now. "
                    "The pain may be controlled rather than resolved."
                )
            trace("R3:no_pain")
            return f"No current pain at {L} (VAS 0/10): no repeat procedure now."
        trace("R3:relieved")
        return (
            f"The index procedure still gives relief at the treated level {L}, and MRI shows no "
            "active fracture and no sign of activity there: the current pain (VAS "
            f"{c.vc}/10) is not a failure of that level; another pain generator is the likelier "
            "source."
        )
    if rule == "R5":
        text = f"MRI shows the active fracture at {c.new_level}: a new fracture at another level"
        if not c.signs and trace("R5:no_signs"):
            text += f", not a same-level recurrence at {L}."
        else:
            trace("R5:signs")
            text += f"; MRI also shows {listed(c.signs)} at {L} (see note N11)."
        return text + " Evaluate the new level for treatment on its own merits."
    if rule == "R6":
        words = [item_words for _, item_words in missing_items]
        return (
            f"The work-up is incomplete; a decision on a repeat procedure at {L} still needs "
            f"{listed(words)}."
        )
    if rule == "R7":
        return (
            f"MRI shows no sign of fracture activity at {L} (no marrow edema, no cleft, no fluid "
            "at the bone–cement interface), the signs the practice parameter uses to select "
            "patients (ref 4); another pain generator is the likelier source."
        )
    if rule == "R9":
        text = (
            f"Pain at {L} returned {recurrence_when(c)} (on {in_words(c.recurrence_date)}); "
            f"{weeks_recorded(c)} recorded since then. Selection for a repeat procedure requires "
            "pain refractory to at least 6 weeks of conservative therapy (ref 4); counting them "
            "from when the pain returned is local policy, not from the cited evidence."
        )
        if c.analgesics == "none" and trace("R9:no_analgesic"):
            text += (
                " No analgesic is recorded: the pain cannot be called refractory to medical "
                "therapy before a trial of analgesia (two weeks, local policy, not from the "
                "cited evidence)."
            )
        if c.disabled and trace(f"R9:disabled:{disabled_state(c)}"):
            text += (
                f" The patient is {disabled_state(c)}: earlier intervention may be discussed "
                "with the spine team (common practice, not from the cited evidence)."
            )
        return text + f" Reassess from {in_words(reassess)}."
    if rule == "R14":
        text = (
            f"Current pain at {L} is mild (VAS {c.vc}/10): selection for a repeat procedure "
            "requires pain refractory to conservative therapy (ref 4)"
        )
        if c.scenario in INDEX_FAILURE_SCENARIOS and trace("R14:index_failure"):
            text += (
                ", and the unrelieved-pain series treated severe pain (mean VAS 8.6 before the "
                "repeat procedure, ref 1)"
            )
        return text + (
            ". Mild here means VAS 3 or less in a patient not recorded as bed-bound or taking "
            "opioids (local policy, not from the cited evidence)."
        )
    if rule == "R20":
        return (
            f"Pain at {L} is controlled on opioids (VAS {c.vc}/10): that is not mild pain, but a "
            "repeat procedure is not needed while the pain stays controlled without undue side "
            "effects. Medical therapy has failed if the opioids cannot be reduced or cause "
            "sedation, confusion or constipation (common practice, not from the cited "
            "evidence); selection requires pain refractory to conservative therapy (ref 4)."
        )
    if rule == "R22":
        text = "MRI, which these rules read, is not possible."
        findings = c.findings(trace)
        if findings and trace("R22:findings"):
            text += f" Recorded at {L}: {listed(findings)}."
        return text + (
            f" The decision rests with the spine team on CT of {L} and bone scintigraphy with "
            "SPECT-CT (MRI is the imaging the practice parameter asks for, ref 4; the "
            "alternative is local policy, not from the cited evidence; uptake on bone "
            "scintigraphy persists for months after a fracture and after cementation)."
        )
    if rule == "R2":
        qualified = [QUALIFIED_CONTRAINDICATIONS[name] for name in c.contraindications]
        one = len(qualified) == 1
        trace("R2:one" if one else "R2:several")
        return (
            f"Repeat vertebroplasty at {L} is contraindicated: {listed(qualified)}. "
            f"{'This is' if one else 'These are'} local policy, not from the cited evidence. "
            f"Without {'it' if one else 'them'}, the findings at {L} "
            f"({listed(c.findings(trace))}) would lead to a repeat recommendation."
        )
    if rule == "R15":
        trace(f"R15:{c.etiology}")
        who = (
            "a spinal surgeon, who assesses the stability of the fracture"
            if c.etiology == "traumatic"
            else "the spine team once the cause of the fracture is established"
        )
        return (
            "The evidence on repeat vertebroplasty comes from osteoporotic compression "
            f"fractures; for a {c.etiology_words} at {L} it applies only by extension. Findings "
            f"at {L}: {listed(c.findings(trace))}. In osteoporotic fractures these findings may "
            f"support a repeat procedure; whether this holds for a {c.etiology_words} is not "
            f"known, so a repeat procedure may at most be considered, decided with {who}."
        )
    if rule == "R23":
        if c.bed_bound and c.opioid_failure:
            state = (
                "kept in bed by the pain, on opioids that cannot be reduced or cause side effects"
            )
        elif c.bed_bound:
            state = "kept in bed by the pain"
        else:
            state = "on opioids that cannot be reduced or cause side effects"
        trace(f"R23:{state}")
        return (
            f"Pain at {L} returned {recurrence_when(c)} (on {in_words(c.recurrence_date)}) and "
            f"{weeks_recorded(c)} recorded: the 6 weeks asked for by the practice parameter "
            f"(ref 4) are not complete (met on {in_words(c.six_weeks_date)}). The patient is "
            f"{state}, which counts here as failed medical therapy (local policy, not from the "
            f"cited evidence). Findings at {L}: {listed(c.findings(trace))}. A repeat procedure "
            "may be considered now, decided with the spine team."
        )
    if rule == "R19":
        text = (
            f"Partial relief at {L} is recorded ({c.timeline(trace)}); the unrelieved-pain "
            "series treated pain that was not relieved (ref 1)."
        )
        if c.d < 42 and trace("R19:early"):
            return text + (
                " A repeat procedure may be considered if the pain plateaus at a disabling "
                f"level; reassess the trend from {in_words(reassess)}."
            )
        trace("R19:late")
        return (
            text + f" The pain has persisted for {c.d} days: a repeat procedure may be considered."
        )
    if rule == "R21":
        return (
            f"Point tenderness is absent at the spinous process of {L}, but the imaging points "
            f"to {L} ({listed(c.imaging_findings())}). The practice parameter asks for point "
            "tenderness to be documented (ref 4), but its absence is not treated here as a "
            "reason to refuse: in a series of first vertebroplasties, patients without "
            "tenderness over the treated fracture had no worse pain relief (ref 8); repeat "
            "procedures have not been studied in this respect (local policy, beyond the cited "
            "evidence). Re-examine before deciding: a repeat procedure may be considered."
        )
    if rule == "R10":
        causes = []
        if c.fill == "inadequate" and trace("R10:fill"):
            causes.append(
                "inadequate cement fill (the primary technical reason for failure in the "
                "unrelieved-pain series, ref 1)"
            )
        if c.cleft == "present":
            if c.cleft_new is True and trace("R10:cleft_new"):
                causes.append(
                    f"{c.cleft_phrase(trace)}, a sign that the fracture progressed after the "
                    "index procedure (ref 3)"
                )
            else:
                trace("R10:cleft_other")
                causes.append(
                    f"{c.cleft_phrase(trace)}, a sign of inadequate initial treatment (ref 3)"
                )
        text = (
            f"Failure of the index procedure at {L} ({c.timeline(trace)}) with {listed(causes)}: "
            "repeat vertebroplasty is indicated."
        )
        if c.scenario == "persistent_pain" and trace("R10:persistent"):
            text += PERSISTENT_SENTENCE
        return text + bed_bound_sentence(c, lambda tag: trace(f"R10:{tag}"), True)
    if rule == "R11":
        if c.cleft == "absent" and trace("R11:no_cleft"):
            cleft_words = "no cleft"
        else:
            trace("R11:indeterminate")
            cleft_words = "no definite cleft (the cleft sign is indeterminate)"
        text = (
            f"Failure of the index procedure at {L} ({c.timeline(trace)}) with an adequate "
            f"cement fill and {cleft_words}. "
        )
        if c.edema_only_early() and trace("R11:edema_only"):
            text += (
                f"MRI shows marrow edema at {L}, which is expected within 6 weeks of cementation "
                f"and does not by itself show that {L} is the pain generator (not from the cited "
                "evidence)"
            )
        else:
            trace("R11:signs")
            text += (
                f"MRI shows {listed(c.signs)} at {L}, so the treated level is a plausible source"
            )
            if c.fluid and trace("R11:fluid"):
                text += (
                    "; fluid at the bone–cement interface signals a progressive fracture (ref 3)"
                )
        text += (
            ". But inadequate filling, the primary technical reason for failure in the "
            "unrelieved-pain series (ref 1), is not shown: confirm the pain generator before a "
            "repeat procedure, which may then be considered (see next steps)."
        )
        if c.scenario == "persistent_pain" and trace("R11:persistent"):
            text += PERSISTENT_SENTENCE
        return text + bed_bound_sentence(c, lambda tag: trace(f"R11:{tag}"), True)
    if rule == "R12":
        text = (
            f"MRI shows {c.cleft_phrase(trace)} at {L} after the pain recurred. In the "
            "recurrent-pain series every patient had a cleft before the repeat procedure and all "
            "had complete or partial relief (ref 2), and an unfilled cleft is a recognised cause "
            "of progression after vertebroplasty (ref 3). On this evidence from small series, "
            "repeat vertebroplasty is indicated."
        )
        return text + bed_bound_sentence(c, lambda tag: trace(f"R12:{tag}"), False)
    assert rule == "R13"
    if c.cleft == "indeterminate" and trace("R13:indeterminate"):
        without = "a definite cleft (the cleft sign is indeterminate)"
    else:
        trace("R13:no_cleft")
        without = "a cleft"
    text = (
        f"MRI shows fracture activity at {L} ({listed(c.signs)}) without {without}: the "
        "published benefit of a repeat procedure after recurrence was in patients with clefts "
        "(ref 2), so a repeat procedure may be considered."
    )
    if c.fill == "inadequate" and trace("R13:fill"):
        text += (
            " The index fill is inadequate; incomplete filling is the most common technical "
            "cause of persistent pain (ref 3)."
        )
    return text + bed_bound_sentence(c, lambda tag: trace(f"R13:{tag}"), False)


def start_or_continue(c: Case) -> str:
    if c.weeks == 0 and c.analgesics in ("none", None):
        return "Start"
    return "Continue"


def headline(c: Case, rule: str, reassess, trace) -> str:
    L = c.L
    if rule == "R1":
        return (
            "Urgent referral for a new neurological deficit; repeat vertebroplasty at "
            f"{L} is outside this guidance."
        )
    if rule == "R17":
        if c.vertebral_infection == "active":
            return (
                f"Infection of the treated vertebra {L} is active: treat it with the infection "
                "and spinal teams; no repeat vertebroplasty now."
            )
        return (
            f"Exclude infection of the treated vertebra {L} now; no repeat vertebroplasty while "
            "infection is active or not excluded."
        )
    if rule == "R16":
        if c.recurrence_flag:
            severe = "severe pain" if c.vc >= SEVERE_PAIN else "pain"
            return (
                f"Assess now for a complication of the vertebroplasty at {L}: {severe} returned "
                f"on day {c.r}."
            )
        return (
            f"Assess now for a complication of the vertebroplasty at {L}: pain worse than before "
            "the procedure."
        )
    if rule == "R4":
        return (
            f"Too early to judge the vertebroplasty at {L}: reassess from day 4 after the index "
            f"procedure ({in_words(reassess)})."
        )
    if rule == "R18":
        return (
            f"Neoplastic fracture at {L}: restage and decide at the spine-oncology MDT; the pain "
            "may be tumour progression."
        )
    if rule == "R3":
        if c.scenario == "no_current_pain":
            return f"Repeat vertebroplasty at {L} is not indicated now: no current pain."
        return (
            f"Repeat vertebroplasty at {L} is not indicated: the level is still relieved and the "
            "current pain likely has another source."
        )
    if rule == "R5":
        return (
            f"Evaluate the new fracture at {c.new_level} on its own merits; repeat vertebroplasty "
            f"at {L} is decided separately."
        )
    if rule == "R6":
        return f"Complete the work-up before deciding on repeat vertebroplasty at {L}."
    if rule == "R7":
        return (
            f"Repeat vertebroplasty at {L} is not indicated: no sign of fracture activity on MRI."
        )
    if rule == "R9":
        if c.analgesics == "none" and trace("R9h:no_analgesic"):
            why = "no analgesic tried yet"
        elif c.s < 42 and c.s == 0 and trace("R9h:today"):
            why = "the pain returned today"
        elif c.s < 42 and trace("R9h:days_ago"):
            why = f"the pain returned only {counted(c.s, 'day')} ago"
        elif c.weeks == 0 and trace("R9h:no_therapy"):
            why = "no conservative therapy yet"
        else:
            trace("R9h:weeks")
            why = f"only {counted(c.weeks, 'week')} of therapy so far"
        trace(f"R9h:{start_or_continue(c)}")
        return (
            f"{start_or_continue(c)} conservative therapy before any repeat vertebroplasty at "
            f"{L}: {why}; reassess from {in_words(reassess)}."
        )
    if rule == "R14":
        return (
            f"Continue conservative therapy rather than repeat vertebroplasty at {L}: current "
            f"pain is mild (VAS {c.vc}/10)."
        )
    if rule == "R20":
        return (
            f"Continue conservative therapy at {L}: pain is controlled on opioids (VAS "
            f"{c.vc}/10); reassess if they cannot be reduced."
        )
    if rule == "R22":
        return (
            f"MRI is not possible: decide on repeat vertebroplasty at {L} with the spine team on "
            "CT and SPECT-CT."
        )
    if rule == "R2":
        names = [CONTRAINDICATION_NAMES[name] for name in c.contraindications]
        return f"Repeat vertebroplasty at {L} is contraindicated: {listed(names)}."
    if rule == "R15":
        who = "a spinal surgeon" if c.etiology == "traumatic" else "the spine team"
        return (
            f"Repeat vertebroplasty may be considered at {L} ({c.etiology_words}: decide with "
            f"{who})."
        )
    if rule == "R23":
        if c.bed_bound and c.opioid_failure:
            state = "bed-bound, opioids failed"
        elif c.bed_bound:
            state = "bed-bound"
        else:
            state = "opioids failed"
        return (
            f"Repeat vertebroplasty may be considered at {L}: medical therapy has failed "
            f"({state}); decide with the spine team."
        )
    if rule == "R19":
        if c.d < 42:
            if c.vb is None and trace("R19h:without_vas"):
                return (
                    f"Repeat vertebroplasty may be considered at {L} if the pain plateaus: "
                    "partial relief is recorded."
                )
            return (
                f"Repeat vertebroplasty may be considered at {L} if the pain plateaus: partial "
                f"relief is recorded (VAS {c.vb} → {c.vc})."
            )
        return (
            f"Repeat vertebroplasty may be considered at {L}: partial relief only, persisting on "
            f"day {c.d}."
        )
    if rule == "R21":
        return (
            f"Repeat vertebroplasty may be considered at {L}: imaging points to the level, but "
            "point tenderness is absent; re-examine."
        )
    if rule in ("R10", "R12"):
        return f"Repeat vertebroplasty is indicated at {L}."
    return f"Repeat vertebroplasty may be considered at {L}."


# §5a warnings ---------------------------------------------------------------------------------

EDEMA_PERSISTS = (
    " Marrow edema can persist for months after cementation and is not by itself {what} (not "
    "from the cited evidence)."
)


def warnings(c: Case, trace) -> list[dict]:
    L = c.L
    out = []

    def warn(wid, fields, text):
        out.append({"id": wid, "fields": fields, "text": text})

    if c.response == "ongoing_relief" and c.location == "treated_level":
        text = f"“Ongoing relief at the treated level” is recorded, but MRI places the active fracture at {L}"
        if c.signs and trace("P1:signs"):
            text += f" ({listed(c.signs)})"
        text += "."
        if c.edema == "present" and trace("P1:edema"):
            text += EDEMA_PERSISTS.format(what="a recurrence")
        text += (
            f" If the pain at {L} came back, record “Relief, then recurrence of pain” with its "
            f"date; if {L} is still relieved and its MRI signal is post-procedural, record the "
            "active fracture location as “No active fracture identified”."
        )
        warn("P1", ["initial_response", "active_fracture_location"], text)
    if c.contradiction == "none":
        fields = ["active_fracture_location"]
        if c.cleft == "present":
            fields.append("cleft_sign")
        if c.edema == "present":
            fields.append("marrow_edema")
        if c.fluid:
            fields.append("fluid_at_cement_interface")
        text = f"“No active fracture identified” is recorded together with {listed(c.signs)} at {L}: re-read the MRI."
        if c.edema == "present" and trace("P2:edema"):
            text += EDEMA_PERSISTS.format(what="an active fracture")
        if (c.cleft == "present" or c.fluid) and trace("P2:cleft_or_fluid"):
            text += (
                " A cleft or fluid at the bone–cement interface is a sign of an unhealed fracture."
            )
        warn("P2", fields, text)
    if c.contradiction == "treated":
        warn(
            "P3",
            ["active_fracture_location", "cleft_sign", "marrow_edema"],
            "“At the treated level” is recorded as the location of the active fracture, but no "
            f"sign of activity is positive at {L} (marrow edema absent, cleft absent, no fluid at "
            "the bone–cement interface): re-read the MRI, and record “Indeterminate” for a sign "
            "the images do not allow reading.",
        )
    if c.p4_fires():
        warn(
            "P4",
            ["marrow_edema"],
            f"No marrow edema is recorded at {L} {counted(c.d, 'day')} after cementation: edema "
            "usually persists for weeks after vertebroplasty (not from the cited evidence). Check "
            "that the MRI was done after the index procedure, at the right level, with "
            "fluid-sensitive (STIR or fat-suppressed T2) sequences.",
        )
    if c.response == "no_relief" and c.substantial_relief and not c.bed_bound:
        warn(
            "P5",
            ["initial_response", "vas_before_index", "vas_current"],
            "“No relief after the index procedure” is recorded, but the VAS fell from "
            f"{c.vb} to {c.vc} ({c.relief_percent}% less). Confirm the course of pain: if the "
            "index procedure gave partial relief, record “Partial relief”; if the lower score "
            "reflects stronger analgesia, keep “No relief”.",
        )
    if c.vc == 0 and c.response != "ongoing_relief":
        facts = []
        if c.response == "no_relief" and trace("P6:no_relief"):
            facts.append("the pain never improved after the index procedure")
        elif c.response == "partial_relief" and trace("P6:partial"):
            facts.append("the pain improved only partly after the index procedure")
        elif trace("P6:recurrence"):
            facts.append(f"the pain came back on {in_words(c.recurrence_date)}")
        if c.opioid and trace("P6:opioid"):
            facts.append("the patient takes opioids")
        if c.tenderness == "present" and trace("P6:tender"):
            facts.append(f"{L} is tender")
        warn(
            "P6",
            ["vas_current"],
            f"No current pain (VAS 0) is recorded although {listed(facts)}: confirm whether the "
            "pain has resolved or is controlled by analgesics.",
        )
    if c.response == "ongoing_relief" and c.vc >= 1 and c.tenderness == "present":
        warn(
            "P7",
            ["initial_response", "point_tenderness"],
            f"Point tenderness at {L} is recorded although the pain there is recorded as still "
            f"relieved: re-examine, and if the pain at {L} came back, record “Relief, then "
            "recurrence of pain” with its date.",
        )
    if c.response == "relief_then_recurrence" and c.analgesics == "none" and c.weeks >= 1:
        warn(
            "P8",
            ["conservative_therapy_weeks", "analgesics"],
            f"{weeks_recorded(c)} recorded with no analgesic: confirm what the therapy was (for "
            "example bracing, physiotherapy or rest); the pain cannot be called refractory to "
            "medical therapy without a trial of analgesia.",
        )
    young = c.age < 50
    normal_bone = c.t_score is not None and c.t_score > -1.0
    if c.etiology == "osteoporotic" and (young or normal_bone):
        details = []
        fields = []
        if young and trace("P9:age"):
            details.append(f"at {c.age} years")
            fields.append("patient_age")
        fields.append("fracture_etiology")
        if normal_bone and trace("P9:t_score"):
            details.append(
                f"with a T-score of {t_score_text(c.t_score)} (normal bone density by the WHO "
                "definition)"
            )
            fields.append("bmd_t_score")
        warn(
            "P9",
            fields,
            f"An osteoporotic fracture is recorded {' and '.join(details)}: the etiology is not "
            "confirmed. Exclude an underlying lesion (myeloma, metastasis), trauma and secondary "
            "causes of bone loss before a repeat procedure (not from the cited evidence); the "
            "cited evidence comes from osteoporotic fractures.",
        )
    if c.volume is not None and c.volume > 10.0:
        warn(
            "P10",
            ["index_cement_volume_ml"],
            f"{volume_text(c.volume)} mL of cement is recorded for the index procedure at {L}, "
            "more than is usual for a single vertebra (above 10.0 mL, local policy): check the "
            "entry (is it a total for several levels?) and the index images.",
        )
    if c.infection_signs and c.vertebral_infection == "excluded" and not c.active_infection:
        warn(
            "P11",
            ["infection_signs", "vertebral_infection", "contraindications"],
            "Signs of infection are recorded, and infection of the treated vertebra is recorded "
            "as excluded: if an infection elsewhere is still active, record it as a "
            "contraindication (active infection); a repeat procedure waits until it has resolved.",
        )
    if c.bed_bound and 1 <= c.vc <= 3:
        warn(
            "P12",
            ["vas_current", "mobility"],
            f"VAS {c.vc}/10 is recorded for a patient kept in bed by the back pain: confirm that "
            "the back pain, not another condition, keeps the patient in bed, and that the score "
            "was taken on movement, not at rest.",
        )
    if c.vb is not None and c.vb <= 3:
        warn(
            "P13",
            ["vas_before_index"],
            f"A pain score of {c.vb}/10 before the index procedure is recorded: check the entry; "
            "vertebroplasty is done for severe pain.",
        )
    if c.scenario == "persistent_pain" and c.analgesics == "none":
        warn(
            "P14",
            ["analgesics"],
            f"No analgesic is recorded although the pain has not been relieved for {c.d} days: "
            "confirm the analgesic history; selection asks for pain refractory to conservative "
            "therapy.",
        )
    return out


# §5 notes -------------------------------------------------------------------------------------


def notes(c: Case, rule: str, recommendation: str, trace) -> list[tuple[str, str]]:
    if rule == "R1":
        return []
    L = c.L
    repeat = recommendation in REPEAT
    n5_rule = rule in N5_RULES
    shown = []
    if repeat:
        if c.volume is None:
            volume = "not recorded"
        else:
            trace("N1:volume")
            volume = f"{volume_text(c.volume)} mL"
        if c.cleft == "present" and trace("N1:target:cleft"):
            target = "the cleft"
        elif c.fill == "inadequate" and trace("N1:target:fill"):
            target = "the part of the fracture the index cement did not fill"
        else:
            trace("N1:target:ct")
            target = "to be defined on CT"
        shown.append(
            (
                "N1",
                f"Index cement at {L}: {volume}; target of a repeat procedure: {target} (ref 3). "
                "The repeat series used means of 4.0–6.8 mL per vertebra (refs 1, 2), and "
                "success correlated with disappearance of the cleft (ref 2); the volume is judged "
                "under fluoroscopy and is smaller in the thoracic spine (not from the cited "
                "evidence).",
            )
        )
        unrelieved = (
            "in a small series of repeat procedures for pain not relieved within 4–32 days, "
            "every patient had complete or partial relief (mean VAS 8.6 → 1.67 in the first "
            "month, ref 1)"
        )
        recurrent = (
            "in a small series of repeat procedures for recurrent pain, every patient had a "
            "cleft and complete or partial relief (mean VAS 2.8 at 3 months, ref 2)"
        )
        trace(f"N2:{c.scenario}")
        outcome = {
            "immediate_failure": unrelieved,
            "persistent_pain": unrelieved + "; " + recurrent,
            "delayed_recurrence": recurrent,
        }[c.scenario]
        text = "Reported outcome: " + outcome
        if c.response == "partial_relief" and trace("N2:partial"):
            text += "; this patient has partial relief, unlike the patients of the unrelieved-pain series"
        if (
            c.scenario == "immediate_failure"
            and c.fill == "adequate"
            and c.cleft != "present"
            and trace("N2:adequate_no_cleft")
        ):
            text += "; with an adequate fill and no definite cleft the benefit is not established"
        elif (
            c.scenario in ("persistent_pain", "delayed_recurrence")
            and c.cleft != "present"
            and trace("N2:no_cleft")
        ):
            text += "; without a definite cleft the benefit is not established"
        text += (
            ". These small series are not a prediction for this patient: a repeat procedure can "
            "fail, and rare serious complications (cement embolism, neurological injury, "
            "infection, bleeding) cannot be excluded. Asymptomatic leakage was seen on imaging "
            "in 13–22% of repeat procedures (ref 1), no serious complication was reported "
            "(refs 1, 2), and major complications occur in less than 1% of vertebral "
            "augmentations for osteoporotic fractures (ref 4)."
        )
        shown.append(("N2", text))
    mechanism = c.fill == "inadequate" or c.fluid or c.cleft == "present"
    if c.scenario in FAILURE_SCENARIOS and mechanism and n5_rule:
        mechanisms = []
        if c.fill == "inadequate":
            mechanisms.append(
                "incomplete filling or cement missing the fracture (cement fill recorded as "
                "inadequate)"
            )
        if c.fluid:
            mechanisms.append(
                "fluid at the bone–cement interface, a sign of a progressive fracture"
            )
        if c.cleft == "present":
            mechanisms.append(c.cleft_phrase(trace))
        shown.append(("N5", f"Failure mechanism shown (ref 3): {listed(mechanisms)}."))
    if c.cleft == "present" and c.cleft_new is True and c.scenario in FAILURE_SCENARIOS and n5_rule:
        shown.append(
            (
                "N6",
                "The cleft was absent on pre-index imaging: clefts can appear after the index "
                "procedure, and in the recurrent-pain series every patient showed a cleft before "
                "the repeat procedure (ref 2).",
            )
        )
    if c.location in ("adjacent_level", "non_adjacent_level"):
        text = (
            "In the published series of new fractures after vertebroplasty, 58.8–63.8% were at "
            "adjacent levels, and adjacent fractures came sooner (mean 72 vs 287 days after "
            f"vertebroplasty) (ref 5). This fracture at {c.new_level} is reported on day {c.d} "
            "after the index procedure"
        )
        if c.d <= 14 and trace("N7:early"):
            text += (
                "; this early, it may have been present before the index procedure, and the "
                "series of new fractures may not apply"
            )
        shown.append(("N7", text + "."))
    factors = []
    if c.age >= 75 and trace("N8:age"):
        factors.append(f"age {c.age}")
    if c.t_score is not None and c.t_score <= -2.5 and trace("N8:t_score"):
        factors.append(f"a T-score of {t_score_text(c.t_score)}")
    if c.prior >= 2 and trace("N8:prior"):
        factors.append(counted(c.prior, "prior vertebral fracture"))
    if factors:
        shown.append(
            (
                "N8",
                f"Risk factors for further fractures are present: {listed(factors)}. Older age, "
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
        if c.prevention_applies and trace("N9:prevention"):
            text += " It also advises medical prevention of further fractures"
            if repeat and trace("N9:after_repeat"):
                text += ", particularly after a repeat procedure"
            text += " (bisphosphonates, calcium, vitamin D; ref 7)."
            if c.age < 50 and trace("N9:young"):
                text += (
                    f" At {c.age} years, a search for secondary causes of bone loss and "
                    "specialist bone advice usually come before drug treatment (local policy, "
                    "not from the cited evidence)."
                )
        shown.append(("N9", text))
    if c.neuro in ("normal", "chronic_stable_deficit") and repeat:
        trace(f"N10:{c.neuro}")
        words = "normal" if c.neuro == "normal" else "chronic, stable deficit"
        shown.append(
            (
                "N10",
                f"A baseline neurological examination recorded now ({words}) allows rapid "
                "comparison after the procedure (ref 4).",
            )
        )
    n11_second_form = False
    if rule == "R5" and c.signs:
        if c.edema_only_early() and trace("N11:edema_only"):
            text = (
                f"Marrow edema at {L} {counted(c.d, 'day')} after cementation is expected after "
                "the procedure and is not by itself a failure of the treated level (not from the "
                "cited evidence)."
            )
        else:
            trace("N11:second")
            n11_second_form = True
            text = f"MRI also shows {listed(c.signs)} at {L}"
            if c.tenderness == "present" and trace("N11:tender"):
                text += ", which is tender"
            text += ": the treated level may also be painful; correlate each level with the examination."
        shown.append(("N11", text))
    if c.contraindications and rule != "R2":
        qualified = [QUALIFIED_CONTRAINDICATIONS[name] for name in c.contraindications]
        shown.append(
            (
                "N12",
                "Contraindications recorded (local policy list, not from the cited evidence): "
                f"{listed(qualified)}. Each is resolved or weighed before any repeat procedure "
                "(see the next steps).",
            )
        )
    if c.etiology == "neoplastic" and rule != "R18":
        shown.append(
            (
                "N13",
                "Neoplastic fracture: pain at a cemented vertebra may be tumour progression until "
                "proven otherwise, and marrow edema or a cleft on MRI without contrast does not "
                "tell tumour from fracture. The evidence on repeat vertebroplasty comes from "
                "osteoporotic fractures; restaging, stability, epidural disease and the "
                "spine-oncology MDT decide the treatment of this level (standard oncology "
                "practice, not from the cited evidence).",
            )
        )
    if c.infection_recorded and c.vertebral_infection == "not_assessed" and not c.infection_flag:
        if c.active_infection and c.infection_signs:
            what = "active infection and signs of infection"
        elif c.active_infection:
            what = "active infection"
        else:
            what = "signs of infection"
        trace(f"N14:{what}")
        shown.append(
            (
                "N14",
                f"Infection is recorded ({what}) and there is no back pain now: new back pain "
                "would call for exclusion of infection of the treated vertebra (local policy, "
                "not from the cited evidence).",
            )
        )
    if c.vertebral_infection == "resolved":
        shown.append(
            (
                "N15",
                f"Infection of the treated vertebra {L} has been treated: any repeat procedure "
                "needs the infection team's agreement, with a biopsy at the procedure (local "
                "policy, not from the cited evidence).",
            )
        )
    ids = {note_id for note_id, _ in shown}
    if c.etiology != "osteoporotic" and ids & {"N1", "N2", "N5", "N6", "N7", "N8"}:
        shown.insert(
            0,
            (
                "N16",
                "The series cited in these notes concern osteoporotic fractures; this is a "
                f"{c.etiology_words}.",
            ),
        )
    c.n11_second_form = n11_second_form
    return shown


# §5b next steps -------------------------------------------------------------------------------


def next_steps(
    c: Case, rule: str, recommendation: str, reassess, missing_ids, warning_ids, note_texts, trace
) -> list[tuple[str, str]]:
    L = c.L
    if rule == "R1":
        text = (
            "Refer immediately (emergency): spinal surgical assessment with MRI of the whole "
            "spine (CT if MRI cannot be done)"
        )
        if c.etiology == "neoplastic" and trace("S1:neoplastic"):
            text += ", following the local metastatic spinal cord compression pathway"
        return [("S1", text + ".")]
    repeat = recommendation in REPEAT
    steps = []
    if rule == "R17" and c.vertebral_infection != "active":
        steps.append(
            (
                "S2",
                f"Exclude infection of {L} now: CRP, ESR and white cell count, blood cultures "
                f"(before any antibiotic), MRI of {L} with contrast (when MRI is not possible: CT "
                f"of {L} and a nuclear infection scan, FDG PET-CT or gallium with bone scan, as "
                "agreed with radiology) and a neurological examination; image-guided biopsy if "
                "imaging suggests infection, before antibiotics where the patient is stable. "
                "Record the result under “Infection of the treated vertebra” (excluded, or "
                "active) and evaluate again.",
            )
        )
    if c.complication_flag:
        trace(f"S3:{rule}")
        steps.append(
            (
                "S3",
                "Assess now for a complication of the index procedure: neurological "
                f"examination; CT of {L} for cement position and leakage (spinal canal, foramina, "
                "disc, veins) and for a new fracture (pedicle, endplate, adjacent level); MRI "
                "where it can be done; consider haematoma and infection. Record that the "
                "procedure has been assessed, enter any complication found (for example the level "
                "of a new fracture), and evaluate again.",
            )
        )
    if rule == "R4":
        steps.append(
            (
                "S4",
                f"Reassess from {in_words(reassess)} (day 4 after the index procedure); new or "
                "worse pain, or any neurological change, before then calls for assessment at "
                "once.",
            )
        )
    if rule == "R18":
        steps.append(
            (
                "S5",
                f"Restage the disease and image {L}: MRI with contrast (when MRI is not possible: "
                "CT, with CT myelography where epidural disease is suspected) and CT of the "
                "posterior wall and posterior elements; assess spinal stability and epidural "
                "disease; present at the spine-oncology MDT (radiotherapy, surgery, or repeat "
                "augmentation with biopsy).",
            )
        )
    if rule == "R3" and c.scenario == "no_current_pain":
        text = "No procedure now; evaluate again if the pain returns"
        if c.opioid and trace("S6:opioid"):
            text += " or when opioids are reduced"
        text += "."
        if (c.cleft == "present" or c.fluid) and trace("S6:radiographs"):
            text += (
                f" Consider follow-up radiographs of {L} for progressive collapse (MRI shows "
                f"{listed(c.signs)})."
            )
        steps.append(("S6", text))
    if (rule == "R3" and c.scenario == "treated_level_relieved") or rule == "R7":
        trace(f"S7:{rule}")
        text = (
            "Look for the source of the pain: adjacent levels, facet joints, sacroiliac joints, "
            "radicular pain and non-spinal causes."
        )
        if "P4" in warning_ids and trace("S7:p4"):
            text += " First confirm the MRI reading (see warning P4)."
        steps.append(("S7", text))
    if rule == "R5":
        text = f"Evaluate the new fracture at {c.new_level} for treatment on its own merits."
        if c.d <= 14 and trace("S8:early"):
            text += (
                f" Compare with the pre-procedure MRI: a fracture seen {counted(c.d, 'day')} after "
                "the index procedure may have been present before it."
            )
        if c.n11_second_form and trace("S8:both_levels"):
            text += (
                " Correlate both levels with the examination; where both are painful and "
                "active, treating both in one session may be appropriate (not from the cited "
                "evidence)."
            )
        steps.append(("S8", text))
    if rule == "R6":
        text = "Complete the work-up, then evaluate again."
        if "pain_course" in missing_ids and trace("S9:pain_course"):
            text += f" Confirm the course of pain at {L} (see warning P1)."
        if c.scenario == "treated_level_relieved" and "mri" in missing_ids and trace("S9:mri"):
            text += (
                " New back pain after vertebroplasty may signal a new fracture, most often at an "
                "adjacent level (refs 4, 5): MRI looks for it."
            )
        steps.append(("S9", text))
    if rule == "R9":
        text = f"{start_or_continue(c)} conservative therapy"
        if c.analgesics == "none" and trace("S10:trial"):
            text += ", including a trial of analgesia,"
        text += f" and reassess from {in_words(reassess)}."
        if c.disabled:
            if c.bed_bound and c.opioid:
                harm = "prolonged bed rest and opioid use carry their own harm"
            elif c.bed_bound:
                harm = "prolonged bed rest carries its own harm"
            else:
                harm = "prolonged opioid use carries its own harm"
            trace(f"S10:{harm}")
            text += (
                f" The patient is {disabled_state(c)}: discuss earlier intervention with the "
                f"spine team, since {harm} (common practice, not from the cited evidence)."
            )
        steps.append(("S10", text))
    if rule == "R14":
        steps.append(
            (
                "S11",
                "Continue conservative therapy; evaluate again if the pain worsens, keeps the "
                "patient in bed or needs opioids, recording mobility and analgesics as they are "
                "then.",
            )
        )
    if rule == "R20":
        steps.append(
            (
                "S12",
                "Continue analgesia and reduce opioids as tolerated; if they cannot be reduced, "
                "or cause sedation, confusion or constipation, record it (“Opioids cannot be "
                "reduced…”) and evaluate again.",
            )
        )
    if c.active_infection and rule != "R17":
        steps.append(
            (
                "S13",
                "Active infection: treat it; a repeat procedure can be considered again once it "
                "has resolved.",
            )
        )
    if "uncorrectable_coagulopathy" in c.contraindications:
        steps.append(
            ("S14", "Coagulopathy: seek haematology advice; evaluate again if it can be corrected.")
        )
    if "cement_allergy" in c.contraindications:
        steps.append(
            (
                "S15",
                "Cement allergy: seek allergy advice on alternative materials or premedication.",
            )
        )
    if "canal_compromise" in c.contraindications:
        steps.append(
            (
                "S16",
                "Spinal canal compromise: seek a spinal surgical opinion on stabilisation or "
                "decompression.",
            )
        )
    if rule == "R15" or (rule == "R2" and c.etiology in ("traumatic", "other")):
        trace(f"S17:{rule}:{c.etiology}")
        if c.etiology == "traumatic":
            text = (
                "Seek a spinal surgical opinion on the stability of the fracture (posterior "
                "wall, posterior ligamentous complex) before any repeat procedure."
            )
        else:
            text = (
                "Establish the cause of the fracture, then decide with the spine team (spinal "
                "surgeon and interventional radiologist)."
            )
        steps.append(("S17", text))
    if rule == "R19" and reassess is not None:
        steps.append(
            (
                "S18",
                f"Reassess the trend from {in_words(reassess)}: if the pain plateaus at a "
                "disabling level, a repeat procedure may be considered then.",
            )
        )
    if c.tenderness == "absent" and repeat:
        trace(f"S19:{rule}")
        steps.append(
            (
                "S19",
                f"Re-examine {L} for point tenderness (palpation under fluoroscopy can localise "
                "it) and exclude other pain generators (facet joints, adjacent levels, radicular "
                "pain).",
            )
        )
    if rule == "R11":
        text = (
            f"Confirm the pain generator: CT of {L} for a fracture line the cement missed or a "
            "leak; examination for facet or radicular pain; a diagnostic block where the source "
            "stays unclear."
        )
        if c.scenario == "persistent_pain" and trace("S20:persistent"):
            text += (
                f" With pain unrelieved for {c.d} days despite an adequate fill, check CRP and "
                "ESR and consider MRI with contrast (FDG PET-CT when MRI is not possible) to "
                "exclude infection."
            )
        steps.append(("S20", text))
    if rule == "R13" and c.cleft == "indeterminate":
        steps.append(
            (
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
        if c.leakage and trace("S22:leak"):
            text += " and the route of the earlier leak"
        steps.append(("S22", text + "."))
        if c.cleft == "present" and trace("S23:cleft"):
            zone = "the cleft"
        else:
            trace("S23:zone")
            zone = "the target zone"
        steps.append(
            (
                "S23",
                f"After a repeat procedure: imaging to confirm that {zone} is filled (in the "
                "recurrent-pain series success correlated with disappearance of the cleft, "
                "ref 2), and a neurological examination compared with the one recorded before "
                "the procedure (ref 4).",
            )
        )
    prevention_printed = any(
        note_id == "N9" and "medical prevention" in text for note_id, text in note_texts
    )
    if (
        c.sex != "male"
        and c.age <= 55
        and (repeat or rule in ("R16", "R17", "R18") or prevention_printed)
    ):
        trace("S24:repeat" if repeat else f"S24:{rule if not prevention_printed else 'N9'}")
        steps.append(
            ("S24", "Confirm pregnancy status before CT, fluoroscopy or any bisphosphonate.")
        )
    if c.neuro == "not_documented" and rule != "R6":
        steps.append(
            (
                "S25",
                "Document a neurological examination now: a new deficit calls for urgent referral.",
            )
        )
    if (
        c.vb is None
        and c.scenario
        in ("too_early", "immediate_failure", "persistent_pain", "delayed_recurrence")
        and c.d <= FIRST_SIX_WEEKS
        and rule not in ("R16", "R17")
    ):
        steps.append(
            (
                "S26",
                "Record the pain score before the index procedure: pain worse than before calls "
                "for assessment of a complication now.",
            )
        )
    if rule == "R22":
        steps.append(
            (
                "S27",
                f"Obtain CT of {L} (cement fill, cleft, fracture lines) and bone scintigraphy "
                "with SPECT-CT, and present them with this assessment to the spine team (spinal "
                "surgeon and interventional radiologist) for the decision.",
            )
        )
    if rule == "R17" and c.vertebral_infection == "active":
        steps.append(
            (
                "S28",
                "Treat the infection with the infection and spinal teams; when it is cured, "
                "record “Infection of the treated vertebra: resolved” and evaluate again.",
            )
        )
    if rule == "R23":
        steps.append(
            (
                "S29",
                "Present the patient to the spine team now; if a repeat procedure is not chosen, "
                "continue conservative therapy and evaluate again when the 6 weeks are met "
                f"({in_words(c.six_weeks_date)}).",
            )
        )
    return steps


# The whole output ---------------------------------------------------------------------------


def oracle(case: dict, trace: set | None = None) -> dict:
    """The §6 output for a valid case, keys in the order of §6."""
    hit = _Trace(trace)
    c = Case(case)
    missing_items = workup(c, hit)
    rule, recommendation = deciding_rule(c, missing_items)
    reassess = reassess_from(c, rule)
    reason = reason_text(c, rule, reassess, missing_items, hit)

    # §4.1: every item when R6 decides; otherwise the safety items only.
    all_missing = [item_id for item_id, _ in missing_items]
    if rule == "R6":
        missing = all_missing
    else:
        missing = [
            item_id
            for item_id in all_missing
            if item_id == "neuro_exam"
            or (item_id == "mri" and c.vc >= 1 and rule not in ("R1", "R4"))
        ]

    warning_list = warnings(c, hit)
    note_list = notes(c, rule, recommendation, hit)
    if rule == "R1":
        c.n11_second_form = False
    step_list = next_steps(
        c,
        rule,
        recommendation,
        reassess,
        set(all_missing),
        {warning["id"] for warning in warning_list},
        note_list,
        hit,
    )
    reason_refs = cited(reason)
    notes_out = [{"id": nid, "text": text, "refs": cited(text)} for nid, text in note_list]
    steps_out = [{"id": sid, "text": text, "refs": cited(text)} for sid, text in step_list]
    references = set(reason_refs)
    for entry in notes_out + steps_out:
        references.update(entry["refs"])
    return {
        "rules_version": RULES_VERSION,
        "scenario": c.scenario,
        "recommendation": recommendation,
        "headline": headline(c, rule, reassess, hit),
        "reasons": [{"rule": rule, "text": reason, "refs": reason_refs}],
        "missing": missing,
        "warnings": warning_list,
        "next_steps": steps_out,
        "reassess_from": reassess.isoformat() if reassess else None,
        "notes": notes_out,
        "days_since_index": c.d,
        "days_since_recurrence": c.s,
        "references": [{"id": number, "text": REFERENCES[number]} for number in sorted(references)],
        "disclaimer": DISCLAIMER,
    }


# §8 red-flag lines ----------------------------------------------------------------------------


def red_flag_lines(case: dict) -> list[str]:
    """The §8 lines for the valid answers of a case (refused answers left out by the caller).
    Reads only what the three flags read, so other answers may be missing."""
    get = case.get
    vas = get("vas_current")
    before = get("vas_before_index")
    analgesics = get("analgesics")
    contraindications = get("contraindications") or []
    vertebral_infection = get("vertebral_infection") or "not_assessed"
    lines = []
    if get("neuro_exam") == "new_deficit":
        lines.append(RED_FLAG_DEFICIT)
    infection_recorded = "active_infection" in contraindications or get("infection_signs") is True
    pain = vas is not None and vas >= 1
    if (
        infection_recorded
        and vertebral_infection == "not_assessed"
        and (pain or analgesics == "opioid")
    ) or vertebral_infection == "active":
        lines.append(RED_FLAG_INFECTION)
    index, assessment = as_date(get("index_procedure_date")), as_date(get("assessment_date"))
    if vas is not None and index is not None and assessment is not None:
        d = (assessment - index).days
        pain_worse = before is not None and vas >= before + 2
        recurrence_flag = (
            get("initial_response") == "relief_then_recurrence"
            and vas >= 1
            and (vas >= SEVERE_PAIN or d < 4)
        )
        if (
            get("complication_assessed") is not True
            and d <= FIRST_SIX_WEEKS
            and (pain_worse or recurrence_flag)
        ):
            lines.append(RED_FLAG_COMPLICATION)
    return lines


# §1 validation: which fields a case refuses --------------------------------------------------

ENUMS = {
    "sex": ("female", "male", "other", "unknown"),
    "treated_level": tuple(f"T{n}" for n in range(1, 13)) + tuple(f"L{n}" for n in range(1, 6)),
    "fracture_etiology": ("osteoporotic", "neoplastic", "traumatic", "other"),
    "initial_response": ("no_relief", "partial_relief", "relief_then_recurrence", "ongoing_relief"),
    "mobility": ("independent", "limited", "bed_bound"),
    "analgesics": ("none", "non_opioid", "opioid"),
    "active_fracture_location": (
        "treated_level",
        "adjacent_level",
        "non_adjacent_level",
        "none_identified",
    ),
    "cleft_sign": ("present", "absent", "indeterminate"),
    "marrow_edema": ("present", "absent", "indeterminate"),
    "cement_fill": ("adequate", "inadequate", "not_assessed"),
    "point_tenderness": ("present", "absent", "not_examined"),
    "neuro_exam": ("normal", "chronic_stable_deficit", "new_deficit", "not_documented"),
    "vertebral_infection": ("not_assessed", "excluded", "active", "resolved"),
}
INTEGERS = {
    "patient_age": (18, 120),
    "prior_vertebral_fractures": (0, 25),
    "vas_before_index": (0, 10),
    "vas_current": (0, 10),
    "conservative_therapy_weeks": (0, 520),
}
DECIMALS = {"index_cement_volume_ml": (0.5, 20.0), "bmd_t_score": (-7.0, 4.0)}
BOOLEANS = (
    "opioid_failure",
    "mri_performed",
    "mri_not_possible",
    "cleft_new_since_index",
    "fluid_at_cement_interface",
    "prior_cement_leakage",
    "infection_signs",
    "complication_assessed",
)
DATES = ("index_procedure_date", "assessment_date", "recurrence_date")
REQUIRED = (
    "patient_ref",
    "patient_age",
    "treated_level",
    "index_procedure_date",
    "fracture_etiology",
    "prior_vertebral_fractures",
    "assessment_date",
    "initial_response",
    "vas_current",
    "mri_performed",
    "cement_fill",
    "point_tenderness",
    "neuro_exam",
)
FIELD_NAMES = (
    *REQUIRED,
    "sex",
    "index_cement_volume_ml",
    "bmd_t_score",
    "recurrence_date",
    "vas_before_index",
    "conservative_therapy_weeks",
    "mobility",
    "analgesics",
    "opioid_failure",
    "mri_not_possible",
    "active_fracture_location",
    "cleft_sign",
    "cleft_new_since_index",
    "marrow_edema",
    "fluid_at_cement_interface",
    "prior_cement_leakage",
    "infection_signs",
    "vertebral_infection",
    "complication_assessed",
    "contraindications",
)
MRI_ONLY = ("active_fracture_location", "cleft_sign", "marrow_edema", "cleft_new_since_index")


def refused_fields(case: dict, today: date) -> set[str]:
    """The fields §1 refuses in `case` (a JSON object), each for the reason §1 gives."""
    refused = {name for name in case if name not in FIELD_NAMES}
    value = {name: case.get(name) for name in FIELD_NAMES}
    valid = {}
    for name in FIELD_NAMES:
        v = value[name]
        if v is None:
            if name in REQUIRED:
                refused.add(name)
            continue
        ok = True
        if name == "patient_ref":
            ok = isinstance(v, str) and 1 <= len(v) <= 64 and v.isprintable()
        elif name in ENUMS:
            ok = isinstance(v, str) and v in ENUMS[name]
        elif name in INTEGERS:
            low, high = INTEGERS[name]
            ok = isinstance(v, int) and not isinstance(v, bool) and low <= v <= high
        elif name in DECIMALS:
            low, high = DECIMALS[name]
            ok = (
                isinstance(v, int | float)
                and not isinstance(v, bool)
                and low <= v <= high
                and round(v, 1) == v
            )
        elif name in BOOLEANS:
            ok = isinstance(v, bool)
        elif name in DATES:
            try:
                v = date.fromisoformat(v) if isinstance(v, str) else None
            except ValueError:
                v = None
            ok = v is not None and v <= today
            if name == "index_procedure_date" and ok:
                ok = v >= date(1985, 1, 1)
        elif name == "contraindications":
            ok = (
                isinstance(v, list)
                and all(isinstance(item, str) and item in CONTRAINDICATIONS for item in v)
                and len(set(v)) == len(v)
            )
        if ok:
            valid[name] = v
        else:
            refused.add(name)

    index = valid.get("index_procedure_date")
    assessment = valid.get("assessment_date")
    if index and assessment and assessment < index:
        refused.add("assessment_date")
    recurrence_course = valid.get("initial_response") == "relief_then_recurrence"
    recurrence = valid.get("recurrence_date")
    if recurrence_course:
        too_early = recurrence and index and recurrence <= index
        too_late = recurrence and assessment and recurrence > assessment
        if value["recurrence_date"] is None or too_early or too_late:
            refused.add("recurrence_date")
        weeks = valid.get("conservative_therapy_weeks")
        if value["conservative_therapy_weeks"] is None or (
            weeks is not None
            and recurrence
            and assessment
            and recurrence <= assessment
            and weeks > ((assessment - recurrence).days + 6) // 7
        ):
            refused.add("conservative_therapy_weeks")
    elif "initial_response" in valid and value["recurrence_date"] is not None:
        refused.add("recurrence_date")
    # "Refused unless X = v" is read as written: an answer X that is empty, or itself refused,
    # is not v.
    if valid.get("opioid_failure") is True and valid.get("analgesics") != "opioid":
        refused.add("opioid_failure")
    mri = valid.get("mri_performed")
    if mri is True:
        if valid.get("mri_not_possible") is True:
            refused.add("mri_not_possible")
        for name in ("active_fracture_location", "cleft_sign", "marrow_edema"):
            if value[name] is None:
                refused.add(name)
    elif mri is False:
        for name in MRI_ONLY:
            if value[name] is not None:
                refused.add(name)
        if valid.get("fluid_at_cement_interface") is True:
            refused.add("fluid_at_cement_interface")
    if value["cleft_new_since_index"] is not None and valid.get("cleft_sign") != "present":
        refused.add("cleft_new_since_index")
    return refused
