"""The procedure and follow-ups belong to the patient's episode: when an assessment is
amended, they follow to the amendment, so the audit, Follow-ups due and the outcomes page
keep them."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from assessments.services import assessment_amend, assessment_finalize
from outcomes.audit import AuditFilter, audit
from outcomes.models import Delegation, FollowUp, Procedure
from outcomes.selectors import follow_ups_due
from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure

TODAY = date(2026, 11, 25)
ASSESSED = {"index_procedure_date": date(2026, 6, 1), "assessment_date": date(2026, 6, 20)}


@pytest.fixture
def amended(alice, bob):
    with time_machine.travel("2026-11-25 10:00Z", tick=False):
        original = final_assessment(alice, patient_ref="MRN-EPISODE", **ASSESSED)
        make_procedure(original, performed_on=date(2026, 6, 22))
        make_follow_up(original, "1m", seen_on=date(2026, 7, 22), vas=2)
        Delegation.objects.create(assessment=original, delegate=bob, granted_by=alice)
        draft = assessment_amend(assessment=original, user=alice, reason="Level corrected")
        amendment = assessment_finalize(assessment=draft, user=alice)
    original.refresh_from_db()
    return original, amendment


def test_the_procedure_and_follow_ups_move_to_the_amendment(amended, alice):
    original, amendment = amended
    assert original.status == "superseded"
    assert Procedure.objects.get().assessment_id == amendment.pk
    assert FollowUp.objects.get().assessment_id == amendment.pk
    assert not Procedure.objects.filter(assessment=original).exists()
    moved = Procedure.objects.get().history.first()
    assert moved.history_user == alice
    assert moved.history_change_reason == "Moved to the amendment of the assessment"
    assert Delegation.objects.filter(assessment=amendment).count() == 1


def test_the_audit_counts_them_through_the_amendment(amended):
    result = audit(AuditFilter())
    assert result.assessments == 1
    assert result.performed == 1
    assert (result.adherence.k, result.adherence.n) == (1, 1)
    assert result.vas_1_month.n == 1


def test_its_overdue_visits_stay_in_follow_ups_due(amended, alice):
    _, amendment = amended
    due = follow_ups_due(user=alice, today=TODAY)
    # The 3-month visit was due on 20 Sep 2026 (90 days after the procedure of 22 Jun).
    assert [(item.assessment.pk, item.interval, item.overdue) for item in due] == [
        (amendment.pk, "3m", True)
    ]


def test_the_amendment_s_outcomes_page_shows_them(amended, client, alice):
    _, amendment = amended
    client.force_login(alice)
    page = client.get(reverse("outcomes:detail", args=[amendment.pk])).content.decode()
    assert "22 Jul 2026" in page


def test_a_discarded_draft_is_not_counted_as_a_final_assessment(alice):
    from assessments.services import assessment_discard
    from tests.factories import make_assessment

    final_assessment(alice, patient_ref="MRN-FINAL")
    assessment_discard(assessment=make_assessment(alice, patient_ref="MRN-GONE"), user=alice)
    result = audit(AuditFilter())
    assert result.assessments == 1
    assert [row.total for row in result.rules] == [1]
    assert all(row.recommendation for row in result.rules)
