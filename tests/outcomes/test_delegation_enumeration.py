"""The delegation form tells whether a user name is an active clinician's: tries that find none
are counted per user and hour, logged, and past ten the form stops looking names up."""

import io
import json
import logging

import pytest
from django.urls import reverse

from accounts import security_log
from outcomes.models import Delegation
from tests.outcomes.factories import final_assessment

pytestmark = pytest.mark.django_db


def test_unknown_names_are_counted_logged_and_limited(client, alice, bob):
    final = final_assessment(alice)
    client.force_login(alice)
    url = reverse("outcomes:delegation_add", args=[final.pk])
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(security_log.JsonFormatter())
    logging.getLogger(security_log.LOGGER_NAME).addHandler(handler)
    try:
        answers = [client.post(url, {"username": f"guess-{n}"}) for n in range(10)]
        assert {answer.status_code for answer in answers} == {400}
        assert all("No active clinician has this user name." in a.content.decode() for a in answers)
        # The eleventh try, even with a real clinician's name, is not looked up.
        refused = client.post(url, {"username": "bob"})
    finally:
        logging.getLogger(security_log.LOGGER_NAME).removeHandler(handler)
    assert refused.status_code == 400
    assert "Too many user names tried" in refused.content.decode()
    assert not Delegation.objects.exists()
    events = [json.loads(line) for line in stream.getvalue().splitlines()]
    misses = [event for event in events if event["event"] == "delegation_unknown_user"]
    assert len(misses) == 10
    assert misses[-1]["detail"] == "10 this hour" and misses[-1]["user_id"] == alice.pk


def test_a_known_clinician_is_delegated_without_counting(client, alice, bob):
    final = final_assessment(alice)
    client.force_login(alice)
    url = reverse("outcomes:delegation_add", args=[final.pk])
    for _ in range(12):
        assert client.post(url, {"username": "bob"}).status_code == 302
    assert Delegation.objects.get().delegate == bob
