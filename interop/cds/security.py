"""Who may call the CDS service: a JWT signed by a client on the allowlist (CDS Hooks 2.0 §Security).

Each call carries `Authorization: Bearer <JWT>`, signed with the client's
private key (ES384 or RS384; `none` and the shared-secret HS* algorithms are
refused). The allowlist, `VERTEBRO_CDS_CLIENTS`, is a JSON file mapping each
trusted issuer (`iss`) to its JSON Web Key Set. `aud` must be this service's
URL under `VERTEBRO_PUBLIC_URL` (a string, or an array of strings naming it);
`iss`, `aud`, `exp`, `iat` and `jti` are required, as CDS Hooks 2.0.1 defines them
(`sub` is not a claim of the specification and is not required); a token may live at most five minutes; and a `jti` is accepted once
per issuer, on every app instance (the ids seen live in the database).
"""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from django.db import IntegrityError, transaction

from ..models import SeenToken

ALGORITHMS = ("ES384", "RS384")
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "jti")
LEEWAY_SECONDS = 30
MAX_LIFETIME = timedelta(minutes=5)


class Unauthorized(Exception):
    """The call is refused (401); the message says why, without echoing the token."""


@dataclass(frozen=True, slots=True)
class Caller:
    issuer: str
    jti: str
    expires_at: datetime


class ClientRegistry:
    """The allowlist file, read again when it changes on disk."""

    def __init__(self):
        self._path = None
        self._mtime = None
        self._clients: dict[str, jwt.PyJWKSet] = {}

    def clients(self, path: str) -> dict[str, jwt.PyJWKSet]:
        if not path:
            return {}
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            return {}
        if (path, mtime) != (self._path, self._mtime):
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            self._clients = {iss: jwt.PyJWKSet.from_dict(jwks) for iss, jwks in data.items()}
            self._path, self._mtime = path, mtime
        return self._clients


registry = ClientRegistry()


def _key_for(keyset: jwt.PyJWKSet, kid: str | None):
    if kid is None:
        if len(keyset.keys) != 1:
            raise Unauthorized("The token names no key (kid) and the client has several.")
        return keyset.keys[0]
    for key in keyset.keys:
        if key.key_id == kid:
            return key
    raise Unauthorized("No key of this client matches the token's kid.")


def verify(authorization: str, *, audience: str, clients_path: str, now: datetime) -> Caller:
    """Check the bearer token of one call; return the caller or raise Unauthorized."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Missing bearer token (Authorization: Bearer <JWT>).")
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise Unauthorized("The bearer token is not a well-formed JWT.") from None
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise Unauthorized(f"Algorithm {str(alg)[:20]!r} refused; use ES384 or RS384.")
    issuer = unverified.get("iss")
    keyset = registry.clients(clients_path).get(issuer) if isinstance(issuer, str) else None
    if keyset is None:
        raise Unauthorized("The issuer (iss) is not a trusted client.")
    key = _key_for(keyset, header.get("kid"))
    try:
        claims = jwt.decode(
            token,
            key=key.key,
            algorithms=[alg],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The token has expired.") from None
    except jwt.InvalidAudienceError:
        raise Unauthorized(f"The audience (aud) must be {audience}.") from None
    except jwt.MissingRequiredClaimError as error:
        raise Unauthorized(f"The token lacks the required claim {error.claim!r}.") from None
    except jwt.InvalidSignatureError:
        raise Unauthorized("The token's signature does not verify.") from None
    except jwt.PyJWTError as error:
        raise Unauthorized(f"The token is not valid: {error}.") from None
    jti = claims["jti"]
    if not isinstance(jti, str) or not jti or len(jti) > 255:
        raise Unauthorized("The token id (jti) must be a non-empty string.")
    expires_at = datetime.fromtimestamp(claims["exp"], tz=UTC)
    if expires_at - now > MAX_LIFETIME + timedelta(seconds=LEEWAY_SECONDS):
        raise Unauthorized("The token lives too long: exp must be at most 5 minutes ahead.")
    return Caller(issuer=issuer, jti=jti, expires_at=expires_at)


def remember(caller: Caller, *, now: datetime) -> None:
    """Record the token id; raise Unauthorized when any instance has accepted it before."""
    SeenToken.objects.filter(expires_at__lt=now - timedelta(seconds=LEEWAY_SECONDS)).delete()
    try:
        with transaction.atomic():
            SeenToken.objects.create(
                issuer=caller.issuer,
                jti=caller.jti,
                expires_at=caller.expires_at + timedelta(seconds=LEEWAY_SECONDS),
            )
    except IntegrityError:
        raise Unauthorized("This token id (jti) was already used: replay refused.") from None
