"""A save from a page built on an older version is refused (409), never a silent overwrite."""

from django.urls import reverse

from assessments.models import Assessment
from tests.factories import make_assessment
from tests.step_posts import relative_inputs, step_post


def test_a_stale_step_is_refused_with_409_and_a_reload_link(client, alice):
    assessment = make_assessment(alice, **relative_inputs())
    url = reverse("assessments:step", args=[assessment.pk, 2])
    client.force_login(alice)
    # Two tabs open step 2 at the same version; the first saves.
    first = client.post(url, step_post(2, version=assessment.version, vas_current=3))
    assert first.status_code == 302
    second = client.post(url, step_post(2, version=assessment.version, vas_current=9))
    assert second.status_code == 409
    page = second.content.decode()
    assert "changed elsewhere" in page
    assert f'href="{url}"' in page  # reload
    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.vas_current == 3
    assert saved.version == assessment.version + 1


def test_a_post_without_a_version_is_treated_as_stale(client, alice):
    assessment = make_assessment(alice, **relative_inputs())
    client.force_login(alice)
    post = step_post(2, vas_current=9)
    response = client.post(reverse("assessments:step", args=[assessment.pk, 2]), post)
    assert response.status_code == 409
    assert Assessment.objects.get(pk=assessment.pk).vas_current == assessment.vas_current


def test_the_step_page_carries_the_current_version(client, alice):
    assessment = make_assessment(alice, **relative_inputs())
    Assessment.objects.filter(pk=assessment.pk).update(version=7)
    client.force_login(alice)
    page = client.get(reverse("assessments:step", args=[assessment.pk, 3])).content.decode()
    assert 'name="version" value="7"' in page


def test_a_garbled_version_is_treated_as_stale(client, alice):
    assessment = make_assessment(alice, **relative_inputs())
    client.force_login(alice)
    post = {**step_post(2, vas_current=9), "version": "¹2"}
    response = client.post(reverse("assessments:step", args=[assessment.pk, 2]), post)
    assert response.status_code == 409
    assert Assessment.objects.get(pk=assessment.pk).vas_current == assessment.vas_current
