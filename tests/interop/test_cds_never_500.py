"""The CDS service answers every malformed token, header, body and prefetch with a JSON 4xx
that says what is wrong, writes one security-log line for it, checks that the prefetched
resources are the patient's of the call, and counts (and past a limit refuses) calls without
a valid token instead of writing a call-log row for each."""

import base64
import io
import json
import logging
import time
import uuid

import jwt
import pytest

from accounts import security_log
from interop.models import CdsCall, SeenToken

from .conftest import (
    ISSUER,
    SERVICE_URL,
    bundle,
    call,
    hook_request,
    keys,
    patient,
    procedure,
    token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def security_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(security_log.JsonFormatter())
    logger = logging.getLogger(security_log.LOGGER_NAME)
    logger.addHandler(handler)

    def read():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    logger.removeHandler(handler)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict, claims: dict, signature: bytes = b"garbage" * 20) -> str:
    return ".".join(
        [_b64(json.dumps(header).encode()), _b64(json.dumps(claims).encode()), _b64(signature)]
    )


def _claims(**overrides) -> dict:
    now = int(time.time())
    return {
        "iss": ISSUER,
        "sub": "ehr-client",
        "aud": SERVICE_URL,
        "iat": now,
        "exp": now + 240,
        "jti": str(uuid.uuid4()),
        **overrides,
    }


def _refused(response, status: int, words: str = "") -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(("application/json", "application/fhir+json"))
    body = response.json()
    if words:
        assert words in json.dumps(body)
    return body


# --- Finding 2: a kid naming a key of another type ------------------------------------------


@pytest.mark.parametrize(("alg", "kid"), [("RS384", "ec-1"), ("ES384", "rsa-1")])
def test_an_algorithm_that_does_not_fit_the_named_key_is_a_401_and_logged(
    client, cds_settings, security_lines, alg, kid
):
    forged = _unsigned({"alg": alg, "kid": kid, "typ": "JWT"}, _claims())
    _refused(call(client, hook_request(), auth=forged), 401, "does not fit the key")
    assert [line["event"] for line in security_lines()] == ["cds_refused"]


# --- Finding 3: a NUL in the service id --------------------------------------------------------


@pytest.mark.parametrize("service", ["%00", "a%00b", "%ED%A0%80", "x" * 300])
def test_an_odd_service_id_is_a_json_404_and_never_stored(client, cds_settings, service):
    response = client.post(f"/cds-services/{service}", data="{}", content_type="application/json")
    assert response.status_code in (400, 404), response.content
    assert response["Content-Type"].startswith("application/json")
    assert CdsCall.objects.count() == 0


# --- Finding 8: validly signed but malformed calls --------------------------------------------


def test_deeply_nested_json_is_a_400(client, cds_settings):
    body = '{"hook": ' + "[" * 20000 + "]" * 20000 + "}"
    response = client.post(
        "/cds-services/vertebro-repeat-vertebroplasty",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token()}",
    )
    _refused(response, 400, "nests deeper")
    assert CdsCall.objects.get().status == 400


@pytest.mark.parametrize(
    ("claims", "words"),
    [
        ({"exp": "soon"}, "exp"),
        ({"exp": 1e300}, "lives too long"),
        ({"iat": "now"}, "iat"),
        ({"jti": "\ud800"}, "jti"),
        ({"jti": "a\x00b"}, "jti"),
        ({"jti": ["a"]}, "must be a string"),
        ({"jti": "x" * 300}, "jti"),
        ({"exp": True}, "exp"),
    ],
    ids=[
        "exp string",
        "exp 1e300",
        "iat string",
        "jti surrogate",
        "jti NUL",
        "jti list",
        "jti long",
        "exp boolean",
    ],
)
def test_odd_claims_in_a_signed_token_are_a_401(client, cds_settings, claims, words):
    signed = jwt.encode(_claims(**claims), keys()["ec"], algorithm="ES384", headers={"kid": "ec-1"})
    _refused(call(client, hook_request(), auth=signed), 401, words)
    assert SeenToken.objects.count() == 0


@pytest.mark.parametrize(
    ("where", "value"),
    [("hook", "order-sign\x00"), ("mrn", "MRN\ud800"), ("mrn", "MRN\x00"), ("user", "\udfff")],
)
def test_nul_and_lone_surrogates_in_the_body_are_a_400(client, cds_settings, where, value):
    body = hook_request()
    if where == "hook":
        body["hook"] = value
    elif where == "mrn":
        body["prefetch"]["patient"] = patient(mrn=value)
    else:
        body["context"]["userId"] = value
    text = json.dumps(body)  # ensure_ascii: the JSON text carries \u0000 and \ud800 escapes
    response = client.post(
        "/cds-services/vertebro-repeat-vertebroplasty",
        data=text,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token()}",
    )
    _refused(response, 400)


@pytest.mark.parametrize("body", [b"\xff\xfe", b"[NaN]", b'{"hook": 1e999}', b"1" * 5000])
def test_bodies_that_are_not_acceptable_json_are_a_400(client, cds_settings, body):
    response = client.post(
        "/cds-services/vertebro-repeat-vertebroplasty",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token()}",
    )
    _refused(response, 400, "refused")


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer " + "a" * 9000,
        "Bearer " + _b64(b"[" * 3000) + ".e30.sig",
        "Bearer " + _b64(b'{"alg": ["ES384"]}') + ".e30.sig",
        "Bearer "
        + _b64(b'{"alg": "ES384", "kid": {"a": 1}}')
        + "."
        + _b64(b'{"iss": "' + ISSUER.encode() + b'"}')
        + ".sig",
        "Bearer " + _b64(b'{"alg": "ES384"}') + "." + _b64(b"[1, 2]") + ".sig",
        "Bearer \x00",
        "Basic dXNlcjpwYXNz",
        "Bearer",
    ],
    ids=["long", "nested header", "alg list", "kid object", "claims list", "NUL", "basic", "empty"],
)
def test_malformed_tokens_and_headers_are_a_401_with_one_log_line(
    client, cds_settings, security_lines, authorization
):
    response = client.post(
        "/cds-services/vertebro-repeat-vertebroplasty",
        data=json.dumps(hook_request()),
        content_type="application/json",
        HTTP_AUTHORIZATION=authorization,
    )
    _refused(response, 401)
    assert [line["event"] for line in security_lines()] == ["cds_refused"]


# --- Finding 7: the prefetch must be the patient of the call ---------------------------------


def test_another_patients_patient_resource_is_a_412_naming_it(client, cds_settings):
    other = {**patient(), "id": "p-2"}
    body = _refused(call(client, hook_request(the_patient=other)), 412, "Patient/p-2")
    assert body["resourceType"] == "OperationOutcome"
    assert "context.patientId" in body["issue"][0]["diagnostics"]


def test_another_patients_procedure_is_a_412_naming_it(client, cds_settings):
    theirs = {**procedure(performed="2026-01-01"), "subject": {"reference": "Patient/p-2"}}
    body = _refused(
        call(client, hook_request(procedures=[procedure(), theirs])),
        412,
        "Procedure/proc-L1-2026-01-01",
    )
    assert body["resourceType"] == "OperationOutcome"


def test_a_procedure_without_a_subject_is_not_the_patients(client, cds_settings):
    orphan = {k: v for k, v in procedure().items() if k != "subject"}
    _refused(call(client, hook_request(procedures=[orphan])), 412, "Procedure/")


def test_procedures_referenced_by_absolute_url_are_the_patients(client, cds_settings):
    absolute = {
        **procedure(),
        "subject": {"reference": "https://ehr.example.org/fhir/Patient/p-1"},
    }
    assert call(client, hook_request(procedures=[absolute])).status_code == 200


def test_a_matching_prefetch_is_served(client, cds_settings):
    assert call(client, hook_request()).status_code == 200


def test_a_prefetch_bundle_of_the_wrong_shape_is_not_a_500(client, cds_settings):
    for procedures in ([], {"resourceType": "Bundle", "entry": "x"}, {"resourceType": "Patient"}):
        body = hook_request()
        body["prefetch"]["procedures"] = procedures
        assert call(client, body).status_code in (200, 400, 412)


# --- Finding 13: aud, the 401's words, the rate limit ---------------------------------------


@pytest.mark.parametrize(
    ("aud", "accepted"),
    [
        (SERVICE_URL, True),
        ([SERVICE_URL], True),
        (["https://ehr.example.org/fhir", SERVICE_URL], True),
        (["https://elsewhere.example.org"], False),
        ([], False),
        ([SERVICE_URL, 7], False),
        (SERVICE_URL + "/", False),
        (SERVICE_URL[:-3], False),
        ({"url": SERVICE_URL}, False),
    ],
    ids=[
        "string",
        "array of it",
        "array holding it",
        "array without it",
        "empty array",
        "array with a number",
        "trailing slash",
        "prefix",
        "object",
    ],
)
def test_the_audience_is_a_string_or_an_array_naming_exactly_this_endpoint(
    client, cds_settings, aud, accepted
):
    response = call(client, hook_request(), auth=token(aud=aud))
    assert response.status_code == (200 if accepted else 401), response.content


def test_the_401_says_what_is_wrong_without_echoing_the_expected_url(client, cds_settings):
    response = call(client, hook_request(), auth=token(aud="https://elsewhere.example.org"))
    body = _refused(response, 401, "audience (aud)")
    assert SERVICE_URL not in json.dumps(body)
    assert "vertebro.example.org" not in json.dumps(body)


def test_unauthenticated_calls_are_counted_and_limited_per_address_not_logged_each(
    client, cds_settings, security_lines
):
    cds_settings.VERTEBRO_CDS_UNAUTHENTICATED_PER_MINUTE = 3
    statuses = [call(client, hook_request(), auth=False).status_code for _ in range(6)]
    assert statuses == [401, 401, 401, 429, 429, 429]
    assert CdsCall.objects.count() == 0
    events = [line["event"] for line in security_lines()]
    assert events == ["cds_refused"] * 3 + ["cds_rate_limited"]
    # Another address is not held back by this one's calls; a signed call is served.
    other = client.post(
        "/cds-services/vertebro-repeat-vertebroplasty",
        data="{}",
        content_type="application/json",
        REMOTE_ADDR="10.9.9.9",
    )
    assert other.status_code == 401


def test_the_rate_limited_answer_says_when_to_try_again(client, cds_settings):
    cds_settings.VERTEBRO_CDS_UNAUTHENTICATED_PER_MINUTE = 1
    call(client, hook_request(), auth=False)
    response = call(client, hook_request(), auth=False)
    _refused(response, 429, "Too many")
    assert response["Retry-After"] == "60"


def test_a_limited_address_is_refused_unread_until_the_minute_ends(client, cds_settings):
    """Past the limit nothing of the call is read, its token neither: a client whose own
    calls keep failing verification is held back for the rest of the minute."""
    cds_settings.VERTEBRO_CDS_UNAUTHENTICATED_PER_MINUTE = 1
    call(client, hook_request(), auth=False)
    assert call(client, hook_request()).status_code == 429
    assert SeenToken.objects.count() == 0


def test_the_procedures_prefetch_may_hold_other_resource_types(client, cds_settings):
    outcome = {"resourceType": "OperationOutcome", "issue": []}
    body = hook_request()
    body["prefetch"]["procedures"] = bundle(procedure(), outcome)
    assert call(client, body).status_code == 200
