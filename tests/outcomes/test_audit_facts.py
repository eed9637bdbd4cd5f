"""The audit's facts (one narrow row per decision, `outcomes.facts`) are kept right on every
kind of write, and `rebuild_audit_facts` finds and mends a write that bypassed the models."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from assessments.models import Assessment
from assessments.services import assessment_amend, assessment_finalize
from outcomes import facts
from outcomes.audit import AuditFilter, audit
from outcomes.models import AuditFact, FollowUp, Procedure
from tests.outcomes.department import NOW, RECURRENCE, TODAY, build
from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(alice, bob, carol):
    with time_machine.travel(NOW, tick=False):
        return build(alice, bob, carol)


def _check(expected_rows: int | None = None) -> None:
    """The facts held are those a rebuild from the records would write."""
    assert facts.drift() == 0
    assert AuditFact.objects.count() == Procedure.objects.count()
    if expected_rows is not None:
        assert AuditFact.objects.count() == expected_rows


def test_the_known_department_written_through_the_models_has_its_facts(department):
    # Finalized assessments, procedures of every decision, visits, a fracture reported twice,
    # an amendment that took its procedure and visit along, a discarded and a draft record.
    _check()
    d2 = department["D2"]
    fact = AuditFact.objects.get(assessment=d2)
    assert (fact.status, fact.performed, fact.seen_1, fact.vas_1) == ("final", "yes", True, 3.0)


def test_each_kind_of_write_keeps_the_facts(department, carol):
    d1 = department["D1"]
    with time_machine.travel(NOW, tick=False):
        # A visit changed, a visit deleted, a visit added: the 1-month VAS is the relief.
        visit = FollowUp.objects.get(assessment=d1, interval="1m")
        visit.vas = 8
        visit.save()
        _check()
        assert not AuditFact.objects.get(assessment=d1).relieved
        FollowUp.objects.get(assessment=d1, interval="12m").delete()
        _check()
        assert not AuditFact.objects.get(assessment=d1).seen_12
        # A procedure changed: its decision and its date, which the visits count from.
        procedure = Procedure.objects.get(assessment=d1)
        procedure.performed_on = date(2024, 7, 1)
        procedure.save()
        _check()
        # A new assessment, its procedure and its visit.
        case = final_assessment(carol, patient_ref="MRN-NEW", **RECURRENCE)
        make_procedure(case, performed_on=date(2024, 6, 22))
        make_follow_up(case, "1m", seen_on=date(2024, 7, 22), vas=1)
        _check()
        # An amendment finalized: the original superseded, its outcomes moved along.
        draft = assessment_amend(assessment=case, user=carol, reason="Level corrected")
        draft.treated_level = "L4"
        draft.save()
        amendment = assessment_finalize(assessment=draft, user=carol)
        _check()
    fact = AuditFact.objects.get(procedure__assessment=amendment)
    assert (fact.assessment_id, fact.treated_level, fact.status) == (amendment.pk, "L4", "final")
    assert fact.seen_1 and fact.vas_1 == 1.0
    assert not AuditFact.objects.filter(assessment=case).exists()


def test_a_write_that_bypasses_the_models_is_found_and_mended(department):
    d1 = department["D1"]
    before = audit(AuditFilter(), today=TODAY)
    FollowUp.objects.filter(assessment=d1, interval="1m").update(vas=9)
    Assessment.objects.filter(pk=department["D3"].pk).update(treated_level="T4")
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("rebuild_audit_facts", "--check", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert "2 audit fact rows differ from the records" in err.getvalue()
    # Until the facts are rebuilt, the audit still reads the old visit.
    assert audit(AuditFilter(), today=TODAY).vas_1_month == before.vas_1_month
    call_command("rebuild_audit_facts", stdout=out)
    assert "2 audit fact rows added, changed or removed" in out.getvalue()
    _check()
    assert audit(AuditFilter(), today=TODAY).vas_1_month != before.vas_1_month
    out = StringIO()
    call_command("rebuild_audit_facts", "--check", stdout=out)
    assert "audit fact rows match the records" in out.getvalue()


def test_the_facts_are_computed_as_the_audit_defines_them(alice):
    with time_machine.travel(NOW, tick=False):
        # A cleft, VAS 8, assessed on 20 Jun 2024.
        case = final_assessment(alice, patient_ref="MRN-FACTS", **{**RECURRENCE, "vas_current": 7})
        make_procedure(case, performed_on=date(2024, 6, 25))
        make_follow_up(case, "1m", seen_on=date(2024, 7, 25), vas=5, cleft_on_imaging="persists")
        make_follow_up(case, "3m", seen_on=date(2024, 9, 25), vas=4, cleft_on_imaging="gone")
        make_follow_up(
            case,
            "12m",
            seen_on=date(2025, 6, 25),
            vas=4,
            new_fracture="treated",
            new_fracture_date=date(2025, 5, 1),
        )
    fact = AuditFact.objects.get(assessment=case)
    assert fact.period == 20242  # June: the second quarter
    assert fact.base_date == date(2024, 6, 25)  # the procedure's day
    assert fact.relieved  # 5 is 2 points below 7
    assert fact.cleft and fact.cleft_gone and not fact.cleft_persists  # gone at 3 months
    assert fact.refractured and not fact.fractured and not fact.fracture_in_year
