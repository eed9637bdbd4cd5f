"""Notes N1–N16 of version 2026.3 (docs/specification.md §5): each shown on its condition with
its sentence written out from the spec's template and the references the sentence cites; none
beside R1; N16 first, the others in id order; N3 and N4 retired."""

from typing import Any

import pytest

from tests.rules.v2026_3.cases import RECURRENCE, result

DAY_61 = {"assessment_date": "2026-08-01"}
UNRELIEVED = (
    "in a small series of repeat procedures for pain not relieved within 4–32 days, every "
    "patient had complete or partial relief (mean VAS 8.6 → 1.67 in the first month, ref 1)"
)
RECURRENT = (
    "in a small series of repeat procedures for recurrent pain, every patient had a cleft and "
    "complete or partial relief (mean VAS 2.8 at 3 months, ref 2)"
)
N2_END = (
    ". These small series are not a prediction for this patient: a repeat procedure can fail, "
    "and rare serious complications (cement embolism, neurological injury, infection, bleeding) "
    "cannot be excluded. Asymptomatic leakage was seen on imaging in 13–22% of repeat procedures "
    "(ref 1), no serious complication was reported (refs 1, 2), and major complications occur in "
    "less than 1% of vertebral augmentations for osteoporotic fractures (ref 4)."
)
N1_END = (
    " (ref 3). The repeat series used means of 4.0–6.8 mL per vertebra (refs 1, 2), and success "
    "correlated with disappearance of the cleft (ref 2); the volume is judged under fluoroscopy "
    "and is smaller in the thoracic spine (not from the cited evidence)."
)
N7_START = (
    "In the published series of new fractures after vertebroplasty, 58.8–63.8% were at adjacent "
    "levels, and adjacent fractures came sooner (mean 72 vs 287 days after vertebroplasty) "
    "(ref 5). "
)
N8_END = (
    ". Older age, lower bone density and more pre-existing fractures were the risk factors in "
    "the published series (refs 5, 6); in one series 7.8% of patients had a new symptomatic "
    "fracture within a year of vertebroplasty (ref 6), and with these risk factors the risk is "
    "likely to be higher."
)
N9_START = (
    "The practice parameter advises counselling the patient to report a sudden increase in back "
    "pain or new back pain, which may signal a new fracture, and follow-up of pain, mobility and "
    "analgesic use (ref 4)."
)
R7_CASE = {**DAY_61, "active_fracture_location": "none_identified", "marrow_edema": "absent"}


def notes(**overrides: Any) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in result(**overrides)["notes"]}


SHOWN = [
    pytest.param(
        {},
        "N1",
        "Index cement at L1: 4.2 mL; target of a repeat procedure: the part of the fracture the "
        "index cement did not fill" + N1_END,
        [1, 2, 3],
        id="N1-inadequate-fill",
    ),
    pytest.param(
        {"cleft_sign": "present", "index_cement_volume_ml": None},
        "N1",
        "Index cement at L1: not recorded; target of a repeat procedure: the cleft" + N1_END,
        [1, 2, 3],
        id="N1-cleft-no-volume",
    ),
    pytest.param(
        {"cement_fill": "adequate"},
        "N1",
        "Index cement at L1: 4.2 mL; target of a repeat procedure: to be defined on CT" + N1_END,
        [1, 2, 3],
        id="N1-adequate-fill",
    ),
    pytest.param(
        {}, "N2", "Reported outcome: " + UNRELIEVED + N2_END, [1, 2, 4], id="N2-immediate"
    ),
    pytest.param(
        {"cement_fill": "adequate"},
        "N2",
        "Reported outcome: " + UNRELIEVED + "; with an adequate fill and no definite cleft the "
        "benefit is not established" + N2_END,
        [1, 2, 4],
        id="N2-immediate-adequate-fill",
    ),
    pytest.param(
        DAY_61,
        "N2",
        "Reported outcome: " + UNRELIEVED + "; " + RECURRENT + "; without a definite cleft the "
        "benefit is not established" + N2_END,
        [1, 2, 4],
        id="N2-persistent",
    ),
    pytest.param(
        {**RECURRENCE, "cleft_sign": "present"},
        "N2",
        "Reported outcome: " + RECURRENT + N2_END,
        [1, 2, 4],
        id="N2-recurrence-with-cleft",
    ),
    pytest.param(
        {"initial_response": "partial_relief", "vas_current": 5, "cement_fill": "adequate"},
        "N2",
        "Reported outcome: " + UNRELIEVED + "; this patient has partial relief, unlike the "
        "patients of the unrelieved-pain series; with an adequate fill and no definite cleft the "
        "benefit is not established" + N2_END,
        [1, 2, 4],
        id="N2-partial-relief",
    ),
    pytest.param(
        {"cleft_sign": "present", "cleft_new_since_index": True, "fluid_at_cement_interface": True},
        "N5",
        "Failure mechanism shown (ref 3): incomplete filling or cement missing the fracture "
        "(cement fill recorded as inadequate), fluid at the bone–cement interface, a sign of a "
        "progressive fracture and an intravertebral cleft that was absent before the index "
        "procedure.",
        [3],
        id="N5-all-mechanisms",
    ),
    pytest.param(
        {"point_tenderness": "not_examined"},
        "N5",
        "Failure mechanism shown (ref 3): incomplete filling or cement missing the fracture "
        "(cement fill recorded as inadequate).",
        [3],
        id="N5-beside-R6",
    ),
    pytest.param(
        {**RECURRENCE, "cleft_sign": "present", "cleft_new_since_index": True},
        "N6",
        "The cleft was absent on pre-index imaging: clefts can appear after the index procedure, "
        "and in the recurrent-pain series every patient showed a cleft before the repeat "
        "procedure (ref 2).",
        [2],
        id="N6",
    ),
    pytest.param(
        {"active_fracture_location": "adjacent_level"},
        "N7",
        N7_START + "This fracture at an adjacent level is reported on day 17 after the index "
        "procedure.",
        [5],
        id="N7",
    ),
    pytest.param(
        {
            "active_fracture_location": "non_adjacent_level",
            "assessment_date": "2026-06-15",
            "vas_current": 0,
        },
        "N7",
        N7_START + "This fracture at a non-adjacent level is reported on day 14 after the index "
        "procedure; this early, it may have been present before the index procedure, and the "
        "series of new fractures may not apply.",
        [5],
        id="N7-early-and-without-pain",
    ),
    pytest.param(
        {"patient_age": 75},
        "N8",
        "Risk factors for further fractures are present: age 75" + N8_END,
        [5, 6],
        id="N8-age",
    ),
    pytest.param(
        {"patient_age": 80, "bmd_t_score": -3.1, "prior_vertebral_fractures": 3},
        "N8",
        "Risk factors for further fractures are present: age 80, a T-score of -3.1 and 3 prior "
        "vertebral fractures" + N8_END,
        [5, 6],
        id="N8-all",
    ),
    pytest.param(
        {"bmd_t_score": -2.5, "prior_vertebral_fractures": 2},
        "N8",
        "Risk factors for further fractures are present: a T-score of -2.5 and 2 prior vertebral "
        "fractures" + N8_END,
        [5, 6],
        id="N8-boundaries",
    ),
    pytest.param(
        {},
        "N9",
        N9_START + " It also advises medical prevention of further fractures, particularly after "
        "a repeat procedure (bisphosphonates, calcium, vitamin D; ref 7).",
        [4, 7],
        id="N9-repeat",
    ),
    pytest.param(
        R7_CASE,
        "N9",
        N9_START + " It also advises medical prevention of further fractures (bisphosphonates, "
        "calcium, vitamin D; ref 7).",
        [4, 7],
        id="N9-not-repeat",
    ),
    pytest.param(
        {**R7_CASE, "patient_age": 49, "bmd_t_score": None},
        "N9",
        N9_START + " It also advises medical prevention of further fractures (bisphosphonates, "
        "calcium, vitamin D; ref 7). At 49 years, a search for secondary causes of bone loss and "
        "specialist bone advice usually come before drug treatment (local policy, not from the "
        "cited evidence).",
        [4, 7],
        id="N9-young",
    ),
    pytest.param({**R7_CASE, "bmd_t_score": -0.9}, "N9", N9_START, [4], id="N9-no-prevention"),
    pytest.param(
        {**R7_CASE, "fracture_etiology": "traumatic"}, "N9", N9_START, [4], id="N9-traumatic"
    ),
    pytest.param(
        {**R7_CASE, "fracture_etiology": "traumatic", "bmd_t_score": -2.5},
        "N9",
        N9_START + " It also advises medical prevention of further fractures (bisphosphonates, "
        "calcium, vitamin D; ref 7).",
        [4, 7],
        id="N9-traumatic-osteoporosis",
    ),
    pytest.param(
        {},
        "N10",
        "A baseline neurological examination recorded now (normal) allows rapid comparison after "
        "the procedure (ref 4).",
        [4],
        id="N10-normal",
    ),
    pytest.param(
        {"neuro_exam": "chronic_stable_deficit"},
        "N10",
        "A baseline neurological examination recorded now (chronic, stable deficit) allows rapid "
        "comparison after the procedure (ref 4).",
        [4],
        id="N10-chronic",
    ),
    pytest.param(
        {"active_fracture_location": "adjacent_level"},
        "N11",
        "Marrow edema at L1 17 days after cementation is expected after the procedure and is not "
        "by itself a failure of the treated level (not from the cited evidence).",
        [],
        id="N11-edema-within-6-weeks",
    ),
    pytest.param(
        {"active_fracture_location": "adjacent_level", "cleft_sign": "present"},
        "N11",
        "MRI also shows marrow edema and an intravertebral cleft at L1, which is tender: the "
        "treated level may also be painful; correlate each level with the examination.",
        [],
        id="N11-tender",
    ),
    pytest.param(
        {**DAY_61, "active_fracture_location": "adjacent_level", "point_tenderness": "absent"},
        "N11",
        "MRI also shows marrow edema at L1: the treated level may also be painful; correlate "
        "each level with the examination.",
        [],
        id="N11-edema-after-6-weeks",
    ),
    pytest.param(
        {**R7_CASE, "contraindications": ["canal_compromise", "cement_allergy"]},
        "N12",
        "Contraindications recorded (local policy list, not from the cited evidence): allergy to "
        "cement (PMMA) components (often a relative contraindication) and spinal canal compromise "
        "(retropulsion, posterior wall defect; often a relative contraindication). Each is "
        "resolved or weighed before any repeat procedure (see the next steps).",
        [],
        id="N12",
    ),
    pytest.param(
        {"fracture_etiology": "neoplastic", "assessment_date": "2026-06-03"},
        "N13",
        "Neoplastic fracture: pain at a cemented vertebra may be tumour progression until proven "
        "otherwise, and marrow edema or a cleft on MRI without contrast does not tell tumour from "
        "fracture. The evidence on repeat vertebroplasty comes from osteoporotic fractures; "
        "restaging, stability, epidural disease and the spine-oncology MDT decide the treatment "
        "of this level (standard oncology practice, not from the cited evidence).",
        [],
        id="N13",
    ),
    pytest.param(
        {"infection_signs": True, "vas_current": 0},
        "N14",
        "Infection is recorded (signs of infection) and there is no back pain now: new back pain "
        "would call for exclusion of infection of the treated vertebra (local policy, not from "
        "the cited evidence).",
        [],
        id="N14-signs",
    ),
    pytest.param(
        {"contraindications": ["active_infection"], "infection_signs": True, "vas_current": 0},
        "N14",
        "Infection is recorded (active infection and signs of infection) and there is no back "
        "pain now: new back pain would call for exclusion of infection of the treated vertebra "
        "(local policy, not from the cited evidence).",
        [],
        id="N14-both",
    ),
    pytest.param(
        {"contraindications": ["active_infection"], "vas_current": 0},
        "N14",
        "Infection is recorded (active infection) and there is no back pain now: new back pain "
        "would call for exclusion of infection of the treated vertebra (local policy, not from "
        "the cited evidence).",
        [],
        id="N14-contraindication",
    ),
    pytest.param(
        {"vertebral_infection": "resolved"},
        "N15",
        "Infection of the treated vertebra L1 has been treated: any repeat procedure needs the "
        "infection team's agreement, with a biopsy at the procedure (local policy, not from the "
        "cited evidence).",
        [],
        id="N15",
    ),
    pytest.param(
        {"fracture_etiology": "traumatic"},
        "N16",
        "The series cited in these notes concern osteoporotic fractures; this is a traumatic "
        "fracture.",
        [],
        id="N16",
    ),
    pytest.param(
        {**R7_CASE, "fracture_etiology": "other", "patient_age": 80},
        "N16",
        "The series cited in these notes concern osteoporotic fractures; this is a fracture of "
        "other etiology.",
        [],
        id="N16-beside-N8",
    ),
]


@pytest.mark.parametrize(("overrides", "note", "text", "refs"), SHOWN)
def test_each_note_is_shown_with_its_sentence_and_references(
    overrides: dict[str, Any], note: str, text: str, refs: list[int]
) -> None:
    assert notes(**overrides)[note] == {"id": note, "text": text, "refs": refs}


@pytest.mark.parametrize(
    ("overrides", "note"),
    [
        # N1, N2, N10: repeat recommendations only.
        (R7_CASE, "N1"),
        (R7_CASE, "N2"),
        (R7_CASE, "N10"),
        ({"neuro_exam": "not_documented", "vas_current": 0}, "N10"),
        # N5: not beside R3, R4, R5, R7, R16, R17, R18; not without a mechanism.
        ({"vas_before_index": 5}, "N5"),
        ({"fracture_etiology": "neoplastic"}, "N5"),
        ({"assessment_date": "2026-06-03"}, "N5"),
        ({"cement_fill": "adequate"}, "N5"),
        # N6: a cleft known to be old, or of unknown age.
        ({**RECURRENCE, "cleft_sign": "present", "cleft_new_since_index": False}, "N6"),
        ({**RECURRENCE, "cleft_sign": "present"}, "N6"),
        # N7: no new level.
        ({}, "N7"),
        # N8: just below each threshold.
        ({"patient_age": 74, "bmd_t_score": -2.4, "prior_vertebral_fractures": 1}, "N8"),
        # N9: not beside R4, R16, R17, R18.
        ({"assessment_date": "2026-06-03"}, "N9"),
        ({"vas_before_index": 5}, "N9"),
        ({"infection_signs": True}, "N9"),
        ({"fracture_etiology": "neoplastic"}, "N9"),
        # N11: only beside R5 with a sign at the treated level.
        ({"active_fracture_location": "adjacent_level", "marrow_edema": "absent"}, "N11"),
        # N12: not beside R2 itself.
        ({"contraindications": ["cement_allergy"]}, "N12"),
        # N13: not beside R18.
        ({"fracture_etiology": "neoplastic"}, "N13"),
        # N14: with pain it is the red flag R17; once the vertebra is assessed, not shown.
        ({"infection_signs": True}, "N14"),
        ({"infection_signs": True, "vas_current": 0, "vertebral_infection": "excluded"}, "N14"),
        ({"infection_signs": True, "vas_current": 0, "analgesics": "opioid"}, "N14"),
        # N16: osteoporotic, or no figure-bearing note to qualify.
        ({}, "N16"),
        ({"fracture_etiology": "neoplastic", "assessment_date": "2026-06-03"}, "N16"),
    ],
)
def test_each_note_is_not_shown_outside_its_condition(overrides: dict[str, Any], note: str) -> None:
    assert note not in notes(**overrides)


def test_no_note_beside_the_urgent_referral() -> None:
    out = result(neuro_exam="new_deficit", patient_age=80, fracture_etiology="traumatic")
    assert out["notes"] == []


def test_notes_are_in_id_order_with_n16_first() -> None:
    out = result(fracture_etiology="traumatic", patient_age=80, vertebral_infection="resolved")
    assert [note["id"] for note in out["notes"]] == [
        "N16", "N1", "N2", "N5", "N8", "N9", "N10", "N15",
    ]  # fmt: skip


def test_retired_notes_are_never_shown() -> None:
    for overrides in ({}, {"active_fracture_location": "adjacent_level"}, {"neuro_exam": "normal"}):
        ids = {note["id"] for note in result(**overrides)["notes"]}
        assert not ids & {"N3", "N4"}
