"""The calls Vertebro makes to an electronic record: SMART discovery, the OAuth 2 authorization
code with PKCE (Authlib's client), the ID token check (PyJWT with the record's JWKS), and FHIR
reads and creates with the access token.

Every failure is raised as `RecordError` with a message for the clinician that names the
step that failed and never echoes a token.
"""

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import jwt
import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from joserfc.jwk import ECKey, RSAKey

from .config import Issuer

FHIR_JSON = "application/fhir+json"
# Asymmetric algorithms only: `none` and the shared-secret HS* are refused (an HS256 token
# signed with the client secret would be forgeable by anyone holding that secret).
ID_TOKEN_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384")
LEEWAY_SECONDS = 30


class RecordError(Exception):
    """A call to the record failed; the message says which one, for the clinician."""


@dataclass(frozen=True, slots=True)
class SmartConfiguration:
    """What `.well-known/smart-configuration` says (SMART App Launch 2.0 §Discovery)."""

    authorization_endpoint: str
    token_endpoint: str
    issuer: str
    jwks_uri: str
    capabilities: tuple[str, ...]


def _timeout() -> float:
    return settings.VERTEBRO_SMART_HTTP_TIMEOUT_SECONDS


def _get_json(url: str, *, what: str, token: str | None = None, params=None) -> dict:
    headers = {"Accept": f"{FHIR_JSON}, application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = requests.get(url, headers=headers, params=params, timeout=_timeout())
    except requests.RequestException:
        raise RecordError(f"The electronic record did not answer ({what}).") from None
    if response.status_code != 200:
        raise RecordError(f"The electronic record refused {what} (HTTP {response.status_code}).")
    try:
        data = response.json()
    except ValueError:
        raise RecordError(
            f"The electronic record sent something that is not JSON ({what})."
        ) from None
    if not isinstance(data, dict):
        raise RecordError(f"The electronic record sent something that is not an object ({what}).")
    return data


def discover(iss: str) -> SmartConfiguration:
    """The record's SMART configuration; it must offer an authorization code with PKCE S256."""
    data = _get_json(f"{iss}/.well-known/smart-configuration", what="its SMART configuration")
    missing = [
        name
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")
        if not isinstance(data.get(name), str) or not data[name]
    ]
    if missing:
        raise RecordError("The record's SMART configuration has no " + ", ".join(missing) + ".")
    methods = data.get("code_challenge_methods_supported")
    if isinstance(methods, list) and "S256" not in methods:
        raise RecordError("The record does not offer PKCE with S256, which Vertebro requires.")
    capabilities = data.get("capabilities")
    return SmartConfiguration(
        authorization_endpoint=data["authorization_endpoint"],
        token_endpoint=data["token_endpoint"],
        # The OpenID issuer of the ID tokens; SMART lets it differ from the FHIR base.
        issuer=data["issuer"] if isinstance(data.get("issuer"), str) else iss,
        jwks_uri=data["jwks_uri"],
        capabilities=tuple(c for c in capabilities or [] if isinstance(c, str)),
    )


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    url: str
    state: str
    code_verifier: str
    nonce: str


def authorization_request(
    *, issuer: Issuer, configuration: SmartConfiguration, launch: str, redirect_uri: str
) -> AuthorizationRequest:
    """The authorize URL of an EHR launch: `launch`, `aud` = the FHIR base, a fresh `state`,
    `nonce` and PKCE (S256) code verifier."""
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43-128
    nonce = secrets.token_urlsafe(24)
    params = {
        "response_type": "code",
        "client_id": issuer.client_id,
        "redirect_uri": redirect_uri,
        "launch": launch,
        "scope": issuer.scope,
        "state": state,
        "aud": issuer.iss,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    separator = "&" if "?" in configuration.authorization_endpoint else "?"
    url = f"{configuration.authorization_endpoint}{separator}{urlencode(params)}"
    return AuthorizationRequest(url=url, state=state, code_verifier=verifier, nonce=nonce)


class SmartPrivateKeyJWT(PrivateKeyJWT):
    """`private_key_jwt` as SMART App Launch 2.0 asks: RS384 or ES384, the key's `kid` in the
    header, a fresh `jti` and at most five minutes of life."""

    def __init__(self, *, key, kid: str, alg: str):
        super().__init__(alg=alg, headers={"kid": kid} if kid else None)
        self.key = key

    def sign(self, auth, token_endpoint):
        now = int(time.time())
        return private_key_jwt_sign(
            self.key,
            client_id=auth.client_id,
            token_endpoint=token_endpoint,
            alg=self.alg,
            header=dict(self.headers or {}),
            claims={"jti": secrets.token_urlsafe(24), "iat": now, "exp": now + 300},
        )


def _private_key(issuer: Issuer):
    try:
        pem = Path(issuer.private_key_file).read_bytes()
    except OSError as error:
        raise RecordError(
            f"Vertebro's private key for this record cannot be read ({error.strerror}); an "
            "administrator must correct private_key_file."
        ) from None
    try:
        key_class = RSAKey if issuer.private_key_alg.startswith("RS") else ECKey
        return key_class.import_key(pem)
    except Exception:
        raise RecordError(
            "Vertebro's private key for this record is not a PEM key of the configured "
            "private_key_alg; an administrator must correct it."
        ) from None


def exchange_code(
    *,
    issuer: Issuer,
    configuration: SmartConfiguration,
    code: str,
    code_verifier: str,
    redirect_uri: str,
) -> dict:
    """The token response for the code (Authlib's OAuth 2 client, the client authenticated
    with its secret as registered)."""
    return _token(
        _session(issuer, redirect_uri=redirect_uri),
        lambda session: session.fetch_token(
            configuration.token_endpoint,
            grant_type="authorization_code",
            code=code,
            code_verifier=code_verifier,
            timeout=_timeout(),
        ),
        refused="The record refused the sign-in code ({error}); start again from the record.",
    )


def refresh(*, issuer: Issuer, configuration: SmartConfiguration, refresh_token: str) -> dict:
    """A new token response for a refresh token (SMART `online_access` / `offline_access`),
    the client authenticated as for the code; RecordError when the record refuses it."""
    return _token(
        _session(issuer),
        lambda session: session.refresh_token(
            configuration.token_endpoint, refresh_token=refresh_token, timeout=_timeout()
        ),
        refused="The record refused to renew Vertebro's access ({error}).",
    )


def _token(session: OAuth2Session, request, *, refused: str) -> dict:
    """The token response of `request(session)`; RecordError (`refused` with the OAuth
    error code) when the record refuses it, does not answer or sends no access token."""
    try:
        with session:
            token = request(session)
    except AuthlibBaseError as error:
        raise RecordError(refused.format(error=error.error or "error")) from None
    except (requests.RequestException, ValueError):
        raise RecordError("The record's token endpoint did not answer.") from None
    if not token.get("access_token"):
        raise RecordError("The record sent no access token.")
    return dict(token)


def _session(issuer: Issuer, *, redirect_uri: str | None = None) -> OAuth2Session:
    """Authlib's OAuth 2 client for the record, authenticated as registered there."""
    session = OAuth2Session(
        client_id=issuer.client_id,
        client_secret=issuer.client_secret,
        token_endpoint_auth_method=issuer.auth_method,
        redirect_uri=redirect_uri,
    )
    if issuer.auth_method == "private_key_jwt":
        session.register_client_auth_method(
            SmartPrivateKeyJWT(
                key=_private_key(issuer), kid=issuer.private_key_kid, alg=issuer.private_key_alg
            )
        )
    return session


def verify_id_token(
    id_token: str, *, issuer: Issuer, configuration: SmartConfiguration, nonce: str
) -> dict:
    """The claims of the ID token once its signature (the record's JWKS), issuer, audience
    (our client id), expiry and nonce are checked; RecordError otherwise."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError:
        raise RecordError("The record's ID token is not a JWT.") from None
    algorithm = header.get("alg")
    if algorithm not in ID_TOKEN_ALGORITHMS:
        raise RecordError(f"The record's ID token is signed with {algorithm!r}, which is refused.")
    jwks = _get_json(configuration.jwks_uri, what="its signing keys (JWKS)")
    try:
        keys = jwt.PyJWKSet.from_dict(jwks).keys
    except jwt.PyJWTError:
        raise RecordError("The record's signing keys (JWKS) hold no usable key.") from None
    kid = header.get("kid")
    candidates = [key for key in keys if kid is None or key.key_id == kid]
    if not candidates:
        raise RecordError("The record's ID token is signed with a key its JWKS does not list.")
    for key in candidates:
        try:
            claims = jwt.decode(
                id_token,
                key.key,
                algorithms=[algorithm],
                audience=issuer.client_id,
                issuer=configuration.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.ExpiredSignatureError:
            raise RecordError(
                "The record's ID token has expired; start again from the record."
            ) from None
        except jwt.InvalidAudienceError:
            raise RecordError("The record's ID token was issued for another application.") from None
        except jwt.InvalidIssuerError:
            raise RecordError("The record's ID token was issued by someone else.") from None
        except jwt.PyJWTError as error:
            raise RecordError(f"The record's ID token is not valid: {error}.") from None
        break
    else:
        raise RecordError("The record's ID token signature does not verify.")
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise RecordError("The record's ID token is not the answer to this sign-in (nonce).")
    return claims


def fhir_read(base: str, path: str, *, token: str, params=None, what: str) -> dict:
    return _get_json(f"{base}/{path}", what=what, token=token, params=params)


def fhir_create(base: str, resource: dict, *, token: str, if_none_exist: str = "") -> str:
    """POST the resource to the record (conditionally, with `if_none_exist`); the Location (or
    id) the record gave it."""
    kind = resource["resourceType"]
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": FHIR_JSON,
        "Accept": FHIR_JSON,
    }
    if if_none_exist:
        headers["If-None-Exist"] = if_none_exist
    try:
        response = requests.post(
            f"{base}/{kind}", json=resource, headers=headers, timeout=_timeout()
        )
    except requests.RequestException:
        raise RecordError(f"The electronic record did not answer (saving the {kind}).") from None
    if response.status_code not in (200, 201):
        raise RecordError(
            f"The electronic record refused the {kind} (HTTP {response.status_code})."
        )
    location = response.headers.get("Location", "")
    if not location:
        try:
            location = f"{kind}/{response.json().get('id', '')}"
        except ValueError:
            location = kind
    return location[:300]
