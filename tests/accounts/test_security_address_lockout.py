"""Password spraying: many failures from one address across user names lock that address
(for every user name) for the cool-off, and the lockout is in the security log."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.accounts.test_security_log import security_events  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

WRONG = "not-the-password"
ATTACKER = "10.66.6.6"
OTHER_PC = "10.20.30.99"


def _sign_in(client, username, password, address=ATTACKER):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _spray(client, usernames, per_user):
    for username in usernames:
        for _ in range(per_user):
            _sign_in(client, username, WRONG)


def test_four_wrong_passwords_each_for_three_users_lock_the_address(
    client,
    alice,
    bob,
    security_events,  # noqa: F811
):
    assert settings.VERTEBRO_LOCKOUT_ADDRESS_FAILURES <= 12
    _spray(client, ["alice", "bob", "carol"], per_user=4)
    # No user name reached its own limit (5), yet none signs in from that address.
    assert _sign_in(client, "alice", PASSWORD).status_code == 429
    assert _sign_in(client, "bob", PASSWORD).status_code == 429
    lines = [e for e in security_events() if e["event"] == "address_lockout"]
    assert lines
    assert {line["ip"] for line in lines} == {ATTACKER}


def test_the_address_lockout_leaves_other_addresses_alone(client, alice, bob):
    _spray(client, ["alice", "bob", "carol"], per_user=4)
    assert _sign_in(client, "alice", PASSWORD, address=OTHER_PC).status_code == 302


def test_fewer_failures_than_the_address_limit_lock_nothing(client, alice, bob):
    limit = settings.VERTEBRO_LOCKOUT_ADDRESS_FAILURES
    names = [f"user{i}" for i in range(limit - 1)]
    _spray(client, names, per_user=1)
    assert _sign_in(client, "alice", PASSWORD).status_code == 302


def test_the_address_lockout_lifts_after_the_cool_off(client, alice, bob):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        _spray(client, ["alice", "bob", "carol"], per_user=4)
        assert _sign_in(client, "alice", PASSWORD).status_code == 429
    later = now + settings.AXES_COOLOFF_TIME + timedelta(seconds=5)
    with time_machine.travel(later, tick=False):
        assert _sign_in(client, "alice", PASSWORD).status_code == 302
