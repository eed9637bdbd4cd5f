"""Each date field tells the script which saved date its words count the days from.

"Tue 10 Mar 2026 — 17 days after the index procedure" (static/js/vertebro.js) needs the
reference date and its name on the input; they come from the saved answers, never from
the page being posted.
"""

from datetime import date
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from tests.factories import make_assessment
from tests.step_posts import shown_date, step_post, step_url

pytestmark = pytest.mark.django_db

INDEX = date(2026, 3, 10)
ASSESSED = date(2026, 3, 27)
RECURRED = date(2026, 3, 20)


class _InputFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("input", "fieldset") and "id" in attributes:
            self.inputs[attributes["id"]] = attributes


def reference_of(response, name: str) -> tuple[str | None, str | None]:
    """(data-words-reference, data-words-reference-label) of the page's date `name` (the
    fieldset of its day, month and year boxes)."""
    finder = _InputFinder()
    finder.feed(response.content.decode())
    attributes = finder.inputs[f"id_{name}"]
    return attributes.get("data-words-reference"), attributes.get("data-words-reference-label")


@time_machine.travel(date(2026, 11, 25), tick=False)
def test_a_new_index_date_counts_from_today(signed_in):
    response = signed_in.get(reverse("assessments:new"))
    assert reference_of(response, "index_procedure_date") == ("2026-11-25", "today")


@time_machine.travel(date(2026, 11, 25), tick=False)
def test_the_index_date_counts_from_today_until_an_assessment_date_is_saved(signed_in, alice):
    assessment = make_assessment(alice, index_procedure_date=INDEX, assessment_date=None)
    response = signed_in.get(step_url(assessment, 1))
    assert reference_of(response, "index_procedure_date") == ("2026-11-25", "today")


def test_the_index_date_counts_to_the_saved_assessment_date(signed_in, alice):
    assessment = make_assessment(alice, index_procedure_date=INDEX, assessment_date=ASSESSED)
    response = signed_in.get(step_url(assessment, 1))
    assert reference_of(response, "index_procedure_date") == (
        "2026-03-27",
        "the assessment date",
    )


def test_the_assessment_and_recurrence_dates_count_from_the_index_procedure(signed_in, alice):
    assessment = make_assessment(
        alice,
        index_procedure_date=INDEX,
        assessment_date=ASSESSED,
        initial_response="relief_then_recurrence",
        recurrence_date=RECURRED,
        conservative_therapy_weeks=0,
    )
    response = signed_in.get(step_url(assessment, 2))
    expected = ("2026-03-10", "the index procedure")
    assert reference_of(response, "assessment_date") == expected
    assert reference_of(response, "recurrence_date") == expected


def test_each_assessment_shows_its_own_reference(signed_in, alice):
    first = make_assessment(alice, index_procedure_date=INDEX, assessment_date=ASSESSED)
    second = make_assessment(
        alice, index_procedure_date=date(2026, 4, 1), assessment_date=date(2026, 4, 20)
    )
    assert reference_of(signed_in.get(step_url(first, 2)), "assessment_date")[0] == "2026-03-10"
    assert reference_of(signed_in.get(step_url(second, 2)), "assessment_date")[0] == "2026-04-01"
    assert reference_of(signed_in.get(step_url(first, 1)), "index_procedure_date")[0] == (
        "2026-03-27"
    )


def test_a_refused_post_counts_from_the_saved_date_not_a_posted_one(signed_in, alice):
    assessment = make_assessment(alice, index_procedure_date=INDEX, assessment_date=ASSESSED)
    post = step_post(1, version=assessment.version, index_procedure_date=date(2026, 3, 1))
    post.update(patient_age="12", assessment_date="2026-01-01")  # not a field of step 1
    response = signed_in.post(step_url(assessment, 1), post)
    assert response.status_code == 400
    assert reference_of(response, "index_procedure_date") == (
        "2026-03-27",
        "the assessment date",
    )
    assert shown_date(response, "index_procedure_date") == date(2026, 3, 1)  # kept as posted


def test_other_fields_carry_no_reference(signed_in, alice):
    assessment = make_assessment(alice, index_procedure_date=INDEX, assessment_date=ASSESSED)
    response = signed_in.get(step_url(assessment, 2))
    assert reference_of(response, "vas_current") == (None, None)
