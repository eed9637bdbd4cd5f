"""With debug off, a weak secret key stops the settings and `make serve` (scripts/serve.sh),
saying what to set; a strong one passes `check --deploy` without a warning."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "vertebro.hospital.example"}


def _environment(tmp_path, secret_key: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "VERTEBRO_"))}
    env.update(PRODUCTION, DJANGO_SECRET_KEY=secret_key)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    return env


WEAK_KEYS = {
    "short": "short",
    "49 characters": secrets.token_urlsafe(60)[:49],
    "4 distinct characters": "abcd" * 20,
    "the insecure prefix": "django-insecure-" + secrets.token_urlsafe(50),
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
