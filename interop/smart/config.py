"""The electronic records Vertebro trusts to launch it (SMART App Launch 2.0, EHR launch).

`VERTEBRO_SMART_ISSUERS` names a JSON file, kept outside the repository (it holds client
secrets), mapping each record's FHIR base URL (the `iss` of a launch, exactly as the record
sends it) to Vertebro's registration there:

    {"https://ehr.example.org/fhir": {
        "client_id": "vertebro",
        "client_secret": "…",                       # client_secret_basic (the default)
        "token_endpoint_auth_method": "client_secret_basic",
        "write_back": true,
        "refresh": "online_access"}}

With `write_back`, Vertebro also asks for a refresh token, so that a write-back whose access
token has expired is sent with a renewed one: `refresh` is the SMART scope asked for,
`online_access` (the default: renewable while the clinician is signed in to the record),
`offline_access` (renewable later too, for `manage.py smart_write_back` run from cron), or
`none` (no refresh token: an expired write-back waits for the next launch of the patient).

`token_endpoint_auth_method` is `client_secret_basic` (the default) or `client_secret_post`
(a shared secret), or `private_key_jwt` (SMART's asymmetric client authentication: no shared
secret; Vertebro signs a short-lived assertion with its private key, whose public key the
record holds):

    {"https://ehr.example.org/fhir": {
        "client_id": "vertebro",
        "token_endpoint_auth_method": "private_key_jwt",
        "private_key_file": "/etc/vertebro/smart-key.pem",   # PEM, RSA or EC P-384
        "private_key_kid": "vertebro-2026",
        "private_key_alg": "RS384"}}                          # or ES384

A launch from any other `iss` is refused
before anything is fetched from it: the launch URL is opened by a browser, and an untrusted
`iss` would otherwise make Vertebro call an address of the caller's choosing.
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt")
REFRESH_SCOPES = ("online_access", "offline_access", "none")
# SMART App Launch 2.0 asymmetric client authentication: RS384 or ES384.
ASSERTION_ALGORITHMS = ("RS384", "ES384")
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class IssuerConfigError(Exception):
    """The issuers file is unreadable or an entry is incomplete; the message names it."""


@dataclass(frozen=True, slots=True)
class Issuer:
    iss: str
    client_id: str
    auth_method: str = "client_secret_basic"
    client_secret: str = field(default="", repr=False)
    private_key_file: str = ""
    private_key_kid: str = ""
    private_key_alg: str = "RS384"
    write_back: bool = False
    refresh: str = "online_access"

    @property
    def scope(self) -> str:
        """SMART v2 scopes: the launch context, the user's identity, the reads of step 1, and
        the creates of the write-back when it is on."""
        scopes = [
            "launch",
            "openid",
            "fhirUser",
            "patient/Patient.rs",
            "patient/Procedure.rs",
            "patient/Observation.rs",
        ]
        if self.write_back:
            scopes += ["patient/DocumentReference.c", "patient/QuestionnaireResponse.c"]
            if self.refresh != "none":
                scopes.append(self.refresh)
        return " ".join(scopes)


def _secure_enough(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" or (
        parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS
    )


def _issuer(iss: str, entry) -> Issuer:
    if not isinstance(entry, dict):
        raise IssuerConfigError(f"{iss}: the entry must be a JSON object.")
    if not _secure_enough(iss):
        raise IssuerConfigError(
            f"{iss}: an issuer must be an https:// URL (http only on loopback)."
        )
    client_id = entry.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        raise IssuerConfigError(f"{iss}: client_id is missing.")
    method = entry.get("token_endpoint_auth_method", "client_secret_basic")
    if method not in AUTH_METHODS:
        raise IssuerConfigError(
            f"{iss}: token_endpoint_auth_method must be one of {', '.join(AUTH_METHODS)}."
        )
    secret = entry.get("client_secret", "")
    key_file = entry.get("private_key_file", "")
    algorithm = entry.get("private_key_alg", "RS384")
    if method == "private_key_jwt":
        if not isinstance(key_file, str) or not key_file:
            raise IssuerConfigError(f"{iss}: private_key_jwt needs private_key_file.")
        if algorithm not in ASSERTION_ALGORITHMS:
            raise IssuerConfigError(
                f"{iss}: private_key_alg must be {' or '.join(ASSERTION_ALGORITHMS)}."
            )
    elif not isinstance(secret, str) or not secret:
        raise IssuerConfigError(f"{iss}: {method} needs client_secret.")
    refresh = entry.get("refresh", "online_access")
    if refresh not in REFRESH_SCOPES:
        raise IssuerConfigError(f"{iss}: refresh must be one of {', '.join(REFRESH_SCOPES)}.")
    return Issuer(
        iss=iss,
        client_id=client_id,
        auth_method=method,
        client_secret=secret if isinstance(secret, str) else "",
        private_key_file=key_file,
        private_key_kid=str(entry.get("private_key_kid", "")),
        private_key_alg=algorithm,
        write_back=bool(entry.get("write_back", False)),
        refresh=refresh,
    )


class IssuerRegistry:
    """The issuers file, read again when it changes on disk."""

    def __init__(self):
        self._key = None
        self._issuers: dict[str, Issuer] = {}

    def issuers(self) -> dict[str, Issuer]:
        path = settings.VERTEBRO_SMART_ISSUERS
        if not path:
            return {}
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError as error:
            raise IssuerConfigError(f"VERTEBRO_SMART_ISSUERS cannot be read: {error}") from None
        if (path, mtime) != self._key:
            try:
                data = json.loads(Path(path).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise IssuerConfigError(f"VERTEBRO_SMART_ISSUERS is not JSON: {error}") from None
            if not isinstance(data, dict):
                raise IssuerConfigError("VERTEBRO_SMART_ISSUERS must hold a JSON object.")
            self._issuers = {
                iss.rstrip("/"): _issuer(iss.rstrip("/"), e) for iss, e in data.items()
            }
            self._key = (path, mtime)
        return self._issuers

    def get(self, iss: str) -> Issuer | None:
        return self.issuers().get(iss.rstrip("/"))


registry = IssuerRegistry()
