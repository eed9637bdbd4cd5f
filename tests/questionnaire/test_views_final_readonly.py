"""A final assessment is read-only: edit pages send to the result, posts change nothing."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment
from tests.factories import make_assessment
from tests.step_posts import step_post


@pytest.fixture
def final(alice):
    assessment = make_assessment(alice)
    return services.assessment_finalize(assessment=assessment, user=alice)


def _result(assessment):
    return reverse("assessments:result", args=[assessment.pk])


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_a_step_of_a_final_assessment_redirects_to_the_result_with_a_message(
    client, alice, final, step
):
    client.force_login(alice)
    response = client.get(reverse("assessments:step", args=[final.pk, step]), follow=True)
    assert response.redirect_chain == [(_result(final), 302)]
    assert "final and can no longer be changed" in response.content.decode()


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_a_post_to_a_final_assessment_changes_nothing(client, alice, final, step):
    client.force_login(alice)
    before = Assessment.objects.get(pk=final.pk)
    post = step_post(step, version=final.version, patient_ref="TAMPERED", vas_current=1)
    response = client.post(reverse("assessments:step", args=[final.pk, step]), post)
    assert response.status_code == 302
    assert response["Location"] == _result(final)
    after = Assessment.objects.get(pk=final.pk)
    assert after.input_values() == before.input_values()
    assert after.version == before.version
    assert after.updated == before.updated


@pytest.mark.parametrize("name", ["review", "finalize", "open"])
def test_review_and_finalize_of_a_final_assessment_lead_to_the_result(client, alice, final, name):
    client.force_login(alice)
    response = client.get(reverse(f"assessments:{name}", args=[final.pk]))
    assert response["Location"] == _result(final)


def test_finalizing_twice_keeps_the_first_finalization(client, alice, final):
    client.force_login(alice)
    response = client.post(reverse("assessments:finalize", args=[final.pk]))
    assert response["Location"] == _result(final)
    assert Assessment.objects.get(pk=final.pk).finalized_at == final.finalized_at
