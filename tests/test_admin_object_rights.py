"""Object-level rights in the admin: a draft is changed (or deleted) only by its owner, even by
a colleague whose role grants `change_assessment`; reviewers and superusers change nothing."""

import pytest
from django.contrib.auth.models import Group
from django.forms.models import model_to_dict
from django.urls import reverse

from assessments.roles import REVIEWERS
from tests.factories import make_assessment
from vertebro_rules import inputs


def change_url(assessment):
    return reverse("admin:assessments_assessment_change", args=[assessment.pk])


def delete_url(assessment):
    return reverse("admin:assessments_assessment_delete", args=[assessment.pk])


def _reviewing_clinician(user):
    """A clinician who also reviews: staff status, Clinicians and Reviewers groups."""
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=REVIEWERS))
    return user


def _form_data(draft, **changes) -> dict:
    data = {k: v for k, v in model_to_dict(draft).items() if k in inputs.INPUT_FIELD_NAMES}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(contraindications="[]", **changes)
    return {k: v for k, v in data.items() if v is not False}


@pytest.fixture
def colleague_draft(alice):
    return make_assessment(alice, patient_ref="MRN-ALICE", patient_age=70)


def test_a_reviewing_clinician_cannot_change_a_colleagues_draft(client, bob, colleague_draft):
    client.force_login(_reviewing_clinician(bob))
    response = client.post(change_url(colleague_draft), _form_data(colleague_draft, patient_age=30))
    assert response.status_code == 403
    colleague_draft.refresh_from_db()
    assert (colleague_draft.patient_age, colleague_draft.version) == (70, 1)


def test_a_reviewing_clinician_sees_a_colleagues_draft_read_only(client, bob, colleague_draft):
    client.force_login(_reviewing_clinician(bob))
    page = client.get(change_url(colleague_draft))
    assert page.status_code == 200
    assert b'name="patient_age"' not in page.content


def test_a_reviewing_clinician_can_change_their_own_draft(client, bob):
    own = make_assessment(bob, patient_age=70)
    client.force_login(_reviewing_clinician(bob))
    assert b'name="patient_age"' in client.get(change_url(own)).content
    response = client.post(change_url(own), _form_data(own, patient_age=71))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.patient_age == 71


@pytest.mark.parametrize("persona", ["superuser", "reviewer"])
def test_superusers_and_reviewers_change_and_delete_no_ones_draft(
    client, request, persona, colleague_draft
):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(change_url(colleague_draft), _form_data(colleague_draft, patient_age=30))
    assert response.status_code == 403
    assert client.post(delete_url(colleague_draft), {"post": "yes"}).status_code == 403
    colleague_draft.refresh_from_db()
    assert colleague_draft.patient_age == 70


def test_a_superuser_still_manages_users(client, superuser, alice):
    client.force_login(superuser)
    url = reverse("admin:auth_user_change", args=[alice.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("admin:auth_user_password_change", args=[alice.pk]),
        {"password1": "an-other-long-passphrase", "password2": "an-other-long-passphrase"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("an-other-long-passphrase")
