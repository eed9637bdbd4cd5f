"""Request bodies over a sane limit are refused with our 400 page, and nothing is saved."""

from django.conf import settings
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import make_assessment


def test_a_post_larger_than_the_limit_gets_our_400_page_not_a_server_error(client, alice):
    client.force_login(alice)
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("assessments:new"), {"patient_ref": huge, "patient_age": "70"})
    assert response.status_code == 400
    assert "This request could not be accepted" in response.content.decode()
    assert not Assessment.objects.exists()


def test_too_many_fields_get_our_400_page(client, alice):
    client.force_login(alice)
    fields = {f"extra{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post(reverse("assessments:new"), fields)
    assert response.status_code == 400
    assert "This request could not be accepted" in response.content.decode()


def test_an_oversized_post_to_a_draft_loses_nothing_saved_before(client, alice):
    draft = make_assessment(alice)
    before = Assessment.objects.filter(pk=draft.pk).values().get()
    client.force_login(alice)
    response = client.post(
        reverse("assessments:step", args=[draft.pk, 1]),
        {"patient_ref": "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE * 2), "version": draft.version},
    )
    assert response.status_code == 400
    assert Assessment.objects.filter(pk=draft.pk).values().get() == before


def test_the_largest_real_step_post_is_accepted_under_the_limit(client, alice):
    from vertebro_rules.vocabulary import Contraindication

    draft = make_assessment(alice)
    client.force_login(alice)
    response = client.post(
        reverse("assessments:step", args=[draft.pk, 4]),
        {
            "point_tenderness": "present",
            "neuro_exam": "normal",
            "infection_signs": "False",
            "vertebral_infection": "not_assessed",
            "complication_assessed": "False",
            "contraindications": list(Contraindication.values),
            "version": draft.version,
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert sorted(draft.contraindications) == sorted(Contraindication.values)
