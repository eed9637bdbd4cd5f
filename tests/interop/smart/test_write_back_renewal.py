"""A write-back whose access token has expired is sent with a token renewed from the launch's
refresh token (SMART online_access, or offline_access when the record allows it); when the
record refuses the renewal, it waits for the next launch, as before."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from interop.smart.config import IssuerConfigError, registry
from interop.smart.models import EhrWriteBack, SmartLaunch
from tests.factories import make_assessment

from .conftest import full_launch, launch
from .test_write_back import created, finalize


def _scope(client, ehr) -> set[str]:
    query = parse_qs(urlsplit(launch(client, ehr)["Location"]).query)
    return set(query["scope"][0].split())


def test_the_launch_asks_for_a_refresh_token_for_the_write_back(client, ehr, settings, tmp_path):
    assert "online_access" in _scope(client, ehr)
    assert "offline_access" not in _scope(client, ehr)
    settings.VERTEBRO_SMART_ISSUERS = ehr.issuers_file(
        tmp_path / "offline.json", refresh="offline_access"
    )
    registry._key = None
    assert {"offline_access"} <= _scope(client, ehr) - {"online_access"}
    settings.VERTEBRO_SMART_ISSUERS = ehr.issuers_file(tmp_path / "none.json", refresh="none")
    registry._key = None
    assert not {"online_access", "offline_access"} & _scope(client, ehr)
    settings.VERTEBRO_SMART_ISSUERS = ehr.issuers_file(tmp_path / "no-write.json", write_back=False)
    registry._key = None
    assert not {"online_access", "offline_access"} & _scope(client, ehr)


def test_an_unknown_refresh_setting_is_refused_by_name(ehr, settings, tmp_path):
    settings.VERTEBRO_SMART_ISSUERS = ehr.issuers_file(tmp_path / "bad.json", refresh="always")
    registry._key = None
    with pytest.raises(IssuerConfigError, match="refresh must be one of online_access"):
        registry.get(ehr.base)


@pytest.fixture
def expired(client, ehr, alice_linked):
    """A launch whose access token has expired, at the record too, on a draft of alice's."""
    full_launch(client, ehr)
    launched = SmartLaunch.objects.get()
    assert launched.refresh_token in ehr.refresh_tokens
    launched.assessment = make_assessment(alice_linked)
    launched.token_expires_at = timezone.now() - timedelta(minutes=1)
    launched.save()
    del ehr.tokens[launched.access_token]
    return launched


def test_an_expired_token_is_renewed_and_the_write_back_sent(
    expired, ehr, alice_linked, django_capture_on_commit_callbacks
):
    old_access, old_refresh = expired.access_token, expired.refresh_token
    row = finalize(expired.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert row.status == EhrWriteBack.Status.SENT, row.last_error
    assert len(created(ehr, "DocumentReference")) == 1
    expired.refresh_from_db()
    assert expired.access_token != old_access and expired.access_token in ehr.tokens
    # The record rotated the refresh token: the new one is kept, the old one is spent.
    assert expired.refresh_token != old_refresh and expired.refresh_token in ehr.refresh_tokens
    assert old_refresh not in ehr.refresh_tokens
    assert expired.token_expires_at > timezone.now()


def test_a_refused_renewal_waits_for_the_next_launch(
    expired, ehr, alice_linked, client, django_capture_on_commit_callbacks
):
    ehr.refresh_tokens.clear()  # the clinician signed out of the record: online_access ended
    row = finalize(expired.assessment, alice_linked, django_capture_on_commit_callbacks)
    assert row.status == EhrWriteBack.Status.PENDING
    assert row.last_error.startswith("The record's access token has expired")
    assert ehr.created == []
    client.logout()
    full_launch(client, ehr)
    row.refresh_from_db()
    assert row.status == EhrWriteBack.Status.SENT
    assert len(created(ehr, "DocumentReference")) == 1
