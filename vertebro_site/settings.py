"""Settings for Vertebro.

Everything that differs between a laptop and a hospital server is read from
the environment. With no variable set, Vertebro runs for local development on
a SQLite file in the project folder.
"""

import hashlib
import hmac
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from vertebro_site import keys

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; refuse anything that is not clearly one of them."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

DEVELOPMENT_SECRET_KEY = "django-insecure-vertebro-development-only"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is off but DJANGO_SECRET_KEY is not set: set DJANGO_SECRET_KEY to a "
        "long random value (for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
    )

# Django's deployment check (security.W009) counts length and distinct characters; a key
# that repeats a piece ("abcde" * 10) passes it. vertebro_site.keys also refuses those: a weak
# key lets anyone who guesses it forge sessions and password-reset tokens.
if not DEBUG and (weak_reason := keys.weakness(SECRET_KEY)):
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY is too weak for DJANGO_DEBUG=0: {weak_reason}. It needs at least "
        f"{keys.MIN_LENGTH} random characters, with no 'django-insecure-' prefix. Set "
        "DJANGO_SECRET_KEY to the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )

# The key that seals finalized records (assessments.integrity). It must live outside the
# database and its backups (an environment variable, a secrets manager), or a database
# administrator could re-seal a record they changed. Without debug it is required; in
# development and tests a key derived from the secret key is used.
VERTEBRO_RECORD_KEY = os.environ.get("VERTEBRO_RECORD_KEY", "")
if not VERTEBRO_RECORD_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG is off but VERTEBRO_RECORD_KEY is not set: it seals finalized "
            "records so that a change made directly in the database shows. Set it to a long "
            "random value kept outside the database and its backups (for example the output "
            "of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), and keep it: "
            "records sealed with a lost key can no longer be verified."
        )
    VERTEBRO_RECORD_KEY = hmac.new(
        SECRET_KEY.encode(), b"vertebro development record key", hashlib.sha256
    ).hexdigest()
elif not DEBUG and (weak_reason := keys.weakness(VERTEBRO_RECORD_KEY)):
    raise ImproperlyConfigured(
        f"VERTEBRO_RECORD_KEY is too weak: {weak_reason}. Set it to the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
if not DEBUG and VERTEBRO_RECORD_KEY == SECRET_KEY:
    raise ImproperlyConfigured(
        "VERTEBRO_RECORD_KEY must differ from DJANGO_SECRET_KEY: give each its own random value."
    )
# Earlier record keys, comma-separated: records sealed with them still verify (key rotation:
# the new key goes in VERTEBRO_RECORD_KEY, the one it replaces here).
VERTEBRO_RECORD_OLD_KEYS = env_list("VERTEBRO_RECORD_OLD_KEYS", [])

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    # Bootstrap 5's CSS and JS, shipped by the django-bootstrap-static package (no CDN).
    "bootstrap",
    "simple_history",
    "axes",
    "csp",
    "accounts",
    "assessments",
    "outcomes",
    "interop",
    "interop.smart",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed (static files are already, by WhiteNoise). BREACH: a page holds a
    # secret (the CSRF token) beside text an attacker could reflect (the search box). Django
    # masks the CSRF token afresh in every response, and GZipMiddleware pads each compressed
    # response with random bytes ("Heal the BREACH"), so response lengths do not reveal it.
    "django.middleware.gzip.GZipMiddleware",
    # Outside every middleware that may refuse a request itself (request limits, sessions,
    # CSRF): their 400 and 403 pages carry the same headers as every other page.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "accounts.middleware.RequestLimitsMiddleware",
    "accounts.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside the record's frame only for its listed origins (VERTEBRO_EHR_FRAME_ORIGINS).
    "interop.smart.middleware.EhrFrameMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vertebro_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.idle_sign_out",
            ],
        },
    },
]

WSGI_APPLICATION = "vertebro_site.wsgi.application"

# SQLite in the project folder by default; DATABASE_URL=postgres://… for real deployments.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share one SQLite file: take the write lock when a transaction
    # starts and wait for it (a deferred transaction that upgrades its lock fails at once with
    # "database is locked"); WAL lets readers go on while one worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Several app servers may share one database: nothing that must be shared lives in one
# process's memory. Sessions, sign-in failures (django-axes) and the cache are in the database
# (the cache table is made by `manage.py createcachetable`, which make run and serve run).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "vertebro_cache",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes checks every sign-in first (lockout), then Django checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Permissions in one query a request (accounts/backends.py); ModelBackend signs people in.
    "accounts.backends.ModelPermissionsInOneQuery",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# Dates as "25 Nov 2026" on every page, the PDF and the admin (vertebro_site/formats/en).
FORMAT_MODULE_PATH = ["vertebro_site.formats"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Paper size of the PDF summary: "A4" (default) or "Letter".
VERTEBRO_PAGE_SIZE = os.environ.get("VERTEBRO_PAGE_SIZE", "A4")
if VERTEBRO_PAGE_SIZE not in {"A4", "Letter"}:
    raise ImproperlyConfigured(
        f"VERTEBRO_PAGE_SIZE must be A4 or Letter, not {VERTEBRO_PAGE_SIZE!r}."
    )

# The rules version a new installation runs (docs/specification.md §9): new drafts start under
# it until an administrator switches the active version (`manage.py rules_version --activate`,
# kept in the database and in the security log). Checked against the versions the core has
# when the assessments app starts.
VERTEBRO_RULES_VERSION = os.environ.get("VERTEBRO_RULES_VERSION", "2026.3")

# --- Production hardening (README: "Serving in production") ---------------------------------
# Every default below is safe for a hospital server once DJANGO_DEBUG=0; with debug on (local
# development over http://127.0.0.1:8000) the HTTPS-only parts stay off.

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto: trust it only when told to.
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Forms carry the CSRF token in the page; no script needs to read the cookie.
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# The electronic records whose pages may frame Vertebro after a SMART launch (origins such as
# https://ehr.example.org); default none: no page can be framed. A session in a cross-site
# frame is carried only by cookies marked SameSite=None, which browsers accept only with
# Secure (HTTPS): set this only where Vertebro is served over HTTPS.
VERTEBRO_EHR_FRAME_ORIGINS = env_list("VERTEBRO_EHR_FRAME_ORIGINS", [])
for _origin in VERTEBRO_EHR_FRAME_ORIGINS:
    if not _origin.startswith(("https://", "http://")) or _origin.count("/") != 2:
        raise ImproperlyConfigured(
            f"VERTEBRO_EHR_FRAME_ORIGINS holds {_origin!r}: list origins such as "
            "https://ehr.example.org (scheme and host, no path), separated by commas."
        )
if VERTEBRO_EHR_FRAME_ORIGINS:
    SESSION_COOKIE_SAMESITE = "None"
    CSRF_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# A session ends at browser close and after this many minutes without a request
# (accounts.middleware.IdleTimeoutMiddleware); drafts live in the database, not the session.
VERTEBRO_SESSION_IDLE_MINUTES = env_int("VERTEBRO_SESSION_IDLE_MINUTES", 15)
if VERTEBRO_SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("VERTEBRO_SESSION_IDLE_MINUTES must be at least 1.")
# The middleware records activity at most once a minute and decides; the session store keeps
# a session twice the idle limit as a backstop, so a returning user is told why they were
# signed out.
VERTEBRO_SESSION_ACTIVITY_RESOLUTION = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = VERTEBRO_SESSION_IDLE_MINUTES * 60 * 2

# Number of reverse proxies in front of Vertebro that append to X-Forwarded-For; the client
# address (lockout, security log) is taken from that header only when this is set.
VERTEBRO_PROXY_COUNT = env_int("VERTEBRO_PROXY_COUNT", 0)

# Sign-in lockout (django-axes, counts in the database): 5 failures for one user name from one
# address, 15 minutes ...
AXES_FAILURE_LIMIT = env_int("VERTEBRO_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("VERTEBRO_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ... and 10 failures from one address across user names lock the address (accounts.lockout).
VERTEBRO_LOCKOUT_ADDRESS_FAILURES = env_int("VERTEBRO_LOCKOUT_ADDRESS_FAILURES", 10)
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_CLIENT_IP_CALLABLE = "accounts.security_log.client_ip"

# Content Security Policy (django-csp 4): our own origin only; no inline script or style.
# Bootstrap draws its form controls with data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Request bodies: the largest form is a few kilobytes; anything far larger is refused (400).
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

# Security events (sign-in, failure, lockout, finalize, amend, export) as JSON lines, to
# standard error or to the file VERTEBRO_SECURITY_LOG names; ids only, never patient data.
VERTEBRO_SECURITY_LOG = os.environ.get("VERTEBRO_SECURITY_LOG", "")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "no_query_strings": {"()": "vertebro_site.log_redaction.QueryStringFilter"},
    },
    "formatters": {
        "json": {"()": "accounts.security_log.JsonFormatter"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        # The development server's request log, without query strings (patient references).
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["no_query_strings"],
        },
        "security": (
            {
                "class": "logging.handlers.WatchedFileHandler",
                "filename": VERTEBRO_SECURITY_LOG,
                "formatter": "json",
            }
            if VERTEBRO_SECURITY_LOG
            else {"class": "logging.StreamHandler", "formatter": "json"}
        ),
        # Server errors reach standard error (gunicorn's log) when debug is off.
        "errors": {
            "class": "logging.StreamHandler",
            "filters": ["require_debug_false"],
            "level": "ERROR",
        },
    },
    "loggers": {
        "vertebro.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["errors"], "level": "ERROR"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# FHIR R4 and CDS Hooks 2.0 (docs/interoperability.md).
# The address the electronic record reaches Vertebro at: the JWT audience and the card links.
VERTEBRO_PUBLIC_URL = os.environ.get("VERTEBRO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# The canonical base of Vertebro's FHIR definitions (Questionnaire, code systems, identifier
# systems): set once, to an address that serves this server's /fhir, and never changed, so
# exports name the same URLs whatever host served them. Default: the public URL's /fhir.
VERTEBRO_FHIR_CANONICAL_BASE = os.environ.get(
    "VERTEBRO_FHIR_CANONICAL_BASE", f"{VERTEBRO_PUBLIC_URL}/fhir"
).rstrip("/")
# Bases of earlier exports an import still accepts (comma-separated), for a transition period.
VERTEBRO_FHIR_FORMER_CANONICAL_BASES = env_list("VERTEBRO_FHIR_FORMER_CANONICAL_BASES", [])
# The hospital's identifier system of the medical record number (e.g.
# urn:oid:1.2.36.146.595.217.0.1): the system of the MRN in every export, and the Patient
# identifier the CDS service reads. Empty: exports carry the MRN typed MR without a system.
VERTEBRO_MRN_SYSTEM = os.environ.get(
    "VERTEBRO_MRN_SYSTEM", os.environ.get("VERTEBRO_CDS_PATIENT_IDENTIFIER_SYSTEM", "")
)
# A JSON file mapping each trusted CDS client (JWT `iss`) to its JSON Web Key Set.
VERTEBRO_CDS_CLIENTS = os.environ.get("VERTEBRO_CDS_CLIENTS", "")
# Orders (and earlier Procedures) that are a vertebroplasty, as `system|code`.
VERTEBRO_CDS_ORDER_CODES = env_list(
    "VERTEBRO_CDS_ORDER_CODES",
    [
        "http://www.ama-assn.org/go/cpt|22510",
        "http://www.ama-assn.org/go/cpt|22511",
        "http://www.ama-assn.org/go/cpt|22512",
        f"{VERTEBRO_FHIR_CANONICAL_BASE}/CodeSystem/procedure|vertebroplasty",
    ],
)
# The Patient identifier holding the chart reference (MRN); empty: the MR-typed identifier.
VERTEBRO_CDS_PATIENT_IDENTIFIER_SYSTEM = VERTEBRO_MRN_SYSTEM
# A finalized assessment younger than this is shown as a guidance card.
VERTEBRO_CDS_RECENT_DAYS = env_int("VERTEBRO_CDS_RECENT_DAYS", 30)
# How long the link of an app-link card stays usable.
VERTEBRO_CDS_LAUNCH_MINUTES = env_int("VERTEBRO_CDS_LAUNCH_MINUTES", 10)
# The CDS endpoint's own body limit: prefetched Bundles are larger than the forms' 64 KiB.
VERTEBRO_CDS_MAX_BODY_BYTES = env_int("VERTEBRO_CDS_MAX_BODY_BYTES", 2 * 1024 * 1024)
# Browser origins allowed to call the CDS endpoints (CORS); "*" for any. Default: none.
VERTEBRO_CDS_CORS_ORIGINS = env_list("VERTEBRO_CDS_CORS_ORIGINS", [])
# Calls without a valid token, per client address and minute, before the service answers 429
# (they are counted, not written to the call log one row each).
VERTEBRO_CDS_UNAUTHENTICATED_PER_MINUTE = env_int("VERTEBRO_CDS_UNAUTHENTICATED_PER_MINUTE", 30)
# Paths whose views check a body limit of their own instead of DATA_UPLOAD_MAX_MEMORY_SIZE.
VERTEBRO_OWN_BODY_LIMIT_PATHS = ["/cds-services/"]

# SMART App Launch 2.0, EHR launch (docs/interoperability.md, "Register Vertebro in an EHR").
# A JSON file mapping each trusted record's FHIR base URL (the launch's iss) to Vertebro's
# client registration there (interop/smart/config.py); empty: no record can launch Vertebro.
VERTEBRO_SMART_ISSUERS = os.environ.get("VERTEBRO_SMART_ISSUERS", "")
# How long a launch may take between Vertebro's redirect to the record and the record's answer.
VERTEBRO_SMART_STATE_MINUTES = env_int("VERTEBRO_SMART_STATE_MINUTES", 10)
# Each call to the record (discovery, token, FHIR) gives up after this many seconds.
VERTEBRO_SMART_HTTP_TIMEOUT_SECONDS = env_int("VERTEBRO_SMART_HTTP_TIMEOUT_SECONDS", 10)
# The Observations that hold a DXA T-score, as `system|code` (LOINC: lumbar spine, hip).
VERTEBRO_SMART_T_SCORE_CODES = env_list(
    "VERTEBRO_SMART_T_SCORE_CODES", ["http://loinc.org|38267-1", "http://loinc.org|38263-0"]
)
