"""The audit's figures on the fixed department of `audit_data`, against values worked by hand.

Intervals: the Wilson score interval written out below (the textbook formula, not
SciPy) and Student t quantiles from printed tables.
"""

import math

import pytest

from outcomes.audit import AuditFilter, audit
from tests.outcomes.audit_data import build

Z = 1.959964  # the 0.975 quantile of the standard normal distribution
T_975 = {1: 12.7062, 2: 4.302653, 3: 3.182446}  # Student t, 0.975 quantile, by degrees of freedom


def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    denominator = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / denominator
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / denominator
    return centre - half, centre + half


def t_interval(values: list[float]) -> tuple[float, float, float, float]:
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = T_975[n - 1] * sd / math.sqrt(n)
    return mean, sd, mean - half, mean + half


def assert_rate(rate, k, n):
    assert (rate.k, rate.n) == (k, n)
    assert rate.value == pytest.approx(k / n)
    low, high = wilson(k, n)
    assert rate.low == pytest.approx(low, abs=1e-5)
    assert rate.high == pytest.approx(high, abs=1e-5)


def assert_mean(figure, values):
    mean, sd, low, high = t_interval(values)
    assert figure.n == len(values)
    assert figure.value == pytest.approx(mean)
    assert figure.sd == pytest.approx(sd)
    assert figure.low == pytest.approx(low, abs=1e-4)
    assert figure.high == pytest.approx(high, abs=1e-4)


@pytest.fixture
def department(alice, bob):
    return build(alice, bob)


@pytest.fixture
def figures(department):
    return audit(AuditFilter())


def test_recommendations_by_kind_and_deciding_rule(figures):
    rows = {(r.recommendation, r.rule): r for r in figures.rules}
    assert figures.assessments == 10
    r10 = rows[("repeat_indicated", "R10")]
    assert (r10.total, r10.recorded, r10.performed, r10.declined, r10.not_offered) == (
        6,
        5,
        3,
        1,
        1,
    )
    r8 = rows[("not_indicated", "R8")]
    assert (r8.total, r8.recorded, r8.performed, r8.not_performed) == (3, 2, 1, 1)
    r1 = rows[("urgent_referral", "R1")]
    assert (r1.total, r1.recorded) == (1, 0)


def test_adherence_and_overrides(figures):
    # Repeat recommended, decision recorded: A1–A5; performed A1–A3.
    assert_rate(figures.adherence, 3, 5)
    # No repeat recommended, decision recorded: B1, B2 (C1 has none); performed: B1, under R8.
    assert_rate(figures.overrides, 1, 2)
    assert [(r.rule, r.performed) for r in figures.override_rows] == [("R8", 1)]


def test_vas_before_one_and_three_months(figures):
    assert figures.performed == 4
    assert_mean(figures.vas_before, [8, 9, 7, 2])
    assert_mean(figures.vas_1_month, [2, 8, 4, 1])
    assert_mean(figures.vas_3_months, [3, 5, 6])


def test_relief_leakage_and_complications(figures):
    # 1-month VAS at least 2 below the VAS before: A1 (8 → 2) and A3 (7 → 4); not A2, not B1.
    assert_rate(figures.relief, 2, 4)
    assert_rate(figures.leakage, 2, 4)
    assert_rate(figures.symptomatic_leakage, 1, 4)
    assert_rate(figures.major_complications, 1, 4)


def test_cement_at_repeat_and_at_index_on_the_same_patients(figures):
    # Pairs: A1 6.0/4.2, A2 7.0/4.0, B1 4.5/3.5 (A3 has no index volume).
    assert_mean(figures.cement_repeat, [6.0, 7.0, 4.5])
    assert_mean(figures.cement_index, [4.2, 4.0, 3.5])
    assert_mean(figures.cement_difference, [1.8, 3.0, 1.0])


def test_cleft_disappearance_and_relief(figures):
    # Clefts imaged after the procedure: A1 gone, A2 persists (A3 not imaged).
    assert_rate(figures.cleft_gone, 1, 2)
    assert_rate(figures.relief_cleft_gone, 1, 1)
    assert_rate(figures.relief_cleft_persists, 0, 1)


def test_new_fractures_within_a_year_adjacent_share_and_days(figures):
    # 12-month visits: A1 (adjacent), A2 (none), B2 (non-adjacent).
    assert_rate(figures.new_fracture_year, 2, 3)
    # Fractures: A1 and A3 adjacent, B2 non-adjacent.
    assert_rate(figures.adjacent_share, 2, 3)
    assert_mean(figures.days_adjacent, [71, 40])
    assert figures.days_non_adjacent.n == 1
    assert figures.days_non_adjacent.value == pytest.approx(287)
    assert figures.days_non_adjacent.low is None  # no interval from one value


def test_filter_by_clinician(department, alice):
    figures = audit(AuditFilter(clinician_id=alice.pk))
    assert figures.assessments == 7
    assert_rate(figures.adherence, 3, 5)
    assert figures.overrides.n == 0
    assert_mean(figures.vas_before, [8, 9, 7])


def test_filter_by_level_and_period(department):
    level = audit(AuditFilter(treated_level="T12"))
    assert (level.assessments, level.performed) == (1, 1)
    assert level.vas_1_month.value == 2
    assert level.vas_1_month.low is None
    from datetime import date

    assert audit(AuditFilter(date_from=date(2025, 1, 19))).assessments == 0
    assert audit(AuditFilter(date_to=date(2025, 1, 18))).assessments == 10
