"""Audit history: every create, change and finalization keeps the previous row, who and when."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import assessment_amend, assessment_finalize
from tests.factories import ANSWERED_NO, make_assessment, valid_inputs
from vertebro_rules import inputs


def step_data(step: int, assessment=None, **overrides) -> dict:
    values = valid_inputs(**overrides)
    data = {}
    for name in inputs.fields_of_step(step):
        value = values[name]
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    if assessment is not None:
        data["version"] = assessment.version
    return data


def history_types(assessment) -> list[tuple[str, str | None, str]]:
    """(type, username, status) of each history row, oldest first."""
    return [
        (row.history_type, row.history_user.username if row.history_user else None, row.status)
        for row in assessment.history.order_by("history_date", "history_id")
    ]


def test_creating_changing_and_finalizing_on_the_web_each_keep_a_row_with_the_clinician(
    client, alice
):
    client.force_login(alice)
    response = client.post(reverse("assessments:new"), step_data(1))
    assert response.status_code == 302
    assessment = Assessment.objects.get(owner=alice)
    # Steps 2-4 answered behind the scenes; step 1 is then corrected on the web.
    later_steps = {
        name: value
        for name, value in {**ANSWERED_NO, **valid_inputs()}.items()
        if name not in step_data(1)
    }
    Assessment.objects.filter(pk=assessment.pk).update(**later_steps)
    assessment.refresh_from_db()
    url = reverse("assessments:step", args=[assessment.pk, 1])
    changed = step_data(1, assessment, patient_age=71)
    assert client.post(url, changed).status_code == 302
    assert client.post(reverse("assessments:finalize", args=[assessment.pk])).status_code == 302

    assert history_types(assessment) == [
        ("+", "alice", "draft"),
        ("~", "alice", "draft"),
        ("~", "alice", "final"),
    ]
    ages = [row.patient_age for row in assessment.history.order_by("history_date", "history_id")]
    assert 70 in ages and ages[-1] == 71  # the value before the change is kept


def test_the_history_row_of_a_finalization_names_the_finalizing_user_outside_a_request(alice):
    assessment = make_assessment(alice)
    assessment_finalize(assessment=assessment, user=alice)
    latest = assessment.history.latest()
    assert latest.history_user == alice
    assert latest.status == "final"
    assert latest.guidance["recommendation"] == "repeat_indicated"
    assert latest.prev_record.status == "draft"


def test_superseding_keeps_a_history_row_of_the_original(alice):
    original = assessment_finalize(assessment=make_assessment(alice), user=alice)
    amendment = assessment_amend(assessment=original, user=alice)
    assessment_finalize(assessment=amendment, user=alice)
    latest = original.history.latest()
    assert (latest.status, latest.history_user) == ("superseded", alice)
    assert latest.prev_record.status == "final"


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def test_the_admin_history_shows_what_changed_field_by_field(reviewer_client, alice):
    assessment = make_assessment(alice, vas_current=8)
    assessment.vas_current = 6
    assessment.save()
    assessment_finalize(assessment=assessment, user=alice)
    url = reverse("admin:assessments_assessment_history", args=[assessment.pk])
    response = reviewer_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Current VAS:</strong>" in page  # the field changed, by its label
    changes = [
        (change["field"], change["old"], change["new"])
        for record in response.context["page_obj"]
        for change in getattr(record, "history_delta_changes", [])
        if change["field"] == "Current VAS"
    ]
    assert changes == [("Current VAS", "8", "6")]


def test_an_old_version_can_be_seen_but_not_restored(superuser, client, alice):
    assessment = make_assessment(alice, patient_ref="MRN-FIRST")
    first = assessment.history.earliest()
    assessment_finalize(assessment=assessment, user=alice)
    client.force_login(superuser)
    url = reverse(
        "admin:assessments_assessment_simple_history", args=[assessment.pk, first.history_id]
    )
    assert client.get(url).status_code == 200
    assert client.post(url, {"patient_ref": "MRN-FIRST"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.FINAL
