"""Production settings: `check --deploy` is clean, and every page carries the security headers."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import make_assessment

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "VERTEBRO_RECORD_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "vertebro.hospital.example",
    # What exports and the electronic record need to know (interop.W001, interop.W002).
    "VERTEBRO_PUBLIC_URL": "https://vertebro.hospital.example",
    "VERTEBRO_MRN_SYSTEM": "urn:oid:1.2.36.146.595.217.0.1",
}


def _manage(*args: str, **environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VERTEBRO_"))}
    env.pop("DATABASE_URL", None)
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _settings_in(environment: dict, *names: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: repr(getattr(settings, n, None)) for n in {list(names)!r}}}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VERTEBRO_"))}
    env.update(environment, DJANGO_SETTINGS_MODULE="vertebro_site.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_check_deploy_passes_without_a_single_warning_in_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_with_the_development_defaults():
    """The check above is meaningful: the same command flags a debug configuration."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on


def test_debug_off_refuses_to_start_on_the_development_secret_key_saying_what_to_set():
    result = _manage("check", DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="vertebro.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_force_https_and_keep_cookies_from_scripts_and_plain_http():
    values = _settings_in(
        PRODUCTION,
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
    )
    assert values == {
        "SECURE_SSL_REDIRECT": "True",
        "SESSION_COOKIE_SECURE": "True",
        "SESSION_COOKIE_HTTPONLY": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_PROXY_SSL_HEADER": "None",  # trusted only when asked for
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": "True",
    }


def test_the_tls_proxy_header_and_hsts_age_are_configurable():
    values = _settings_in(
        {**PRODUCTION, "DJANGO_BEHIND_TLS_PROXY": "1", "DJANGO_HSTS_SECONDS": "3600"},
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
    )
    assert values == {
        "SECURE_PROXY_SSL_HEADER": "('HTTP_X_FORWARDED_PROTO', 'https')",
        "SECURE_HSTS_SECONDS": "3600",
    }


def test_local_development_serves_plain_http_without_redirect_or_hsts(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _pages(alice) -> list[str]:
    draft = make_assessment(alice)
    return [
        reverse("login"),
        reverse("assessments:list"),
        reverse("assessments:new"),
        reverse("assessments:step", args=[draft.pk, 2]),
        reverse("assessments:review", args=[draft.pk]),
        reverse("assessments:result", args=[draft.pk]),
        "/no-such-page/",
    ]


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_SSL_REDIRECT=True)
def test_every_page_carries_csp_hsts_nosniff_frame_and_referrer_policies(client, alice):
    client.force_login(alice)
    for url in _pages(alice):
        response = client.get(url, secure=True)
        assert response.status_code in (200, 404), (url, response.status_code)
        for header, value in HEADERS.items():
            assert response.headers.get(header) == value, (url, header)
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000"), url
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp, url
        assert "frame-ancestors 'none'" in csp, url
        assert "unsafe-inline" not in csp, url


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https_when_the_redirect_is_on(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")


@pytest.mark.parametrize(
    ("directive", "sources"),
    [
        ("default-src", "'self'"),
        ("script-src", "'self'"),
        ("style-src", "'self'"),
        ("object-src", "'none'"),
        ("base-uri", "'self'"),
        ("form-action", "'self'"),
        ("frame-ancestors", "'none'"),
    ],
)
def test_the_content_security_policy_allows_only_our_own_origin(client, db, directive, sources):
    policy = client.get(reverse("login")).headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives[directive] == sources
