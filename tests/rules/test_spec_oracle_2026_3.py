"""The independent reading of rules 2026.3 (spec_oracle_2026_3) and its case generator, on their
own: the generator's cases pass §1, each case of the refusal table breaks the §1 rule it is
named after, and the oracle's reading reproduces what the spec itself states (the §6 example,
the longest R2 headline, a next step for every case, no headline over 140 characters).

These hold without the implementation; the agreement with it is tested in
tests/test_oracle_agreement_2026_3.py and tests/test_evaluate_refusals_2026_3.py.
"""

from collections import Counter
from datetime import date, timedelta

import pytest

from tests.rules import spec_oracle_2026_3 as spec
from tests.rules.random_cases_2026_3 import random_valid_cases
from tests.test_evaluate_refusals_2026_3 import BASE, REFUSALS, case_with
from tests.test_oracle_agreement_2026_3 import (
    SEED,
    SPEC_EXAMPLE,
    VIGNETTES,
    vignette_cases,
)

TODAY = date.today()
ANCHOR = TODAY - timedelta(days=2)


@pytest.fixture(scope="module")
def random_cases():
    return random_valid_cases(5000, SEED, ANCHOR)


def test_every_generated_case_passes_section_1(random_cases):
    refused = [(case, spec.refused_fields(case, TODAY)) for case in random_cases]
    refused = [(case, fields) for case, fields in refused if fields]
    assert refused == []


def test_the_vignettes_and_the_spec_example_pass_section_1():
    for name, _, case in vignette_cases():
        assert spec.refused_fields(case, TODAY) == set(), name
    assert spec.refused_fields(SPEC_EXAMPLE, TODAY) == set()
    assert spec.refused_fields(BASE, TODAY) == set()


@pytest.mark.parametrize(
    ("changes", "field"),
    [(refusal[1], refusal[2]) for refusal in REFUSALS],
    ids=[refusal[0] for refusal in REFUSALS],
)
def test_each_case_of_the_refusal_table_breaks_the_rule_it_names(changes, field):
    assert field in spec.refused_fields(case_with(changes), TODAY)


def test_the_generator_reaches_every_id_often_enough_to_keep_reaching_it(random_cases):
    """Each id at least 10 times in 5,000 cases, so that a change of the generator's draws does
    not silently drop one (the agreement test asserts that each is reached at all)."""
    counts = Counter()
    for case in random_cases:
        result = spec.oracle(case)
        counts[result["reasons"][0]["rule"]] += 1
        counts.update(w["id"] for w in result["warnings"])
        counts.update(n["id"] for n in result["notes"])
        counts.update(s["id"] for s in result["next_steps"])
        counts.update(result["missing"])
    ids = spec.RULE_IDS + spec.WARNING_IDS + spec.NOTE_IDS + spec.NEXT_STEP_IDS + spec.WORKUP_IDS
    rare = {name: counts[name] for name in ids if counts[name] < 10}
    assert rare == {}


def test_every_case_has_a_next_step_and_a_headline_that_fits_a_card(random_cases):
    for case in random_cases:
        result = spec.oracle(case)
        assert result["next_steps"], case
        assert len(result["headline"]) <= 140, result["headline"]


def test_every_reference_cited_is_listed_with_its_printed_text(random_cases):
    for case in random_cases[:500]:
        result = spec.oracle(case)
        cited = {
            number
            for entry in result["reasons"] + result["notes"] + result["next_steps"]
            for number in entry["refs"]
        }
        assert [r["id"] for r in result["references"]] == sorted(cited)
        assert all(r["text"] == spec.REFERENCES[r["id"]] for r in result["references"])


def test_the_section_6_example():
    result = spec.oracle(SPEC_EXAMPLE)
    assert result["headline"] == (
        "Continue conservative therapy before any repeat vertebroplasty at L1: the pain returned "
        "only 20 days ago; reassess from 28 Jul 2026."
    )
    assert (result["scenario"], result["recommendation"]) == (
        "delayed_recurrence",
        "continue_conservative",
    )
    assert result["reassess_from"] == "2026-07-28"
    assert [r["id"] for r in result["references"]] == [3, 4]


def test_the_longest_r2_headline_is_117_characters():
    (name, _, case) = next(v for v in vignette_cases() if v[0].startswith("all four"))
    assert len(spec.oracle(case)["headline"]) == 117, name


@pytest.mark.parametrize("number", range(len(VIGNETTES)), ids=[v[0] for v in VIGNETTES])
def test_each_vignette_gets_the_rule_a_clinician_expects_from_the_oracle(number):
    name, rule, case = vignette_cases()[number]
    assert spec.oracle(case)["reasons"][0]["rule"] == rule, name


def test_red_flag_lines_follow_the_order_of_section_8():
    case = case_with({"neuro_exam": "new_deficit", "infection_signs": True, "vas_before_index": 4})
    assert spec.red_flag_lines(case) == [
        spec.RED_FLAG_DEFICIT,
        spec.RED_FLAG_INFECTION,
        spec.RED_FLAG_COMPLICATION,
    ]
    assert spec.red_flag_lines(BASE) == []
