"""The audit page and its PDF speak words a service lead reads: no rule id (R10), no stored
value (`exclude_infection`), whatever the database holds; each recommendation, scenario and
deciding rule is printed in words, and a published figure whose source is not confirmed says
so beside it."""

import re

import pytest
from django.urls import reverse

from assessments.models import Assessment
from assessments.rules_versions import newest_vocabulary
from outcomes import wording
from tests.outcomes.factories import final_assessment, make_follow_up, make_procedure
from tests.pdf_helpers import document_text
from vertebro_rules.versions import v2026_2, v2026_3

URL = reverse("outcomes:dashboard")
RULE_ID = re.compile(r"\b[RSNP]\d{1,2}\b")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def visible_text(html: str) -> str:
    """What a reader sees: no tags, no attribute values, no comments."""
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def every_rule_id() -> set[str]:
    return {rule.id for rule in v2026_2.rules.RULES} | set(v2026_3.rules.RULE_IDS)


@pytest.fixture
def every_code(alice, bob):
    """One final assessment for each recommendation the rules can give, each deciding rule of
    every rules version and each scenario, written in the columns the audit groups by (the
    audit reads only those), every one with a procedure that was performed."""
    vocabulary = newest_vocabulary()
    recommendations = list(vocabulary.Recommendation.values)
    scenarios = list(vocabulary.Scenario.values)
    rules = sorted(every_rule_id())
    count = max(len(recommendations), len(scenarios), len(rules))
    for number in range(count):
        owner = alice if number % 2 else bob
        case = final_assessment(owner, patient_ref=f"MRN-WORDS-{number:02d}")
        Assessment.objects.filter(pk=case.pk).update(
            recommendation=recommendations[number % len(recommendations)],
            deciding_rule=rules[number % len(rules)],
            scenario=scenarios[number % len(scenarios)],
        )
        # Performed without a repeat recommendation for most: an override, listed for the
        # meeting with its recommendation and deciding reason.
        make_procedure(case, leakage="symptomatic")
        make_follow_up(case, vas=1)
    return {"recommendations": recommendations, "scenarios": scenarios, "rules": rules}


def test_every_rule_of_every_rules_version_has_words():
    assert every_rule_id() <= set(wording.RULE_WORDS)
    assert wording.rule_words("R99") == wording.UNKNOWN_RULE
    for words in wording.RULE_WORDS.values():
        assert not RULE_ID.search(words) and not SNAKE.search(words), words


def assert_words_only(text: str, codes: dict) -> None:
    assert not RULE_ID.findall(text), sorted(set(RULE_ID.findall(text)))
    found = set(SNAKE.findall(text))
    stored = set(codes["recommendations"]) | set(codes["scenarios"])
    assert not found & stored, sorted(found & stored)
    assert not found, sorted(found)


def test_the_page_prints_words_for_every_code(client, reviewer, every_code):
    client.force_login(reviewer)
    response = client.get(URL)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert_words_only(text, every_code)
    vocabulary = newest_vocabulary()
    for code in every_code["recommendations"]:
        assert str(vocabulary.Recommendation(code).label) in text, code
    for code in every_code["scenarios"]:
        assert str(vocabulary.Scenario(code).label) in text, code
    for rule in every_code["rules"]:
        assert wording.rule_words(rule)[:1].upper() + wording.rule_words(rule)[1:] in text, rule
    # The case list names the recommendation and, in words, why.
    assert "Exclude infection of the treated vertebra (" in text
    assert "Refer to the spine-oncology MDT (" in text


def test_the_pdf_prints_words_for_every_code(client, reviewer, every_code):
    client.force_login(reviewer)
    response = client.get(reverse("outcomes:dashboard_pdf"))
    assert response.status_code == 200
    text = document_text(response.content)
    assert_words_only(text, every_code)
    assert "Decide with the spine team" in text


def test_the_filter_offers_the_scenarios_in_the_words_of_the_result_page(client, reviewer):
    client.force_login(reviewer)
    page = client.get(URL).content.decode()
    for code, label in newest_vocabulary().Scenario.choices:
        assert f'<option value="{code}">{label}</option>' in page, code
    page = client.get(URL, {"scenario": "persistent_pain"}).content.decode()
    assert "scenario “Failure of the index procedure, persisting beyond day 32”" in page


def test_a_published_figure_from_an_unconfirmed_source_says_so(client, reviewer, every_code):
    client.force_login(reviewer)
    page = client.get(URL).content.decode()
    # Ref. 1 (the unrelieved-pain series) has no confirmed source in the evidence list.
    assert "(ref. 1; source not yet confirmed)" in page
    # Ref. 5 names its authors and title but not yet its journal.
    assert "(ref. 5; citation not yet complete)" in page
    assert "Source not yet confirmed." in page  # the reference list's own text
