"""My assessments says where each draft stands, and a draft can be discarded (never a final
assessment): it leaves every page and stays in the audit history."""

from django.urls import reverse

from assessments.models import Assessment
from assessments.services import assessment_amend, assessment_finalize
from tests.factories import make_assessment

STEP_2_ONWARDS = {
    "initial_response": None,
    "vas_current": None,
    "conservative_therapy_weeks": None,
    "mri_performed": None,
    "cement_fill": None,
    "point_tenderness": None,
    "neuro_exam": None,
}


def _row(html: str, patient_ref: str) -> str:
    start = html.index(f">{patient_ref}<")
    return html[start : html.index("</tr>", start)]


def test_my_assessments_shows_steps_done_ready_to_finalize_and_the_assessment_date(
    signed_in, alice
):
    make_assessment(alice, patient_ref="MRN-STEP-1", **STEP_2_ONWARDS)
    make_assessment(alice, patient_ref="MRN-STEP-3", point_tenderness=None, neuro_exam=None)
    make_assessment(alice, patient_ref="MRN-READY")
    assessment_finalize(assessment=make_assessment(alice, patient_ref="MRN-FINAL"), user=alice)
    html = signed_in.get(reverse("assessments:list")).content.decode()
    assert "1 of 4 steps" in _row(html, "MRN-STEP-1")
    assert "3 of 4 steps" in _row(html, "MRN-STEP-3")
    assert "Ready to finalize" in _row(html, "MRN-READY")
    assert "steps" not in _row(html, "MRN-FINAL") and "Ready" not in _row(html, "MRN-FINAL")
    assert "18 Oct 2026" in _row(html, "MRN-READY")  # the factory's assessment date
    assert "in progress" not in html


def test_discarding_asks_first_then_hides_the_draft_and_keeps_its_history(signed_in, alice):
    draft = make_assessment(alice, patient_ref="MRN-GONE")
    url = reverse("assessments:discard", args=[draft.pk])
    page = signed_in.get(url)
    assert page.status_code == 200
    assert "Discard this draft?" in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT  # asking changes nothing

    response = signed_in.post(url, follow=True)
    assert "MRN-GONE was discarded" in response.content.decode()
    assert ">MRN-GONE<" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DISCARDED
    for route in ("open", "review", "result", "finalize", "pdf", "discard"):
        assert signed_in.get(reverse(f"assessments:{route}", args=[draft.pk])).status_code == 404
    assert signed_in.get(reverse("assessments:step", args=[draft.pk, 1])).status_code == 404
    latest = draft.history.latest("history_date")
    assert latest.status == Assessment.Status.DISCARDED
    assert latest.history_user == alice
    assert latest.history_change_reason == "Draft discarded by its clinician"
    assert latest.patient_ref == "MRN-GONE"  # the answers are kept


def test_a_final_assessment_is_never_discarded(signed_in, alice):
    final = assessment_finalize(assessment=make_assessment(alice), user=alice)
    url = reverse("assessments:discard", args=[final.pk])
    for response in (signed_in.get(url), signed_in.post(url)):
        assert response.status_code == 302
        assert response.url == reverse("assessments:result", args=[final.pk])
    final.refresh_from_db()
    assert final.status == Assessment.Status.FINAL
    html = signed_in.get(reverse("assessments:list")).content.decode()
    assert url not in html


def test_only_the_owner_can_discard(client, alice, bob):
    draft = make_assessment(alice)
    client.force_login(bob)
    assert client.post(reverse("assessments:discard", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT


def test_a_discarded_amendment_lets_the_original_be_amended_again(signed_in, alice):
    original = assessment_finalize(assessment=make_assessment(alice), user=alice)
    amendment = assessment_amend(assessment=original, user=alice)
    signed_in.post(reverse("assessments:discard", args=[amendment.pk]))
    original.refresh_from_db()
    assert original.status == Assessment.Status.FINAL
    again = assessment_amend(assessment=original, user=alice)
    assert again.pk != amendment.pk
    assert amendment.history.earliest("history_date").amends_id == original.pk
