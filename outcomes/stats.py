"""Rates and means with their 95% confidence intervals, and funnel-plot control limits.

Counts, sums and standard deviations come from the database (see `audit`);
this module only turns them into intervals: Wilson score intervals for
proportions (as `scipy.stats.binomtest(...).proportion_ci`, in closed form), which never
leave 0–100%, and Student t intervals for means (`scipy.stats.t.interval`), cut at
the ends of the scale the values are measured on (a VAS mean cannot be below
0) and marked `clamped` when they were, so the page can say so. Funnel limits
are the exact binomial limits with Spiegelhalter's interpolation
(Spiegelhalter DJ, "Funnel plots for comparing institutional performance",
Stat Med 2005;24:1185–1202, appendix A.1.1). SciPy is imported on the first interval,
not with this module: it takes seconds, and only the audit dashboard needs it.
"""

import math
from dataclasses import dataclass
from statistics import NormalDist

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


# z of a two-sided 95% interval: the 97.5% quantile of the standard normal distribution.
Z = NormalDist().inv_cdf(0.5 + 0.5 * CONFIDENCE)


def rate(k: int, n: int) -> Rate:
    """k of n with its Wilson score interval (Newcombe 1998, method 3), in closed form: the
    same arithmetic as `scipy.stats.binomtest(k, n).proportion_ci(method="wilson")`, written
    out because the dashboard computes a few hundred of them and SciPy's call costs ~1 ms."""
    if n == 0:
        return Rate(k, n, None, None, None)
    p = k / n
    denominator = 2 * (n + Z**2)
    centre = (2 * n * p + Z**2) / denominator
    delta = Z / denominator * math.sqrt(4 * n * p * (1 - p) + Z**2)
    low = 0.0 if k == 0 else centre - delta
    high = 1.0 if k == n else centre + delta
    return Rate(k, n, p, low, high)


@dataclass(frozen=True)
class Mean:
    """A mean of n values with its Student t 95% interval (no interval below n = 2)."""

    n: int
    value: float | None
    sd: float | None
    low: float | None
    high: float | None

    clamped: bool = False  # the interval was cut at an end of the scale

    @property
    def too_small(self) -> bool:
        return self.n < MIN_N_TO_COMPARE


def bounded(figure: Mean, low: float, high: float) -> Mean:
    """`figure` with its interval cut to the scale [low, high] (marked `clamped` if it was)."""
    if figure.low is None or figure.high is None:
        return figure
    if figure.low >= low and figure.high <= high:
        return figure
    return Mean(
        figure.n,
        figure.value,
        figure.sd,
        max(figure.low, low),
        min(figure.high, high),
        clamped=True,
    )


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


# Funnel plots: 95% and 99.8% limits (about 2 and 3 standard deviations).
FUNNEL_LEVELS = (0.95, 0.998)


def funnel_limit(p0: float, n: int, quantile: float) -> float:
    """The `quantile` control limit of a proportion on n cases around the target p0.

    Spiegelhalter 2005, A.1.1: r is the smallest count with P(X ≤ r) ≥ quantile for
    X ~ Binomial(n, p0); interpolating, α = (P(X ≤ r) − quantile) / P(X = r) and the limit
    is (r − α) / n. The result always lies within 0–1.
    """
    return funnel_limits_at(p0, [n], quantile)[0]


def funnel_limits_at(p0: float, ns, quantile: float) -> list[float]:
    """`funnel_limit` at each n of `ns`, in three array calls (a funnel curve has dozens)."""
    if any(n <= 0 for n in ns):
        raise ValueError("n must be positive")
    if p0 <= 0.0 or p0 >= 1.0:
        return [min(max(p0, 0.0), 1.0) for _ in ns]  # no spread around a target of 0% or 100%
    import numpy
    from scipy import stats

    n = numpy.asarray(ns, dtype=float)
    r = stats.binom.ppf(quantile, n, p0)
    below = stats.binom.cdf(r, n, p0)
    at = stats.binom.pmf(r, n, p0)
    alpha = numpy.where(at > 0, (below - quantile) / numpy.where(at > 0, at, 1.0), 0.0)
    return [float(v) for v in numpy.clip((r - alpha) / n, 0.0, 1.0)]


@dataclass(frozen=True)
class FunnelLimits:
    n: int
    low_95: float
    high_95: float
    low_998: float
    high_998: float


def funnel_limits_many(p0: float, ns) -> list[FunnelLimits]:
    """The 95% and 99.8% limits at each n (two-sided: 2.5%/97.5% and 0.1%/99.9%)."""
    ns = list(ns)
    low_95, low_998 = ((1 - level) / 2 for level in FUNNEL_LEVELS)
    columns = [
        funnel_limits_at(p0, ns, quantile)
        for quantile in (low_95, 1 - low_95, low_998, 1 - low_998)
    ]
    return [FunnelLimits(n, *values) for n, *values in zip(ns, *columns, strict=True)]


def funnel_limits(p0: float, n: int) -> FunnelLimits:
    return funnel_limits_many(p0, [n])[0]


def funnel_position(k: int, n: int, p0: float) -> str:
    """Where k of n lies against the department's p0: "inside", "warning" (outside the 95%
    limits only) or "alarm" (outside the 99.8% limits), with "above"/"below".

    Decided by the exact binomial tails, P(X ≥ k) or P(X ≤ k) for X ~ Binomial(n, p0),
    against 2.5% and 0.1%: with few patients, 1 of 1 lies above the interpolated limit
    (which never reaches 100%) yet is no signal at all (P(X ≥ 1) = p0).
    """
    from scipy import stats

    upper = float(stats.binom.sf(k - 1, n, p0))  # P(X ≥ k)
    lower = float(stats.binom.cdf(k, n, p0))  # P(X ≤ k)
    side, tail = ("above", upper) if k / n > p0 else ("below", lower)
    low_95, low_998 = ((1 - level) / 2 for level in FUNNEL_LEVELS)
    if tail < low_998:
        return f"alarm {side}"
    if tail < low_95:
        return f"warning {side}"
    return "inside"
