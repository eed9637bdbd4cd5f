"""Infection of the treated vertebra (rules 2026.3 §2: `not_assessed` `excluded` `active`
`resolved`, `not_assessed` when absent) is offered as its four values only: no "Not recorded"
beside "Not assessed", which the rules read the same way. "Not assessed" is chosen until the
clinician records another answer, and is saved as the spec's value; an empty answer posted by
an older page is still accepted and read as not assessed."""

import re

import pytest

from assessments.models import Assessment
from tests.factories import make_assessment
from tests.step_posts import relative_inputs, step_post, step_url


@pytest.fixture(autouse=True)
def rules_2026_3(settings):
    settings.VERTEBRO_RULES_VERSION = "2026.3"


def _options(html: str) -> list[tuple[str, str, bool]]:
    """The radio buttons of vertebral_infection: (value, label, checked)."""
    found = []
    for tag in re.findall(r'<input[^>]*name="vertebral_infection"[^>]*>', html):
        value = re.search(r'value="([^"]*)"', tag)[1]
        ident = re.search(r'id="([^"]+)"', tag)[1]
        label = re.search(rf'<label[^>]*for="{ident}"[^>]*>\s*([^<]+?)\s*<', html)[1]
        found.append((value, label, " checked" in tag))
    return found


def test_step_4_offers_the_four_values_with_not_assessed_chosen(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(vertebral_infection=None))
    html = signed_in.get(step_url(assessment, 4)).content.decode()
    assert _options(html) == [
        ("not_assessed", "Not assessed", True),
        ("excluded", "Excluded", False),
        ("active", "Active", False),
        ("resolved", "Resolved", False),
    ]


def test_a_recorded_answer_stays_chosen(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(vertebral_infection="excluded"))
    html = signed_in.get(step_url(assessment, 4)).content.decode()
    assert [value for value, _, checked in _options(html) if checked] == ["excluded"]


def test_saving_step_4_as_shown_stores_not_assessed(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(vertebral_infection=None))
    before = assessment.evaluate().to_dict()
    post = step_post(4, version=assessment.version, vertebral_infection="not_assessed")
    assert signed_in.post(step_url(assessment, 4), post).status_code == 302
    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.vertebral_infection == "not_assessed"
    assert saved.evaluate().to_dict() == before


def test_an_empty_answer_from_an_older_page_is_read_as_not_assessed(signed_in, alice):
    assessment = make_assessment(alice, **relative_inputs(vertebral_infection="excluded"))
    post = step_post(4, version=assessment.version, vertebral_infection=None)
    assert post["vertebral_infection"] == ""
    assert signed_in.post(step_url(assessment, 4), post).status_code == 302
    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.vertebral_infection is None
    html = signed_in.get(step_url(saved, 4)).content.decode()
    assert [value for value, _, checked in _options(html) if checked] == ["not_assessed"]
