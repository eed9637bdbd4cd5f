"""Settings read the environment with safe defaults and fail loudly on nonsense."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from vertebro_site.settings import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def test_env_bool_reads_yes_and_no(monkeypatch):
    monkeypatch.setenv("VERTEBRO_FLAG", "off")
    assert env_bool("VERTEBRO_FLAG", True) is False
    monkeypatch.setenv("VERTEBRO_FLAG", "1")
    assert env_bool("VERTEBRO_FLAG", False) is True


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("VERTEBRO_FLAG", raising=False)
    assert env_bool("VERTEBRO_FLAG", True) is True


def test_env_bool_refuses_nonsense_naming_the_variable(monkeypatch):
    monkeypatch.setenv("VERTEBRO_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="VERTEBRO_FLAG"):
        env_bool("VERTEBRO_FLAG", True)


def test_env_int_refuses_nonsense_naming_the_variable(monkeypatch):
    monkeypatch.setenv("VERTEBRO_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="VERTEBRO_NUMBER"):
        env_int("VERTEBRO_NUMBER", 1)


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("VERTEBRO_HOSTS", "a.example, b.example,")
    assert env_list("VERTEBRO_HOSTS", []) == ["a.example", "b.example"]


def _check_with(**environment) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_local_development_needs_no_variable():
    result = _check_with()
    assert result.returncode == 0, result.stderr


def test_a_wrong_page_size_is_refused_with_the_variable_named():
    result = _check_with(VERTEBRO_PAGE_SIZE="A5")
    assert result.returncode != 0
    assert "VERTEBRO_PAGE_SIZE" in result.stderr


def test_database_url_selects_the_database(db):
    from django.db import connection

    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
