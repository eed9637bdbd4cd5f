"""The clinician records the procedure of a final assessment; bad input is refused, field named."""

from datetime import date

import pytest
from django.urls import reverse

from assessments.models import AccessLogEntry
from outcomes.models import Delegation, Procedure
from tests.factories import make_assessment
from tests.outcomes.factories import PERFORMED, final_assessment, form_data, make_procedure


@pytest.fixture
def final(alice):
    return final_assessment(alice)


def url(assessment):
    return reverse("outcomes:procedure", args=[assessment.pk])


def test_the_clinician_records_a_performed_procedure_and_history_names_her(client, alice, final):
    client.force_login(alice)
    response = client.post(url(final), form_data(PERFORMED))
    assert response.status_code == 302
    procedure = Procedure.objects.get(assessment=final)
    assert procedure.cement_volume_ml == PERFORMED["cement_volume_ml"]
    assert procedure.recorded_by == alice
    assert [(h.history_type, h.history_user) for h in procedure.history.all()] == [("+", alice)]


def test_a_changed_procedure_keeps_its_previous_version_in_history(client, alice, final):
    make_procedure(final)
    client.force_login(alice)
    client.post(url(final), form_data({**PERFORMED, "cement_volume_ml": "7.5"}))
    procedure = Procedure.objects.get(assessment=final)
    assert str(procedure.cement_volume_ml) == "7.5"
    assert [str(h.cement_volume_ml) for h in procedure.history.order_by("history_date")] == [
        "6.5",
        "7.5",
    ]


def test_a_missing_cement_volume_is_refused_naming_the_field(client, alice, final):
    client.force_login(alice)
    response = client.post(url(final), form_data({**PERFORMED, "cement_volume_ml": ""}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cement volume (mL): Required when the procedure was performed." in page
    # What was typed is still in the form, and nothing was saved.
    assert 'value="Dr Operator"' in page
    assert not Procedure.objects.filter(assessment=final).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cement_volume_ml", "25", "Ensure this value is less than or equal to 20.0."),
        ("cement_volume_ml", "abc", "Enter a number."),
        ("performed_on", "2026-10-01", "Cannot be before the assessment (18 Oct 2026)."),
        ("performed_on", "2999-01-01", "Cannot be in the future."),
        ("leakage", "everywhere", "Select a valid choice."),
        ("complications", "major", "Describe the complication in a few words."),
    ],
)
def test_bad_values_are_refused_with_a_400_and_the_saved_record_is_kept(
    client, alice, final, field, value, message
):
    make_procedure(final)
    client.force_login(alice)
    response = client.post(url(final), form_data({**PERFORMED, field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    procedure = Procedure.objects.get(assessment=final)
    assert procedure.cement_volume_ml == PERFORMED["cement_volume_ml"]
    assert procedure.complications == "none"


def test_details_of_a_procedure_not_performed_are_refused(client, alice, final):
    client.force_login(alice)
    response = client.post(url(final), form_data({**PERFORMED, "performed": "declined"}))
    assert response.status_code == 400
    assert "Leave empty: the procedure was not performed." in response.content.decode()
    body = {"performed": "declined"}
    assert client.post(url(final), body).status_code == 302
    assert Procedure.objects.get(assessment=final).performed == "declined"


def test_a_draft_has_no_outcomes_page(client, alice):
    draft = make_assessment(alice)
    client.force_login(alice)
    assert client.get(url(draft)).status_code == 404
    assert client.get(reverse("outcomes:detail", args=[draft.pk])).status_code == 404


def test_a_colleague_without_delegation_gets_404_and_changes_nothing(client, bob, final):
    client.force_login(bob)
    assert client.get(reverse("outcomes:detail", args=[final.pk])).status_code == 404
    assert client.post(url(final), form_data(PERFORMED)).status_code == 404
    assert not Procedure.objects.exists()


def test_a_delegated_colleague_records_and_history_names_him(client, alice, bob, final):
    client.force_login(alice)
    response = client.post(reverse("outcomes:delegation_add", args=[final.pk]), {"username": "bob"})
    assert response.status_code == 302
    assert Delegation.objects.filter(assessment=final, delegate=bob).exists()
    client.force_login(bob)
    assert client.post(url(final), form_data(PERFORMED)).status_code == 302
    assert Procedure.objects.get(assessment=final).history.get().history_user == bob
    # A delegate does not delegate further.
    response = client.post(
        reverse("outcomes:delegation_add", args=[final.pk]), {"username": "alice"}
    )
    assert response.status_code == 404


def test_the_clinician_removes_a_delegation(client, alice, bob, final):
    Delegation.objects.create(assessment=final, delegate=bob, granted_by=alice)
    client.force_login(alice)
    remove = reverse("outcomes:delegation_remove", args=[final.pk, bob.pk])
    assert client.post(remove).status_code == 302
    client.force_login(bob)
    assert client.get(url(final)).status_code == 404


def test_delegating_to_someone_who_is_not_a_clinician_is_refused(client, alice, reviewer, final):
    client.force_login(alice)
    add = reverse("outcomes:delegation_add", args=[final.pk])
    response = client.post(add, {"username": "reviewer"})
    assert response.status_code == 400
    assert "No active clinician has this user name." in response.content.decode()
    assert not Delegation.objects.exists()


def test_a_reviewer_reads_but_cannot_write(client, reviewer, final):
    make_procedure(final)
    client.force_login(reviewer)
    page = client.get(reverse("outcomes:detail", args=[final.pk]))
    assert page.status_code == 200
    assert "Dr Operator" in page.content.decode()
    assert "Change the procedure" not in page.content.decode()
    assert client.get(url(final)).status_code == 403
    assert client.post(url(final), form_data({**PERFORMED, "operator": "X"})).status_code == 403
    assert Procedure.objects.get(assessment=final).operator == "Dr Operator"


def test_reading_the_outcomes_is_in_the_access_log(client, reviewer, final):
    client.force_login(reviewer)
    client.get(reverse("outcomes:detail", args=[final.pk]))
    entry = AccessLogEntry.objects.get(assessment=final)
    assert (entry.user, entry.kind) == (reviewer, "outcomes")


def test_a_procedure_before_the_assessment_names_its_date_in_words(client, alice):
    final = final_assessment(alice, assessment_date=date(2026, 10, 5))
    client.force_login(alice)
    response = client.post(url(final), form_data({**PERFORMED, "performed_on": "2026-10-04"}))
    assert response.status_code == 400
    assert "Cannot be before the assessment (5 Oct 2026)." in response.content.decode()
