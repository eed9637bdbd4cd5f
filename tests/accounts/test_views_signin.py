"""Every page but sign-in needs a signed-in clinician; sign-in and sign-out work."""

import uuid

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.factories import make_assessment

SOME_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")
PAGES = [
    reverse("assessments:list"),
    reverse("assessments:new"),
    reverse("assessments:open", args=[SOME_ID]),
    reverse("assessments:step", args=[SOME_ID, 2]),
    reverse("assessments:review", args=[SOME_ID]),
    reverse("assessments:result", args=[SOME_ID]),
    reverse("assessments:finalize", args=[SOME_ID]),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.django_db
def test_an_anonymous_post_saves_nothing_and_is_sent_to_sign_in(client, alice):
    assessment = make_assessment(alice)
    response = client.post(
        reverse("assessments:step", args=[assessment.pk, 1]), {"patient_ref": "X"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.patient_ref == "MRN-0001"


@pytest.mark.django_db
def test_the_sign_in_page_has_labelled_fields(client):
    page = client.get(reverse("login")).content.decode()
    assert '<label class="form-label" for="id_username">' in page
    assert '<label class="form-label" for="id_password">' in page


@pytest.mark.django_db
def test_a_clinician_signs_in_and_lands_on_my_assessments(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:list")
    assert client.get(reverse("assessments:list")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_a_message(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


@pytest.mark.django_db
def test_sign_out_ends_the_session(client, alice):
    client.force_login(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("assessments:list")).status_code == 302
