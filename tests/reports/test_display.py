"""The one display model: what every page and the PDF show of a guidance result."""

from datetime import date

from assessments.reports.display import GuidanceDisplay, guidance_section
from tests.factories import make_assessment
from tests.rules.cases import guidance_for
from vertebro_rules.references import REFERENCES


def test_the_references_are_those_cited_by_the_reasons_and_notes_ascending():
    guidance = guidance_for(patient_age=80)
    cited = {ref for item in (*guidance.reasons, *guidance.notes) for ref in item.refs}
    shown = GuidanceDisplay.from_json(guidance.to_dict()).references
    assert [reference.number for reference in shown] == sorted(cited) == [1, 2, 3, 4, 5, 6, 7]
    assert [reference.text for reference in shown] == [REFERENCES[n] for n in sorted(cited)]


def test_a_reason_shows_its_rule_words_and_references():
    shown = GuidanceDisplay.from_json(guidance_for().to_dict())
    assert (shown.reasons[0].label, shown.reasons[0].refs_text) == ("R10", "1, 3")
    assert shown.label == "Repeat vertebroplasty indicated"
    assert shown.marker.css == "proceed"


def test_a_final_assessment_shows_its_frozen_guidance_not_a_new_evaluation(alice):
    final = make_assessment(alice, status="final", guidance={**guidance_for().to_dict()})
    final.guidance["headline"] = "Frozen headline."
    final.cement_fill = "adequate"  # today's rules would now say "may be considered"
    section = guidance_section(final, today=date(2026, 11, 25))
    assert section.guidance.headline == "Frozen headline."
    assert section.guidance.recommendation == "repeat_indicated"


def test_a_draft_missing_an_answer_names_it_instead_of_guidance(alice):
    draft = make_assessment(alice, vas_current=None)
    section = guidance_section(draft, today=date(2026, 11, 25))
    assert section.guidance is None
    assert section.missing_inputs == ["Current VAS"]
