"""A new fracture at another level (R5, "evaluate the new fracture level"): the result page,
the PDF and the chart note name the levels it can be at and what to do with them, and say
what the MRI means for the treated level, instead of leaving "decided separately" as a
dead end; the PDF marker does not decline the treated level."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from assessments.reports import pdf
from assessments.reports.display import DECLINE, ELSEWHERE, adjacent_levels
from assessments.services import assessment_finalize
from tests.factories import make_assessment
from tests.pdf_helpers import document_text
from tests.step_posts import relative_inputs

NOT_SUPPORTED = (
    "A repeat procedure at L2 is not supported by this MRI (no definite sign of activity at "
    "L2); evaluate L2 again if its pain persists once the new level is treated."
)
ADJACENT = (
    "The active fracture is at a level adjacent to L2 (L1 or L3): record which level in the "
    "chart and evaluate it for treatment (next steps)."
)


@pytest.fixture(autouse=True)
def rules_2026_3(settings):
    settings.VERTEBRO_RULES_VERSION = "2026.3"


def _final(alice, **answers):
    draft = make_assessment(alice, **relative_inputs(treated_level="L2", **answers))
    warnings = [warning.id for warning in draft.evaluate().warnings]
    return assessment_finalize(assessment=draft, user=alice, acknowledged=warnings)


NO_SIGNS = {"active_fracture_location": "adjacent_level", "marrow_edema": "absent"}


@pytest.mark.parametrize(
    ("level", "neighbours"),
    [("L2", ("L1", "L3")), ("T1", ("C7", "T2")), ("L5", ("L4", "S1")), ("T12", ("T11", "L1"))],
)
def test_the_adjacent_levels(level, neighbours):
    assert adjacent_levels(level) == neighbours


def test_the_result_page_names_the_adjacent_levels_and_what_to_do(client, alice):
    final = _final(alice, **NO_SIGNS)
    assert final.guidance["recommendation"] == "evaluate_new_level"
    client.force_login(alice)
    page = html_lib.unescape(
        client.get(reverse("assessments:result", args=[final.pk])).content.decode()
    )
    assert ADJACENT in page
    assert NOT_SUPPORTED in page
    note = re.search(r'id="chart-note"[^>]*>(.*?)</textarea>', page, re.S)[1]
    assert ADJACENT in note and NOT_SUPPORTED in note


def test_with_signs_at_the_treated_level_both_levels_are_weighed(client, alice):
    final = _final(alice, active_fracture_location="non_adjacent_level", marrow_edema="present")
    assert final.guidance["recommendation"] == "evaluate_new_level"
    client.force_login(alice)
    page = html_lib.unescape(
        client.get(reverse("assessments:result", args=[final.pk])).content.decode()
    )
    assert "The active fracture is at a level not adjacent to L2" in page
    assert "MRI also shows signs of activity at L2" in page
    assert NOT_SUPPORTED not in page


def test_the_pdf_names_the_level_and_does_not_decline_the_treated_level(alice):
    final = _final(alice, **NO_SIGNS)
    text = document_text(pdf.assessment_pdf(final))
    assert ADJACENT in text
    assert ELSEWHERE.word.upper() in text.upper()
    assert DECLINE.word.upper() not in text.upper()


def test_nothing_is_added_to_other_recommendations(client, alice):
    final = _final(alice)
    client.force_login(alice)
    page = client.get(reverse("assessments:result", args=[final.pk])).content.decode()
    assert "new-level" not in page


def test_the_finalize_page_names_the_levels_beside_the_headline(client, alice):
    draft = make_assessment(alice, **relative_inputs(treated_level="L2", **NO_SIGNS))
    client.force_login(alice)
    page = html_lib.unescape(
        client.get(reverse("assessments:finalize", args=[draft.pk])).content.decode()
    )
    assert ADJACENT in page
    assert NOT_SUPPORTED in page
