"""The summary box marks the recommendation's class in black and white: symbol, word, border."""

import pytest

from assessments.reports import pdf
from assessments.reports.display import MARKERS
from tests.pdf_helpers import ALL_CONTRAINDICATIONS, finalized_assessment
from vertebro_rules import versions

# Tests of rules 2026.2 behaviour through the web (2026.3 changes it on purpose).
pytestmark = pytest.mark.usefixtures("rules_2026_2")

# Every recommendation of every rules version (the newest's codes include the earlier ones).
Recommendation = versions.get(versions.VERSIONS[-1]).vocabulary.Recommendation

CASES = [
    ({}, "repeat_indicated", "summary-proceed", "✔"),
    ({"contraindications": ALL_CONTRAINDICATIONS}, "contraindicated", "summary-decline", "✘"),
    ({"point_tenderness": "not_examined"}, "complete_workup", "summary-wait", "◷"),
    ({"neuro_exam": "new_deficit"}, "urgent_referral", "summary-urgent", "⚠"),
]


def test_every_recommendation_has_a_marker_and_markers_differ_in_symbol_and_border():
    assert set(MARKERS) == set(Recommendation.values)
    markers = set(MARKERS.values())
    assert len({marker.symbol for marker in markers}) == len(markers)
    assert len({marker.css for marker in markers}) == len(markers)


@pytest.mark.parametrize(("changes", "recommendation", "box", "symbol"), CASES)
def test_the_summary_box_carries_the_marker_of_its_class(
    alice, changes, recommendation, box, symbol
):
    assessment = finalized_assessment(alice, **changes)
    assert assessment.guidance["recommendation"] == recommendation
    html = pdf.report_html(assessment)
    assert f'class="summary {box}"' in html
    assert f'<span class="marker-symbol">{symbol}</span>' in html
    assert f"{Recommendation(recommendation).label}</h1>" in html
