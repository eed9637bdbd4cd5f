"""A finalized assessment prints what it said on the day, even after the rules change."""

import dataclasses

import pytest

from assessments.reports import pdf
from tests.factories import make_assessment
from tests.pdf_helpers import document_text, finalized_assessment
from vertebro_rules.versions.v2026_2 import rules

# Tests of rules 2026.2 behaviour through the web (2026.3 changes it on purpose).
pytestmark = pytest.mark.usefixtures("rules_2026_2")

CHANGED = "This sentence comes from next year's rules."


@pytest.fixture
def rules_rewritten(monkeypatch):
    """Every rule's reason sentence replaced, as a new rules version might."""
    monkeypatch.setattr(
        rules,
        "RULES",
        tuple(dataclasses.replace(rule, reason=lambda case: CHANGED) for rule in rules.RULES),
    )
    monkeypatch.setattr(rules, "RULES_VERSION", "2027.1")


def test_a_final_report_keeps_its_frozen_reasons_when_the_rules_change(alice, request):
    final = finalized_assessment(alice)
    frozen_reason = final.guidance["reasons"][0]["text"]
    request.getfixturevalue("rules_rewritten")
    text = document_text(pdf.assessment_pdf(final))
    assert frozen_reason in text
    assert CHANGED not in text
    assert "Rules version 2026.2" in text


def test_a_draft_report_follows_the_current_rules(alice, rules_rewritten):
    draft = make_assessment(alice)
    text = document_text(pdf.assessment_pdf(draft))
    assert CHANGED in text
