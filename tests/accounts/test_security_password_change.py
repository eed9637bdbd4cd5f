"""Password change: guesses of the old password count like failed sign-ins (lockout after
five), every attempt is in the security log, and there is no password reset by e-mail."""

import pytest
from django.urls import NoReverseMatch, reverse

from tests.accounts.test_security_log import security_events  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

WRONG = "not-the-password"
NEW_PASSWORD = "a-new-long-passphrase-2026"
CLINIC_PC = "10.20.30.40"


def _change(client, old, new=NEW_PASSWORD):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
        REMOTE_ADDR=CLINIC_PC,
    )


def test_the_right_old_password_changes_it_and_is_logged(client, alice, security_events):  # noqa: F811
    client.force_login(alice)
    response = _change(client, PASSWORD)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    (line,) = [e for e in security_events() if e["event"] == "password_changed"]
    assert line["user_id"] == alice.pk
    assert line["ip"] == CLINIC_PC


def test_a_wrong_old_password_is_logged(client, alice, security_events):  # noqa: F811
    client.force_login(alice)
    assert _change(client, WRONG).status_code == 200
    (line,) = [e for e in security_events() if e["event"] == "password_change_failed"]
    assert line["user_id"] == alice.pk
    assert line["ip"] == CLINIC_PC


def test_five_wrong_old_passwords_sign_the_user_out_and_lock_the_sign_in(
    client,
    alice,
    security_events,  # noqa: F811
):
    client.force_login(alice)
    for _ in range(4):
        assert _change(client, WRONG).status_code == 200
    response = _change(client, WRONG)
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Even the right password neither changes it nor signs in, from that address.
    client.force_login(alice)
    assert _change(client, PASSWORD).status_code == 429
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    client.logout()
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=CLINIC_PC
    )
    assert response.status_code == 429
    events = [e["event"] for e in security_events()]
    assert events.count("password_change_failed") == 5
    assert "lockout" in events
    assert "password_change_locked" in events


def test_twelve_guesses_never_get_twelve_tries(client, alice):
    client.force_login(alice)
    statuses = [_change(client, WRONG).status_code for _ in range(12)]
    assert statuses.count(200) == 4


def test_the_admin_password_change_is_the_same_limited_page(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/admin/password_change/")
    assert response.status_code in (301, 302)
    assert response["Location"] == reverse("password_change")


@pytest.mark.parametrize(
    "name", ["password_reset", "password_reset_done", "password_reset_complete"]
)
def test_there_is_no_password_reset_by_email(name):
    with pytest.raises(NoReverseMatch):
        reverse(name)


@pytest.mark.parametrize(
    "url",
    ["/accounts/password_reset/", "/accounts/reset/MQ/set-password/", "/accounts/reset/done/"],
)
def test_the_password_reset_pages_are_gone(client, db, url):
    assert client.get(url).status_code == 404
