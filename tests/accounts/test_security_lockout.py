"""Sign-in lockout: 5 failures for one user name from one address lock it for 15 minutes."""

from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD

WRONG = "not-the-password"
CLINIC_PC = "10.20.30.40"


def _sign_in(client, username, password, address=CLINIC_PC):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _fail_five_times(client, username="alice", address=CLINIC_PC):
    for _ in range(5):
        response = _sign_in(client, username, WRONG, address)
        assert response.status_code != 302


def test_four_failures_still_let_the_right_password_in(client, alice):
    for _ in range(4):
        _sign_in(client, "alice", WRONG)
    response = _sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("assessments:list")


def test_after_five_failures_even_the_right_password_gets_the_lockout_page(client, alice):
    _fail_five_times(client)
    response = _sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Sign-in paused for 15 minutes" in body
    assert "5 failed sign-in attempts" in body
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_for_that_user_name_from_that_address_only(client, alice, bob):
    _fail_five_times(client, "alice")
    assert _sign_in(client, "bob", PASSWORD).status_code == 302
    client.logout()
    assert _sign_in(client, "alice", PASSWORD, address="10.20.30.99").status_code == 302


def test_the_lockout_still_holds_after_14_minutes(client, alice):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        _fail_five_times(client)
    with time_machine.travel(now + timedelta(minutes=14), tick=False):
        assert _sign_in(client, "alice", PASSWORD).status_code == 429


def test_the_lockout_lifts_after_15_minutes(client, alice):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        _fail_five_times(client)
    with time_machine.travel(now + timedelta(minutes=15, seconds=5), tick=False):
        assert _sign_in(client, "alice", PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, alice):
    for _ in range(4):
        _sign_in(client, "alice", WRONG)
    assert _sign_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _sign_in(client, "alice", WRONG)
    assert _sign_in(client, "alice", PASSWORD).status_code == 302
