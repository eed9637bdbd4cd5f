"""A known department for the audit tests: the cases of `audit_data` (alice and bob, all
assessed 18 Jan 2025) and carol's, over 2024–2026, with an amendment, a superseded and a
discarded record, a draft, two refusals, one fracture reported at two visits, and one
"repeat may be considered" the clinician did not offer (no adherence is measured on it).

| case | owner | assessed    | rule | decision    | VAS → 1 m → 3 m | cement (index) | leak  | notes |
| D1   | carol | 20 Jun 2024 | R12  | performed   | 8 → 3 → 2       | 6.5 (4.0)      | none  | recurrence after relief, cleft gone at 1 m; adjacent fracture on 1 Sep 2024 reported at 3 m AND 12 m |
| D2   | carol | 10 Feb 2026 | R10  | performed   | 8 → 3           | 5.5 (4.2)      | asym  | procedure and 1-month visit recorded, then the assessment amended (age corrected) and the amendment finalized |
| D3   | carol | 1 Mar 2026  | R10  | declined    |                 |                |       | |
| D4   | carol | 5 Mar 2026  | R11  | not offered |                 |                |       | adequate fill, VAS 5: repeat may be considered |
| —    | carol | discarded draft; bob: a draft; D2's original: superseded |

Built with the clock at 25 Nov 2026, noon UTC (the tests freeze it there too).
"""

from datetime import date
from decimal import Decimal

from assessments.services import assessment_amend, assessment_discard, assessment_finalize
from tests.factories import make_assessment
from tests.outcomes.audit_data import build as build_alice_and_bob
from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure

NOW = "2026-11-25 12:00Z"
TODAY = date(2026, 11, 25)

RECURRENCE = {
    "index_procedure_date": date(2024, 1, 1),
    "initial_response": "relief_then_recurrence",
    "recurrence_date": date(2024, 4, 1),
    "assessment_date": date(2024, 6, 20),
    "conservative_therapy_weeks": 8,
    "cleft_sign": "present",
    "cleft_new_since_index": False,
    "marrow_edema": "present",
    "cement_fill": "adequate",
    "index_cement_volume_ml": Decimal("4.0"),
    "vas_current": 8,
    "treated_level": "L2",
}
NOT_DONE = {
    "performed_on": None,
    "cement_volume_ml": None,
    "leakage": "",
    "cleft_filled": "",
    "complications": "",
    "operator": "",
}


def build(alice, bob, carol) -> dict:
    cases = build_alice_and_bob(alice, bob)

    d1 = final_assessment(carol, patient_ref="D1", **RECURRENCE)
    make_procedure(d1, performed_on=date(2024, 6, 25), cement_volume_ml=Decimal("6.5"))
    make_follow_up(d1, "1m", seen_on=date(2024, 7, 25), vas=3, cleft_on_imaging="gone")
    fracture = {"new_fracture": "adjacent", "new_fracture_date": date(2024, 9, 1)}
    make_follow_up(d1, "3m", seen_on=date(2024, 9, 24), vas=2, **fracture)
    make_follow_up(d1, "12m", seen_on=date(2025, 6, 25), vas=2, **fracture)
    cases["D1"] = d1

    original = final_assessment(
        carol,
        patient_ref="D2",
        index_procedure_date=date(2026, 1, 24),
        assessment_date=date(2026, 2, 10),
        patient_age=71,
    )
    make_procedure(
        original,
        performed_on=date(2026, 2, 12),
        cement_volume_ml=Decimal("5.5"),
        leakage="asymptomatic",
    )
    make_follow_up(original, "1m", seen_on=date(2026, 3, 14), vas=3)
    draft = assessment_amend(assessment=original, user=carol, reason="Age corrected")
    draft.patient_age = 72
    draft.save()
    cases["D2"] = assessment_finalize(assessment=draft, user=carol)
    original.refresh_from_db()
    cases["D2 original"] = original

    d3 = final_assessment(
        carol,
        patient_ref="D3",
        index_procedure_date=date(2026, 2, 12),
        assessment_date=date(2026, 3, 1),
        treated_level="T11",
    )
    make_procedure(d3, performed="declined", **NOT_DONE)
    cases["D3"] = d3

    # Adequate fill and VAS 5 after an immediate failure: "repeat may be considered" (R11 in
    # both rules versions), an option the spine team weighed and did not offer.
    d4 = final_assessment(
        carol,
        patient_ref="D4",
        index_procedure_date=date(2026, 2, 20),
        assessment_date=date(2026, 3, 5),
        treated_level="L1",
        cement_fill="adequate",
        vas_current=5,
    )
    make_procedure(d4, performed="not_offered", **NOT_DONE)
    cases["D4"] = d4

    cases["discarded"] = assessment_discard(
        assessment=make_assessment(carol, patient_ref="D-GONE"), user=carol
    )
    cases["draft"] = make_assessment(bob, patient_ref="B-DRAFT")
    return cases
