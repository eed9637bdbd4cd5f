"""The step and review pages write the step indicator in Python
(assessments/questionnaire/step_indicator_html.py): the same HTML, byte for byte, as the
template it replaces (kept as the reference), for every step shown and every state of the
steps before and after it."""

import itertools
import uuid

import pytest
from django.template.loader import get_template
from django.urls import reverse

from assessments.models import Assessment
from assessments.questionnaire import steps
from assessments.questionnaire.step_indicator_html import step_indicator_html
from tests.factories import AFTER_STEP_2, make_assessment


def _reference(links, assessment) -> str:
    return get_template("assessments/partials/step_indicator.html").render(
        {"indicator": links, "assessment": assessment}
    )


@pytest.mark.parametrize("current", [*steps.STEP_NUMBERS, "review"])
def test_every_step_of_every_kind_of_assessment_is_written_as_the_template_wrote_it(alice, current):
    assessments = [
        None,  # a new assessment's step 1
        Assessment.objects.create(owner=alice),  # nothing saved
        make_assessment(alice, **AFTER_STEP_2),  # two steps saved
        make_assessment(alice),  # every step saved
    ]
    for assessment in assessments:
        links = steps.indicator(assessment, current=current)
        written = step_indicator_html(links, assessment.pk if assessment else None)
        assert written == _reference(links, assessment)


def test_every_combination_of_link_states_is_written_as_the_template_wrote_it(alice):
    assessment = make_assessment(alice)
    title = '<b>"Step" & more</b>'
    for number, current, complete, reachable in itertools.product(
        (0, 1, 4), (False, True), (False, True), (False, True)
    ):
        links = [steps.StepLink(number, title, complete, current, reachable)]
        written = step_indicator_html(links, assessment.pk)
        assert written == _reference(links, assessment)
        assert title not in written


def test_the_links_go_to_the_steps_and_the_review_of_the_assessment(alice):
    assessment = make_assessment(alice)
    written = step_indicator_html(steps.indicator(assessment, current=2), assessment.pk)
    for number in (1, 3, 4):
        assert f'href="{reverse("assessments:step", args=[assessment.pk, number])}"' in written
    assert f'href="{reverse("assessments:review", args=[assessment.pk])}"' in written
    assert str(uuid.UUID(int=0)) not in written
