"""A test electronic record on loopback: an OAuth 2 / OpenID Connect authorization server
built on Authlib (authorization code, PKCE, client_secret_basic, ID tokens with fhirUser),
refresh tokens for online_access / offline_access (rotated at each use), its JWKS, a small
FHIR R4 server (a Patient, Procedures, Observations; creates of
DocumentReference and QuestionnaireResponse) and a launch page that frames Vertebro.

It is served by werkzeug in a thread (`LoopbackEhr.start()`); tests change its behaviour through
its attributes (`claims`, `signing_key`, `fail_creates`, `practitioner`, ...).
"""

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidClientError
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, Response, abort, jsonify, request
from joserfc import jwt as jose_jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "vertebro"
CLIENT_SECRET = "test-ehr-client-secret-0123456789"
PATIENT_ID = "pat-1"
PRACTITIONER = "Practitioner/prac-1"
CPT = "http://www.ama-assn.org/go/cpt"
LOINC = "http://loinc.org"


def _rsa_key(kid: str) -> RSAKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return RSAKey.import_key(pem, {"kid": kid, "alg": "RS256", "use": "sig"})


def patient() -> dict:
    return {
        "resourceType": "Patient",
        "id": PATIENT_ID,
        "identifier": [
            {
                "type": {
                    "coding": [
                        {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
                    ]
                },
                "system": "https://hospital.example.org/mrn",
                "value": "MRN-4711",
            }
        ],
        "gender": "female",
        "birthDate": "1950-03-14",
    }


def procedure(pid: str, level: str, day: str, *, patient_id: str = PATIENT_ID) -> dict:
    return {
        "resourceType": "Procedure",
        "id": pid,
        "status": "completed",
        "code": {"coding": [{"system": CPT, "code": "22510"}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "performedDateTime": day,
        "bodySite": [{"text": level}],
    }


def t_score(oid: str, value: float, *, code: str = "38267-1", patient_id: str = PATIENT_ID) -> dict:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": {"reference": f"Patient/{patient_id}"},
        "valueQuantity": {"value": value, "unit": "{T-score}"},
    }


@dataclass
class Client:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    redirect_uris: list = field(default_factory=list)
    # "client_secret_basic", or "private_key_jwt" with the client's public key.
    auth_method: str = "client_secret_basic"
    public_key: object = None

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method == self.auth_method

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type in ("authorization_code", "refresh_token")


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: str
    patient: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


@dataclass
class RefreshCredential:
    """A refresh token the record issued (SMART online_access / offline_access)."""

    client_id: str
    scope: str
    user: str
    patient: str

    def check_client(self, client):
        return client.client_id == self.client_id

    def get_scope(self):
        return self.scope


REFRESH_SCOPES = {"online_access", "offline_access"}


class LoopbackEhr:
    def __init__(self):
        self.app = Flask("test_ehr")
        self.server = None
        self.thread = None
        self.base = ""
        self.signing_key = _rsa_key("ehr-1")
        self.published_keys = [self.signing_key]
        self.client = Client()
        self.practitioner = PRACTITIONER
        # Extra or overriding ID token claims (a test sets exp in the past, another aud).
        self.claims: dict = {}
        self.launches: dict[str, str] = {}
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, dict] = {}
        self.refresh_tokens: dict[str, RefreshCredential] = {}
        self.resources = {
            "Patient": {PATIENT_ID: patient()},
            "Procedure": {
                "proc-1": procedure("proc-1", "L1", "2026-05-04"),
                "proc-other": procedure("proc-other", "T7", "2025-01-01", patient_id="pat-2"),
            },
            "Observation": {
                "obs-1": t_score("obs-1", -2.4),
                "obs-2": t_score("obs-2", -3.1, code="38263-0"),
                "obs-other": t_score("obs-other", -5.0, patient_id="pat-2"),
            },
        }
        self.created: list[dict] = []
        self.fail_creates = 0  # the next N creates answer 503
        self.fail_kinds: set[str] = set()  # creates of these resource types answer 503
        self.requests: list[str] = []
        self.assertions: list[tuple[dict, dict]] = []  # private_key_jwt assertions received
        self.seen_jti: set[str] = set()
        self._routes()

    # --- life cycle ------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1") -> "LoopbackEhr":
        """Serve on loopback; `host` is the name the record's URLs use (localhost makes it
        the same site as a live server on localhost)."""
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.origin = f"http://{host}:{self.server.server_port}"
        self.base = f"{self.origin}/fhir"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)

    def new_launch(self, patient_id: str = PATIENT_ID) -> str:
        launch = secrets.token_urlsafe(16)
        self.launches[launch] = patient_id
        return launch

    def issuers_file(self, path, *, write_back: bool = True, **extra) -> str:
        path.write_text(
            json.dumps(
                {
                    self.base: {
                        "client_id": CLIENT_ID,
                        "client_secret": CLIENT_SECRET,
                        "write_back": write_back,
                        **extra,
                    }
                }
            )
        )
        return str(path)

    # --- the authorization server (Authlib) ------------------------------------------------

    def _routes(self) -> None:
        ehr = self

        class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "private_key_jwt"]

            def save_authorization_code(self, code, request):
                data = request.payload.data
                ehr.codes[code] = Code(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.payload.scope,
                    user=ehr.practitioner,
                    patient=ehr.launches.pop(data.get("launch"), ""),
                    nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                )

            def query_authorization_code(self, code, client):
                found = ehr.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code):
                ehr.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return authorization_code.user

        class SmartOpenIDCode(OpenIDCode):
            def resolve_client_private_key(self, client):
                return ehr.signing_key

            def get_client_claims(self, client):
                return {"iss": ehr.base, "aud": [client.get_client_id()], **ehr.claims}

            def get_compatible_claims(self, request):
                claims = super().get_compatible_claims(request)
                claims.update(ehr.claims)
                return claims

            def exists_nonce(self, nonce, request):
                return any(code.nonce == nonce for code in ehr.codes.values())

            def generate_user_info(self, user, scope):
                return UserInfo(sub=user, fhirUser=f"{ehr.base}/{user}")

        class RefreshTokenGrant(grants.RefreshTokenGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "private_key_jwt"]
            INCLUDE_NEW_REFRESH_TOKEN = True  # rotated at each use

            def authenticate_refresh_token(self, refresh_token):
                return ehr.refresh_tokens.get(refresh_token)

            def authenticate_user(self, credential):
                return credential.user

            def revoke_old_credential(self, credential):
                for value, held in list(ehr.refresh_tokens.items()):
                    if held is credential:
                        del ehr.refresh_tokens[value]

        def query_client(client_id):
            return ehr.client if client_id == ehr.client.client_id else None

        def save_token(token, request):
            code = getattr(request, "authorization_code", None)
            granted_before = code or request.refresh_token
            patient = granted_before.patient
            scope = token.get("scope") or granted_before.get_scope()
            token["patient"] = patient
            ehr.tokens[token["access_token"]] = {"patient": patient, "scope": scope}
            # SMART: a refresh token only for online_access or offline_access.
            refresh = token.pop("refresh_token", None)
            if refresh and REFRESH_SCOPES & set(scope.split()):
                token["refresh_token"] = refresh
                ehr.refresh_tokens[refresh] = RefreshCredential(
                    client_id=request.client.client_id,
                    scope=scope,
                    user=granted_before.user,
                    patient=patient,
                )

        class PrivateKeyJwtAssertion(JWTBearerClientAssertion):
            """SMART asymmetric client authentication: RS384 or ES384, jti used once."""

            CLIENT_AUTH_METHOD = "private_key_jwt"

            def get_audiences(self):
                return [f"{ehr.origin}/token"]

            def resolve_client_public_key(self, client):
                return client.public_key

            def process_assertion_claims(self, assertion, resolve_key):
                try:
                    token = jose_jwt.decode(assertion, resolve_key, algorithms=["RS384", "ES384"])
                except JoseError as error:
                    raise InvalidClientError(description=error.description) from error
                if token.claims.get("exp", 0) - token.claims.get("iat", 0) > 300:
                    raise InvalidClientError(description="The assertion lives over 5 minutes.")
                ehr.assertions.append((token.header, token.claims))
                self.verify_claims(token.claims)
                return token.claims

            def validate_jti(self, claims, jti):
                if jti in ehr.seen_jti:
                    return False
                ehr.seen_jti.add(jti)
                return True

        # Authlib issues refresh tokens only with a generator configured.
        self.app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True
        server = AuthorizationServer(self.app, query_client=query_client, save_token=save_token)
        server.register_client_auth_method("private_key_jwt", PrivateKeyJwtAssertion())
        server.register_grant(
            AuthorizationCodeGrant,
            [CodeChallenge(required=True), SmartOpenIDCode(require_nonce=True)],
        )
        server.register_grant(RefreshTokenGrant)

        app = self.app

        @app.before_request
        def _log():
            ehr.requests.append(f"{request.method} {request.path}")

        @app.get("/fhir/.well-known/smart-configuration")
        def smart_configuration():
            return jsonify(
                {
                    "issuer": ehr.base,
                    "jwks_uri": f"{ehr.origin}/jwks",
                    "authorization_endpoint": f"{ehr.origin}/authorize",
                    "token_endpoint": f"{ehr.origin}/token",
                    "token_endpoint_auth_methods_supported": ["client_secret_basic"],
                    "grant_types_supported": ["authorization_code", "refresh_token"],
                    "scopes_supported": [
                        "openid",
                        "fhirUser",
                        "launch",
                        "online_access",
                        "offline_access",
                        "patient/*.rs",
                    ],
                    "response_types_supported": ["code"],
                    "code_challenge_methods_supported": ["S256"],
                    "capabilities": [
                        "launch-ehr",
                        "client-confidential-symmetric",
                        "sso-openid-connect",
                        "context-ehr-patient",
                        "permission-v2",
                    ],
                }
            )

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [key.as_dict(private=False) for key in ehr.published_keys]})

        @app.get("/authorize")
        def authorize():
            # The record's user is signed in already; a launch binds the patient. The audience
            # must be this FHIR server (SMART App Launch: aud).
            if request.args.get("aud") != ehr.base:
                return Response("aud is not this FHIR server", status=400)
            if request.args.get("launch") not in ehr.launches:
                return Response("unknown launch", status=400)
            try:
                grant = server.get_consent_grant(end_user=ehr.practitioner)
            except OAuth2Error as error:
                return server.handle_error_response(None, error)
            return server.create_authorization_response(grant=grant, grant_user=ehr.practitioner)

        @app.post("/token")
        def token():
            return server.create_token_response()

        # --- FHIR ------------------------------------------------------------------------

        def granted(kind: str, right: str) -> dict:
            header = request.headers.get("Authorization", "")
            grant = ehr.tokens.get(header.removeprefix("Bearer "))
            if grant is None:
                abort(401)
            scopes = grant["scope"].split()
            if not any(
                s.startswith(f"patient/{kind}.") and right in s.split(".")[1] for s in scopes
            ):
                abort(403)
            return grant

        def fhir(body, status=200, headers=None):
            return Response(
                json.dumps(body), status=status, headers=headers, mimetype="application/fhir+json"
            )

        @app.get("/fhir/Patient/<pid>")
        def read_patient(pid):
            grant = granted("Patient", "r")
            if pid != grant["patient"] or pid not in ehr.resources["Patient"]:
                abort(404)
            return fhir(ehr.resources["Patient"][pid])

        @app.get("/fhir/<kind>")
        def search(kind):
            if kind not in ("Procedure", "Observation"):
                abort(404)
            grant = granted(kind, "s")
            if request.args.get("patient") != grant["patient"]:
                abort(403)
            # Like a careless server, it returns every resource of the kind: Vertebro must
            # keep only the patient's own.
            entries = [{"resource": r} for r in ehr.resources[kind].values()]
            return fhir({"resourceType": "Bundle", "type": "searchset", "entry": entries})

        @app.post("/fhir/<kind>")
        def create(kind):
            if kind not in ("DocumentReference", "QuestionnaireResponse"):
                abort(404)
            granted(kind, "c")
            if ehr.fail_creates > 0 or kind in ehr.fail_kinds:
                ehr.fail_creates = max(0, ehr.fail_creates - 1)
                return Response("down for maintenance", status=503)
            resource = request.get_json(force=True)
            resource["_if_none_exist"] = request.headers.get("If-None-Exist", "")
            resource["id"] = f"{kind.lower()}-{len(ehr.created) + 1}"
            ehr.created.append(resource)
            return fhir(
                resource, 201, {"Location": f"{ehr.base}/{kind}/{resource['id']}/_history/1"}
            )

        @app.get("/ehr")
        def chart():
            # The record's chart page, framing Vertebro's launch URL.
            launch = ehr.new_launch()
            query = urlencode({"iss": ehr.base, "launch": launch})
            src = f"{request.args['app']}/smart/launch?{query}"
            html = (
                "<!DOCTYPE html><html lang='en'><head><title>Test EHR chart</title></head>"
                "<body><h1>Test EHR: chart of MRN-4711</h1>"
                f"<iframe id='app' title='Vertebro' src='{src}' style='width:1200px;height:1600px'></iframe>"
                "</body></html>"
            )
            return Response(html, mimetype="text/html")
