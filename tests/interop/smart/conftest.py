"""The test electronic record, started once per test session on loopback, and a helper that
walks a launch through it with Django's test client."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from interop.smart.config import registry
from interop.smart.models import SmartIdentity

from .ehr import PRACTITIONER, LoopbackEhr

PUBLIC_URL = "http://testserver"


@pytest.fixture(scope="session")
def _ehr_server():
    ehr = LoopbackEhr().start()
    yield ehr
    ehr.stop()


@pytest.fixture
def ehr(_ehr_server, settings, tmp_path, db):
    """The test record, reset for each test, registered as a trusted issuer."""
    ehr = _ehr_server
    fresh = LoopbackEhr()
    # Keep the running server and its routes; reset what a test may change.
    ehr.signing_key = fresh.signing_key
    ehr.published_keys = [ehr.signing_key]
    ehr.practitioner = PRACTITIONER
    ehr.claims = {}
    ehr.resources = fresh.resources
    ehr.created.clear()
    ehr.tokens.clear()
    ehr.refresh_tokens.clear()
    ehr.fail_creates = 0
    ehr.fail_kinds = set()
    ehr.requests.clear()
    ehr.client.redirect_uris = [f"{PUBLIC_URL}/smart/callback"]
    ehr.client.auth_method = "client_secret_basic"
    ehr.client.public_key = None
    ehr.assertions.clear()
    settings.VERTEBRO_PUBLIC_URL = PUBLIC_URL
    settings.VERTEBRO_SMART_ISSUERS = ehr.issuers_file(tmp_path / "smart-issuers.json")
    registry._key = None
    return ehr


@pytest.fixture
def alice_linked(alice, ehr):
    """alice's Vertebro account linked to the record's practitioner."""
    SmartIdentity.objects.create(
        issuer=ehr.base, fhir_user=f"{ehr.base}/{PRACTITIONER}", user=alice
    )
    return alice


def authorize(response) -> dict:
    """Follow Vertebro's redirect to the record's authorize endpoint (the record answers at
    once: its user is signed in); the query of the record's redirect back to Vertebro."""
    assert response.status_code == 302, response.content[:500]
    answer = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{PUBLIC_URL}/smart/callback"
    return {name: values[0] for name, values in parse_qs(back.query).items()}


def launch(client, ehr, **params):
    """GET /smart/launch as the record would send the browser."""
    query = {"iss": ehr.base, "launch": ehr.new_launch(), **params}
    return client.get("/smart/launch", query)


def full_launch(client, ehr):
    """A whole launch: the callback's response."""
    answer = authorize(launch(client, ehr))
    return client.get("/smart/callback", answer)
