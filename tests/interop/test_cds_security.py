"""Only allowlisted clients with a fresh, single-use, correctly addressed JWT are served."""

import time

import jwt
import pytest

from interop.models import SeenToken

from .conftest import SERVICE_URL, call, hook_request, keys, token

pytestmark = pytest.mark.django_db


def refused(response, reason: str) -> None:
    assert response.status_code == 401, response.content
    assert reason in response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("alg", ["ES384", "RS384"])
def test_a_signed_call_from_an_allowlisted_client_is_served(client, cds_settings, alg):
    assert call(client, hook_request(), auth=token(alg)).status_code == 200


def test_no_token(client, cds_settings):
    refused(call(client, hook_request(), auth=False), "Missing bearer token")


def test_not_a_jwt(client, cds_settings):
    refused(call(client, hook_request(), auth="not.a.jwt"), "not a well-formed JWT")


@pytest.mark.parametrize("alg", ["HS256", "HS384"])
def test_shared_secret_algorithms_are_refused(client, cds_settings, alg):
    forged = jwt.encode(
        {"iss": "https://ehr.example.org", "aud": SERVICE_URL}, "secret" * 8, algorithm=alg
    )
    refused(call(client, hook_request(), auth=forged), "refused; use ES384 or RS384")


def test_alg_none_is_refused(client, cds_settings):
    unsigned = jwt.encode(
        {"iss": "https://ehr.example.org", "aud": SERVICE_URL}, None, algorithm="none"
    )
    refused(call(client, hook_request(), auth=unsigned), "refused")


def test_es256_is_refused(client, cds_settings):
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1())
    refused(call(client, hook_request(), auth=token("ES256", key=other, kid="ec-1")), "refused")


def test_expired(client, cds_settings):
    now = int(time.time())
    refused(call(client, hook_request(), auth=token(iat=now - 600, exp=now - 300)), "expired")


def test_a_token_living_longer_than_five_minutes(client, cds_settings):
    refused(call(client, hook_request(), auth=token(exp=int(time.time()) + 3600)), "too long")


def test_wrong_audience(client, cds_settings):
    wrong = token(aud="https://elsewhere.example.org/cds-services/vertebro-repeat-vertebroplasty")
    refused(call(client, hook_request(), auth=wrong), "audience")


def test_the_audience_is_the_url_of_the_service_called(client, cds_settings):
    # A token for the order-select id does not open the order-sign id.
    response = call(
        client, hook_request(), auth=token(), service="vertebro-repeat-vertebroplasty-sign"
    )
    refused(response, "audience")
    ok = token(aud=f"{SERVICE_URL}-sign")
    assert (
        call(
            client, hook_request(), auth=ok, service="vertebro-repeat-vertebroplasty-sign"
        ).status_code
        == 200
    )


def test_unknown_issuer(client, cds_settings):
    refused(
        call(client, hook_request(), auth=token(iss="https://rogue.example.org")),
        "not a trusted client",
    )


def test_signed_by_a_key_not_in_the_clients_set(client, cds_settings):
    refused(
        call(client, hook_request(), auth=token(key=keys()["stranger"], kid="ec-1")), "signature"
    )


def test_unknown_key_id(client, cds_settings):
    refused(call(client, hook_request(), auth=token(key=keys()["ec"], kid="ec-9")), "kid")


@pytest.mark.parametrize("claim", ["exp", "iat", "jti", "aud"])
def test_required_claims(client, cds_settings, claim):
    refused(call(client, hook_request(), auth=token(drop=[claim])), claim)


def test_a_token_with_only_the_claims_of_cds_hooks_is_served(client, cds_settings):
    # CDS Hooks 2.0.1 defines iss, aud, exp, iat, jti (and an optional tenant): no `sub`.
    only = token()
    assert set(jwt.decode(only, options={"verify_signature": False})) == {
        "iss",
        "aud",
        "exp",
        "iat",
        "jti",
    }
    assert call(client, hook_request(), auth=only).status_code == 200
    # A `sub` or a `tenant` sent anyway does no harm.
    extra = token(sub="ehr-client", tenant="hospital-a")
    assert call(client, hook_request(), auth=extra).status_code == 200


def test_an_audience_array_that_names_the_endpoint_is_served(client, cds_settings):
    both = token(aud=["https://other.example.org/cds-services/x", SERVICE_URL])
    assert call(client, hook_request(), auth=both).status_code == 200


def test_an_audience_array_without_the_endpoint_is_refused(client, cds_settings):
    refused(call(client, hook_request(), auth=token(aud=[f"{SERVICE_URL}-sign", "x"])), "audience")


def test_a_replayed_jti_is_refused(client, cds_settings):
    once = token()
    assert call(client, hook_request(), auth=once).status_code == 200
    refused(call(client, hook_request(), auth=once), "replay")
    # The seen id lives in the database (shared by every app instance), not in a process.
    assert SeenToken.objects.count() == 1


def test_the_allowlist_file_is_read_again_when_it_changes(client, cds_settings, tmp_path):
    path = tmp_path / "cds-clients.json"
    path.write_text("{}")
    import os

    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    refused(call(client, hook_request()), "not a trusted client")
