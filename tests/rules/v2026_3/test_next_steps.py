"""Next steps S1–S29 of version 2026.3 (docs/specification.md §5b): each shown on its condition
with its sentence written out from the spec's template and the references it cites; S1 alone
beside R1; id order; never empty."""

from typing import Any

import pytest

from tests.rules.v2026_3.cases import NO_MRI, RECURRENCE, result

DAY_61 = {"assessment_date": "2026-08-01"}
RELIEVED_CLEAN_MRI = {
    "initial_response": "ongoing_relief",
    "vas_current": 5,
    "active_fracture_location": "none_identified",
    "marrow_edema": "absent",
    "cleft_sign": "absent",
    **DAY_61,
}
R7_CASE = {**DAY_61, "active_fracture_location": "none_identified", "marrow_edema": "absent"}
S1_TEXT = (
    "Refer immediately (emergency): spinal surgical assessment with MRI of the whole spine (CT if "
    "MRI cannot be done)"
)
S7_TEXT = (
    "Look for the source of the pain: adjacent levels, facet joints, sacroiliac joints, radicular "
    "pain and non-spinal causes."
)
S20_TEXT = (
    "Confirm the pain generator: CT of L1 for a fracture line the cement missed or a leak; "
    "examination for facet or radicular pain; a diagnostic block where the source stays unclear."
)
S22_TEXT = (
    "Before a repeat procedure: manage anticoagulant and antiplatelet therapy under the local "
    "peri-procedural protocol, and review the index imaging for the cement distribution"
)


def steps(**overrides: Any) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in result(**overrides)["next_steps"]}


SHOWN = [
    pytest.param({"neuro_exam": "new_deficit"}, "S1", S1_TEXT + ".", [], id="S1"),
    pytest.param(
        {"neuro_exam": "new_deficit", "fracture_etiology": "neoplastic"},
        "S1",
        S1_TEXT + ", following the local metastatic spinal cord compression pathway.",
        [],
        id="S1-neoplastic",
    ),
    pytest.param(
        {"infection_signs": True, "treated_level": "T12"},
        "S2",
        "Exclude infection of T12 now: CRP, ESR and white cell count, blood cultures (before any "
        "antibiotic), MRI of T12 with contrast (when MRI is not possible: CT of T12 and a nuclear "
        "infection scan, FDG PET-CT or gallium with bone scan, as agreed with radiology) and a "
        "neurological examination; image-guided biopsy if imaging suggests infection, before "
        "antibiotics where the patient is stable. Record the result under “Infection of the "
        "treated vertebra” (excluded, or active) and evaluate again.",
        [],
        id="S2",
    ),
    pytest.param(
        {"vas_before_index": 5},
        "S3",
        "Assess now for a complication of the index procedure: neurological examination; CT of L1 "
        "for cement position and leakage (spinal canal, foramina, disc, veins) and for a new "
        "fracture (pedicle, endplate, adjacent level); MRI where it can be done; consider "
        "haematoma and infection. Record that the procedure has been assessed, enter any "
        "complication found (for example the level of a new fracture), and evaluate again.",
        [],
        id="S3",
    ),
    pytest.param(
        {"assessment_date": "2026-06-01"},
        "S4",
        "Reassess from 5 Jun 2026 (day 4 after the index procedure); new or worse pain, or any "
        "neurological change, before then calls for assessment at once.",
        [],
        id="S4",
    ),
    pytest.param(
        {"fracture_etiology": "neoplastic"},
        "S5",
        "Restage the disease and image L1: MRI with contrast (when MRI is not possible: CT, with "
        "CT myelography where epidural disease is suspected) and CT of the posterior wall and "
        "posterior elements; assess spinal stability and epidural disease; present at the "
        "spine-oncology MDT (radiotherapy, surgery, or repeat augmentation with biopsy).",
        [],
        id="S5",
    ),
    pytest.param(
        {"vas_current": 0},
        "S6",
        "No procedure now; evaluate again if the pain returns.",
        [],
        id="S6",
    ),
    pytest.param(
        {"vas_current": 0, "analgesics": "opioid", "cleft_sign": "present"},
        "S6",
        "No procedure now; evaluate again if the pain returns or when opioids are reduced. "
        "Consider follow-up radiographs of L1 for progressive collapse (MRI shows marrow edema "
        "and an intravertebral cleft).",
        [],
        id="S6-opioids-cleft",
    ),
    pytest.param(RELIEVED_CLEAN_MRI, "S7", S7_TEXT, [], id="S7-relieved"),
    pytest.param(
        {**RELIEVED_CLEAN_MRI, "assessment_date": "2026-06-18"},
        "S7",
        S7_TEXT + " First confirm the MRI reading (see warning P4).",
        [],
        id="S7-P4",
    ),
    pytest.param(R7_CASE, "S7", S7_TEXT, [], id="S7-R7"),
    pytest.param(
        {"active_fracture_location": "adjacent_level"},
        "S8",
        "Evaluate the new fracture at an adjacent level for treatment on its own merits.",
        [],
        id="S8",
    ),
    pytest.param(
        {
            "active_fracture_location": "adjacent_level",
            "cleft_sign": "present",
            "assessment_date": "2026-06-11",
        },
        "S8",
        "Evaluate the new fracture at an adjacent level for treatment on its own merits. Compare "
        "with the pre-procedure MRI: a fracture seen 10 days after the index procedure may have "
        "been present before it. Correlate both levels with the examination; where both are "
        "painful and active, treating both in one session may be appropriate (not from the cited "
        "evidence).",
        [],
        id="S8-early-both-active",
    ),
    pytest.param(
        {"point_tenderness": "not_examined"},
        "S9",
        "Complete the work-up, then evaluate again.",
        [],
        id="S9",
    ),
    pytest.param(
        {"initial_response": "ongoing_relief", "vas_current": 5},
        "S9",
        "Complete the work-up, then evaluate again. Confirm the course of pain at L1 (see warning "
        "P1).",
        [],
        id="S9-pain-course",
    ),
    pytest.param(
        {**NO_MRI, "initial_response": "ongoing_relief", "vas_current": 5},
        "S9",
        "Complete the work-up, then evaluate again. New back pain after vertebroplasty may signal "
        "a new fracture, most often at an adjacent level (refs 4, 5): MRI looks for it.",
        [4, 5],
        id="S9-relieved-without-MRI",
    ),
    pytest.param(
        {**RECURRENCE, "conservative_therapy_weeks": 3},
        "S10",
        "Continue conservative therapy and reassess from 11 Dec 2026.",
        [],
        id="S10",
    ),
    pytest.param(
        {
            **RECURRENCE,
            "recurrence_date": "2026-11-20",
            "conservative_therapy_weeks": 0,
            "analgesics": "none",
        },
        "S10",
        "Start conservative therapy, including a trial of analgesia, and reassess from 1 Jan 2027.",
        [],
        id="S10-start",
    ),
    pytest.param(
        {**RECURRENCE, "conservative_therapy_weeks": 5, "analgesics": "opioid"},
        "S10",
        "Continue conservative therapy and reassess from 27 Nov 2026. The patient is taking "
        "opioids: discuss earlier intervention with the spine team, since prolonged opioid use "
        "carries its own harm (common practice, not from the cited evidence).",
        [],
        id="S10-opioids",
    ),
    pytest.param(
        {**RECURRENCE, "analgesics": "none", "mobility": "bed_bound"},
        "S10",
        "Continue conservative therapy, including a trial of analgesia, and reassess from 4 Dec "
        "2026. The patient is bed-bound: discuss earlier intervention with the spine team, since "
        "prolonged bed rest carries its own harm (common practice, not from the cited evidence).",
        [],
        id="S10-bed-bound",
    ),
    pytest.param(
        {"vas_current": 3},
        "S11",
        "Continue conservative therapy; evaluate again if the pain worsens, keeps the patient in "
        "bed or needs opioids, recording mobility and analgesics as they are then.",
        [],
        id="S11",
    ),
    pytest.param(
        {"vas_current": 3, "analgesics": "opioid"},
        "S12",
        "Continue analgesia and reduce opioids as tolerated; if they cannot be reduced, or cause "
        "sedation, confusion or constipation, record it (“Opioids cannot be reduced…”) and "
        "evaluate again.",
        [],
        id="S12",
    ),
    pytest.param(
        {"contraindications": ["active_infection"], "vas_current": 0},
        "S13",
        "Active infection: treat it; a repeat procedure can be considered again once it has "
        "resolved.",
        [],
        id="S13",
    ),
    pytest.param(
        {"contraindications": ["uncorrectable_coagulopathy"]},
        "S14",
        "Coagulopathy: seek haematology advice; evaluate again if it can be corrected.",
        [],
        id="S14",
    ),
    pytest.param(
        {"contraindications": ["cement_allergy"]},
        "S15",
        "Cement allergy: seek allergy advice on alternative materials or premedication.",
        [],
        id="S15",
    ),
    pytest.param(
        {**R7_CASE, "contraindications": ["canal_compromise"]},
        "S16",
        "Spinal canal compromise: seek a spinal surgical opinion on stabilisation or "
        "decompression.",
        [],
        id="S16-beside-R7",
    ),
    pytest.param(
        {"fracture_etiology": "traumatic"},
        "S17",
        "Seek a spinal surgical opinion on the stability of the fracture (posterior wall, "
        "posterior ligamentous complex) before any repeat procedure.",
        [],
        id="S17-traumatic",
    ),
    pytest.param(
        {"fracture_etiology": "other", "contraindications": ["cement_allergy"]},
        "S17",
        "Establish the cause of the fracture, then decide with the spine team (spinal surgeon and "
        "interventional radiologist).",
        [],
        id="S17-other-beside-R2",
    ),
    pytest.param(
        {"initial_response": "partial_relief", "vas_current": 5},
        "S18",
        "Reassess the trend from 2 Jul 2026: if the pain plateaus at a disabling level, a repeat "
        "procedure may be considered then.",
        [],
        id="S18",
    ),
    pytest.param(
        {"point_tenderness": "absent"},
        "S19",
        "Re-examine L1 for point tenderness (palpation under fluoroscopy can localise it) and "
        "exclude other pain generators (facet joints, adjacent levels, radicular pain).",
        [],
        id="S19",
    ),
    pytest.param({"cement_fill": "adequate"}, "S20", S20_TEXT, [], id="S20"),
    pytest.param(
        {"cement_fill": "adequate", **DAY_61},
        "S20",
        S20_TEXT + " With pain unrelieved for 61 days despite an adequate fill, check CRP and ESR "
        "and consider MRI with contrast (FDG PET-CT when MRI is not possible) to exclude "
        "infection.",
        [],
        id="S20-persistent",
    ),
    pytest.param(
        {**RECURRENCE, "cleft_sign": "indeterminate"},
        "S21",
        "Clarify the cleft: CT (a gas- or fluid-filled cleft) or supine and standing radiographs "
        "(a mobile cleft); a definite cleft would favour a repeat procedure (refs 2, 3).",
        [2, 3],
        id="S21",
    ),
    pytest.param({}, "S22", S22_TEXT + ".", [], id="S22"),
    pytest.param(
        {"prior_cement_leakage": True},
        "S22",
        S22_TEXT + " and the route of the earlier leak.",
        [],
        id="S22-leak",
    ),
    pytest.param(
        {},
        "S23",
        "After a repeat procedure: imaging to confirm that the target zone is filled (in the "
        "recurrent-pain series success correlated with disappearance of the cleft, ref 2), and a "
        "neurological examination compared with the one recorded before the procedure (ref 4).",
        [2, 4],
        id="S23",
    ),
    pytest.param(
        {"cleft_sign": "present"},
        "S23",
        "After a repeat procedure: imaging to confirm that the cleft is filled (in the "
        "recurrent-pain series success correlated with disappearance of the cleft, ref 2), and a "
        "neurological examination compared with the one recorded before the procedure (ref 4).",
        [2, 4],
        id="S23-cleft",
    ),
    pytest.param(
        {"patient_age": 55},
        "S24",
        "Confirm pregnancy status before CT, fluoroscopy or any bisphosphonate.",
        [],
        id="S24-repeat",
    ),
    pytest.param(
        {"patient_age": 50, "sex": None, **R7_CASE},
        "S24",
        "Confirm pregnancy status before CT, fluoroscopy or any bisphosphonate.",
        [],
        id="S24-prevention-sentence",
    ),
    pytest.param(
        {"patient_age": 40, "sex": "other", "vas_before_index": 5},
        "S24",
        "Confirm pregnancy status before CT, fluoroscopy or any bisphosphonate.",
        [],
        id="S24-R16",
    ),
    pytest.param(
        {"neuro_exam": "not_documented", "vas_current": 0},
        "S25",
        "Document a neurological examination now: a new deficit calls for urgent referral.",
        [],
        id="S25",
    ),
    pytest.param(
        {"vas_before_index": None},
        "S26",
        "Record the pain score before the index procedure: pain worse than before calls for "
        "assessment of a complication now.",
        [],
        id="S26",
    ),
    pytest.param(
        {
            "initial_response": "relief_then_recurrence",
            "recurrence_date": "2026-07-05",
            "assessment_date": "2026-07-13",
            "conservative_therapy_weeks": 1,
            "vas_current": 6,
            "vas_before_index": None,
        },
        "S26",
        "Record the pain score before the index procedure: pain worse than before calls for "
        "assessment of a complication now.",
        [],
        id="S26-recurrence-day-42",
    ),
    pytest.param(
        {**NO_MRI, "mri_not_possible": True},
        "S27",
        "Obtain CT of L1 (cement fill, cleft, fracture lines) and bone scintigraphy with "
        "SPECT-CT, and present them with this assessment to the spine team (spinal surgeon and "
        "interventional radiologist) for the decision.",
        [],
        id="S27",
    ),
    pytest.param(
        {"vertebral_infection": "active"},
        "S28",
        "Treat the infection with the infection and spinal teams; when it is cured, record "
        "“Infection of the treated vertebra: resolved” and evaluate again.",
        [],
        id="S28",
    ),
    pytest.param(
        {**RECURRENCE, "conservative_therapy_weeks": 3, "mobility": "bed_bound"},
        "S29",
        "Present the patient to the spine team now; if a repeat procedure is not chosen, continue "
        "conservative therapy and evaluate again when the 6 weeks are met (11 Dec 2026).",
        [],
        id="S29",
    ),
]


@pytest.mark.parametrize(("overrides", "step", "text", "refs"), SHOWN)
def test_each_next_step_is_shown_with_its_sentence_and_references(
    overrides: dict[str, Any], step: str, text: str, refs: list[int]
) -> None:
    assert steps(**overrides)[step] == {"id": step, "text": text, "refs": refs}


@pytest.mark.parametrize(
    ("overrides", "step"),
    [
        # S2 only with the second form of R17; S28 only with the first.
        ({"vertebral_infection": "active"}, "S2"),
        ({"infection_signs": True}, "S28"),
        # S3 only with complication_flag.
        ({}, "S3"),
        ({"vas_before_index": 5, "complication_assessed": True}, "S3"),
        # S6 and S7 only beside their forms of R3 (and R7).
        (RELIEVED_CLEAN_MRI, "S6"),
        ({"vas_current": 0}, "S7"),
        # S13 not beside R17 (S2 says what to do).
        ({"contraindications": ["active_infection"]}, "S13"),
        # S17 not beside R2 for an osteoporotic fracture.
        ({"contraindications": ["cement_allergy"]}, "S17"),
        # S18: not from day 42 (no reassessment date).
        (
            {
                "initial_response": "partial_relief",
                "vas_current": 5,
                "assessment_date": "2026-07-13",
            },
            "S18",
        ),
        # S19, S22, S23 only beside a repeat recommendation.
        ({**R7_CASE, "point_tenderness": "absent"}, "S19"),
        (R7_CASE, "S22"),
        (R7_CASE, "S23"),
        # S21: a definite cleft reading.
        (RECURRENCE, "S21"),
        # S24: over 55, male, or nothing to confirm it for.
        ({"patient_age": 56}, "S24"),
        ({"patient_age": 40, "sex": "male"}, "S24"),
        ({**R7_CASE, "patient_age": 50, "fracture_etiology": "traumatic"}, "S24"),
        # S25: not beside R6, which already asks for the examination.
        ({"neuro_exam": "not_documented"}, "S25"),
        # S26: beyond day 42, beside R16 or R17, with the score recorded, or with ongoing relief.
        ({"vas_before_index": None, "assessment_date": "2026-07-14"}, "S26"),
        ({"vas_before_index": None, "infection_signs": True}, "S26"),
        ({}, "S26"),
        ({**RELIEVED_CLEAN_MRI, "vas_before_index": None, "assessment_date": "2026-06-18"}, "S26"),
    ],
)
def test_each_next_step_is_not_shown_outside_its_condition(
    overrides: dict[str, Any], step: str
) -> None:
    assert step not in steps(**overrides)


def test_the_urgent_referral_has_s1_only() -> None:
    out = result(
        neuro_exam="new_deficit",
        contraindications=["cement_allergy"],
        patient_age=40,
        vas_before_index=None,
    )
    assert [step["id"] for step in out["next_steps"]] == ["S1"]


def test_next_steps_are_in_id_order() -> None:
    out = result(infection_signs=True, vas_before_index=5, patient_age=40)
    assert [step["id"] for step in out["next_steps"]] == ["S2", "S3", "S24"]
    out = result(contraindications=["cement_allergy", "uncorrectable_coagulopathy"])
    assert [step["id"] for step in out["next_steps"]] == ["S14", "S15"]
