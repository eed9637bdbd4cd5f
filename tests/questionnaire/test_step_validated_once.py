"""A step's answers are validated once per save: the form runs the model's validation of its
fields, and the save service trusts it instead of running it again; a caller without a form
(an import, a launch) still gets the service's own validation."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import services
from assessments.models import Assessment
from tests.factories import make_assessment
from tests.step_posts import step_post

pytestmark = pytest.mark.django_db


def _counting_full_clean():
    calls = []
    original = Assessment.full_clean

    def counted(self, *args, **kwargs):
        calls.append(kwargs.get("exclude"))
        return original(self, *args, **kwargs)

    return calls, mock.patch.object(Assessment, "full_clean", counted)


def test_a_step_saved_from_its_page_is_validated_once(client, alice):
    draft = make_assessment(alice, vas_current=8)
    client.force_login(alice)
    calls, patched = _counting_full_clean()
    with patched:
        response = client.post(
            reverse("assessments:step", args=[draft.pk, 2]),
            step_post(2, version=draft.version, vas_current=5),
        )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=draft.pk).vas_current == 5
    assert len(calls) == 1


def test_a_refused_answer_on_the_page_is_still_refused_and_nothing_saved(client, alice):
    draft = make_assessment(alice, vas_current=8)
    client.force_login(alice)
    response = client.post(
        reverse("assessments:step", args=[draft.pk, 2]),
        step_post(2, version=draft.version, vas_current=11),
    )
    assert response.status_code == 400
    assert Assessment.objects.get(pk=draft.pk).vas_current == 8


def test_a_save_without_a_form_is_validated_by_the_service(alice):
    draft = make_assessment(alice, vas_current=8)
    draft.vas_current = 11
    calls, patched = _counting_full_clean()
    with patched, pytest.raises(ValidationError):
        services.assessment_save_step(
            assessment=draft, fields=("vas_current",), expected_version=draft.version, user=alice
        )
    assert len(calls) == 1
    assert Assessment.objects.get(pk=draft.pk).vas_current == 8
