"""Review shows every answer in words with the live guidance; result shows the recommendation."""

import pytest
from django.urls import reverse

from assessments import services
from assessments.models import Assessment
from assessments.reports import display
from tests.factories import make_assessment
from tests.step_posts import relative_inputs
from vertebro_rules.references import REFERENCES
from vertebro_rules.vocabulary import Recommendation


def test_review_groups_every_answer_by_step_in_words_with_edit_links(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(sex=None))
    response = signed_in.get(reverse("assessments:review", args=[assessment.pk]))
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [group.title for group in groups] == [
        "Patient and index procedure",
        "Pain timeline",
        "Imaging",
        "Examination",
    ]
    answers = {a.label: a.text for group in groups for a in group.answers}
    assert answers["Course of pain after the index procedure"] == (
        "No relief after the index procedure"
    )
    assert answers["Sex"] == "not recorded"
    assert answers["MRI performed"] == "Yes"
    assert answers["Date the pain returned"] == "not applicable"
    page = response.content.decode()
    for step in (1, 2, 3, 4):
        assert f'href="{reverse("assessments:step", args=[assessment.pk, step])}"' in page


def test_review_shows_the_guidance_of_the_current_answers(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(cement_fill="adequate"))
    response = signed_in.get(reverse("assessments:review", args=[assessment.pk]))
    assert response.context["guidance"].recommendation == Recommendation.REPEAT_MAY_BE_CONSIDERED
    assert "R11" in response.content.decode()


def test_review_of_an_incomplete_draft_lists_the_missing_inputs(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(point_tenderness=None, neuro_exam=None))
    response = signed_in.get(reverse("assessments:review", args=[assessment.pk]))
    assert response.context["guidance"] is None
    assert response.context["missing_inputs"] == ["Point tenderness", "Neurological examination"]
    assert reverse("assessments:finalize", args=[assessment.pk]) not in response.content.decode()


@pytest.mark.usefixtures("rules_2026_2")  # expects the text of 2026.2
def test_the_result_card_shows_the_recommendation_reason_and_references(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    response = signed_in.get(reverse("assessments:result", args=[assessment.pk]))
    page = response.content.decode()
    assert "guidance-card--success" in page
    assert "Repeat vertebroplasty indicated" in page
    assert "R10" in page
    assert REFERENCES[1] in page and REFERENCES[3] in page
    assert REFERENCES[5] not in page  # only the cited references
    assert "does not replace clinical judgement" in page


@pytest.mark.parametrize(
    ("code", "tone"),
    [
        ("repeat_indicated", "success"),
        ("repeat_may_be_considered", "info"),
        ("complete_workup", "warning"),
        ("continue_conservative", "warning"),
        ("reassess_later", "warning"),
        ("evaluate_new_level", "warning"),
        ("not_indicated", "secondary"),
        ("contraindicated", "danger"),
        ("urgent_referral", "danger"),
    ],
)
def test_each_recommendation_has_the_colour_of_its_class(code, tone):
    assert display.recommendation_tone(code) == tone


@pytest.mark.usefixtures("rules_2026_2")  # expects the work-up labels of 2026.2
def test_missing_work_up_is_a_checklist(signed_in, alice):
    assessment = make_assessment(
        alice,
        **relative_inputs(
            mri_performed=False,
            active_fracture_location=None,
            cleft_sign=None,
            marrow_edema=None,
            neuro_exam="not_documented",
        ),
    )
    page = signed_in.get(reverse("assessments:result", args=[assessment.pk])).content.decode()
    assert "Work-up still missing" in page
    assert "MRI of the spine" in page
    assert "Baseline neurological examination" in page


def test_a_final_result_shows_the_frozen_guidance_not_a_new_evaluation(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    final = services.assessment_finalize(assessment=assessment, user=alice)
    frozen = {**final.guidance, "headline": "Frozen headline kept at finalization."}
    Assessment.objects.filter(pk=final.pk).update(guidance=frozen)
    page = signed_in.get(reverse("assessments:result", args=[final.pk])).content.decode()
    assert "Frozen headline kept at finalization." in page
    assert "Finalized" in page


def test_finalize_asks_for_confirmation_first(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    response = signed_in.get(reverse("assessments:finalize", args=[assessment.pk]))
    assert response.status_code == 200
    assert "Finalize the assessment" in response.content.decode()
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT


def test_finalize_freezes_the_guidance_and_who_and_when(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    response = signed_in.post(reverse("assessments:finalize", args=[assessment.pk]))
    assert response["Location"] == reverse("assessments:result", args=[assessment.pk])
    final = Assessment.objects.get(pk=assessment.pk)
    assert final.status == Assessment.Status.FINAL
    assert final.finalized_by == alice
    assert final.finalized_at is not None
    assert final.guidance == final.evaluate().to_dict()
    assert final.rules_version == final.guidance["rules_version"]


def test_an_incomplete_draft_cannot_be_finalized(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(neuro_exam=None))
    response = signed_in.post(reverse("assessments:finalize", args=[assessment.pk]))
    assert response["Location"] == reverse("assessments:review", args=[assessment.pk])
    assert Assessment.objects.get(pk=assessment.pk).status == Assessment.Status.DRAFT
