"""The yes/no questions the rules read as "no" when absent (spec §1: signs of infection,
complication assessed, fluid at the bone–cement interface, MRI not possible, opioid failure)
open with neither answer chosen, and a question that is asked must be answered: a question
skipped is never filed as a negative finding."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import UNANSWERED, Assessment
from tests.factories import make_assessment
from tests.step_posts import relative_inputs, step_post, step_url
from vertebro_rules.errors import InvalidInput


@pytest.fixture(autouse=True)
def rules_2026_3(settings):
    settings.VERTEBRO_RULES_VERSION = "2026.3"


def draft(alice, **overrides) -> Assessment:
    return make_assessment(alice, **relative_inputs(**overrides))


def radios(html: str, name: str) -> list[str]:
    """The radio inputs of field `name` in the page."""
    return re.findall(rf'<input type="radio"[^>]*name="{name}"[^>]*>', html)


def checked(html: str, name: str) -> list[str]:
    """The values of the checked radios of field `name`."""
    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in radios(html, name)
        if re.search(r"\schecked\b", tag)
    ]


@pytest.mark.parametrize(
    ("step", "name", "answers"),
    [
        (2, "opioid_failure", {"analgesics": "opioid"}),
        (3, "fluid_at_cement_interface", {}),
        (3, "mri_not_possible", {}),
        (4, "infection_signs", {}),
        (4, "complication_assessed", {}),
    ],
)
def test_a_question_not_yet_answered_opens_with_neither_yes_nor_no_chosen(
    signed_in, alice, step, name, answers
):
    assessment = draft(alice, **answers, **{name: None})
    html = signed_in.get(step_url(assessment, step)).content.decode()
    assert len(radios(html, name)) == 2  # Yes and No, no third answer that means "no"
    assert checked(html, name) == []


def test_a_new_assessment_has_every_such_question_unanswered(alice):
    assessment = Assessment.objects.create(owner=alice)
    for name in (
        "opioid_failure",
        "mri_not_possible",
        "fluid_at_cement_interface",
        "infection_signs",
        "complication_assessed",
    ):
        assert getattr(assessment, name) is None, name


def test_an_answer_given_is_shown_chosen(signed_in, alice):
    assessment = draft(alice, infection_signs=True, complication_assessed=False)
    html = signed_in.get(step_url(assessment, 4)).content.decode()
    assert checked(html, "infection_signs") == ["True"]
    assert checked(html, "complication_assessed") == ["False"]


@pytest.mark.parametrize("name", ["infection_signs", "complication_assessed"])
def test_step_4_without_an_answer_is_refused_naming_the_question(signed_in, alice, name):
    assessment = draft(alice, infection_signs=None, complication_assessed=None)
    post = step_post(4, version=assessment.version)
    del post[name]
    response = signed_in.post(step_url(assessment, 4), post)
    assert response.status_code == 400
    page = response.content.decode()
    assert UNANSWERED in page
    assert f'href="#id_{name}_0"' in page  # the error summary links to the question
    assert getattr(Assessment.objects.get(pk=assessment.pk), name) is None  # nothing saved


def test_fluid_at_the_interface_must_be_answered_when_an_mri_was_performed(signed_in, alice):
    assessment = draft(alice, fluid_at_cement_interface=None)
    post = step_post(3, version=assessment.version)
    del post["fluid_at_cement_interface"]
    response = signed_in.post(step_url(assessment, 3), post)
    assert response.status_code == 400
    assert UNANSWERED in response.content.decode()


def test_mri_not_possible_must_be_answered_without_an_mri(signed_in, alice):
    assessment = draft(alice)
    post = step_post(
        3,
        version=assessment.version,
        mri_performed=False,
        active_fracture_location=None,
        cleft_sign=None,
        marrow_edema=None,
    )
    post.pop("mri_not_possible")
    post.pop("fluid_at_cement_interface")
    response = signed_in.post(step_url(assessment, 3), post)
    assert response.status_code == 400
    assert UNANSWERED in response.content.decode()


def test_with_an_mri_mri_not_possible_is_not_asked_and_stays_empty(signed_in, alice):
    assessment = draft(alice, mri_not_possible=None)
    post = step_post(3, version=assessment.version)
    post.pop("mri_not_possible")
    response = signed_in.post(step_url(assessment, 3), post)
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).mri_not_possible is None


def test_opioid_failure_is_asked_on_opioids_only(signed_in, alice):
    assessment = draft(alice, opioid_failure=None)
    on_opioids = step_post(2, version=assessment.version, analgesics="opioid")
    on_opioids.pop("opioid_failure")
    on_opioids.pop("conservative_therapy_weeks", None)
    refused = signed_in.post(step_url(assessment, 2), on_opioids)
    assert refused.status_code == 400
    assert UNANSWERED in refused.content.decode()

    without = step_post(2, version=assessment.version, analgesics="non_opioid")
    without.pop("opioid_failure")
    without.pop("conservative_therapy_weeks", None)
    saved = signed_in.post(step_url(assessment, 2), without)
    assert saved.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).opioid_failure is None


def test_an_unanswered_question_keeps_its_step_incomplete_and_blocks_finalizing(alice):
    assessment = draft(alice, infection_signs=None)
    assert "infection_signs" in assessment.missing_inputs()
    with pytest.raises(InvalidInput) as refused:
        services.assessment_finalize(assessment=assessment, user=alice)
    assert refused.value.errors == {"infection_signs": [UNANSWERED]}
    assert Assessment.objects.get(pk=assessment.pk).is_draft


def test_the_review_page_names_the_unanswered_question_and_gives_no_guidance(signed_in, alice):
    assessment = draft(alice, complication_assessed=None)
    response = signed_in.get(reverse("assessments:review", args=[assessment.pk]))
    page = response.content.decode()
    missing = page[page.index('id="missing-inputs"') :]
    missing = missing[: missing.index("</ul>")]
    assert "The index procedure has been assessed for a complication" in missing


def test_a_question_not_asked_reads_as_no_to_the_rules(alice):
    # Not on opioids: opioid failure is not asked, left empty, and the case is complete.
    assessment = draft(alice, analgesics="non_opioid", opioid_failure=None)
    assert assessment.missing_inputs() == []
    assessment.validate_inputs(today=timezone.localdate())


def test_the_migration_clears_a_drafts_no_but_keeps_yes_and_finalized_records(alice):
    migration = importlib.import_module("assessments.migrations.0019_explicit_yes_no_answers")
    unconfirmed = draft(alice, infection_signs=False, complication_assessed=True)
    finalized = draft(alice, infection_signs=False)
    warnings = [warning.id for warning in finalized.evaluate().warnings]
    services.assessment_finalize(assessment=finalized, user=alice, acknowledged=warnings)
    migration.clear_drafts_unconfirmed_no(apps, None)
    unconfirmed.refresh_from_db()
    finalized.refresh_from_db()
    assert unconfirmed.infection_signs is None  # asked again
    assert unconfirmed.complication_assessed is True
    assert finalized.infection_signs is False
