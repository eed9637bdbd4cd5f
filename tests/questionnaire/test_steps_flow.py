"""A clinician fills the four steps; each is saved when they move on, nothing is lost."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from assessments.questionnaire.steps import STEPS_BY_NUMBER
from tests.factories import make_assessment
from tests.step_posts import relative_inputs, shown_date, step_post, step_url

STEPS_AFTER = {1: 2, 2: 3, 3: 4}


def test_step_one_of_a_new_assessment_creates_it_owned_by_the_clinician(signed_in, alice):
    response = signed_in.post(reverse("assessments:new"), step_post(1))
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == step_url(assessment, 2)
    assert assessment.owner == alice
    assert assessment.patient_ref == "MRN-0001"
    assert STEPS_BY_NUMBER[1].is_complete(assessment)
    assert not STEPS_BY_NUMBER[2].is_complete(assessment)


def test_an_invalid_step_one_creates_nothing_and_names_the_field(signed_in):
    response = signed_in.post(reverse("assessments:new"), step_post(1, patient_age=12))
    assert response.status_code == 400
    assert Assessment.objects.count() == 0
    page = response.content.decode()
    assert 'href="#id_patient_age"' in page  # the error summary links to the field
    assert "Age (years)" in page
    assert 'aria-invalid="true"' in page
    # the message beside the field is announced with it
    assert 'aria-describedby="id_patient_age_error"' in page
    assert 'id="id_patient_age_error"' in page


def test_the_new_assessment_form_proposes_today_as_assessment_date_later(signed_in, alice):
    assessment = make_assessment(alice, assessment_date=None, initial_response=None)
    response = signed_in.get(step_url(assessment, 2))
    assert shown_date(response, "assessment_date") == timezone.localdate()


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_good_input_is_saved_and_moves_on(signed_in, alice, step):
    assessment = make_assessment(alice, **relative_inputs(patient_ref="OLD", vas_current=5))
    post = step_post(step, version=assessment.version, patient_ref="NEW-REF", vas_current=9)
    post.update(
        {3: {"cement_fill": "adequate"}, 4: {"neuro_exam": "chronic_stable_deficit"}}.get(step, {})
    )
    response = signed_in.post(step_url(assessment, step), post)
    assert response.status_code == 302
    expected = step_url(assessment, STEPS_AFTER[step]) if step < 4 else None
    assert response["Location"] == (expected or reverse("assessments:review", args=[assessment.pk]))
    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.version == assessment.version + 1
    changed = {
        1: ("patient_ref", "NEW-REF"),
        2: ("vas_current", 9),
        3: ("cement_fill", "adequate"),
        4: ("neuro_exam", "chronic_stable_deficit"),
    }[step]
    assert getattr(saved, changed[0]) == changed[1]


BAD_INPUT = {
    1: ("patient_age", {"patient_age": "17"}),
    2: ("vas_current", {"vas_current": "11"}),
    3: ("cement_fill", {"cement_fill": "very good"}),
    4: ("neuro_exam", {"neuro_exam": ""}),
}


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_bad_input_is_refused_with_the_field_named_and_nothing_is_saved(signed_in, alice, step):
    assessment = make_assessment(alice, **relative_inputs())
    field, bad = BAD_INPUT[step]
    post = {**step_post(step, version=assessment.version, patient_ref="CHANGED"), **bad}
    if step == 2:
        post["mobility"] = "independent"  # a good change in the same refused post
    response = signed_in.post(step_url(assessment, step), post)
    assert response.status_code == 400
    assert f'href="#id_{field}' in response.content.decode()
    assert response.context["form"].errors[field]
    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.version == assessment.version
    assert saved.patient_ref == assessment.patient_ref
    assert saved.mobility == assessment.mobility


def test_recurrence_date_is_required_for_relief_then_recurrence(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(
        2,
        version=assessment.version,
        initial_response="relief_then_recurrence",
        recurrence_date=None,
    )
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 400
    assert response.context["form"].errors["recurrence_date"] == [
        "Required when the pain returned after relief."
    ]


def test_a_recurrence_date_is_refused_when_the_pain_never_went(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(2, version=assessment.version, recurrence_date=timezone.localdate())
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 400
    assert "recurrence_date" in response.context["form"].errors


def test_mri_findings_are_required_when_an_mri_was_done(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(3, version=assessment.version, marrow_edema=None)
    response = signed_in.post(step_url(assessment, 3), post)
    assert response.status_code == 400
    assert response.context["form"].errors["marrow_edema"] == [
        "Required when an MRI was performed."
    ]


def test_mri_findings_sent_with_no_mri_are_not_kept(signed_in, alice):
    # Without JavaScript the findings stay on screen; once "No MRI" is chosen they do not
    # apply, and the spec wants them empty.
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(3, version=assessment.version, mri_performed=False)
    assert post["cleft_sign"]
    response = signed_in.post(step_url(assessment, 3), post)
    assert response.status_code == 302
    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.mri_performed is False
    assert (saved.active_fracture_location, saved.cleft_sign, saved.marrow_edema) == (None,) * 3


def test_the_mri_findings_offer_no_not_applicable_answer(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    html = signed_in.get(step_url(assessment, 3)).content.decode()
    assert "Not applicable" not in html
    assert 'name="cleft_sign" value=""' not in html


def test_no_mri_with_the_findings_left_empty_is_saved(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(
        3,
        version=assessment.version,
        mri_performed=False,
        active_fracture_location=None,
        cleft_sign=None,
        marrow_edema=None,
    )
    response = signed_in.post(step_url(assessment, 3), post)
    assert response.status_code == 302
    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.mri_performed is False
    assert saved.marrow_edema is None
    assert saved.fluid_at_cement_interface is None  # not looked for; the rules read "no"


@pytest.mark.usefixtures("rules_2026_2")  # a refusal of 2026.2 (2026.3 warns instead)
def test_edema_contradicting_no_active_fracture_is_shown_on_marrow_edema(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(3, version=assessment.version, active_fracture_location="none_identified")
    response = signed_in.post(step_url(assessment, 3), post)
    assert response.status_code == 400
    assert "contradicts" in response.context["form"].errors["marrow_edema"][0]


def test_a_cross_field_error_on_another_step_is_shown_on_the_field_that_causes_it(signed_in, alice):
    saved_assessment_date = timezone.localdate() - timedelta(days=5)
    assessment = make_assessment(alice, **relative_inputs(assessment_date=saved_assessment_date))
    # Moving the index date after the saved assessment date (step 2) is refused on step 1.
    post = step_post(1, version=assessment.version)
    post["index_procedure_date"] = (saved_assessment_date + timedelta(days=2)).isoformat()
    response = signed_in.post(step_url(assessment, 1), post)
    assert response.status_code == 400
    errors = response.context["form"].errors["index_procedure_date"]
    assert any(error.startswith("Assessment date:") for error in errors)
    assert Assessment.objects.get(pk=assessment.pk).index_procedure_date == (
        assessment.index_procedure_date
    )
    # The summary names the other step's answer once (not after this field's label too)
    # and links to the step where it can be changed.
    html = response.content.decode()
    summary = html[
        html.index('id="error-summary"') : html.index("</ul>", html.index("error-summary"))
    ]
    assert "Date of the index vertebroplasty: Assessment date" not in summary
    assert ">Assessment date: " in summary
    assert f'href="{step_url(assessment, 2)}"' in summary


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_later_step_is_refused_while_an_earlier_one_is_incomplete(signed_in, alice, method):
    assessment = make_assessment(alice, **relative_inputs(vas_current=None))
    response = getattr(signed_in, method)(step_url(assessment, 4), step_post(4, version=1))
    assert response.status_code == 302
    assert response["Location"] == step_url(assessment, 2)
    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version


def test_a_draft_opened_from_the_list_resumes_at_its_first_incomplete_step(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(cement_fill=None, neuro_exam=None))
    response = signed_in.get(reverse("assessments:open", args=[assessment.pk]))
    assert response["Location"] == step_url(assessment, 3)


def test_a_complete_draft_opens_at_review(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    response = signed_in.get(reverse("assessments:open", args=[assessment.pk]))
    assert response["Location"] == reverse("assessments:review", args=[assessment.pk])


def test_going_back_to_a_completed_step_shows_its_saved_answers(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(patient_ref="KEEP-ME"))
    response = signed_in.get(step_url(assessment, 1))
    assert response.status_code == 200
    assert 'value="KEEP-ME"' in response.content.decode()


def test_the_step_indicator_links_completed_steps_only(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(cement_fill=None))
    response = signed_in.get(step_url(assessment, 3))
    indicator = {link.number: link for link in response.context["indicator"]}
    assert indicator[1].complete and indicator[1].reachable
    assert indicator[2].complete and indicator[2].reachable
    assert indicator[3].current and not indicator[3].complete
    assert not indicator[4].reachable
    page = response.content.decode()
    assert f'href="{step_url(assessment, 1)}"' in page
    assert f'href="{step_url(assessment, 4)}"' not in page


@pytest.mark.parametrize("step", [0, 5, 99])
def test_a_step_number_out_of_range_is_a_404(signed_in, alice, step):
    assessment = make_assessment(alice)
    assert signed_in.get(step_url(assessment, step)).status_code == 404


def test_contraindications_are_saved_as_a_list(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(4, version=assessment.version)
    post["contraindications"] = ["cement_allergy", "active_infection"]
    assert signed_in.post(step_url(assessment, 4), post).status_code == 302
    saved = Assessment.objects.get(pk=assessment.pk)
    assert sorted(saved.contraindications) == ["active_infection", "cement_allergy"]


def test_an_unknown_contraindication_is_refused(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(4, version=assessment.version)
    post["contraindications"] = ["bad_luck"]
    response = signed_in.post(step_url(assessment, 4), post)
    assert response.status_code == 400
    assert "contraindications" in response.context["form"].errors
