"""Warnings P1–P14 of version 2026.3 (docs/specification.md §5a): each fires on its condition
with the fields to check and its sentence written out from the spec's template, stays silent
just past its boundary, never changes the recommendation and is shown with every rule."""

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
P9_TAIL = (
    ": the etiology is not confirmed. Exclude an underlying lesion (myeloma, metastasis), trauma "
    "and secondary causes of bone loss before a repeat procedure (not from the cited evidence); "
    "the cited evidence comes from osteoporotic fractures."
)
P4_L1 = (
    "edema usually persists for weeks after vertebroplasty (not from the cited evidence). Check "
    "that the MRI was done after the index procedure, at the right level, with fluid-sensitive "
    "(STIR or fat-suppressed T2) sequences."
)


def warnings(**overrides: Any) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in result(**overrides)["warnings"]}


FIRING = [
    pytest.param(
        {"initial_response": "ongoing_relief", "vas_current": 5},
        "P1",
        ["initial_response", "active_fracture_location"],
        "“Ongoing relief at the treated level” is recorded, but MRI places the active fracture at "
        "L1 (marrow edema). Marrow edema can persist for months after cementation and is not by "
        "itself a recurrence (not from the cited evidence). If the pain at L1 came back, record "
        "“Relief, then recurrence of pain” with its date; if L1 is still relieved and its MRI "
        "signal is post-procedural, record the active fracture location as “No active fracture "
        "identified”.",
        id="P1-edema",
    ),
    pytest.param(
        {
            "initial_response": "ongoing_relief",
            "vas_current": 5,
            "marrow_edema": "indeterminate",
            "cleft_sign": "indeterminate",
        },
        "P1",
        ["initial_response", "active_fracture_location"],
        "“Ongoing relief at the treated level” is recorded, but MRI places the active fracture at "
        "L1. If the pain at L1 came back, record “Relief, then recurrence of pain” with its date; "
        "if L1 is still relieved and its MRI signal is post-procedural, record the active "
        "fracture location as “No active fracture identified”.",
        id="P1-no-sign",
    ),
    pytest.param(
        {"active_fracture_location": "none_identified", "cleft_sign": "present"},
        "P2",
        ["active_fracture_location", "cleft_sign", "marrow_edema"],
        "“No active fracture identified” is recorded together with marrow edema and an "
        "intravertebral cleft at L1: re-read the MRI. Marrow edema can persist for months after "
        "cementation and is not by itself an active fracture (not from the cited evidence). A "
        "cleft or fluid at the bone–cement interface is a sign of an unhealed fracture.",
        id="P2-edema-and-cleft",
    ),
    pytest.param(
        {
            "active_fracture_location": "none_identified",
            "marrow_edema": "absent",
            "fluid_at_cement_interface": True,
        },
        "P2",
        ["active_fracture_location", "fluid_at_cement_interface"],
        "“No active fracture identified” is recorded together with fluid at the bone–cement "
        "interface at L1: re-read the MRI. A cleft or fluid at the bone–cement interface is a "
        "sign of an unhealed fracture.",
        id="P2-fluid",
    ),
    pytest.param(
        {"active_fracture_location": "none_identified"},
        "P2",
        ["active_fracture_location", "marrow_edema"],
        "“No active fracture identified” is recorded together with marrow edema at L1: re-read "
        "the MRI. Marrow edema can persist for months after cementation and is not by itself an "
        "active fracture (not from the cited evidence).",
        id="P2-edema",
    ),
    pytest.param(
        {"marrow_edema": "absent", **DAY_61},
        "P3",
        ["active_fracture_location", "cleft_sign", "marrow_edema"],
        "“At the treated level” is recorded as the location of the active fracture, but no sign "
        "of activity is positive at L1 (marrow edema absent, cleft absent, no fluid at the "
        "bone–cement interface): re-read the MRI, and record “Indeterminate” for a sign the "
        "images do not allow reading.",
        id="P3",
    ),
    pytest.param(
        {"marrow_edema": "absent", "cleft_sign": "present"},
        "P4",
        ["marrow_edema"],
        "No marrow edema is recorded at L1 17 days after cementation: " + P4_L1,
        id="P4",
    ),
    pytest.param(
        {"marrow_edema": "absent", "cleft_sign": "present", "assessment_date": "2026-06-02"},
        "P4",
        ["marrow_edema"],
        "No marrow edema is recorded at L1 1 day after cementation: " + P4_L1,
        id="P4-one-day",
    ),
    pytest.param(
        {"vas_before_index": 9, "vas_current": 4},
        "P5",
        ["initial_response", "vas_before_index", "vas_current"],
        "“No relief after the index procedure” is recorded, but the VAS fell from 9 to 4 (55% "
        "less). Confirm the course of pain: if the index procedure gave partial relief, record "
        "“Partial relief”; if the lower score reflects stronger analgesia, keep “No relief”.",
        id="P5",
    ),
    pytest.param(
        {"vas_current": 0},
        "P6",
        ["vas_current"],
        "No current pain (VAS 0) is recorded although the pain never improved after the index "
        "procedure and L1 is tender: confirm whether the pain has resolved or is controlled by "
        "analgesics.",
        id="P6-no-relief",
    ),
    pytest.param(
        {"vas_current": 0, "initial_response": "partial_relief", "analgesics": "opioid"},
        "P6",
        ["vas_current"],
        "No current pain (VAS 0) is recorded although the pain improved only partly after the "
        "index procedure, the patient takes opioids and L1 is tender: confirm whether the pain "
        "has resolved or is controlled by analgesics.",
        id="P6-partial-opioids",
    ),
    pytest.param(
        {**RECURRENCE, "vas_current": 0, "point_tenderness": "absent"},
        "P6",
        ["vas_current"],
        "No current pain (VAS 0) is recorded although the pain came back on 1 Sep 2026: confirm "
        "whether the pain has resolved or is controlled by analgesics.",
        id="P6-recurrence",
    ),
    pytest.param(
        RELIEVED_CLEAN_MRI,
        "P7",
        ["initial_response", "point_tenderness"],
        "Point tenderness at L1 is recorded although the pain there is recorded as still "
        "relieved: re-examine, and if the pain at L1 came back, record “Relief, then recurrence "
        "of pain” with its date.",
        id="P7",
    ),
    pytest.param(
        {**RECURRENCE, "analgesics": "none"},
        "P8",
        ["conservative_therapy_weeks", "analgesics"],
        "8 weeks of conservative therapy are recorded with no analgesic: confirm what the therapy "
        "was (for example bracing, physiotherapy or rest); the pain cannot be called refractory "
        "to medical therapy without a trial of analgesia.",
        id="P8",
    ),
    pytest.param(
        {**RECURRENCE, "analgesics": "none", "conservative_therapy_weeks": 1},
        "P8",
        ["conservative_therapy_weeks", "analgesics"],
        "1 week of conservative therapy is recorded with no analgesic: confirm what the therapy "
        "was (for example bracing, physiotherapy or rest); the pain cannot be called refractory "
        "to medical therapy without a trial of analgesia.",
        id="P8-one-week",
    ),
    pytest.param(
        {"patient_age": 49},
        "P9",
        ["patient_age", "fracture_etiology"],
        "An osteoporotic fracture is recorded at 49 years" + P9_TAIL,
        id="P9-age",
    ),
    pytest.param(
        {"bmd_t_score": -0.9},
        "P9",
        ["fracture_etiology", "bmd_t_score"],
        "An osteoporotic fracture is recorded with a T-score of -0.9 (normal bone density by the "
        "WHO definition)" + P9_TAIL,
        id="P9-t-score",
    ),
    pytest.param(
        {"bmd_t_score": 1.2, "patient_age": 30},
        "P9",
        ["patient_age", "fracture_etiology", "bmd_t_score"],
        "An osteoporotic fracture is recorded at 30 years and with a T-score of +1.2 (normal bone "
        "density by the WHO definition)" + P9_TAIL,
        id="P9-both",
    ),
    pytest.param(
        {"bmd_t_score": 0},
        "P9",
        ["fracture_etiology", "bmd_t_score"],
        "An osteoporotic fracture is recorded with a T-score of 0.0 (normal bone density by the "
        "WHO definition)" + P9_TAIL,
        id="P9-zero",
    ),
    pytest.param(
        {"index_cement_volume_ml": 10.1},
        "P10",
        ["index_cement_volume_ml"],
        "10.1 mL of cement is recorded for the index procedure at L1, more than is usual for a "
        "single vertebra (above 10.0 mL, local policy): check the entry (is it a total for "
        "several levels?) and the index images.",
        id="P10",
    ),
    pytest.param(
        {"index_cement_volume_ml": 12, "treated_level": "T4"},
        "P10",
        ["index_cement_volume_ml"],
        "12.0 mL of cement is recorded for the index procedure at T4, more than is usual for a "
        "single vertebra (above 10.0 mL, local policy): check the entry (is it a total for "
        "several levels?) and the index images.",
        id="P10-whole-number",
    ),
    pytest.param(
        {"infection_signs": True, "vertebral_infection": "excluded"},
        "P11",
        ["infection_signs", "vertebral_infection", "contraindications"],
        "Signs of infection are recorded, and infection of the treated vertebra is recorded as "
        "excluded: if an infection elsewhere is still active, record it as a contraindication "
        "(active infection); a repeat procedure waits until it has resolved.",
        id="P11",
    ),
    pytest.param(
        {"mobility": "bed_bound", "vas_current": 1},
        "P12",
        ["vas_current", "mobility"],
        "VAS 1/10 is recorded for a patient kept in bed by the back pain: confirm that the back "
        "pain, not another condition, keeps the patient in bed, and that the score was taken on "
        "movement, not at rest.",
        id="P12",
    ),
    pytest.param(
        {"vas_before_index": 3, "vas_current": 4},
        "P13",
        ["vas_before_index"],
        "A pain score of 3/10 before the index procedure is recorded: check the entry; "
        "vertebroplasty is done for severe pain.",
        id="P13",
    ),
    pytest.param(
        {**DAY_61, "analgesics": "none"},
        "P14",
        ["analgesics"],
        "No analgesic is recorded although the pain has not been relieved for 61 days: confirm "
        "the analgesic history; selection asks for pain refractory to conservative therapy.",
        id="P14",
    ),
]


@pytest.mark.parametrize(("overrides", "warning", "fields", "text"), FIRING)
def test_each_warning_fires_with_its_fields_and_sentence(
    overrides: dict[str, Any], warning: str, fields: list[str], text: str
) -> None:
    found = warnings(**overrides)
    assert found[warning] == {"id": warning, "fields": fields, "text": text}


@pytest.mark.parametrize(
    ("overrides", "warning"),
    [
        # P1: only with the active fracture placed at the treated level.
        (RELIEVED_CLEAN_MRI, "P1"),
        # P2, P3: a consistent reading.
        ({}, "P2"),
        ({"marrow_edema": "absent", "cleft_sign": "indeterminate", **DAY_61}, "P3"),
        # P4: day 43 is beyond the six weeks; no MRI, no P4.
        (
            {"marrow_edema": "absent", "cleft_sign": "present", "assessment_date": "2026-07-14"},
            "P4",
        ),
        (NO_MRI, "P4"),
        # P5: a fall of less than 50%; bed-bound; partial relief recorded already.
        ({"vas_before_index": 9, "vas_current": 5}, "P5"),
        ({"vas_before_index": 8, "vas_current": 4, "mobility": "bed_bound"}, "P5"),
        ({"vas_before_index": 8, "vas_current": 4, "initial_response": "partial_relief"}, "P5"),
        # P6: "ongoing relief" with no pain is consistent.
        ({**RELIEVED_CLEAN_MRI, "vas_current": 0}, "P6"),
        # P7: not tender.
        ({**RELIEVED_CLEAN_MRI, "point_tenderness": "absent"}, "P7"),
        # P8: no weeks, or analgesics taken.
        ({**RECURRENCE, "analgesics": "none", "conservative_therapy_weeks": 0}, "P8"),
        (RECURRENCE, "P8"),
        # P9: 50 years and a T-score of -1.0 are plausible; another etiology is not checked.
        ({"patient_age": 50, "bmd_t_score": -1.0}, "P9"),
        ({"patient_age": 30, "fracture_etiology": "traumatic"}, "P9"),
        # P10: 10.0 mL is within the limit.
        ({"index_cement_volume_ml": 10.0}, "P10"),
        # P11: the infection elsewhere recorded, or the vertebra not assessed.
        (
            {
                "infection_signs": True,
                "vertebral_infection": "excluded",
                "contraindications": ["active_infection"],
            },
            "P11",
        ),
        ({"infection_signs": True, "vertebral_infection": "resolved"}, "P11"),
        # P12: VAS 4 or 0.
        ({"mobility": "bed_bound", "vas_current": 4}, "P12"),
        ({"mobility": "bed_bound", "vas_current": 0}, "P12"),
        # P13: 4 before the procedure; none recorded.
        ({"vas_before_index": 4, "vas_current": 5}, "P13"),
        ({"vas_before_index": None}, "P13"),
        # P14: day 32 is not persistent pain.
        ({"assessment_date": "2026-07-03", "analgesics": "none"}, "P14"),
    ],
)
def test_each_warning_is_silent_past_its_boundary(overrides: dict[str, Any], warning: str) -> None:
    assert warning not in warnings(**overrides)


def test_warnings_are_listed_in_id_order_and_empty_when_none() -> None:
    assert result()["warnings"] == []
    found = result(marrow_edema="absent", cleft_sign="present", patient_age=45, vas_before_index=2)
    assert [item["id"] for item in found["warnings"]] == ["P4", "P9", "P13"]


def test_warnings_are_shown_beside_the_urgent_referral() -> None:
    out = result(neuro_exam="new_deficit", vas_before_index=2)
    assert out["reasons"][0]["rule"] == "R1"
    assert [item["id"] for item in out["warnings"]] == ["P13"]


def test_a_warning_does_not_change_the_recommendation() -> None:
    plain, warned = result(), result(index_cement_volume_ml=12.5, patient_age=45)
    assert [item["id"] for item in warned["warnings"]] == ["P9", "P10"]
    assert warned["recommendation"] == plain["recommendation"] == "repeat_indicated"
    assert warned["reasons"] == plain["reasons"]


def test_warnings_carry_no_references() -> None:
    out = result(marrow_edema="absent", cleft_sign="present", patient_age=45, vas_before_index=2)
    assert all(set(item) == {"id", "fields", "text"} for item in out["warnings"])
