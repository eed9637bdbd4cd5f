"""private_key_jwt (SMART App Launch 2.0 asymmetric client authentication): no shared secret;
Vertebro signs a five-minute assertion (RS384 or ES384, its kid, a fresh jti) that the
record's Authlib server verifies with Vertebro's public key."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc.jwk import ECKey, RSAKey

from assessments.models import Assessment
from interop.smart.config import registry

from .conftest import full_launch, launch
from .ehr import CLIENT_ID


def _pem(private) -> bytes:
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _keys(alg: str):
    if alg == "RS384":
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _pem(private), RSAKey.import_key(_pem(private))
    private = ec.generate_private_key(ec.SECP384R1())
    return _pem(private), ECKey.import_key(_pem(private))


@pytest.fixture
def with_key(ehr, settings, tmp_path):
    def configure(alg: str, *, record_holds_it: bool = True, **extra):
        pem, key = _keys(alg)
        key_file = tmp_path / "vertebro-smart-key.pem"
        key_file.write_bytes(pem)
        ehr.client.auth_method = "private_key_jwt"
        ehr.client.public_key = key if record_holds_it else _keys(alg)[1]
        entry = {
            "client_secret": "",
            "token_endpoint_auth_method": "private_key_jwt",
            "private_key_file": str(key_file),
            "private_key_kid": "vertebro-2026",
            "private_key_alg": alg,
            **extra,
        }
        settings.VERTEBRO_SMART_ISSUERS = ehr.issuers_file(tmp_path / "issuers-pkj.json", **entry)
        registry._key = None

    return configure


@pytest.mark.parametrize("alg", ["RS384", "ES384"])
def test_a_launch_signs_in_with_a_private_key_jwt(client, ehr, alice_linked, with_key, alg):
    with_key(alg)
    response = full_launch(client, ehr)
    assert response.status_code == 302, response.content[:300]
    assert Assessment.objects.filter(owner=alice_linked).count() == 1
    [(header, claims)] = ehr.assertions
    assert header["alg"] == alg and header["kid"] == "vertebro-2026"
    assert claims["iss"] == claims["sub"] == CLIENT_ID
    assert claims["aud"] == f"{ehr.origin}/token"
    assert 0 < claims["exp"] - claims["iat"] <= 300
    assert len(claims["jti"]) >= 20


def test_a_key_the_record_does_not_hold_is_refused(client, ehr, alice_linked, with_key):
    with_key("RS384", record_holds_it=False)
    response = full_launch(client, ehr)
    assert response.status_code == 403
    assert "refused the sign-in code" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_an_unreadable_key_file_is_named(client, ehr, alice_linked, with_key, tmp_path):
    with_key("RS384")
    (tmp_path / "vertebro-smart-key.pem").unlink()
    response = full_launch(client, ehr)
    assert response.status_code == 403
    assert "private_key_file" in response.content.decode()


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"private_key_file": ""}, "needs private_key_file"),
        ({"private_key_alg": "HS256"}, "RS384 or ES384"),
    ],
)
def test_an_incomplete_private_key_entry_is_named(client, ehr, with_key, extra, named):
    with_key("RS384", **extra)
    response = launch(client, ehr)
    assert response.status_code == 503
    assert named in response.content.decode()
