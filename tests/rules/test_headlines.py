"""Headlines by deciding rule (docs/specification.md §4 "Headline", rules 2026.2): one sentence of
at most 140 characters naming the treated level and the recommendation in plain words, with
the facts the table asks for and no pronoun pointing outside the sentence."""

from datetime import date

import pytest

from tests.rules.cases import NO_MRI, RECURRENCE, guidance_for

RELIEVED = {
    "initial_response": "ongoing_relief",
    "active_fracture_location": "none_identified",
    "marrow_edema": "absent",
}
QUIET_MRI = {
    "active_fracture_location": "none_identified",
    "marrow_edema": "absent",
    "cleft_sign": "absent",
}
ALL_CONTRAINDICATIONS = [
    "active_infection",
    "uncorrectable_coagulopathy",
    "cement_allergy",
    "canal_compromise",
]

# rule, overrides, words the headline must carry, words it must not carry
HEADLINES = [
    ("R1", {"neuro_exam": "new_deficit"}, ["urgent referral", "new neurological deficit"], []),
    (
        "R2",
        {"contraindications": ["active_infection"]},
        ["contraindicated", "active infection"],
        ["is indicated"],
    ),
    ("R3", {"vas_current": 0}, ["not indicated", "no current pain"], ["nothing to treat"]),
    ("R3", RELIEVED, ["not indicated", "still relieved"], ["no current pain", "nothing to treat"]),
    ("R4", {"assessment_date": date(2026, 10, 3)}, ["too early", "day 4"], []),
    (
        "R5",
        {"active_fracture_location": "adjacent_level"},
        ["evaluate", "new fracture", "adjacent level", "first"],
        ["non-adjacent", " for it", "not indicated"],
    ),
    (
        "R5",
        {"active_fracture_location": "non_adjacent_level"},
        ["evaluate", "new fracture", "non-adjacent level", "first"],
        [" for it", "not indicated"],
    ),
    ("R6", NO_MRI, ["complete the work-up", "before deciding"], []),
    ("R7", QUIET_MRI, ["not indicated", "no sign of fracture activity"], []),
    ("R8", {"point_tenderness": "absent"}, ["not indicated", "no point tenderness"], []),
    (
        "R9",
        {**RECURRENCE, "conservative_therapy_weeks": 3},
        ["continue conservative therapy", "3 weeks"],
        [],
    ),
    (
        "R9",
        {**RECURRENCE, "recurrence_date": date(2026, 10, 10), "conservative_therapy_weeks": 6},
        ["continue conservative therapy", "41 days"],
        [],
    ),
    ("R14", {"vas_current": 2}, ["continue conservative therapy", "mild", "vas 2/10"], []),
    (
        "R15",
        {"fracture_etiology": "neoplastic"},
        ["may be considered", "neoplastic fracture", "treating team"],
        ["is indicated"],
    ),
    ("R10", {}, ["repeat vertebroplasty is indicated"], []),
    ("R12", RECURRENCE, ["repeat vertebroplasty is indicated"], []),
    ("R11", {"cement_fill": "adequate"}, ["repeat vertebroplasty may be considered"], []),
    (
        "R13",
        {**RECURRENCE, "cleft_sign": "absent"},
        ["repeat vertebroplasty may be considered"],
        [],
    ),
]


@pytest.mark.parametrize("level", ["T1", "T12", "L5"])
@pytest.mark.parametrize(
    ("rule", "overrides", "words", "not_words"),
    HEADLINES,
    ids=[f"{rule}-{number}" for number, (rule, *_) in enumerate(HEADLINES)],
)
def test_each_rule_has_the_headline_of_the_spec_table(rule, overrides, words, not_words, level):
    guidance = guidance_for(**overrides, treated_level=level)
    assert guidance.reasons[0].rule == rule
    headline = guidance.headline
    assert len(headline) <= 140
    assert f" {level}" in headline
    assert headline.endswith(".")
    assert ". " not in headline
    for expected in words:
        assert expected in headline.lower(), (expected, headline)
    for unexpected in not_words:
        assert unexpected not in headline.lower(), (unexpected, headline)


def test_r2_names_every_contraindication_when_the_headline_stays_within_140_characters():
    two = guidance_for(contraindications=["active_infection", "uncorrectable_coagulopathy"])
    assert "active infection" in two.headline
    assert "uncorrectable coagulopathy" in two.headline


def test_r2_gives_the_count_when_the_names_would_not_fit():
    headline = guidance_for(contraindications=ALL_CONTRAINDICATIONS).headline
    assert len(headline) <= 140
    assert "4 contraindications" in headline
    assert "contraindicated" in headline


@pytest.mark.parametrize("etiology", ["neoplastic", "traumatic", "other"])
def test_r15_names_the_etiology_in_the_headline(etiology):
    headline = guidance_for(fracture_etiology=etiology, treated_level="T11").headline
    assert len(headline) <= 140
    assert etiology in headline
    assert "treating team" in headline


def test_the_headlines_of_repeat_indicated_and_may_be_considered_differ():
    assert guidance_for().headline != guidance_for(cement_fill="adequate").headline
