"""A fixed department for the audit tests, with every figure worked out by hand.

Assessed 18 Jan 2025 (day 17 after the index procedure of 1 Jan 2025);
procedures on 20 Jan 2025. A* are repeat recommendations (R10), B* no point
tenderness (R8, repeat not indicated), C1 an urgent referral (R1).

| case | owner | rec  | decision     | VAS before | 1 m | 3 m | cement (index) | leak | compl. | cleft → imaging |
| A1   | alice | R10  | performed    | 8          | 2   | 3   | 6.0 (4.2)      | none | none   | present → gone  |
| A2   | alice | R10  | performed    | 9          | 8   | 5   | 7.0 (4.0)      | asym | minor  | present → persists, persists |
| A3   | alice | R10  | performed    | 7          | 4   | —   | 5.0 (—)        | symp | major  | present → not imaged |
| A4   | alice | R10  | declined     |            |     |     |                |      |        |                 |
| A5   | alice | R10  | not offered  |            |     |     |                |      |        |                 |
| A6   | alice | R10  | not recorded |            |     |     |                |      |        |                 |
| B1   | bob   | R8   | performed    | 2          | 1   | —   | 4.5 (3.5)      | none | none   | absent          |
| B2   | bob   | R8   | not performed|            |     |     |                |      |        |                 |
| B3   | bob   | R8   | not recorded |            |     |     |                |      |        |                 |
| C1   | alice | R1   | not recorded |            |     |     |                |      |        |                 |

New fractures: A1 adjacent on 1 Apr 2025 (71 days after its procedure, reported at 12 m);
A3 adjacent on 1 Mar 2025 (40 days, reported at 3 m; no 12-month visit); B2 non-adjacent
on 1 Nov 2025 (287 days after its assessment, at 12 m). A2 has a 12-month visit, no fracture.
"""

from datetime import date
from decimal import Decimal

from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure

ASSESSED = {"index_procedure_date": date(2025, 1, 1), "assessment_date": date(2025, 1, 18)}
PROCEDURE_DAY = date(2025, 1, 20)
ONE_MONTH, THREE_MONTHS, TWELVE_MONTHS = date(2025, 2, 19), date(2025, 4, 21), date(2026, 1, 20)
NOT_DONE = {
    "performed_on": None,
    "cement_volume_ml": None,
    "leakage": "",
    "cleft_filled": "",
    "complications": "",
    "operator": "",
}
CLEFT = {"cleft_sign": "present", "cleft_new_since_index": False}


def build(alice, bob) -> dict:
    cases = {}

    def assessed(owner, name, **inputs):
        cases[name] = final_assessment(owner, patient_ref=name, **ASSESSED, **inputs)
        return cases[name]

    def performed(assessment, volume, **details):
        make_procedure(
            assessment, performed_on=PROCEDURE_DAY, cement_volume_ml=Decimal(volume), **details
        )

    a1 = assessed(alice, "A1", treated_level="T12", vas_current=8, **CLEFT)
    performed(a1, "6.0", leakage="none", complications="none")
    make_follow_up(a1, "1m", seen_on=ONE_MONTH, vas=2, cleft_on_imaging="gone")
    make_follow_up(a1, "3m", seen_on=THREE_MONTHS, vas=3)
    make_follow_up(
        a1,
        "12m",
        seen_on=TWELVE_MONTHS,
        vas=3,
        new_fracture="adjacent",
        new_fracture_date=date(2025, 4, 1),
    )

    a2 = assessed(alice, "A2", vas_current=9, index_cement_volume_ml=Decimal("4.0"), **CLEFT)
    performed(
        a2,
        "7.0",
        leakage="asymptomatic",
        complications="minor",
        complication_description="Transient rib pain",
    )
    make_follow_up(a2, "1m", seen_on=ONE_MONTH, vas=8, cleft_on_imaging="persists")
    make_follow_up(a2, "3m", seen_on=THREE_MONTHS, vas=5, cleft_on_imaging="persists")
    make_follow_up(a2, "12m", seen_on=TWELVE_MONTHS, vas=4)

    a3 = assessed(alice, "A3", vas_current=7, index_cement_volume_ml=None, **CLEFT)
    performed(
        a3,
        "5.0",
        leakage="symptomatic",
        complications="major",
        complication_description="Cement embolus",
    )
    make_follow_up(a3, "1m", seen_on=ONE_MONTH, vas=4)
    make_follow_up(
        a3,
        "3m",
        seen_on=THREE_MONTHS,
        vas=6,
        new_fracture="adjacent",
        new_fracture_date=date(2025, 3, 1),
    )
    # A3's 3-month VAS counts: it is a performed procedure with a 3-month visit.

    make_procedure(assessed(alice, "A4"), performed="declined", **NOT_DONE)
    make_procedure(assessed(alice, "A5"), performed="not_offered", **NOT_DONE)
    assessed(alice, "A6")

    b1 = assessed(
        bob, "B1", vas_current=2, point_tenderness="absent", index_cement_volume_ml=Decimal("3.5")
    )
    performed(b1, "4.5", leakage="none", complications="none")
    make_follow_up(b1, "1m", seen_on=ONE_MONTH, vas=1)
    b2 = assessed(bob, "B2", vas_current=2, point_tenderness="absent")
    make_procedure(b2, performed="no", **NOT_DONE)
    make_follow_up(
        b2,
        "12m",
        seen_on=date(2026, 1, 18),
        vas=2,
        new_fracture="non_adjacent",
        new_fracture_date=date(2025, 11, 1),
    )
    assessed(bob, "B3", vas_current=2, point_tenderness="absent")
    assessed(alice, "C1", neuro_exam="new_deficit")
    return cases
