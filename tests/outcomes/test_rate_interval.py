"""The Wilson interval of a rate, written out in closed form, gives SciPy's figures."""

import pytest
from scipy import stats as scipy_stats

from outcomes.stats import rate


@pytest.mark.parametrize("n", [1, 2, 3, 7, 10, 27, 100, 1000])
def test_the_wilson_interval_is_scipy_s(n):
    for k in range(n + 1) if n <= 100 else (0, 1, 78, 500, 999, 1000):
        expected = scipy_stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        figure = rate(k, n)
        assert figure.value == k / n
        assert figure.low == pytest.approx(expected.low, abs=1e-12), (k, n)
        assert figure.high == pytest.approx(expected.high, abs=1e-12), (k, n)
        assert 0.0 <= figure.low <= figure.value <= figure.high <= 1.0


def test_the_interval_of_a_known_rate():
    # 3 of 4: p = 0.75, z = 1.96: (6 + z² ± z·√(3 + z²)) / (2·(4 + z²)) = 0.3006 to 0.9544.
    figure = rate(3, 4)
    assert round(figure.low, 4) == 0.3006 and round(figure.high, 4) == 0.9544


def test_no_patients_no_interval():
    figure = rate(0, 0)
    assert figure.value is None and figure.low is None and figure.high is None
