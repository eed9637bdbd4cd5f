"""Follow-ups at 1, 3 and 12 months: recorded by the clinician, refused with the field named."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from outcomes.models import FollowUp
from outcomes.selectors import follow_ups_due
from tests.outcomes.factories import (
    FOLLOW_UP,
    final_assessment,
    form_data,
    make_follow_up,
    make_procedure,
)


@pytest.fixture
def final(alice):
    return final_assessment(alice)


def url(assessment, interval="1m"):
    return reverse("outcomes:follow_up", args=[assessment.pk, interval])


def test_the_procedure_comes_first(client, alice, final):
    client.force_login(alice)
    response = client.get(url(final))
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:procedure", args=[final.pk])


def test_the_clinician_records_a_follow_up(client, alice, final):
    make_procedure(final)
    client.force_login(alice)
    assert client.post(url(final), form_data(FOLLOW_UP)).status_code == 302
    follow_up = FollowUp.objects.get(assessment=final, interval="1m")
    assert (follow_up.vas, follow_up.recorded_by) == (2, alice)
    assert follow_up.history.get().history_user == alice
    page = client.get(reverse("outcomes:detail", args=[final.pk])).content.decode()
    assert "19 Nov 2026" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"vas": "11"}, "Pain (VAS 0–10): Ensure this value is less than or equal to 10."),
        ({"vas": ""}, "Pain (VAS 0–10): This field is required."),
        ({"seen_on": "2026-10-01"}, "Date of the follow-up: Cannot be before 20 Oct 2026"),
        ({"new_fracture": "adjacent"}, "Date of the new fracture: Required when a new fracture"),
        ({"new_fracture_date": "2026-11-01"}, "Leave empty when there is no new fracture."),
        ({"mobility": "flying"}, "Mobility: Select a valid choice."),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_the_saved_follow_up_is_kept(
    client, alice, final, changes, message
):
    make_procedure(final)
    make_follow_up(final)
    client.force_login(alice)
    response = client.post(url(final), form_data({**FOLLOW_UP, **changes}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert FollowUp.objects.get(assessment=final).vas == FOLLOW_UP["vas"]


def test_an_unknown_interval_is_a_404(client, alice, final):
    client.force_login(alice)
    assert client.get(url(final, "7m")).status_code == 404


def test_bob_and_the_reviewer_cannot_record(client, bob, reviewer, final):
    make_procedure(final)
    client.force_login(bob)
    assert client.post(url(final), form_data(FOLLOW_UP)).status_code == 404
    client.force_login(reviewer)
    assert client.post(url(final), form_data(FOLLOW_UP)).status_code == 403
    assert not FollowUp.objects.exists()


def test_follow_ups_due_lists_overdue_and_upcoming_visits_not_yet_recorded(alice, bob):
    # Procedure on 20 Oct 2026: 1 month due 19 Nov, 3 months 19 Jan 2027, 12 months 20 Oct 2027.
    done = final_assessment(alice, patient_ref="DONE")
    make_procedure(done)
    # Not performed, assessed 18 Oct 2026: visits count from the assessment (1 month: 17 Nov).
    declined = final_assessment(alice, patient_ref="DECLINED")
    make_procedure(
        declined,
        performed="declined",
        performed_on=None,
        cement_volume_ml=None,
        leakage="",
        cleft_filled="",
        complications="",
        operator="",
    )
    recorded = final_assessment(alice, patient_ref="RECORDED")
    make_procedure(recorded)
    make_follow_up(recorded, "1m")
    final_assessment(alice, patient_ref="NO-PROCEDURE")
    make_procedure(final_assessment(bob, patient_ref="BOBS"))

    due = follow_ups_due(user=alice, today=date(2026, 11, 25))
    assert [(d.assessment.patient_ref, d.interval, d.due, d.overdue) for d in due] == [
        ("DECLINED", "1m", date(2026, 11, 17), True),
        ("DONE", "1m", date(2026, 11, 19), True),
    ]
    later = follow_ups_due(user=alice, today=date(2027, 1, 10))
    assert [(d.assessment.patient_ref, d.interval, d.overdue) for d in later] == [
        ("DECLINED", "1m", True),
        ("DONE", "1m", True),
        ("DECLINED", "3m", False),
        ("DONE", "3m", False),
        ("RECORDED", "3m", False),
    ]


def test_follow_ups_due_lists_a_delegate_s_and_no_draft_discarded_or_superseded_one(alice, bob):
    from assessments import services
    from outcomes.models import Delegation

    delegated = final_assessment(alice, patient_ref="DELEGATED")
    make_procedure(delegated)
    Delegation.objects.create(assessment=delegated, delegate=bob, granted_by=alice)
    mine = final_assessment(bob, patient_ref="BOBS")
    make_procedure(mine)
    amended = final_assessment(bob, patient_ref="AMENDED")
    make_procedure(amended)
    services.assessment_amend(assessment=amended, user=bob, reason="level")
    due = follow_ups_due(user=bob, today=date(2026, 11, 25))
    assert sorted({d.assessment.patient_ref for d in due}) == ["AMENDED", "BOBS", "DELEGATED"]
    # The amendment is a draft: the visits stay on the final record until it is finalized.
    assert {d.assessment.status for d in due} == {"final"}
    assert [
        d.assessment.patient_ref for d in follow_ups_due(user=alice, today=date(2026, 11, 25))
    ] == ["DELEGATED"]
    Delegation.objects.all().delete()
    assert "DELEGATED" not in {
        d.assessment.patient_ref for d in follow_ups_due(user=bob, today=date(2026, 11, 25))
    }


def test_my_assessments_shows_the_follow_ups_due(client, alice):
    assessment = final_assessment(alice, patient_ref="DUE-SOON")
    make_procedure(assessment)
    client.force_login(alice)
    with time_machine.travel(date(2026, 11, 25), tick=False):
        page = client.get(reverse("assessments:list")).content.decode()
    assert "Follow-ups due" in page
    assert url(assessment) in page
    assert "overdue" in page


def _without_cleft_answer() -> dict:
    return {name: value for name, value in FOLLOW_UP.items() if name != "cleft_on_imaging"}


def test_the_cleft_on_imaging_is_not_asked_when_no_cleft_was_recorded(client, alice):
    case = final_assessment(alice, cleft_sign="absent", cleft_new_since_index=None)
    make_procedure(case)
    client.force_login(alice)
    form = client.get(url(case)).content.decode()
    assert 'name="cleft_on_imaging"' not in form
    assert client.post(url(case), form_data(_without_cleft_answer())).status_code == 302
    assert FollowUp.objects.get(assessment=case).cleft_on_imaging == ""
    page = client.get(reverse("outcomes:detail", args=[case.pk])).content.decode()
    assert '<td data-label="Cleft">—</td>' in page


def test_the_cleft_on_imaging_is_required_when_a_cleft_was_recorded(client, alice):
    case = final_assessment(alice, cleft_sign="present", cleft_new_since_index=True)
    make_procedure(case)
    client.force_login(alice)
    form = client.get(url(case)).content.decode()
    assert 'name="cleft_on_imaging"' in form
    assert "Asked because a cleft was recorded at the assessment" in form
    refused = client.post(url(case), form_data(_without_cleft_answer()))
    assert refused.status_code == 400
    assert "Cleft on post-procedure imaging" in refused.content.decode()
    assert not FollowUp.objects.filter(assessment=case).exists()
    answered = {**_without_cleft_answer(), "cleft_on_imaging": "gone"}
    assert client.post(url(case), form_data(answered)).status_code == 302
    assert FollowUp.objects.get(assessment=case).cleft_on_imaging == "gone"


def test_a_follow_up_saved_without_a_form_needs_the_cleft_answer_after_a_cleft(alice):
    from django.core.exceptions import ValidationError

    case = final_assessment(alice, cleft_sign="present", cleft_new_since_index=True)
    visit = FollowUp(assessment=case, interval="1m", recorded_by=alice, **_without_cleft_answer())
    with pytest.raises(ValidationError) as refusal:
        visit.full_clean()
    assert "cleft_on_imaging" in refusal.value.message_dict
