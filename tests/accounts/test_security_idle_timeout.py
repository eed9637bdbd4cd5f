"""Sessions end after 15 idle minutes and at browser close; the draft survives intact."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from tests.conftest import PASSWORD
from tests.factories import make_assessment

PARTIAL_DRAFT = {  # steps 1 and 2 answered, imaging and examination still to do
    "mri_performed": None,
    "cement_fill": None,
    "active_fracture_location": None,
    "cleft_sign": None,
    "marrow_edema": None,
    "prior_cement_leakage": None,
    "point_tenderness": None,
    "neuro_exam": None,
}


def _sign_in(client):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_fourteen_idle_minutes_keep_the_clinician_signed_in(client, alice):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client)
        assert client.get(reverse("assessments:list")).status_code == 200
        clock.shift(timedelta(minutes=14))
        assert client.get(reverse("assessments:list")).status_code == 200


def test_activity_keeps_the_session_alive_beyond_fifteen_minutes(client, alice):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client)
        for _ in range(4):
            clock.shift(timedelta(minutes=10))
            assert client.get(reverse("assessments:list")).status_code == 200


def test_sixteen_idle_minutes_sign_the_clinician_out_and_the_draft_survives(client, alice):
    draft = make_assessment(alice, **PARTIAL_DRAFT)
    saved = Assessment.objects.filter(pk=draft.pk).values().get()
    step_3 = reverse("assessments:step", args=[draft.pk, 3])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client)
        assert client.get(step_3).status_code == 200
        clock.shift(timedelta(minutes=16))

        response = client.get(step_3, follow=True)
        assert response.redirect_chain[0][0] == f"{reverse('login')}?next={step_3}"
        assert "signed out after 15 minutes without activity" in response.content.decode()
        assert "_auth_user_id" not in client.session

        _sign_in(client)
        resumed = client.get(reverse("assessments:open", args=[draft.pk]))
        assert resumed.headers["Location"] == step_3
        assert client.get(step_3).status_code == 200
    assert Assessment.objects.filter(pk=draft.pk).values().get() == saved


def test_a_step_posted_after_the_idle_limit_is_not_saved_and_loses_nothing(client, alice):
    draft = make_assessment(alice, **PARTIAL_DRAFT)
    saved = Assessment.objects.filter(pk=draft.pk).values().get()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client)
        clock.shift(timedelta(minutes=20))
        response = client.post(
            reverse("assessments:step", args=[draft.pk, 3]),
            {"mri_performed": "False", "cement_fill": "adequate", "version": draft.version},
        )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))
    assert Assessment.objects.filter(pk=draft.pk).values().get() == saved


def test_the_session_cookie_ends_with_the_browser(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"]
    assert not cookie["expires"]
    assert cookie["httponly"]
