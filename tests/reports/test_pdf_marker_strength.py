"""The PDF's page-1 marker is as strong as the recommendation: the tick and "repeat procedure
at this level" stand only above "indicated"; above "may be considered" (the pain generator
still to confirm, a re-examination, the spine team's decision) the marker says that the
benefit is not established and the next steps come first."""

import pytest

from assessments.reports import pdf
from assessments.reports.display import CONSIDER, PROCEED
from assessments.services import assessment_finalize
from tests.factories import make_assessment
from tests.pdf_helpers import pages_text
from tests.step_posts import relative_inputs


@pytest.fixture(autouse=True)
def rules_2026_3(settings):
    settings.VERTEBRO_RULES_VERSION = "2026.3"


def _first_page(alice, **answers) -> tuple[dict, str]:
    draft = make_assessment(alice, **relative_inputs(**answers))
    warnings = [warning.id for warning in draft.evaluate().warnings]
    final = assessment_finalize(assessment=draft, user=alice, acknowledged=warnings)
    return final.guidance, pages_text(pdf.assessment_pdf(final))[0].upper()


def test_may_be_considered_carries_no_tick_and_no_repeat_procedure_at_this_level(alice):
    # Day 17, no relief, edema at the treated level, adequate fill: R11, may be considered.
    guidance, page = _first_page(alice, cement_fill="adequate")
    assert guidance["recommendation"] == "repeat_may_be_considered"
    assert PROCEED.symbol not in page
    assert PROCEED.word.upper() not in page
    assert CONSIDER.symbol in page
    assert CONSIDER.word.upper() in page


def test_indicated_carries_the_tick(alice):
    guidance, page = _first_page(alice)
    assert guidance["recommendation"] == "repeat_indicated"
    assert PROCEED.symbol in page
    assert PROCEED.word.upper() in page
    assert CONSIDER.word.upper() not in page
