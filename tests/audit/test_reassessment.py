"""Reassessment apart from amendment: "Reassess" on a final assessment starts a new draft
pre-filled from it with a new assessment date; the earlier one stays final and correct (not
superseded), and both result pages link to each other."""

import pytest
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import ASKED_AGAIN, assessment_finalize
from tests.factories import NO_MRI, make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_workup(alice):
    """A final "complete the work-up" assessment: no MRI yet."""
    return assessment_finalize(
        assessment=make_assessment(alice, patient_ref="MRN-REASSESS", **NO_MRI), user=alice
    )


def test_reassess_starts_a_prefilled_draft_and_leaves_the_earlier_one_final(
    signed_in, alice, final_workup
):
    frozen = dict(final_workup.guidance)
    response = signed_in.post(reverse("assessments:reassess", args=[final_workup.pk]))
    later = Assessment.objects.get(reassesses=final_workup)
    assert response.status_code == 302
    assert later.is_draft
    assert later.patient_ref == "MRN-REASSESS"
    assert later.treated_level == final_workup.treated_level
    assert later.index_procedure_date == final_workup.index_procedure_date
    assert later.assessment_date is None  # a new visit: step 2 proposes today
    assert later.amends is None
    final_workup.refresh_from_db()
    assert final_workup.status == Assessment.Status.FINAL  # not superseded
    assert final_workup.guidance == frozen
    # A second press resumes the same draft.
    signed_in.post(reverse("assessments:reassess", args=[final_workup.pk]))
    assert Assessment.objects.filter(reassesses=final_workup).count() == 1


def test_a_reassessment_asks_the_findings_of_the_day_again(signed_in, alice):
    """Pain now, therapy so far, the examination, infection, complications, the
    contraindications and the MRI reading describe the earlier visit: left empty, never
    carried into the later one, where a stale "Normal" or "No" would silence a red flag and
    an old MRI could pass for a new one. The rest is copied."""
    earlier = assessment_finalize(
        assessment=make_assessment(
            alice, patient_ref="MRN-DAY", neuro_exam="normal", contraindications=["cement_allergy"]
        ),
        user=alice,
    )
    signed_in.post(reverse("assessments:reassess", args=[earlier.pk]))
    later = Assessment.objects.get(reassesses=earlier)
    answered = [name for name in ASKED_AGAIN if getattr(earlier, name) not in (None, "")]
    assert len(answered) >= 8  # the earlier visit answered most of them
    for name in ASKED_AGAIN:
        assert getattr(later, name) in (None, []), name
    assert later.neuro_exam is None and later.infection_signs is None
    assert later.contraindications == []
    assert later.marrow_edema is None and later.mri_performed is None
    for name in ("treated_level", "index_procedure_date", "initial_response", "cement_fill"):
        assert getattr(later, name) == getattr(earlier, name), name
    assert {"vas_current", "neuro_exam", "infection_signs"} <= set(later.missing_inputs())
    page = signed_in.get(reverse("assessments:step", args=[later.pk, 4])).content.decode()
    assert 'value="normal" checked' not in page


def test_both_result_pages_link_to_each_other(signed_in, alice, final_workup):
    signed_in.post(reverse("assessments:reassess", args=[final_workup.pk]))
    later = Assessment.objects.get(reassesses=final_workup)
    earlier_page = signed_in.get(reverse("assessments:result", args=[final_workup.pk]))
    assert reverse("assessments:result", args=[later.pk]) in earlier_page.content.decode()
    later_page = signed_in.get(reverse("assessments:result", args=[later.pk])).content.decode()
    assert 'id="reasssesses"' not in later_page
    assert reverse("assessments:result", args=[final_workup.pk]) in later_page
    assert "stays final" in later_page


def test_only_the_owner_of_a_final_assessment_reassesses(client, bob, alice, final_workup):
    client.force_login(bob)
    response = client.post(reverse("assessments:reassess", args=[final_workup.pk]))
    assert response.status_code == 404
    draft = make_assessment(alice)
    client.force_login(alice)
    response = client.post(reverse("assessments:reassess", args=[draft.pk]))
    assert response.status_code == 302
    assert not Assessment.objects.filter(reassesses=draft).exists()


def test_reassess_is_a_post(signed_in, final_workup):
    assert signed_in.get(reverse("assessments:reassess", args=[final_workup.pk])).status_code == 405
