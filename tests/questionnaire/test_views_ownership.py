"""A clinician never sees another clinician's assessments: 404, not 403."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from tests.factories import make_assessment
from tests.step_posts import step_post

OWNER_PAGES = ["open", "review", "finalize"]


@pytest.fixture
def alices(alice):
    return make_assessment(alice)


@pytest.mark.parametrize("name", [*OWNER_PAGES, "result"])
def test_bob_gets_a_404_for_alices_pages(client, bob, alices, name):
    client.force_login(bob)
    assert client.get(reverse(f"assessments:{name}", args=[alices.pk])).status_code == 404


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_bob_gets_a_404_for_alices_steps_and_changes_nothing(client, bob, alices, step):
    client.force_login(bob)
    url = reverse("assessments:step", args=[alices.pk, step])
    assert client.get(url).status_code == 404
    assert client.post(url, step_post(step, version=alices.version)).status_code == 404
    assert Assessment.objects.get(pk=alices.pk).version == alices.version


def test_bob_cannot_finalize_alices_assessment(client, bob, alices):
    client.force_login(bob)
    assert client.post(reverse("assessments:finalize", args=[alices.pk])).status_code == 404
    assert Assessment.objects.get(pk=alices.pk).status == Assessment.Status.DRAFT


def test_my_assessments_lists_only_my_own(client, alice, bob, alices):
    make_assessment(bob, patient_ref="BOBS-PATIENT")
    client.force_login(alice)
    page = client.get(reverse("assessments:list")).content.decode()
    assert "MRN-0001" in page
    assert "BOBS-PATIENT" not in page


def test_a_reviewer_reads_the_result_but_cannot_edit(client, reviewer, alices):
    client.force_login(reviewer)
    assert client.get(reverse("assessments:result", args=[alices.pk])).status_code == 200
    # Refused for the role (403), as for any id: nothing about the assessment is revealed.
    assert client.get(reverse("assessments:step", args=[alices.pk, 1])).status_code == 403
    assert client.post(reverse("assessments:finalize", args=[alices.pk])).status_code == 403
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(reverse("assessments:step", args=[missing, 1])).status_code == 403


def test_a_malformed_id_is_a_404(client, alice):
    client.force_login(alice)
    assert client.get("/assessments/not-a-uuid/step/1/").status_code == 404
