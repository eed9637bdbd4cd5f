"""Rates and means with their 95% confidence intervals, from SciPy.

Counts, sums and standard deviations come from the database (see `audit`);
this module only turns them into intervals: Wilson score intervals for
proportions (`scipy.stats.binomtest(...).proportion_ci`) and Student t
intervals for means (`scipy.stats.t.interval`). SciPy is imported on the first
interval, not with this module: it takes seconds, and only the audit dashboard needs it.
"""

import math
from dataclasses import dataclass

CONFIDENCE = 0.95
# Below this many patients a figure is shown but not compared with a published one
# (project convention: with fewer, the 95% interval spans most of the scale).
MIN_N_TO_COMPARE = 10


@dataclass(frozen=True)
class Rate:
    """k of n, as a proportion with its Wilson 95% interval (None when n is 0)."""

    k: int
    n: int
    value: float | None
    low: float | None
    high: float | None

    @property
    def too_small(self) -> bool:
        return self.n < MIN_N_TO_COMPARE

    @property
    def percent(self) -> float | None:
        return None if self.value is None else 100 * self.value

    @property
    def low_percent(self) -> float | None:
        return None if self.low is None else 100 * self.low

    @property
    def high_percent(self) -> float | None:
        return None if self.high is None else 100 * self.high


def rate(k: int, n: int) -> Rate:
    if n == 0:
        return Rate(k, n, None, None, None)
    from scipy import stats

    interval = stats.binomtest(k, n).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return Rate(k, n, k / n, float(interval.low), float(interval.high))


@dataclass(frozen=True)
class Mean:
    """A mean of n values with its Student t 95% interval (no interval below n = 2)."""

    n: int
    value: float | None
    sd: float | None
    low: float | None
    high: float | None

    @property
    def too_small(self) -> bool:
        return self.n < MIN_N_TO_COMPARE


def mean(n: int, value, mean_square) -> Mean:
    """The mean of n values, from their mean and the mean of their squares (both from the database).

    The spread: population variance = mean of squares − square of the mean; the
    sample standard deviation the t interval needs is √(variance × n / (n − 1)).
    """
    if n == 0 or value is None:
        return Mean(n, None, None, None, None)
    value = float(value)
    if n < 2 or mean_square is None:
        return Mean(n, value, None, None, None)
    variance = max(float(mean_square) - value * value, 0.0) * n / (n - 1)
    sd = math.sqrt(variance)
    if sd < 1e-9:
        return Mean(n, value, 0.0, value, value)
    from scipy import stats

    low, high = stats.t.interval(CONFIDENCE, n - 1, loc=value, scale=sd / math.sqrt(n))
    return Mean(n, value, sd, float(low), float(high))
