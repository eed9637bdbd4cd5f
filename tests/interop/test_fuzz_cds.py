"""Hypothesis against the CDS Hooks endpoint: made-up headers, token headers and claims
(signed with an allowlisted key, so that they reach every check), bodies and service ids,
with NUL characters, lone surrogates, deep nesting, huge and non-finite numbers. Whatever
comes in, the answer is a 2xx or a JSON 4xx: never a 5xx, on either database."""

import base64
import json
import os
import time
import uuid

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from jwt.algorithms import get_default_algorithms

from .conftest import SERVICE_URL, hook_request, keys, patient, procedure

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("VERTEBRO_FUZZ_EXAMPLES", "1000")) // 5
FUZZ = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ENDPOINT = "/cds-services/vertebro-repeat-vertebroplasty"

NASTY_TEXT = st.sampled_from(
    ["", "\x00", "\ud800", "a\udfffb", "\u202e", "💥", "x" * 5000, "Patient/p-1", "p-1", "L1"]
)
TEXT = st.text(max_size=40) | NASTY_TEXT
NUMBERS = (
    st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0, -1, 1e300, -1e300, 2**63, 10**19])
)
JSON_JUNK = st.recursive(
    st.none() | st.booleans() | NUMBERS | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
HEADER_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=255), max_size=200)


def _check(response, *, json_refusal=True) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if response.status_code >= 400 and json_refusal:
        assert response["Content-Type"].startswith(("application/json", "application/fhir+json"))
        response.json()


@pytest.fixture
def fuzz_settings(cds_settings):
    # The per-address limit would soon answer 429 to everything, hiding the checks behind it.
    cds_settings.VERTEBRO_CDS_UNAUTHENTICATED_PER_MINUTE = 10**9
    return cds_settings


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signed(claims, *, alg="ES384", header_extra=None) -> str:
    """A token signed with an allowlisted key, whatever its header and claims hold (PyJWT's
    own encoder refuses some of them, which a forger would not)."""
    header = {"alg": alg, "typ": "JWT", "kid": "rsa-1" if alg == "RS384" else "ec-1"}
    header.update(header_extra or {})
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    algorithm = get_default_algorithms()[alg]
    key = keys()["rsa" if alg == "RS384" else "ec"]
    signature = algorithm.sign(signing_input.encode(), key)
    return f"{signing_input}.{_b64(signature)}"


def _base_claims() -> dict:
    now = int(time.time())
    return {
        "iss": "https://ehr.example.org",
        "sub": "ehr-client",
        "aud": SERVICE_URL,
        "iat": now,
        "exp": now + 240,
        "jti": str(uuid.uuid4()),
    }


@FUZZ
@given(authorization=HEADER_TEXT, content_type=HEADER_TEXT, length=HEADER_TEXT)
def test_any_headers(client, fuzz_settings, authorization, content_type, length):
    response = client.generic(
        "POST",
        ENDPOINT,
        data=json.dumps(hook_request()).encode(),
        content_type=content_type or "application/json",
        HTTP_AUTHORIZATION=authorization,
        HTTP_X_FORWARDED_FOR=length,
    )
    _check(response)


@FUZZ
@given(
    changes=st.dictionaries(
        st.sampled_from(["iss", "sub", "aud", "exp", "iat", "jti", "nbf"]) | TEXT,
        JSON_JUNK,
        max_size=4,
    )
    | st.sampled_from([[], "claims", 7]),
    alg=st.sampled_from(["ES384", "RS384"]),
    header_extra=st.dictionaries(
        st.sampled_from(["kid", "typ", "jku", "x5u", "cty", "alg", "crit"]), JSON_JUNK
    ),
)
def test_any_claims_in_a_signed_token(client, fuzz_settings, changes, alg, header_extra):
    claims = {**_base_claims(), **changes} if isinstance(changes, dict) else changes
    token = _signed(claims, alg=alg, header_extra=header_extra)
    response = client.post(
        ENDPOINT,
        data=json.dumps(hook_request()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    _check(response)


def _replace(document, path: list, value):
    """The document with the value at `path` (indices and keys, wrapped) replaced."""
    if not path or not isinstance(document, (dict, list)) or not document:
        return value
    if isinstance(document, dict):
        key = list(document)[path[0] % len(document)]
        return {**document, key: _replace(document[key], path[1:], value)}
    index = path[0] % len(document)
    return [*document[:index], _replace(document[index], path[1:], value), *document[index + 1 :]]


BODY_SHAPES = st.sampled_from(
    [
        hook_request(),
        hook_request("order-select"),
        hook_request(procedures=[procedure(), procedure("T12")]),
        hook_request(the_patient=patient(mrn="\ud800")),
        hook_request(prefetch={}),
    ]
)


@FUZZ
@given(
    body=BODY_SHAPES,
    paths=st.lists(st.lists(st.integers(min_value=0, max_value=50), max_size=8), max_size=3),
    values=st.lists(JSON_JUNK, min_size=3, max_size=3),
)
def test_any_body_with_a_valid_token(client, fuzz_settings, body, paths, values):
    for path, value in zip(paths, values, strict=False):
        body = _replace(body, path, value)
    response = client.post(
        ENDPOINT,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {_signed(_base_claims())}",
    )
    _check(response)


@FUZZ
@given(
    raw=st.binary(max_size=300) | st.sampled_from([b"[" * 5000, b'{"a":' * 3000, b"\xed\xa0\x80"])
)
def test_any_bytes_as_body(client, fuzz_settings, raw):
    response = client.generic(
        "POST",
        ENDPOINT,
        data=raw,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {_signed(_base_claims())}",
    )
    _check(response)


@FUZZ
@given(service=st.text(max_size=80))
def test_any_service_id(client, fuzz_settings, service):
    from urllib.parse import quote

    response = client.post(
        f"/cds-services/{quote(service, safe='', errors='surrogatepass')}",
        data="{}",
        content_type="application/json",
    )
    # An empty id or one holding "/" is no URL of the service: the site's own 404 page.
    _check(response, json_refusal=bool(service) and "/" not in service)
