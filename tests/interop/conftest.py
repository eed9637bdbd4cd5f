"""Keys, an allowlist and signed CDS Hooks calls, made by the tests themselves."""

import json
import time
import uuid
from functools import cache

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

PUBLIC_URL = "https://vertebro.example.org"
ISSUER = "https://ehr.example.org"
SERVICE_URL = f"{PUBLIC_URL}/cds-services/vertebro-repeat-vertebroplasty"
CPT = "http://www.ama-assn.org/go/cpt"


@cache
def keys() -> dict:
    """One EC P-384 and one RSA key, generated once per test process."""
    return {
        "ec": ec.generate_private_key(ec.SECP384R1()),
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "stranger": ec.generate_private_key(ec.SECP384R1()),
    }


def jwks() -> dict:
    ec_jwk = json.loads(ECAlgorithm.to_jwk(keys()["ec"].public_key()))
    rsa_jwk = json.loads(RSAAlgorithm.to_jwk(keys()["rsa"].public_key()))
    return {
        "keys": [
            {**ec_jwk, "kid": "ec-1", "alg": "ES384", "use": "sig"},
            {**rsa_jwk, "kid": "rsa-1", "alg": "RS384", "use": "sig"},
        ]
    }


def token(alg="ES384", *, key=None, kid=None, drop=(), **claims) -> str:
    """A signed CDS Hooks JWT with exactly the claims CDS Hooks 2.0.1 defines; claims override
    or add to them, `drop` removes some."""
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": SERVICE_URL,
        "iat": now,
        "exp": now + 240,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    for name in drop:
        payload.pop(name)
    if key is None:
        key = keys()["rsa" if alg.startswith("RS") else "ec"]
        kid = kid or ("rsa-1" if alg.startswith("RS") else "ec-1")
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid} if kid else None)


@pytest.fixture
def cds_settings(settings, tmp_path):
    clients = tmp_path / "cds-clients.json"
    clients.write_text(json.dumps({ISSUER: jwks()}))
    settings.VERTEBRO_PUBLIC_URL = PUBLIC_URL
    settings.VERTEBRO_FHIR_CANONICAL_BASE = f"{PUBLIC_URL}/fhir"
    settings.VERTEBRO_CDS_CLIENTS = str(clients)
    settings.ALLOWED_HOSTS = ["testserver", "vertebro.example.org"]
    return settings


def service_request(level="L1", code="22511", order_id="vp-1") -> dict:
    return {
        "resourceType": "ServiceRequest",
        "id": order_id,
        "status": "draft",
        "intent": "proposal",
        "code": {"coding": [{"system": CPT, "code": code, "display": "Vertebroplasty"}]},
        "subject": {"reference": "Patient/p-1"},
        "bodySite": [{"text": f"{level} vertebra"}],
    }


def patient(mrn="MRN-0001", birth_date="1956-03-02", gender="female") -> dict:
    return {
        "resourceType": "Patient",
        "id": "p-1",
        "identifier": [
            {"system": "urn:oid:1.2.3", "value": "other-id"},
            {
                "type": {
                    "coding": [
                        {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
                    ]
                },
                "system": "urn:oid:1.2.3.4",
                "value": mrn,
            },
        ],
        "birthDate": birth_date,
        "gender": gender,
    }


def procedure(level="L1", performed="2026-10-01", status="completed") -> dict:
    return {
        "resourceType": "Procedure",
        "id": f"proc-{level}-{performed}",
        "status": status,
        "code": {"coding": [{"system": CPT, "code": "22511"}]},
        "subject": {"reference": "Patient/p-1"},
        "performedDateTime": performed,
        "bodySite": [{"coding": [{"system": "urn:example:levels", "code": level}]}],
    }


def bundle(*resources, kind="searchset") -> dict:
    return {"resourceType": "Bundle", "type": kind, "entry": [{"resource": r} for r in resources]}


def hook_request(
    hook="order-sign", *, order=None, procedures=None, the_patient=None, prefetch=None
):
    order = order or service_request()
    context = {
        "userId": "Practitioner/pr-1",
        "patientId": "p-1",
        "draftOrders": bundle(order, kind="collection"),
    }
    if hook == "order-select":
        context["selections"] = [f"ServiceRequest/{order['id']}"]
    if prefetch is None:
        prefetch = {
            "patient": the_patient or patient(),
            "procedures": bundle(*(procedures if procedures is not None else [procedure()])),
        }
    return {
        "hook": hook,
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": "https://ehr.example.org/fhir",
        "context": context,
        "prefetch": prefetch,
    }


def call(client, body, *, auth=None, service="vertebro-repeat-vertebroplasty"):
    headers = {} if auth is False else {"HTTP_AUTHORIZATION": f"Bearer {auth or token()}"}
    return client.post(
        f"/cds-services/{service}",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )
