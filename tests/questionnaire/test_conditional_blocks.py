"""The MRI findings and the recurrence date are hidden by the server while they do not apply.

The block is rendered `hidden` unless the form's current answer (the posted one after a
refused save, the saved one otherwise) calls for it, so the page does not shift when the
script takes over, and a clinician without JavaScript who answers "MRI: Yes" and saves is
shown the findings with their messages.
"""

from html.parser import HTMLParser

import pytest

from tests.factories import NO_MRI, make_assessment
from tests.step_posts import relative_inputs, step_post, step_url

pytestmark = [pytest.mark.usefixtures("rules_2026_2"), pytest.mark.django_db]

NO_RECURRENCE = {"initial_response": "no_relief", "recurrence_date": None}
RECURRENCE = {"initial_response": "relief_then_recurrence"}


class _BlockFinder(HTMLParser):
    def __init__(self, when):
        super().__init__()
        self.when = when
        self.blocks: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("data-show-when") == self.when:
            self.blocks.append(attributes)


def block_is_hidden(response, when: str) -> bool:
    """Whether the page's one block shown by the answer to `when` carries `hidden`."""
    finder = _BlockFinder(when)
    finder.feed(response.content.decode())
    assert len(finder.blocks) == 1, finder.blocks
    return "hidden" in finder.blocks[0]


def recurrence_case(**answers):
    """The factory case with the pain back on the assessment date (when it came back)."""
    today = relative_inputs()["assessment_date"]
    return relative_inputs(**{"recurrence_date": today, "conservative_therapy_weeks": 0, **answers})


@pytest.mark.parametrize(
    ("answers", "hidden"),
    [
        ({**NO_MRI, "mri_performed": None}, True),
        (NO_MRI, True),
        ({}, False),  # the factory case: MRI done, findings saved
    ],
    ids=["mri-not-answered", "no-mri", "mri-done"],
)
def test_step_3_hides_the_mri_findings_unless_the_saved_answer_is_yes(
    signed_in, alice, answers, hidden
):
    assessment = make_assessment(alice, **relative_inputs(**answers))
    response = signed_in.get(step_url(assessment, 3))
    assert response.status_code == 200
    assert block_is_hidden(response, "mri_performed") is hidden


def test_answering_yes_without_script_shows_the_findings_with_their_messages(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(**NO_MRI))
    post = step_post(3, version=assessment.version, **NO_MRI)
    post["mri_performed"] = "True"  # the findings were hidden: none is sent
    response = signed_in.post(step_url(assessment, 3), post)
    assert response.status_code == 400
    assert block_is_hidden(response, "mri_performed") is False
    page = response.content.decode()
    assert 'href="#id_active_fracture_location_0"' in page  # the summary links to the finding
    assert 'id="id_active_fracture_location_error"' in page
    assert "Required when an MRI was performed." in page


def test_a_refused_post_answering_no_hides_the_findings_saved_before(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs())
    post = step_post(3, version=assessment.version, **NO_MRI, cement_fill=None)
    response = signed_in.post(step_url(assessment, 3), post)
    assert response.status_code == 400
    assert "id_cement_fill_error" in response.content.decode()
    assert block_is_hidden(response, "mri_performed") is True


@pytest.mark.parametrize(
    ("answers", "hidden"),
    [
        ({"initial_response": None, "recurrence_date": None}, True),
        (NO_RECURRENCE, True),
        (RECURRENCE, False),
    ],
    ids=["not-answered", "no-relief", "relief-then-recurrence"],
)
def test_step_2_hides_the_recurrence_date_unless_the_pain_came_back(
    signed_in, alice, answers, hidden
):
    assessment = make_assessment(alice, **recurrence_case(**answers))
    response = signed_in.get(step_url(assessment, 2))
    assert response.status_code == 200
    assert block_is_hidden(response, "initial_response") is hidden


def test_answering_recurrence_without_script_shows_the_date_with_its_message(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(**NO_RECURRENCE))
    post = step_post(2, version=assessment.version, **RECURRENCE)
    post.pop("recurrence_date")  # hidden, so not sent
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 400
    assert block_is_hidden(response, "initial_response") is False
    page = response.content.decode()
    assert 'href="#id_recurrence_date_0"' in page  # the day box, first of the date
    assert 'id="id_recurrence_date_error"' in page


def test_a_refused_post_without_recurrence_hides_the_date_saved_before(signed_in, alice):
    assessment = make_assessment(alice, **recurrence_case(**RECURRENCE))
    post = step_post(2, version=assessment.version, **NO_RECURRENCE, vas_current=None)
    response = signed_in.post(step_url(assessment, 2), post)
    assert response.status_code == 400
    assert "id_vas_current_error" in response.content.decode()
    assert block_is_hidden(response, "initial_response") is True
