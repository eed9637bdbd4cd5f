"""Vertebro in the record's frame: allowed only for the listed origins, on the SMART pages and
in a session a launch signed in; every other page, and every page by default, refuses frames."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

from .conftest import full_launch, launch

ROOT = Path(__file__).resolve().parents[3]
EHR_ORIGIN = "https://ehr.example.org"


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if "frame-ancestors" in part)


def test_by_default_no_page_can_be_framed(client, ehr, alice_linked):
    response = launch(client, ehr)
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_the_launch_page_can_be_framed_by_the_listed_origins_only(client, ehr, settings):
    settings.VERTEBRO_EHR_FRAME_ORIGINS = [EHR_ORIGIN]
    response = launch(client, ehr)
    assert frame_ancestors(response) == f"frame-ancestors {EHR_ORIGIN}"
    assert not response.has_header("X-Frame-Options")


def test_a_launched_session_can_be_framed_on_every_page(client, ehr, alice_linked, settings):
    settings.VERTEBRO_EHR_FRAME_ORIGINS = [EHR_ORIGIN]
    step_1 = client.get(full_launch(client, ehr)["Location"])
    assert step_1.status_code == 200
    assert frame_ancestors(step_1) == f"frame-ancestors {EHR_ORIGIN}"
    assert not step_1.has_header("X-Frame-Options")
    assert (
        frame_ancestors(client.get(reverse("assessments:list"))) == f"frame-ancestors {EHR_ORIGIN}"
    )


def test_a_session_signed_in_with_a_password_is_never_framed(client, alice, settings):
    settings.VERTEBRO_EHR_FRAME_ORIGINS = [EHR_ORIGIN]
    client.force_login(alice)
    response = client.get(reverse("assessments:list"))
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def _settings_with(**environment) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.update(environment)
    code = (
        "from django.conf import settings;"
        "print(settings.SESSION_COOKIE_SAMESITE, settings.SESSION_COOKIE_SECURE,"
        " settings.CSRF_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE)"
    )
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'vertebro_site.settings'); django.setup(); {code}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cookies_cross_the_frame_only_when_origins_are_listed():
    assert _settings_with().stdout.split() == ["Lax", "False", "Lax", "False"]
    framed = _settings_with(VERTEBRO_EHR_FRAME_ORIGINS=EHR_ORIGIN)
    assert framed.stdout.split() == ["None", "True", "None", "True"]


def test_a_frame_origin_with_a_path_is_refused_naming_the_variable():
    result = _settings_with(VERTEBRO_EHR_FRAME_ORIGINS="https://ehr.example.org/chart")
    assert result.returncode != 0
    assert "VERTEBRO_EHR_FRAME_ORIGINS" in result.stderr
