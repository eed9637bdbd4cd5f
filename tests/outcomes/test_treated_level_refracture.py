"""A refracture or further collapse of the treated vertebra is recorded as such at a follow-up,
counted apart from the new fractures at other levels (which the published series describe),
once per patient, and listed for the meeting. Figures worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from outcomes.audit import AuditFilter, audit
from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure

TODAY = date(2026, 11, 25)
ASSESSED = {"index_procedure_date": date(2025, 1, 1), "assessment_date": date(2025, 1, 18)}
PROCEDURE_DAY = date(2025, 1, 20)
TREATED = {"new_fracture": "treated", "new_fracture_date": date(2025, 3, 1)}


@pytest.fixture
def cases(alice):
    def operated(name):
        case = final_assessment(alice, patient_ref=name, **ASSESSED)
        make_procedure(case, performed_on=PROCEDURE_DAY, cement_volume_ml=Decimal("5.0"))
        return case

    # T1: the treated vertebra collapsed further on 1 Mar 2025, reported at 3 and at 12 months.
    t1 = operated("T1")
    make_follow_up(t1, "3m", seen_on=date(2025, 4, 21), **TREATED)
    make_follow_up(t1, "12m", seen_on=date(2026, 1, 20), **TREATED)
    # T2: an adjacent fracture on 1 Jun 2025, reported at 12 months.
    t2 = operated("T2")
    make_follow_up(t2, "1m", seen_on=date(2025, 2, 19))
    make_follow_up(
        t2,
        "12m",
        seen_on=date(2026, 1, 20),
        new_fracture="adjacent",
        new_fracture_date=date(2025, 6, 1),
    )
    # T3: operated, never seen again: no part of the refracture figure's denominator.
    t3 = operated("T3")
    return {"T1": t1, "T2": t2, "T3": t3}


def test_a_treated_level_refracture_is_counted_apart_once_per_patient(cases):
    figures = audit(AuditFilter(), today=TODAY)
    # T1 of the two with a follow-up (T1, T2); reported twice, counted once.
    assert (figures.treated_level_fracture.k, figures.treated_level_fracture.n) == (1, 2)
    # Among the new fractures at other levels only T2's: 1, adjacent, 132 days after the
    # procedure (20 Jan → 1 Jun 2025: 11 days to 31 Jan, then 28 + 31 + 30 + 31 + 1 = 132).
    assert figures.fractures == 1
    assert (figures.adjacent_share.k, figures.adjacent_share.n) == (1, 1)
    assert figures.days_adjacent.value == 132
    # Within a year, seen at 12 months: T1 and T2; a new fracture at another level: T2 only.
    assert (figures.new_fracture_year.k, figures.new_fracture_year.n) == (1, 2)


def test_the_meeting_lists_the_treated_level_refracture(cases):
    listed = {case.patient_ref: case.reasons for case in audit(AuditFilter(), today=TODAY).cases}
    assert listed == {
        "T1": ("Refracture or further collapse at the treated level",),
        "T2": ("New vertebral fracture at another level",),
    }


def test_the_page_shows_the_refracture_row(client, reviewer, cases):
    client.force_login(reviewer)
    page = client.get(reverse("outcomes:dashboard")).content.decode()
    row = page.split(
        "Refracture or further collapse at the treated level by the last follow-up so far", 1
    )[1]
    # 1 of 2, Wilson 95% CI 9.5% to 90.5%.
    assert "50% (1 of 2; 95% CI 9% to 91%)" in row.split("</tr>")[0]
    assert "1 new fracture at another level" in page


def test_the_follow_up_form_offers_the_treated_level(client, alice, cases):
    client.force_login(alice)
    url = reverse("outcomes:follow_up", args=[cases["T3"].pk, "1m"])
    page = client.get(url).content.decode()
    assert "At the treated level (further collapse or refracture)" in page
    assert "A new symptomatic vertebral fracture confirmed on imaging" in page
