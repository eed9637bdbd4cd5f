"""The limits of validation, at their boundaries, in the core itself (every rules version):
each number's minimum and maximum accepted and one step past refused, and the weeks of
conservative therapy since the pain returned (§1) accepted at the limit and refused one
week above, for recurrences of every length around a week boundary."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.rules.cases import TODAY
from vertebro_rules import versions

VERSIONS = versions.VERSIONS


def _numbers(version: str):
    edition = versions.get(version)
    kinds = (edition.inputs.IntegerInput, edition.inputs.DecimalInput)
    return [spec for spec in edition.FIELDS if isinstance(spec, kinds)]


def _step(spec) -> Decimal | int:
    return Decimal(1).scaleb(-spec.decimal_places) if hasattr(spec, "decimal_places") else 1


NUMBER_LIMITS = [
    pytest.param(version, spec.name, id=f"{version}-{spec.name}")
    for version in VERSIONS
    for spec in _numbers(version)
]


@pytest.mark.parametrize(("version", "name"), NUMBER_LIMITS)
def test_each_number_is_accepted_at_its_limits_and_refused_one_step_past(version, name):
    spec = versions.get(version).FIELDS_BY_NAME[name]
    assert spec.check(spec.minimum, today=TODAY) is None
    assert spec.check(spec.maximum, today=TODAY) is None
    step = _step(spec)
    assert spec.check(spec.maximum + step, today=TODAY)
    below = spec.check(spec.minimum - step, today=TODAY)
    assert below, f"{name}: {spec.minimum - step} accepted"


def test_every_version_has_numbers_to_check():
    assert all(_numbers(version) for version in VERSIONS)


# §1: at most the weeks since the pain returned, rounded up: (days + 6) // 7.
WEEKS_LIMITS = [(0, 0), (1, 1), (6, 1), (7, 1), (8, 2), (10, 2), (13, 2), (14, 2), (15, 3)]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("days", "limit"), WEEKS_LIMITS)
def test_the_weeks_limit_is_the_weeks_since_the_pain_returned_rounded_up(version, days, limit):
    assert versions.get(version).validation.conservative_weeks_limit(days) == limit


def _recurrence(days_since_recurrence: int, weeks: int) -> dict:
    assessed = date(2026, 11, 20)
    return {
        "index_procedure_date": date(2026, 3, 2),
        "assessment_date": assessed,
        "initial_response": "relief_then_recurrence",
        "recurrence_date": assessed - timedelta(days=days_since_recurrence),
        "conservative_therapy_weeks": weeks,
    }


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(("days", "limit"), WEEKS_LIMITS)
def test_weeks_of_therapy_at_the_limit_are_accepted_and_one_more_refused(version, days, limit):
    edition = versions.get(version)
    at_limit = edition.cross_field_errors(_recurrence(days, limit), today=TODAY)
    assert "conservative_therapy_weeks" not in at_limit
    above = edition.cross_field_errors(_recurrence(days, limit + 1), today=TODAY)
    (message,) = above["conservative_therapy_weeks"]
    assert f"at most {limit} week" in message
