"""Clinician adherence is measured after "Repeat vertebroplasty indicated" only: "may be
considered" is an option for the spine team, so a procedure after it is neither adherence
nor an override, and not doing it is not non-adherence. Figures worked out by hand."""

from datetime import date

import pytest

from outcomes.audit import AuditFilter, audit
from tests.outcomes.factories import final_assessment, make_procedure

TODAY = date(2026, 11, 25)
NOT_DONE = {
    "performed_on": None,
    "cement_volume_ml": None,
    "leakage": "",
    "cleft_filled": "",
    "complications": "",
    "operator": "",
}
# An immediate failure 17 days after the index procedure, as in `audit_data`.
ASSESSED = {"index_procedure_date": date(2025, 1, 1), "assessment_date": date(2025, 1, 18)}
# Adequate fill, VAS 5: "repeat may be considered" (R11).
CONSIDERED = {"cement_fill": "adequate", "vas_current": 5, **ASSESSED}


@pytest.fixture
def cases(alice):
    indicated = final_assessment(alice, patient_ref="I1", **ASSESSED)
    make_procedure(indicated, performed="no", **NOT_DONE)
    performed = final_assessment(alice, patient_ref="M1", **CONSIDERED)
    make_procedure(performed, performed_on=date(2025, 1, 20))
    not_offered = final_assessment(alice, patient_ref="M2", **CONSIDERED)
    make_procedure(not_offered, performed="not_offered", **NOT_DONE)
    declined = final_assessment(alice, patient_ref="M3", **CONSIDERED)
    make_procedure(declined, performed="declined", **NOT_DONE)
    return {"I1": indicated, "M1": performed, "M2": not_offered, "M3": declined}


def test_the_recommendations_of_the_cases(cases):
    assert cases["I1"].recommendation == "repeat_indicated"
    for name in ("M1", "M2", "M3"):
        assert cases[name].recommendation == "repeat_may_be_considered", name


def test_adherence_counts_indicated_only_and_may_be_considered_apart(cases):
    figures = audit(AuditFilter(), today=TODAY).department
    # "Indicated": I1 alone, not performed: 0 of 1 (the old definition, counting "may be
    # considered" too, gave M1 of I1, M1, M2 less M3 declined: 1 of 3).
    assert (figures.adherence.k, figures.adherence.n) == (0, 1)
    assert (figures.not_offered, figures.not_performed) == (0, 1)  # I1 "no"; M2 not counted
    # "May be considered": M1 performed of M1, M2, M3: 1 of 3 (a declined patient is a
    # decision recorded like any other: no adherence, so nothing is left out).
    assert (figures.considered.k, figures.considered.n) == (1, 3)
    # Refusals after either repeat recommendation: M3 of the 4 decisions.
    assert (figures.refusals.k, figures.refusals.n) == (1, 4)
    # M1 is no override: it followed a repeat recommendation; no other recommendation here.
    assert figures.overrides.n == 0


def test_the_case_list_names_the_indicated_procedure_not_performed_only(cases):
    listed = {case.patient_ref: case.reasons for case in audit(AuditFilter(), today=TODAY).cases}
    assert listed == {
        # I1 was offered, not done, recorded without a reason (as before reasons were asked).
        "I1": ("Not performed after “Repeat vertebroplasty indicated” (offered, not done)",),
        "M3": ("Declined by the patient",),
    }
