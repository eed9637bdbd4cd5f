"""Who may call the CDS service: a JWT signed by a client on the allowlist (CDS Hooks 2.0 §Security).

Each call carries `Authorization: Bearer <JWT>`, signed with the client's
private key (ES384 or RS384; `none` and the shared-secret HS* algorithms are
refused; the key the `kid` names must be of the algorithm's type). The allowlist,
`VERTEBRO_CDS_CLIENTS`, is a JSON file mapping each trusted issuer (`iss`) to its
JSON Web Key Set. `iss`, `aud`, `exp`, `iat` and `jti` are required, the claims
CDS Hooks 2.0.1 defines (`sub` is not one of them and is neither required nor read);
a token may live at most five minutes; and a `jti` is accepted once per issuer, on every app
instance (the ids seen live in the database).

`aud` (RFC 7519 §4.1.3, CDS Hooks 2.0.1): a string, or an array of strings; it must
name exactly this service's endpoint under `VERTEBRO_PUBLIC_URL` — the string equal to
it, or the array holding it (no prefix, no trailing slash, no other spelling). Other
audiences in an array do not matter here: they let the token be presented elsewhere,
which is the other service's concern, and here the `jti` is accepted once. An array
holding anything but strings is refused.

Every way a token can be malformed ends in `Unauthorized` with a message that says what
is wrong and echoes neither the token nor the expected audience URL.
"""

import json
import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from django.db import IntegrityError, transaction

from ..models import SeenToken

ALGORITHMS = ("ES384", "RS384")
# The key type each algorithm needs (a kid naming a key of another type is refused before
# the signature is checked: the crypto library raises on the mismatch, not PyJWT).
KEY_TYPES = {"ES384": "EC", "RS384": "RSA"}
MAX_TOKEN_LENGTH = 8192
MAX_JTI_LENGTH = 255
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


def _key_for(keyset: jwt.PyJWKSet, kid, alg: str):
    if kid is None:
        if len(keyset.keys) != 1:
            raise Unauthorized("The token names no key (kid) and the client has several.")
        key = keyset.keys[0]
    else:
        if not isinstance(kid, str):
            raise Unauthorized("The token's kid must be a string.")
        matching = [key for key in keyset.keys if key.key_id == kid]
        if not matching:
            raise Unauthorized("No key of this client matches the token's kid.")
        key = matching[0]
    if key.key_type != KEY_TYPES[alg]:
        raise Unauthorized(f"The token's algorithm {alg} does not fit the key its kid names.")
    return key


def _text_ok(value: str) -> bool:
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _number(claims: dict, name: str) -> float:
    value = claims.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Unauthorized(f"The claim {name!r} must be a number (seconds since 1970).")
    return value


def verify(authorization: str, *, audience: str, clients_path: str, now: datetime) -> Caller:
    """Check the bearer token of one call; return the caller or raise Unauthorized."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Missing bearer token (Authorization: Bearer <JWT>).")
    token = token.strip()
    if len(token) > MAX_TOKEN_LENGTH:
        raise Unauthorized(f"The bearer token is longer than {MAX_TOKEN_LENGTH} characters.")
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError, TypeError, RecursionError):
        raise Unauthorized("The bearer token is not a well-formed JWT.") from None
    if not isinstance(unverified, dict):
        raise Unauthorized("The bearer token's claims are not a JSON object.")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in ALGORITHMS:
        refused = alg[:20] if isinstance(alg, str) and _text_ok(alg) else "(not a name)"
        raise Unauthorized(f"Algorithm {refused!r} refused; use ES384 or RS384.")
    issuer = unverified.get("iss")
    keyset = registry.clients(clients_path).get(issuer) if isinstance(issuer, str) else None
    if keyset is None:
        raise Unauthorized("The issuer (iss) is not a trusted client.")
    key = _key_for(keyset, header.get("kid"), alg)
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
        raise Unauthorized(
            "The audience (aud) does not name this service's endpoint: it must be the "
            "service's URL, as a string or in an array of strings."
        ) from None
    except jwt.MissingRequiredClaimError as error:
        raise Unauthorized(f"The token lacks the required claim {error.claim!r}.") from None
    except jwt.InvalidSignatureError:
        raise Unauthorized("The token's signature does not verify.") from None
    except jwt.ImmatureSignatureError:
        raise Unauthorized("The token is not valid yet (iat or nbf in the future).") from None
    except jwt.PyJWTError as error:
        # PyJWT's own messages name the claim, never its value.
        raise Unauthorized(f"The token is not valid: {str(error)[:120]}.") from None
    except (ValueError, TypeError, OverflowError, RecursionError):
        # A key or claim value the crypto library or PyJWT could not use.
        raise Unauthorized(
            "The token is not valid: a claim or the signature is malformed."
        ) from None
    expires = _number(claims, "exp")
    _number(claims, "iat")
    jti = claims["jti"]
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_LENGTH or not _text_ok(jti):
        raise Unauthorized(
            f"The token id (jti) must be a non-empty string of at most {MAX_JTI_LENGTH} "
            "characters, without NUL or lone surrogates."
        )
    if (
        expires - now.timestamp()
        > (MAX_LIFETIME + timedelta(seconds=LEEWAY_SECONDS)).total_seconds()
    ):
        raise Unauthorized("The token lives too long: exp must be at most 5 minutes ahead.")
    expires_at = datetime.fromtimestamp(expires, tz=UTC)
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
