"""Rules R1–R23 of version 2026.3 (docs/specification.md §4, §4.0, §4.2): for each rule, a case
that it decides, with the recommendation, the reason sentence and the headline written out
from the spec's templates, and the references its text cites."""

from typing import Any

import pytest

from tests.rules.v2026_3.cases import NO_MRI, RECURRENCE, result

# Common tails of the templates, written once.
R16_TAIL = (
    "A complication of the procedure (cement leakage into the spinal canal, foramina, disc or "
    "veins; a new fracture of the pedicle, an endplate or an adjacent level; haematoma; "
    "infection) must be excluded now, before the result of the index procedure is judged. A "
    "sudden increase in back pain may signal a new fracture (ref 4); the rest is local policy, "
    "not from the cited evidence."
)
R17_TAIL = (
    "after vertebroplasty at L1: infection of the treated vertebra (vertebral osteomyelitis, "
    "spondylodiscitis, epidural abscess) must be excluded before anything else. No repeat "
    "procedure while infection is active or not excluded (local policy, not from the cited "
    "evidence)."
)
R9_SELECTION = (
    "Selection for a repeat procedure requires pain refractory to at least 6 weeks of "
    "conservative therapy (ref 4); counting them from when the pain returned is local policy, "
    "not from the cited evidence."
)
R11_BUT = (
    ". But inadequate filling, the primary technical reason for failure in the unrelieved-pain "
    "series (ref 1), is not shown: confirm the pain generator before a repeat procedure, which "
    "may then be considered (see next steps)."
)
PERSISTENT = (
    " The unrelieved-pain series judged failure at days 4–32 (ref 1); a failure that persists "
    "beyond day 32 is no less a failure of the index procedure (local policy, not from the cited "
    "evidence)."
)
FILL_CAUSE = (
    "inadequate cement fill (the primary technical reason for failure in the unrelieved-pain "
    "series, ref 1)"
)
# A case seen on day 61 (persistent pain), and one relieved that MRI shows no fracture in.
DAY_61 = {"assessment_date": "2026-08-01"}
RELIEVED_CLEAN_MRI = {
    "initial_response": "ongoing_relief",
    "vas_current": 5,
    "active_fracture_location": "none_identified",
    "marrow_edema": "absent",
    "cleft_sign": "absent",
    **DAY_61,
}
EARLY_RECURRENCE = {
    "initial_response": "relief_then_recurrence",
    "recurrence_date": "2026-06-10",
    "conservative_therapy_weeks": 1,
    "vas_current": 6,
}


def decided(**overrides: Any) -> tuple[str, str, str, str, list[int]]:
    out = result(**overrides)
    (reason,) = out["reasons"]
    return reason["rule"], out["recommendation"], reason["text"], out["headline"], reason["refs"]


CASES = [
    pytest.param(
        {"neuro_exam": "new_deficit"},
        "R1",
        "urgent_referral",
        "New neurological deficit after vertebroplasty at L1: compression of the spinal cord or "
        "nerve roots must be excluded at once (cement leakage, retropulsion, haematoma). This is "
        "urgent care, outside the scope of this guidance.",
        "Urgent referral for a new neurological deficit; repeat vertebroplasty at L1 is outside "
        "this guidance.",
        [],
        id="R1",
    ),
    pytest.param(
        {"neuro_exam": "new_deficit", "infection_signs": True, "fracture_etiology": "neoplastic"},
        "R1",
        "urgent_referral",
        "New neurological deficit after vertebroplasty at L1: compression of the spinal cord or "
        "nerve roots must be excluded at once (cement leakage, retropulsion, haematoma; epidural "
        "abscess, as infection is recorded; tumour, as the fracture is neoplastic). This is "
        "urgent care, outside the scope of this guidance.",
        "Urgent referral for a new neurological deficit; repeat vertebroplasty at L1 is outside "
        "this guidance.",
        [],
        id="R1-infection-neoplastic",
    ),
    pytest.param(
        {"neuro_exam": "new_deficit", "vertebral_infection": "active"},
        "R1",
        "urgent_referral",
        "New neurological deficit after vertebroplasty at L1: compression of the spinal cord or "
        "nerve roots must be excluded at once (cement leakage, retropulsion, haematoma; epidural "
        "abscess, as infection is recorded). This is urgent care, outside the scope of this "
        "guidance.",
        "Urgent referral for a new neurological deficit; repeat vertebroplasty at L1 is outside "
        "this guidance.",
        [],
        id="R1-active-vertebral-infection",
    ),
    pytest.param(
        {"vertebral_infection": "active"},
        "R17",
        "manage_infection",
        "Infection of the treated vertebra L1 is active: no repeat procedure while it is "
        "treated; antibiotic treatment, and surgery for instability, abscess or neurological "
        "compromise, are decided with the infection and spinal teams (local policy, not from the "
        "cited evidence).",
        "Infection of the treated vertebra L1 is active: treat it with the infection and spinal "
        "teams; no repeat vertebroplasty now.",
        [],
        id="R17-active",
    ),
    pytest.param(
        {"infection_signs": True},
        "R17",
        "exclude_infection",
        "Signs of infection are recorded (fever, raised CRP or ESR, or wound inflammation) in a "
        "patient with pain (VAS 8/10) " + R17_TAIL,
        "Exclude infection of the treated vertebra L1 now; no repeat vertebroplasty while "
        "infection is active or not excluded.",
        [],
        id="R17-signs",
    ),
    pytest.param(
        {"contraindications": ["active_infection"]},
        "R17",
        "exclude_infection",
        "Active infection is recorded in a patient with pain (VAS 8/10) " + R17_TAIL,
        "Exclude infection of the treated vertebra L1 now; no repeat vertebroplasty while "
        "infection is active or not excluded.",
        [],
        id="R17-contraindication",
    ),
    pytest.param(
        {
            "contraindications": ["active_infection"],
            "infection_signs": True,
            "vas_current": 0,
            "analgesics": "opioid",
            # With no current pain the scenario is not a new-level one: no addition.
            "active_fracture_location": "adjacent_level",
        },
        "R17",
        "exclude_infection",
        "Active infection and signs of infection are recorded in a patient on opioids (VAS 0/10, "
        "pain possibly masked) " + R17_TAIL,
        "Exclude infection of the treated vertebra L1 now; no repeat vertebroplasty while "
        "infection is active or not excluded.",
        [],
        id="R17-both-on-opioids",
    ),
    pytest.param(
        {"infection_signs": True, "active_fracture_location": "non_adjacent_level"},
        "R17",
        "exclude_infection",
        "Signs of infection are recorded (fever, raised CRP or ESR, or wound inflammation) in a "
        "patient with pain (VAS 8/10) " + R17_TAIL + " MRI also shows a fracture at a "
        "non-adjacent level, to be evaluated once infection is excluded.",
        "Exclude infection of the treated vertebra L1 now; no repeat vertebroplasty while "
        "infection is active or not excluded.",
        [],
        id="R17-new-level",
    ),
    pytest.param(
        {**EARLY_RECURRENCE, "vas_current": 8},
        "R16",
        "assess_complication",
        "Severe pain (VAS 8/10) returned at L1 on day 9 after initial relief; this is day 17 "
        "after the index procedure. " + R16_TAIL,
        "Assess now for a complication of the vertebroplasty at L1: severe pain returned on day 9.",
        [4],
        id="R16-severe-recurrence",
    ),
    pytest.param(
        {**EARLY_RECURRENCE, "vas_current": 8, "vas_before_index": 5},
        "R16",
        "assess_complication",
        "Severe pain (VAS 8/10) returned at L1 on day 9 after initial relief and is worse than "
        "before the index procedure (VAS 5 before); this is day 17 after the index procedure. "
        + R16_TAIL,
        "Assess now for a complication of the vertebroplasty at L1: severe pain returned on day 9.",
        [4],
        id="R16-severe-and-worse",
    ),
    pytest.param(
        {
            **EARLY_RECURRENCE,
            "recurrence_date": "2026-06-02",
            "assessment_date": "2026-06-03",
            "vas_current": 5,
            "conservative_therapy_weeks": 0,
        },
        "R16",
        "assess_complication",
        "Pain (VAS 5/10) returned at L1 on day 1 after initial relief; this is day 2 after the "
        "index procedure. " + R16_TAIL,
        "Assess now for a complication of the vertebroplasty at L1: pain returned on day 1.",
        [4],
        id="R16-pain-back-before-day-4",
    ),
    pytest.param(
        {"vas_before_index": 5, "active_fracture_location": "adjacent_level"},
        "R16",
        "assess_complication",
        "Pain at L1 is worse than before the index procedure (VAS 5 → 8); this is day 17 after "
        "the index procedure. " + R16_TAIL + " MRI shows a fracture at an adjacent level, one of "
        "the complications to assess.",
        "Assess now for a complication of the vertebroplasty at L1: pain worse than before the "
        "procedure.",
        [4],
        id="R16-worse-new-level",
    ),
    pytest.param(
        {**RELIEVED_CLEAN_MRI, "assessment_date": "2026-07-13", "vas_before_index": 3},
        "R16",
        "assess_complication",
        "Current pain (VAS 5/10) is worse than the pain at L1 before the index procedure (VAS 3); "
        "this is day 42 after the index procedure. " + R16_TAIL,
        "Assess now for a complication of the vertebroplasty at L1: pain worse than before the "
        "procedure.",
        [4],
        id="R16-ongoing-relief-worse-day-42",
    ),
    pytest.param(
        {"assessment_date": "2026-06-03"},
        "R4",
        "reassess_later",
        "It is day 2 after the index procedure at L1: too early to call it a failure; the result "
        "can be judged from day 4 after the index procedure (5 Jun 2026), when the "
        "unrelieved-pain series began to judge failure (ref 1).",
        "Too early to judge the vertebroplasty at L1: reassess from day 4 after the index "
        "procedure (5 Jun 2026).",
        [1],
        id="R4",
    ),
    pytest.param(
        {"fracture_etiology": "neoplastic"},
        "R18",
        "refer_oncology_mdt",
        "Neoplastic fracture at L1: pain at a cemented vertebra in a patient with a neoplastic "
        "fracture may be tumour progression (in the vertebral body, the epidural space or the "
        "posterior elements) until proven otherwise, and marrow edema or a cleft on MRI without "
        "contrast does not tell tumour from fracture. Recorded at L1: no relief since the index "
        "procedure, marrow edema and inadequate cement fill. The evidence on repeat "
        "vertebroplasty comes from osteoporotic fractures and does not decide here: restaging, "
        "stability and epidural disease do, at the spine-oncology MDT (standard oncology "
        "practice, not from the cited evidence).",
        "Neoplastic fracture at L1: restage and decide at the spine-oncology MDT; the pain may be "
        "tumour progression.",
        [],
        id="R18",
    ),
    pytest.param(
        {
            **RELIEVED_CLEAN_MRI,
            "fracture_etiology": "neoplastic",
            "active_fracture_location": "non_adjacent_level",
            "cement_fill": "adequate",
        },
        "R18",
        "refer_oncology_mdt",
        "Neoplastic fracture at L1: pain at a cemented vertebra in a patient with a neoplastic "
        "fracture may be tumour progression (in the vertebral body, the epidural space or the "
        "posterior elements) until proven otherwise, and marrow edema or a cleft on MRI without "
        "contrast does not tell tumour from fracture. MRI shows a fracture at a non-adjacent "
        "level: in this patient, a new tumour deposit (metastasis or myeloma) until proven "
        "otherwise. The evidence on repeat vertebroplasty comes from osteoporotic fractures and "
        "does not decide here: restaging, stability and epidural disease do, at the "
        "spine-oncology MDT (standard oncology practice, not from the cited evidence).",
        "Neoplastic fracture at L1: restage and decide at the spine-oncology MDT; the pain may be "
        "tumour progression.",
        [],
        id="R18-new-level-no-findings",
    ),
    pytest.param(
        {"vas_current": 0},
        "R3",
        "not_indicated",
        "No current pain at L1 (VAS 0/10): no repeat procedure now.",
        "Repeat vertebroplasty at L1 is not indicated now: no current pain.",
        [],
        id="R3-no-pain",
    ),
    pytest.param(
        {"vas_current": 0, "analgesics": "opioid"},
        "R3",
        "not_indicated",
        "No current pain at L1 (VAS 0/10, on opioids): no repeat procedure now. The pain may be "
        "controlled rather than resolved.",
        "Repeat vertebroplasty at L1 is not indicated now: no current pain.",
        [],
        id="R3-no-pain-on-opioids",
    ),
    pytest.param(
        RELIEVED_CLEAN_MRI,
        "R3",
        "not_indicated",
        "The index procedure still gives relief at the treated level L1, and MRI shows no active "
        "fracture and no sign of activity there: the current pain (VAS 5/10) is not a failure of "
        "that level; another pain generator is the likelier source.",
        "Repeat vertebroplasty at L1 is not indicated: the level is still relieved and the "
        "current pain likely has another source.",
        [],
        id="R3-relieved",
    ),
    pytest.param(
        {"active_fracture_location": "adjacent_level", "marrow_edema": "absent"},
        "R5",
        "evaluate_new_level",
        "MRI shows the active fracture at an adjacent level: a new fracture at another level, not "
        "a same-level recurrence at L1. Evaluate the new level for treatment on its own merits.",
        "Evaluate the new fracture at an adjacent level on its own merits; repeat vertebroplasty "
        "at L1 is decided separately.",
        [],
        id="R5",
    ),
    pytest.param(
        {
            "active_fracture_location": "non_adjacent_level",
            "cleft_sign": "present",
            "fluid_at_cement_interface": True,
        },
        "R5",
        "evaluate_new_level",
        "MRI shows the active fracture at a non-adjacent level: a new fracture at another level; "
        "MRI also shows marrow edema, an intravertebral cleft and fluid at the bone–cement "
        "interface at L1 (see note N11). Evaluate the new level for treatment on its own merits.",
        "Evaluate the new fracture at a non-adjacent level on its own merits; repeat "
        "vertebroplasty at L1 is decided separately.",
        [],
        id="R5-signs-at-treated-level",
    ),
    pytest.param(
        {"point_tenderness": "not_examined"},
        "R6",
        "complete_workup",
        "The work-up is incomplete; a decision on a repeat procedure at L1 still needs "
        "examination for point tenderness at L1.",
        "Complete the work-up before deciding on repeat vertebroplasty at L1.",
        [],
        id="R6",
    ),
    pytest.param(
        {**DAY_61, "active_fracture_location": "none_identified", "marrow_edema": "absent"},
        "R7",
        "not_indicated",
        "MRI shows no sign of fracture activity at L1 (no marrow edema, no cleft, no fluid at "
        "the bone–cement interface), the signs the practice parameter uses to select patients "
        "(ref 4); another pain generator is the likelier source.",
        "Repeat vertebroplasty at L1 is not indicated: no sign of fracture activity on MRI.",
        [4],
        id="R7",
    ),
    pytest.param(
        {**RECURRENCE, "conservative_therapy_weeks": 3},
        "R9",
        "continue_conservative",
        "Pain at L1 returned 80 days ago (on 1 Sep 2026); 3 weeks of conservative therapy are "
        "recorded since then. " + R9_SELECTION + " Reassess from 11 Dec 2026.",
        "Continue conservative therapy before any repeat vertebroplasty at L1: only 3 weeks of "
        "therapy so far; reassess from 11 Dec 2026.",
        [4],
        id="R9-weeks",
    ),
    pytest.param(
        {**RECURRENCE, "recurrence_date": "2026-11-10", "conservative_therapy_weeks": 1},
        "R9",
        "continue_conservative",
        "Pain at L1 returned 10 days ago (on 10 Nov 2026); 1 week of conservative therapy is "
        "recorded since then. " + R9_SELECTION + " Reassess from 25 Dec 2026.",
        "Continue conservative therapy before any repeat vertebroplasty at L1: the pain returned "
        "only 10 days ago; reassess from 25 Dec 2026.",
        [4],
        id="R9-recent",
    ),
    pytest.param(
        {
            **RECURRENCE,
            "recurrence_date": "2026-11-20",
            "conservative_therapy_weeks": 0,
            "analgesics": "none",
        },
        "R9",
        "continue_conservative",
        "Pain at L1 returned today (on 20 Nov 2026); 0 weeks of conservative therapy are "
        "recorded since then. " + R9_SELECTION + " No analgesic is recorded: the pain cannot be "
        "called refractory to medical therapy before a trial of analgesia (two weeks, local "
        "policy, not from the cited evidence). Reassess from 1 Jan 2027.",
        "Start conservative therapy before any repeat vertebroplasty at L1: no analgesic tried "
        "yet; reassess from 1 Jan 2027.",
        [4],
        id="R9-today-no-analgesic",
    ),
    pytest.param(
        {**RECURRENCE, "analgesics": "none", "mobility": "bed_bound"},
        "R9",
        "continue_conservative",
        "Pain at L1 returned 80 days ago (on 1 Sep 2026); 8 weeks of conservative therapy are "
        "recorded since then. " + R9_SELECTION + " No analgesic is recorded: the pain cannot be "
        "called refractory to medical therapy before a trial of analgesia (two weeks, local "
        "policy, not from the cited evidence). The patient is bed-bound: earlier intervention "
        "may be discussed with the spine team (common practice, not from the cited evidence). "
        "Reassess from 4 Dec 2026.",
        "Continue conservative therapy before any repeat vertebroplasty at L1: no analgesic tried "
        "yet; reassess from 4 Dec 2026.",
        [4],
        id="R9-bed-bound-no-analgesic",
    ),
    pytest.param(
        {**RECURRENCE, "conservative_therapy_weeks": 5, "analgesics": "opioid"},
        "R9",
        "continue_conservative",
        "Pain at L1 returned 80 days ago (on 1 Sep 2026); 5 weeks of conservative therapy are "
        "recorded since then. " + R9_SELECTION + " The patient is taking opioids: earlier "
        "intervention may be discussed with the spine team (common practice, not from the cited "
        "evidence). Reassess from 27 Nov 2026.",
        "Continue conservative therapy before any repeat vertebroplasty at L1: only 5 weeks of "
        "therapy so far; reassess from 27 Nov 2026.",
        [4],
        id="R9-opioids",
    ),
    pytest.param(
        {**RECURRENCE, "conservative_therapy_weeks": 0},
        "R9",
        "continue_conservative",
        "Pain at L1 returned 80 days ago (on 1 Sep 2026); 0 weeks of conservative therapy are "
        "recorded since then. " + R9_SELECTION + " Reassess from 1 Jan 2027.",
        "Continue conservative therapy before any repeat vertebroplasty at L1: no conservative "
        "therapy yet; reassess from 1 Jan 2027.",
        [4],
        id="R9-no-therapy",
    ),
    pytest.param(
        {"vas_current": 3},
        "R14",
        "continue_conservative",
        "Current pain at L1 is mild (VAS 3/10): selection for a repeat procedure requires pain "
        "refractory to conservative therapy (ref 4), and the unrelieved-pain series treated "
        "severe pain (mean VAS 8.6 before the repeat procedure, ref 1). Mild here means VAS 3 or "
        "less in a patient not recorded as bed-bound or taking opioids (local policy, not from "
        "the cited evidence).",
        "Continue conservative therapy rather than repeat vertebroplasty at L1: current pain is "
        "mild (VAS 3/10).",
        [1, 4],
        id="R14-index-failure",
    ),
    pytest.param(
        {**RECURRENCE, "vas_current": 2},
        "R14",
        "continue_conservative",
        "Current pain at L1 is mild (VAS 2/10): selection for a repeat procedure requires pain "
        "refractory to conservative therapy (ref 4). Mild here means VAS 3 or less in a patient "
        "not recorded as bed-bound or taking opioids (local policy, not from the cited "
        "evidence).",
        "Continue conservative therapy rather than repeat vertebroplasty at L1: current pain is "
        "mild (VAS 2/10).",
        [4],
        id="R14-recurrence",
    ),
    pytest.param(
        {"vas_current": 2, "analgesics": "opioid"},
        "R20",
        "continue_conservative",
        "Pain at L1 is controlled on opioids (VAS 2/10): that is not mild pain, but a repeat "
        "procedure is not needed while the pain stays controlled without undue side effects. "
        "Medical therapy has failed if the opioids cannot be reduced or cause sedation, confusion "
        "or constipation (common practice, not from the cited evidence); selection requires pain "
        "refractory to conservative therapy (ref 4).",
        "Continue conservative therapy at L1: pain is controlled on opioids (VAS 2/10); reassess "
        "if they cannot be reduced.",
        [4],
        id="R20",
    ),
    pytest.param(
        {**NO_MRI, "mri_not_possible": True},
        "R22",
        "decide_with_spine_team",
        "MRI, which these rules read, is not possible. Recorded at L1: no relief since the index "
        "procedure and inadequate cement fill. The decision rests with the spine team on CT of "
        "L1 and bone scintigraphy with SPECT-CT (MRI is the imaging the practice parameter asks "
        "for, ref 4; the alternative is local policy, not from the cited evidence; uptake on "
        "bone scintigraphy persists for months after a fracture and after cementation).",
        "MRI is not possible: decide on repeat vertebroplasty at L1 with the spine team on CT and "
        "SPECT-CT.",
        [4],
        id="R22",
    ),
    pytest.param(
        {
            **NO_MRI,
            "mri_not_possible": True,
            "initial_response": "ongoing_relief",
            "cement_fill": "adequate",
            **DAY_61,
        },
        "R22",
        "decide_with_spine_team",
        "MRI, which these rules read, is not possible. The decision rests with the spine team on "
        "CT of L1 and bone scintigraphy with SPECT-CT (MRI is the imaging the practice parameter "
        "asks for, ref 4; the alternative is local policy, not from the cited evidence; uptake "
        "on bone scintigraphy persists for months after a fracture and after cementation).",
        "MRI is not possible: decide on repeat vertebroplasty at L1 with the spine team on CT and "
        "SPECT-CT.",
        [4],
        id="R22-no-findings",
    ),
    pytest.param(
        {"contraindications": ["cement_allergy"]},
        "R2",
        "contraindicated",
        "Repeat vertebroplasty at L1 is contraindicated: allergy to cement (PMMA) components "
        "(often a relative contraindication). This is local policy, not from the cited evidence. "
        "Without it, the findings at L1 (no relief since the index procedure, marrow edema and "
        "inadequate cement fill) would lead to a repeat recommendation.",
        "Repeat vertebroplasty at L1 is contraindicated: cement allergy.",
        [],
        id="R2-one",
    ),
    pytest.param(
        {
            "contraindications": ["canal_compromise", "uncorrectable_coagulopathy"],
            "treated_level": "T10",
        },
        "R2",
        "contraindicated",
        "Repeat vertebroplasty at T10 is contraindicated: uncorrectable coagulopathy and spinal "
        "canal compromise (retropulsion, posterior wall defect; often a relative "
        "contraindication). These are local policy, not from the cited evidence. Without them, "
        "the findings at T10 (no relief since the index procedure, marrow edema and inadequate "
        "cement fill) would lead to a repeat recommendation.",
        "Repeat vertebroplasty at T10 is contraindicated: coagulopathy and canal compromise.",
        [],
        id="R2-two-in-order",
    ),
    pytest.param(
        {"fracture_etiology": "traumatic"},
        "R15",
        "repeat_may_be_considered",
        "The evidence on repeat vertebroplasty comes from osteoporotic compression fractures; for "
        "a traumatic fracture at L1 it applies only by extension. Findings at L1: no relief since "
        "the index procedure, marrow edema and inadequate cement fill. In osteoporotic fractures "
        "these findings may support a repeat procedure; whether this holds for a traumatic "
        "fracture is not known, so a repeat procedure may at most be considered, decided with a "
        "spinal surgeon, who assesses the stability of the fracture.",
        "Repeat vertebroplasty may be considered at L1 (traumatic fracture: decide with a spinal "
        "surgeon).",
        [],
        id="R15-traumatic",
    ),
    pytest.param(
        {**RECURRENCE, "fracture_etiology": "other"},
        "R15",
        "repeat_may_be_considered",
        "The evidence on repeat vertebroplasty comes from osteoporotic compression fractures; for "
        "a fracture of other etiology at L1 it applies only by extension. Findings at L1: pain "
        "back on day 92 after the index procedure, marrow edema and inadequate cement fill. In "
        "osteoporotic fractures these findings may support a repeat procedure; whether this "
        "holds for a fracture of other etiology is not known, so a repeat procedure may at most "
        "be considered, decided with the spine team once the cause of the fracture is "
        "established.",
        "Repeat vertebroplasty may be considered at L1 (fracture of other etiology: decide with "
        "the spine team).",
        [],
        id="R15-other",
    ),
    pytest.param(
        {**RECURRENCE, "conservative_therapy_weeks": 3, "mobility": "bed_bound"},
        "R23",
        "repeat_may_be_considered",
        "Pain at L1 returned 80 days ago (on 1 Sep 2026) and 3 weeks of conservative therapy are "
        "recorded: the 6 weeks asked for by the practice parameter (ref 4) are not complete (met "
        "on 11 Dec 2026). The patient is kept in bed by the pain, which counts here as failed "
        "medical therapy (local policy, not from the cited evidence). Findings at L1: pain back "
        "on day 92 after the index procedure, marrow edema and inadequate cement fill. A repeat "
        "procedure may be considered now, decided with the spine team.",
        "Repeat vertebroplasty may be considered at L1: medical therapy has failed (bed-bound); "
        "decide with the spine team.",
        [4],
        id="R23-bed-bound",
    ),
    pytest.param(
        {
            **RECURRENCE,
            "recurrence_date": "2026-11-19",
            "conservative_therapy_weeks": 1,
            "analgesics": "opioid",
            "opioid_failure": True,
        },
        "R23",
        "repeat_may_be_considered",
        "Pain at L1 returned 1 day ago (on 19 Nov 2026) and 1 week of conservative therapy is "
        "recorded: the 6 weeks asked for by the practice parameter (ref 4) are not complete (met "
        "on 31 Dec 2026). The patient is on opioids that cannot be reduced or cause side "
        "effects, which counts here as failed medical therapy (local policy, not from the cited "
        "evidence). Findings at L1: pain back on day 171 after the index procedure, marrow edema "
        "and inadequate cement fill. A repeat procedure may be considered now, decided with the "
        "spine team.",
        "Repeat vertebroplasty may be considered at L1: medical therapy has failed (opioids "
        "failed); decide with the spine team.",
        [4],
        id="R23-opioids-failed",
    ),
    pytest.param(
        {
            **RECURRENCE,
            "conservative_therapy_weeks": 5,
            "mobility": "bed_bound",
            "analgesics": "opioid",
            "opioid_failure": True,
        },
        "R23",
        "repeat_may_be_considered",
        "Pain at L1 returned 80 days ago (on 1 Sep 2026) and 5 weeks of conservative therapy are "
        "recorded: the 6 weeks asked for by the practice parameter (ref 4) are not complete (met "
        "on 27 Nov 2026). The patient is kept in bed by the pain, on opioids that cannot be "
        "reduced or cause side effects, which counts here as failed medical therapy (local "
        "policy, not from the cited evidence). Findings at L1: pain back on day 92 after the "
        "index procedure, marrow edema and inadequate cement fill. A repeat procedure may be "
        "considered now, decided with the spine team.",
        "Repeat vertebroplasty may be considered at L1: medical therapy has failed (bed-bound, "
        "opioids failed); decide with the spine team.",
        [4],
        id="R23-both",
    ),
    pytest.param(
        {"initial_response": "partial_relief", "vas_current": 5},
        "R19",
        "repeat_may_be_considered",
        "Partial relief at L1 is recorded (partial relief only, VAS 8 → 5 by day 17); the "
        "unrelieved-pain series treated pain that was not relieved (ref 1). A repeat procedure "
        "may be considered if the pain plateaus at a disabling level; reassess the trend from 2 "
        "Jul 2026.",
        "Repeat vertebroplasty may be considered at L1 if the pain plateaus: partial relief is "
        "recorded (VAS 8 → 5).",
        [1],
        id="R19-early",
    ),
    pytest.param(
        {"initial_response": "partial_relief", "vas_current": 5, "vas_before_index": None},
        "R19",
        "repeat_may_be_considered",
        "Partial relief at L1 is recorded (partial relief only by day 17); the unrelieved-pain "
        "series treated pain that was not relieved (ref 1). A repeat procedure may be considered "
        "if the pain plateaus at a disabling level; reassess the trend from 2 Jul 2026.",
        "Repeat vertebroplasty may be considered at L1 if the pain plateaus: partial relief is "
        "recorded.",
        [1],
        id="R19-early-no-score-before",
    ),
    pytest.param(
        {"initial_response": "partial_relief", "vas_current": 5, "assessment_date": "2026-07-13"},
        "R19",
        "repeat_may_be_considered",
        "Partial relief at L1 is recorded (partial relief only, VAS 8 → 5 by day 42); the "
        "unrelieved-pain series treated pain that was not relieved (ref 1). The pain has "
        "persisted for 42 days: a repeat procedure may be considered.",
        "Repeat vertebroplasty may be considered at L1: partial relief only, persisting on day 42.",
        [1],
        id="R19-from-day-42",
    ),
    pytest.param(
        {"point_tenderness": "absent"},
        "R21",
        "repeat_may_be_considered",
        "Point tenderness is absent at the spinous process of L1, but the imaging points to L1 "
        "(marrow edema and inadequate cement fill). The practice parameter asks for point "
        "tenderness to be documented (ref 4), but its absence is not treated here as a reason to "
        "refuse: in a series of first vertebroplasties, patients without tenderness over the "
        "treated fracture had no worse pain relief (ref 8); repeat procedures have not been "
        "studied in this respect (local policy, beyond the cited evidence). Re-examine before "
        "deciding: a repeat procedure may be considered.",
        "Repeat vertebroplasty may be considered at L1: imaging points to the level, but point "
        "tenderness is absent; re-examine.",
        [4, 8],
        id="R21",
    ),
    pytest.param(
        {},
        "R10",
        "repeat_indicated",
        "Failure of the index procedure at L1 (no relief by day 17) with " + FILL_CAUSE + ": "
        "repeat vertebroplasty is indicated.",
        "Repeat vertebroplasty is indicated at L1.",
        [1],
        id="R10-fill",
    ),
    pytest.param(
        {"cleft_sign": "present", "cleft_new_since_index": True},
        "R10",
        "repeat_indicated",
        "Failure of the index procedure at L1 (no relief by day 17) with " + FILL_CAUSE + " and "
        "an intravertebral cleft that was absent before the index procedure, a sign that the "
        "fracture progressed after the index procedure (ref 3): repeat vertebroplasty is "
        "indicated.",
        "Repeat vertebroplasty is indicated at L1.",
        [1, 3],
        id="R10-fill-and-new-cleft",
    ),
    pytest.param(
        {"cleft_sign": "present", "cleft_new_since_index": False, "cement_fill": "adequate"},
        "R10",
        "repeat_indicated",
        "Failure of the index procedure at L1 (no relief by day 17) with an intravertebral cleft "
        "that was present before the index procedure and persists, a sign of inadequate initial "
        "treatment (ref 3): repeat vertebroplasty is indicated.",
        "Repeat vertebroplasty is indicated at L1.",
        [3],
        id="R10-persistent-cleft",
    ),
    pytest.param(
        {"cleft_sign": "present", "cement_fill": "adequate", **DAY_61},
        "R10",
        "repeat_indicated",
        "Failure of the index procedure at L1 (no relief by day 61) with an intravertebral cleft "
        "(not known whether present before the index procedure), a sign of inadequate initial "
        "treatment (ref 3): repeat vertebroplasty is indicated." + PERSISTENT,
        "Repeat vertebroplasty is indicated at L1.",
        [1, 3],
        id="R10-persistent-pain",
    ),
    pytest.param(
        EARLY_RECURRENCE,
        "R10",
        "repeat_indicated",
        "Failure of the index procedure at L1 (relief for only 9 days, pain back on day 9, seen "
        "on day 17) with " + FILL_CAUSE + ": repeat vertebroplasty is indicated.",
        "Repeat vertebroplasty is indicated at L1.",
        [1],
        id="R10-early-recurrence",
    ),
    pytest.param(
        {"vas_current": 3, "mobility": "bed_bound"},
        "R10",
        "repeat_indicated",
        "Failure of the index procedure at L1 (no relief by day 17) with " + FILL_CAUSE + ": "
        "repeat vertebroplasty is indicated. The patient is recorded as kept in bed by the back "
        "pain despite a VAS of 3/10 at the time of scoring (see warning P12): confirm this "
        "before any repeat procedure.",
        "Repeat vertebroplasty is indicated at L1.",
        [1],
        id="R10-bed-bound-low-score",
    ),
    pytest.param(
        {"initial_response": "partial_relief", "vas_current": 5, "mobility": "bed_bound"},
        "R10",
        "repeat_indicated",
        "Failure of the index procedure at L1 (partial relief only, VAS 8 → 5 by day 17) with "
        + FILL_CAUSE
        + ": repeat vertebroplasty is indicated. The patient is bed-bound: when the "
        "pain keeps the patient in bed, partial relief does not mean the pain is relieved.",
        "Repeat vertebroplasty is indicated at L1.",
        [1],
        id="R10-bed-bound-partial-relief",
    ),
    pytest.param(
        {"cement_fill": "adequate"},
        "R11",
        "repeat_may_be_considered",
        "Failure of the index procedure at L1 (no relief by day 17) with an adequate cement fill "
        "and no cleft. MRI shows marrow edema at L1, which is expected within 6 weeks of "
        "cementation and does not by itself show that L1 is the pain generator (not from the "
        "cited evidence)" + R11_BUT,
        "Repeat vertebroplasty may be considered at L1.",
        [1],
        id="R11-edema-alone-within-6-weeks",
    ),
    pytest.param(
        {
            "cement_fill": "adequate",
            "fluid_at_cement_interface": True,
            "cleft_sign": "indeterminate",
        },
        "R11",
        "repeat_may_be_considered",
        "Failure of the index procedure at L1 (no relief by day 17) with an adequate cement fill "
        "and no definite cleft (the cleft sign is indeterminate). MRI shows marrow edema and "
        "fluid at the bone–cement interface at L1, so the treated level is a plausible source; "
        "fluid at the bone–cement interface signals a progressive fracture (ref 3)" + R11_BUT,
        "Repeat vertebroplasty may be considered at L1.",
        [1, 3],
        id="R11-fluid",
    ),
    pytest.param(
        {"cement_fill": "adequate", **DAY_61},
        "R11",
        "repeat_may_be_considered",
        "Failure of the index procedure at L1 (no relief by day 61) with an adequate cement fill "
        "and no cleft. MRI shows marrow edema at L1, so the treated level is a plausible source"
        + R11_BUT
        + PERSISTENT,
        "Repeat vertebroplasty may be considered at L1.",
        [1],
        id="R11-persistent",
    ),
    pytest.param(
        {**RECURRENCE, "cleft_sign": "present"},
        "R12",
        "repeat_indicated",
        "MRI shows an intravertebral cleft (not known whether present before the index "
        "procedure) at L1 after the pain recurred. In the recurrent-pain series every patient had "
        "a cleft before the repeat procedure and all had complete or partial relief (ref 2), and "
        "an unfilled cleft is a recognised cause of progression after vertebroplasty (ref 3). On "
        "this evidence from small series, repeat vertebroplasty is indicated.",
        "Repeat vertebroplasty is indicated at L1.",
        [2, 3],
        id="R12",
    ),
    pytest.param(
        {**RECURRENCE, "cleft_sign": "present", "vas_current": 2, "mobility": "bed_bound"},
        "R12",
        "repeat_indicated",
        "MRI shows an intravertebral cleft (not known whether present before the index "
        "procedure) at L1 after the pain recurred. In the recurrent-pain series every patient had "
        "a cleft before the repeat procedure and all had complete or partial relief (ref 2), and "
        "an unfilled cleft is a recognised cause of progression after vertebroplasty (ref 3). On "
        "this evidence from small series, repeat vertebroplasty is indicated. The patient is "
        "recorded as kept in bed by the back pain despite a VAS of 2/10 at the time of scoring "
        "(see warning P12): confirm this before any repeat procedure.",
        "Repeat vertebroplasty is indicated at L1.",
        [2, 3],
        id="R12-bed-bound-low-score",
    ),
    pytest.param(
        RECURRENCE,
        "R13",
        "repeat_may_be_considered",
        "MRI shows fracture activity at L1 (marrow edema) without a cleft: the published benefit "
        "of a repeat procedure after recurrence was in patients with clefts (ref 2), so a repeat "
        "procedure may be considered. The index fill is inadequate; incomplete filling is the "
        "most common technical cause of persistent pain (ref 3).",
        "Repeat vertebroplasty may be considered at L1.",
        [2, 3],
        id="R13-inadequate-fill",
    ),
    pytest.param(
        {**RECURRENCE, "cement_fill": "adequate", "cleft_sign": "indeterminate"},
        "R13",
        "repeat_may_be_considered",
        "MRI shows fracture activity at L1 (marrow edema) without a definite cleft (the cleft "
        "sign is indeterminate): the published benefit of a repeat procedure after recurrence "
        "was in patients with clefts (ref 2), so a repeat procedure may be considered.",
        "Repeat vertebroplasty may be considered at L1.",
        [2],
        id="R13-indeterminate-cleft",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "rule", "recommendation", "reason", "headline", "refs"), CASES
)
def test_each_rule_decides_with_its_reason_and_headline(
    overrides: dict[str, Any],
    rule: str,
    recommendation: str,
    reason: str,
    headline: str,
    refs: list[int],
) -> None:
    assert decided(**overrides) == (rule, recommendation, reason, headline, refs)
    assert len(headline) <= 140


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        # R1 before every other rule, also before the other red flags.
        ({"neuro_exam": "new_deficit", "vertebral_infection": "active"}, "R1"),
        # R17 before R16: infection is itself a complication.
        ({"infection_signs": True, "vas_before_index": 5}, "R17"),
        # R16 before R4: new or worse pain is never "too early".
        ({"assessment_date": "2026-06-03", "vas_before_index": 5}, "R16"),
        # R4 before R18: on days 0-3 even a neoplastic fracture is not yet a failure.
        ({"assessment_date": "2026-06-03", "fracture_etiology": "neoplastic"}, "R4"),
        # R18 before R3 and R5.
        ({"fracture_etiology": "neoplastic", "active_fracture_location": "adjacent_level"}, "R18"),
        ({"fracture_etiology": "neoplastic", **RELIEVED_CLEAN_MRI}, "R18"),
        # A neoplastic fracture with no pain is R3 (R18 needs pain).
        ({"fracture_etiology": "neoplastic", "vas_current": 0}, "R3"),
        # R5 before the work-up.
        ({"active_fracture_location": "adjacent_level", "point_tenderness": "not_examined"}, "R5"),
        # The clinical rules before the contraindications (R2 comes after R6, R7, R9, R14, R20).
        ({"contraindications": ["cement_allergy"], "point_tenderness": "not_examined"}, "R6"),
        ({"contraindications": ["cement_allergy"], "vas_current": 2}, "R14"),
        # R22 before R2; R2 before R15; R15 before R23; R23 before R19; R19 before R21.
        ({**NO_MRI, "mri_not_possible": True, "contraindications": ["cement_allergy"]}, "R22"),
        ({"contraindications": ["cement_allergy"], "fracture_etiology": "traumatic"}, "R2"),
        (
            {
                **RECURRENCE,
                "conservative_therapy_weeks": 3,
                "mobility": "bed_bound",
                "fracture_etiology": "traumatic",
            },
            "R15",
        ),
        (
            {"initial_response": "partial_relief", "vas_current": 5, "point_tenderness": "absent"},
            "R19",
        ),
        # R21 before R10.
        ({"point_tenderness": "absent", "cleft_sign": "present"}, "R21"),
        # Without MRI and with MRI possible, the work-up asks for it.
        (NO_MRI, "R6"),
        # Excluded or resolved infection of the vertebra does not stop the guidance.
        ({"infection_signs": True, "vertebral_infection": "excluded"}, "R10"),
        ({"infection_signs": True, "vertebral_infection": "resolved"}, "R10"),
        # Infection recorded without pain and without opioids is not a red flag (N14).
        ({"infection_signs": True, "vas_current": 0}, "R3"),
        # A complication assessed lets the guidance proceed.
        ({"vas_before_index": 5, "complication_assessed": True}, "R10"),
        # Opioid failure: not controlled on opioids, the procedural rules decide.
        ({"vas_current": 2, "analgesics": "opioid", "opioid_failure": True}, "R10"),
        # A bed-bound patient with low pain is not "mild".
        ({"vas_current": 2, "mobility": "bed_bound"}, "R10"),
    ],
)
def test_the_rules_are_tried_in_the_order_of_section_4(
    overrides: dict[str, Any], rule: str
) -> None:
    assert decided(**overrides)[0] == rule


@pytest.mark.parametrize(
    ("overrides", "rule"),
    [
        # complication_flag: day 42 is in, day 43 out (local policy, the first six weeks).
        ({"vas_before_index": 5, "assessment_date": "2026-07-13"}, "R16"),
        ({"vas_before_index": 5, "assessment_date": "2026-07-14"}, "R10"),
        # pain_worse: 2 points or more.
        ({"vas_before_index": 6}, "R16"),
        ({"vas_before_index": 7}, "R10"),
        # recurrence_flag: VAS 7 or more, or pain back before day 4.
        ({**EARLY_RECURRENCE, "vas_current": 7}, "R16"),
        ({**EARLY_RECURRENCE, "vas_current": 6}, "R10"),
        # early_recurrence: relief of 28 days or less is a failure of the index procedure; from
        # day 29 the pain is a recurrence (here with 6 weeks unmet: R9).
        (
            {
                **EARLY_RECURRENCE,
                "recurrence_date": "2026-06-29",
                "assessment_date": "2026-08-01",
                "conservative_therapy_weeks": 5,
            },
            "R10",
        ),
        (
            {
                **EARLY_RECURRENCE,
                "recurrence_date": "2026-06-30",
                "assessment_date": "2026-08-01",
                "conservative_therapy_weeks": 5,
            },
            "R9",
        ),
        # R4: days 0-3; day 4 judges.
        ({"assessment_date": "2026-06-04"}, "R4"),
        ({"assessment_date": "2026-06-05"}, "R10"),
        # mild pain: VAS 3 or less.
        ({"vas_current": 4}, "R10"),
        ({"vas_current": 3}, "R14"),
        # R9: 6 weeks of therapy and 42 days since the recurrence are both needed.
        ({**RECURRENCE, "recurrence_date": "2026-10-09", "conservative_therapy_weeks": 6}, "R13"),
        ({**RECURRENCE, "recurrence_date": "2026-10-10", "conservative_therapy_weeks": 6}, "R9"),
        ({**RECURRENCE, "conservative_therapy_weeks": 6}, "R13"),
        ({**RECURRENCE, "conservative_therapy_weeks": 5}, "R9"),
    ],
)
def test_thresholds_decide_at_their_boundaries(overrides: dict[str, Any], rule: str) -> None:
    assert decided(**overrides)[0] == rule


def test_r8_is_retired_and_never_decides() -> None:
    from vertebro_rules.versions.v2026_3.rules import RULE_IDS

    assert "R8" not in RULE_IDS
    assert RULE_IDS == (
        "R1", "R17", "R16", "R4", "R18", "R3", "R5", "R6", "R7", "R9", "R14", "R20", "R22",
        "R2", "R15", "R23", "R19", "R21", "R10", "R11", "R12", "R13",
    )  # fmt: skip
