"""With debug off, a weak secret key stops the settings and `make serve` (scripts/serve.sh),
saying what to set; a strong one passes `check --deploy` without a warning."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "vertebro.hospital.example",
    # What exports and the electronic record need to know (interop.W001, interop.W002).
    "VERTEBRO_PUBLIC_URL": "https://vertebro.hospital.example",
    "VERTEBRO_MRN_SYSTEM": "urn:oid:1.2.36.146.595.217.0.1",
}


def _environment(tmp_path, secret_key: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VERTEBRO_"))}
    env.update(PRODUCTION, DJANGO_SECRET_KEY=secret_key, VERTEBRO_RECORD_KEY=RECORD_KEY)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    return env


RECORD_KEY = secrets.token_urlsafe(50)

WEAK_KEYS = {
    "short": "short",
    "49 characters": secrets.token_urlsafe(60)[:49],
    "4 distinct characters": "abcd" * 20,
    "the insecure prefix": "django-insecure-" + secrets.token_urlsafe(50),
    # Long enough and with enough different characters, but a piece repeated.
    "abcde ten times": "abcde" * 10,
    "password seven times": "password" * 7,
    "a repetition cut short": ("correcthorse" * 5)[:57],
    "long runs": "x" * 40 + secrets.token_urlsafe(20),
}


@pytest.mark.parametrize("key", WEAK_KEYS.values(), ids=WEAK_KEYS.keys())
def test_settings_refuse_a_weak_secret_key_with_debug_off(tmp_path, key):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_environment(tmp_path, key),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr  # how to make a good one


def test_make_serve_refuses_a_short_secret_key_before_starting_a_server(tmp_path):
    result = subprocess.run(
        ["bash", "scripts/serve.sh"],
        cwd=ROOT,
        env={**_environment(tmp_path, "short"), "PORT": "1", "HOST": "127.0.0.1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr
    assert "Serving Vertebro" not in result.stderr
    assert not (tmp_path / "serve.sqlite3").exists()  # stopped before migrating


def test_a_strong_key_passes_the_deployment_check_without_a_warning(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_environment(tmp_path, secrets.token_urlsafe(50)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _check(tmp_path, **environment) -> subprocess.CompletedProcess:
    env = _environment(tmp_path, secrets.token_urlsafe(50))
    env.update(environment)
    env = {name: value for name, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_debug_off_requires_a_record_key_and_says_what_it_is_for(tmp_path):
    result = _check(tmp_path, VERTEBRO_RECORD_KEY=None)
    assert result.returncode != 0
    assert "VERTEBRO_RECORD_KEY is not set" in result.stderr
    assert "outside the database" in result.stderr


@pytest.mark.parametrize("key", ["abcde" * 10, "password" * 7], ids=["abcde", "password"])
def test_debug_off_refuses_a_weak_record_key(tmp_path, key):
    result = _check(tmp_path, VERTEBRO_RECORD_KEY=key)
    assert result.returncode != 0
    assert "VERTEBRO_RECORD_KEY is too weak: it repeats a piece" in result.stderr


def test_the_record_key_must_differ_from_the_secret_key(tmp_path):
    key = secrets.token_urlsafe(50)
    result = _check(tmp_path, DJANGO_SECRET_KEY=key, VERTEBRO_RECORD_KEY=key)
    assert result.returncode != 0
    assert "VERTEBRO_RECORD_KEY must differ from DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("key", "period"), [("abcde" * 10, 5), ("password" * 7 + "pass", 8), ("ab" * 3 + "c", 7)]
)
def test_smallest_period_finds_the_repeated_piece(key, period):
    from vertebro_site.keys import smallest_period

    assert smallest_period(key) == period


def test_random_keys_are_never_refused():
    from vertebro_site.keys import weakness

    assert [weakness(secrets.token_urlsafe(50)) for _ in range(200)] == [None] * 200
    assert [weakness(secrets.token_hex(25)) for _ in range(200)] == [None] * 200
