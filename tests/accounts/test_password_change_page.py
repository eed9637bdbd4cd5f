"""The password change is a page of the app (its menu, its look), reached from every page,
and a refused change names each field and says why."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_page_is_in_the_app_with_its_menu(client, alice):
    client.force_login(alice)
    page = client.get(reverse("password_change")).content.decode()
    assert "<h1" in page and "Change your password" in page
    # The app's own menu (not the admin's breadcrumbs): the clinician's way back.
    assert f'href="{reverse("assessments:list")}"' in page
    assert "breadcrumbs" not in page
    for name, autocomplete in (
        ("old_password", "current-password"),
        ("new_password1", "new-password"),
        ("new_password2", "new-password"),
    ):
        assert f'name="{name}"' in page
        assert f'id="id_{name}" autocomplete="{autocomplete}"' in page


def test_a_refused_change_names_the_field_and_keeps_the_password(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "other"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert '<a href="#id_new_password2">New password confirmation:' in page
    assert 'aria-invalid="true"' in page
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_done_says_so_and_leads_back(client, alice):
    client.force_login(alice)
    page = client.get(reverse("password_change_done")).content.decode()
    assert "Your password was changed" in page
    assert f'href="{reverse("assessments:list")}"' in page
