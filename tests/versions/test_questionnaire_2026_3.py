"""The questionnaire under rules 2026.3 (docs/specification.md §1, §5a, §6, §8): the new
questions on the steps the spec names, shown only where they apply; a red flag at the top of
every step as soon as its answers are saved; the warnings listed above the recommendation and
each ticked as read before finalizing, kept with who and when."""

import html as html_lib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import integrity
from assessments.models import Assessment
from tests.factories import make_assessment
from tests.step_posts import relative_inputs, step_post, step_url

NEW = "2026.3"


@pytest.fixture(autouse=True)
def rules_2026_3(settings):
    settings.VERTEBRO_RULES_VERSION = NEW


def draft(alice, **overrides) -> Assessment:
    return make_assessment(alice, **relative_inputs(**overrides))


def block(html: str, field: str) -> str:
    """The conditional block that holds `field`, from its opening tag."""
    start = html.rindex("data-show-when", 0, html.index(f'name="{field}"'))
    return html[html.rindex("<div", 0, start) : html.index(f'name="{field}"')]


def test_step_2_asks_opioid_failure_only_on_opioids_and_the_weeks_only_for_a_recurrence(
    signed_in, alice
):
    assessment = draft(alice, analgesics="non_opioid")
    html = signed_in.get(step_url(assessment, 2)).content.decode()
    opioid_block = block(html, "opioid_failure")
    assert 'data-show-when="analgesics"' in opioid_block
    assert 'data-show-value="opioid"' in opioid_block
    assert " hidden" in opioid_block
    weeks_block = block(html, "conservative_therapy_weeks")
    assert 'data-show-value="relief_then_recurrence"' in weeks_block
    assert " hidden" in weeks_block
    assert "Partial relief: the pain at the treated level improved but persists" in html


def test_step_3_asks_whether_mri_is_possible_only_without_one(signed_in, alice):
    html = signed_in.get(step_url(draft(alice), 3)).content.decode()
    no_mri = block(html, "mri_not_possible")
    assert 'data-show-when="mri_performed"' in no_mri
    assert 'data-show-value="False"' in no_mri


def test_step_4_asks_infection_and_complication(signed_in, alice):
    html = signed_in.get(step_url(draft(alice), 4)).content.decode()
    for name in ("infection_signs", "vertebral_infection", "complication_assessed"):
        assert f'name="{name}"' in html


def test_a_2026_2_draft_keeps_its_questions(signed_in, alice):
    old = draft(alice, rules_version="2026.2")
    html = signed_in.get(step_url(old, 4)).content.decode()
    assert 'name="infection_signs"' not in html


def test_the_new_answers_are_saved_and_read_by_the_rules(signed_in, alice):
    assessment = draft(alice, analgesics="opioid")
    post = step_post(2, version=assessment.version, analgesics="opioid", opioid_failure=True)
    assert signed_in.post(step_url(assessment, 2), post).status_code == 302
    assessment.refresh_from_db()
    assert assessment.opioid_failure is True
    post = step_post(
        4, version=assessment.version, infection_signs=True, vertebral_infection="not_assessed"
    )
    assert signed_in.post(step_url(assessment, 4), post).status_code == 302
    assessment.refresh_from_db()
    assert assessment.evaluate().reasons[0].rule == "R17"


def test_opioid_failure_without_opioids_is_refused_naming_the_field(signed_in, alice):
    assessment = draft(alice)
    post = step_post(2, version=assessment.version, analgesics="non_opioid", opioid_failure=True)
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 400
    assert "Opioids cannot be reduced" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.analgesics == "opioid"


def test_a_red_flag_shows_at_the_top_of_the_next_step_as_soon_as_it_is_saved(signed_in, alice):
    """Pain worse than before the index procedure on day 17 (R16), imaging not yet answered."""
    assessment = draft(
        alice,
        mri_performed=None,
        active_fracture_location=None,
        cleft_sign=None,
        marrow_edema=None,
        cement_fill=None,
        point_tenderness=None,
        neuro_exam=None,
    )
    post = step_post(2, version=assessment.version, vas_before_index=5, vas_current=8)
    response = signed_in.post(step_url(assessment, 2), post, follow=True)
    html = response.content.decode()
    assert response.request["PATH_INFO"] == step_url(assessment, 3)
    assert 'id="red-flag"' in html
    assert html.index('id="red-flag"') < html.index('id="step-form"')
    assert "Red flag: " in html
    assert "Red flag (R16)" not in html  # no rule code a clinician cannot read
    assert "Assess now for a complication of the vertebroplasty" in html


def test_a_refused_step_still_names_the_red_flag_of_a_new_deficit(signed_in, alice):
    assessment = draft(alice, neuro_exam="new_deficit")
    post = step_post(2, version=assessment.version, analgesics="none", opioid_failure=True)
    response = signed_in.post(step_url(assessment, 2), post)
    html = response.content.decode()
    assert response.status_code == 400
    assert "RED FLAG: a new neurological deficit is recorded" in html
    assert html.index("RED FLAG") < html.index('id="error-summary"')


# Marrow edema absent 17 days after cementation: warning P4 (edema usually persists for weeks).
P4_CASE = {"marrow_edema": "absent", "cleft_sign": "present"}


def test_the_review_lists_the_warnings_above_the_recommendation(signed_in, alice):
    assessment = draft(alice, **P4_CASE)
    html = signed_in.get(reverse("assessments:review", args=[assessment.pk])).content.decode()
    assert 'id="warning-P4"' in html
    assert html.index('id="guidance-warnings"') < html.index('id="recommendation-title"')


def test_finalizing_needs_each_warning_ticked_and_keeps_who_and_when(signed_in, alice):
    assessment = draft(alice, **P4_CASE)
    url = reverse("assessments:finalize", args=[assessment.pk])
    page = signed_in.get(url).content.decode()
    assert 'name="read_P4"' in page
    refused = signed_in.post(url, {})
    assert refused.status_code == 400
    refusal = html_lib.unescape(refused.content.decode())
    assert "Tick the warning “" in refusal and "” as read before finalizing." in refusal
    assert "warning P4" not in refusal  # named by its words, not its code
    assert "I have read this warning:" in page
    assessment.refresh_from_db()
    assert assessment.is_draft
    before = timezone.now()
    assert signed_in.post(url, {"read_P4": "on"}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.is_current_final
    [ack] = assessment.warning_acknowledgements
    assert ack["id"] == "P4"
    assert ack["acknowledged_by"] == alice.pk
    assert ack["text"] == assessment.guidance["warnings"][0]["text"]
    from datetime import datetime

    assert before <= datetime.fromisoformat(ack["acknowledged_at"]) <= before + timedelta(minutes=1)
    assert integrity.seal_matches(assessment)
    result = signed_in.get(reverse("assessments:result", args=[assessment.pk])).content.decode()
    assert 'id="warning-P4"' in result
    assert "Read by Alice Tester" in result


def test_the_acknowledgements_are_covered_by_the_record_digest(alice, signed_in):
    assessment = draft(alice, **P4_CASE)
    signed_in.post(reverse("assessments:finalize", args=[assessment.pk]), {"read_P4": "on"})
    assessment.refresh_from_db()
    assessment.warning_acknowledgements[0]["acknowledged_by"] = alice.pk + 1
    assert not integrity.seal_matches(assessment)


@pytest.fixture
def final_with_warning(alice, signed_in) -> Assessment:
    assessment = draft(alice, **P4_CASE)
    signed_in.post(reverse("assessments:finalize", args=[assessment.pk]), {"read_P4": "on"})
    assessment.refresh_from_db()
    return assessment


def test_the_pdf_and_the_chart_note_carry_the_warnings(final_with_warning):
    from assessments.questionnaire import presenters
    from assessments.reports import display, pdf
    from tests.pdf_helpers import document_text

    text = document_text(pdf.assessment_pdf(final_with_warning))
    assert " ".join(final_with_warning.guidance["warnings"][0]["text"].split()[:6]) in text
    assert "P4" not in text  # in words, without its code
    assert "Read by Alice Tester" in text
    warning_text = final_with_warning.guidance["warnings"][0]["text"]
    section = display.guidance_section(final_with_warning, today=timezone.localdate())
    note = presenters.chart_note(final_with_warning, section.guidance)
    assert f"Warning: {warning_text}" in note  # in words, without its code


def test_the_guidance_response_and_the_cds_card_carry_the_warnings(final_with_warning):
    from interop.cds import service
    from interop.fhir.guidance import build_guidance_response

    resource = build_guidance_response(final_with_warning)
    assert resource["evaluationMessage"] == [{"reference": "#warnings"}]
    [outcome] = resource["contained"]
    [issue] = outcome["issue"]
    assert issue["severity"] == "warning"
    assert issue["details"]["coding"][0]["code"] == "P4"
    assert issue["details"]["text"] == final_with_warning.guidance["warnings"][0]["text"]
    from assessments.reports import display

    card = service.guidance_card(
        guidance=display.guidance_section(final_with_warning, today=timezone.localdate()).guidance,
        result_url="https://vertebro.example/result",
        canonical_base="https://vertebro.example/fhir",
        assessed=final_with_warning.assessment_date,
        finalized=timezone.localdate(final_with_warning.finalized_at),
    )
    assert card["indicator"] == "warning"
    warning_text = final_with_warning.guidance["warnings"][0]["text"]
    # In words: the warning's text without its code.
    assert f"**Check these answers.** {' '.join(warning_text.split()[:5])}" in card["detail"]
    assert "P4" not in card["detail"]
