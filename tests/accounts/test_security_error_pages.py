"""Errors show pages of our own that leak nothing: no traceback, no settings, no paths."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse

from vertebro_site.urls import urlpatterns as site_urls

SECRET_IN_EXCEPTION = "secret-detail-MRN-0001"


def _crashes(request):
    raise RuntimeError(f"database said: {SECRET_IN_EXCEPTION}")


def _forbidden(request):
    raise PermissionDenied(SECRET_IN_EXCEPTION)


urlpatterns = [
    path("crash/", _crashes),
    path("forbidden/", _forbidden),
    path("", include(site_urls)),
]

LEAKS = ("Traceback", "django", "Django", "DEBUG", "settings", SECRET_IN_EXCEPTION, ".py")


def _assert_ours_and_silent(response, heading: str):
    body = response.content.decode()
    assert heading in body
    assert "Vertebro" in body
    for leak in LEAKS:
        assert leak not in body, leak


def test_an_unknown_address_gets_our_404_page(client, alice):
    client.force_login(alice)
    response = client.get("/assessments/not-a-page/")
    assert response.status_code == 404
    _assert_ours_and_silent(response, "Page not found")


def test_another_clinicians_assessment_gets_the_same_404_page(client, alice, bob):
    from tests.factories import make_assessment

    draft = make_assessment(bob)
    client.force_login(alice)
    response = client.get(reverse("assessments:review", args=[draft.pk]))
    assert response.status_code == 404
    _assert_ours_and_silent(response, "Page not found")


@pytest.mark.urls(__name__)
def test_a_server_error_gets_our_500_page_without_the_exception(client, alice):
    client.raise_request_exception = False
    client.force_login(alice)
    response = client.get("/crash/")
    assert response.status_code == 500
    _assert_ours_and_silent(response, "Something went wrong on our side")


@pytest.mark.urls(__name__)
def test_a_forbidden_action_gets_our_403_page_without_the_reason(client, alice):
    client.force_login(alice)
    response = client.get("/forbidden/")
    assert response.status_code == 403
    _assert_ours_and_silent(response, "You cannot do this")


def test_a_form_without_its_csrf_token_gets_our_expired_form_page(alice):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post(reverse("assessments:new"), {"patient_ref": "MRN-1"})
    assert response.status_code == 403
    _assert_ours_and_silent(response, "This form has expired")


def test_error_pages_need_no_inline_script_or_style(client, alice):
    client.force_login(alice)
    body = client.get("/assessments/not-a-page/").content.decode()
    assert "<script" not in body
    assert "<style" not in body
    assert "style=" not in body
