"""Scenarios (docs/specification.md §3, rules 2026.2) and the derived day counts (§2)."""

from datetime import date, timedelta

import pytest

from tests.rules import cases

INDEX = date(2025, 6, 1)


def guidance_for(**overrides):
    return cases.guidance_for(**{"index_procedure_date": INDEX, **overrides})


def day(n: int) -> date:
    return INDEX + timedelta(days=n)


@pytest.mark.parametrize(
    ("days", "scenario"),
    [
        (0, "too_early"),
        (3, "too_early"),
        (4, "immediate_failure"),
        (17, "immediate_failure"),
        (32, "immediate_failure"),
        (33, "persistent_pain"),
        (400, "persistent_pain"),
    ],
)
def test_no_relief_is_judged_by_the_days_since_the_index_procedure(days, scenario):
    guidance = guidance_for(assessment_date=day(days))
    assert guidance.scenario == scenario
    assert guidance.days_since_index == days


@pytest.mark.parametrize(("days", "rule"), [(3, "R4"), (4, "R10"), (32, "R10"), (33, "R9")])
def test_the_day_boundaries_decide_the_rule(days, rule):
    assert guidance_for(assessment_date=day(days)).reasons[0].rule == rule


def recurrence(days_to: int, days: int, **overrides):
    """Pain back `days_to` days after the index procedure, seen on day `days`."""
    return guidance_for(
        initial_response="relief_then_recurrence",
        recurrence_date=day(days_to),
        assessment_date=day(days),
        conservative_therapy_weeks=0,
        **overrides,
    )


@pytest.mark.parametrize(
    ("days_to", "days", "scenario"),
    [
        (1, 2, "too_early"),
        (1, 3, "too_early"),
        (1, 4, "immediate_failure"),
        (10, 17, "immediate_failure"),
        (32, 32, "immediate_failure"),
        (20, 33, "persistent_pain"),
        (32, 300, "persistent_pain"),
        (33, 33, "delayed_recurrence"),
        (33, 300, "delayed_recurrence"),
        (200, 500, "delayed_recurrence"),
    ],
)
def test_pain_back_within_32_days_is_a_failure_of_the_index_procedure(days_to, days, scenario):
    assert recurrence(days_to, days).scenario == scenario


RELIEVED = {
    "initial_response": "ongoing_relief",
    "active_fracture_location": "none_identified",
    "marrow_edema": "absent",
}


@pytest.mark.parametrize("vas", [1, 3, 7, 10])
@pytest.mark.parametrize("days", [1, 17, 300])
def test_ongoing_relief_with_current_pain_is_the_treated_level_relieved(vas, days):
    guidance = guidance_for(**RELIEVED, vas_current=vas, assessment_date=day(days))
    assert guidance.scenario == "treated_level_relieved"


def test_ongoing_relief_without_pain_is_no_current_pain():
    assert guidance_for(**RELIEVED, vas_current=0).scenario == "no_current_pain"


@pytest.mark.parametrize(
    ("location", "scenario"),
    [
        ("adjacent_level", "adjacent_level_fracture"),
        ("non_adjacent_level", "non_adjacent_fracture"),
    ],
)
def test_a_new_fracture_at_another_level_outranks_ongoing_relief(location, scenario):
    guidance = guidance_for(**{**RELIEVED, "active_fracture_location": location}, vas_current=6)
    assert guidance.scenario == scenario


@pytest.mark.parametrize("response", ["no_relief", "relief_then_recurrence"])
def test_a_current_pain_score_of_zero_is_no_current_pain(response):
    recurrence_date = day(2) if response == "relief_then_recurrence" else None
    guidance = guidance_for(
        initial_response=response,
        recurrence_date=recurrence_date,
        vas_current=0,
        assessment_date=day(17),
        conservative_therapy_weeks=0,
    )
    assert guidance.scenario == "no_current_pain"


def test_no_current_pain_comes_before_a_fracture_at_another_level():
    guidance = guidance_for(vas_current=0, active_fracture_location="adjacent_level")
    assert guidance.scenario == "no_current_pain"


@pytest.mark.parametrize(
    ("location", "scenario"),
    [
        ("adjacent_level", "adjacent_level_fracture"),
        ("non_adjacent_level", "non_adjacent_fracture"),
    ],
)
@pytest.mark.parametrize(
    "timeline",
    [
        {"assessment_date": day(2)},  # would be too early
        {"assessment_date": day(17)},  # would be immediate failure
        {"assessment_date": day(90)},  # would be persistent pain
        {
            "initial_response": "relief_then_recurrence",
            "recurrence_date": day(30),
            "conservative_therapy_weeks": 0,
        },
    ],
)
def test_a_fracture_at_another_level_comes_before_the_pain_timeline(location, scenario, timeline):
    guidance = guidance_for(
        **{"assessment_date": day(90), **timeline}, active_fracture_location=location
    )
    assert guidance.scenario == scenario


@pytest.mark.parametrize(
    ("location", "edema", "cleft"),
    [("treated_level", "absent", "present"), ("none_identified", "absent", "indeterminate")],
)
def test_a_fracture_at_the_treated_level_or_none_leaves_the_timeline_to_decide(
    location, edema, cleft
):
    guidance = guidance_for(
        active_fracture_location=location,
        marrow_edema=edema,
        cleft_sign=cleft,
        assessment_date=day(17),
    )
    assert guidance.scenario == "immediate_failure"


def test_days_since_recurrence_counts_from_the_recurrence_date():
    guidance = recurrence(40, 100)
    assert guidance.days_since_index == 100
    assert guidance.days_since_recurrence == 60


def test_days_since_recurrence_is_zero_when_the_pain_returned_on_the_assessment_day():
    guidance = recurrence(9, 9)
    assert guidance.days_since_recurrence == 0


def test_days_since_recurrence_is_null_without_a_recurrence():
    assert guidance_for().days_since_recurrence is None


def test_days_since_index_spans_years_and_leap_days():
    guidance = guidance_for(index_procedure_date=date(1985, 1, 1), assessment_date=date(2024, 3, 1))
    assert guidance.days_since_index == (date(2024, 3, 1) - date(1985, 1, 1)).days == 14304
