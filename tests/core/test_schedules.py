"""Learning-rate schedules against their formulas."""

import math

import numpy as np
import pytest

from core import learning_rates
from core.schedules import REGISTRY, checked_parameters


def test_constant():
    np.testing.assert_array_equal(learning_rates("constant", 0.3, 4), [0.3] * 4)


def test_step():
    got = learning_rates("step", 1.0, 7, drop=0.1, every=3)
    np.testing.assert_allclose(got, [1, 1, 1, 0.1, 0.1, 0.1, 0.01])


def test_exponential():
    np.testing.assert_allclose(learning_rates("exponential", 2.0, 3, gamma=0.5), [2, 1, 0.5])


def test_inverse_time():
    np.testing.assert_allclose(learning_rates("inverse_time", 1.0, 3, decay=1.0), [1, 0.5, 1 / 3])


def test_cosine_goes_from_the_rate_towards_the_floor():
    got = learning_rates("cosine", 1.0, 4, min_lr=0.2)
    np.testing.assert_allclose(
        got,
        [1.0, 0.2 + 0.4 * (1 + np.cos(np.pi / 4)), 0.6, 0.2 + 0.4 * (1 + np.cos(3 * np.pi / 4))],
    )


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("step", {"drop": 2.0}, "step drop must be a number in"),
        ("step", {"every": 0}, r"step every must be an integer in \[1, 1,000,000,000\]"),
        ("exponential", {"rate": 0.5}, "has no parameter 'rate'"),
        ("cosine", {"min_lr": 5.0}, "cosine min_lr must be a number in"),
    ],
)
def test_bad_parameters_are_named(name, params, message):
    with pytest.raises(ValueError, match=message):
        learning_rates(name, 1.0, 10, **params)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_schedule_peaks_at_its_starting_rate_and_keeps_inside_its_ranges(name):
    schedule = REGISTRY[name]
    for p in schedule.parameters:
        assert p.low <= p.control[0] <= p.default <= p.control[1], p
        # A parameter bounded by the starting rate (None) is checked against it by the engine.
        assert p.high is None or p.control[1] <= p.high, p
        assert p.symbol in schedule.latex
    rates = learning_rates(name, 1.0, 50)
    assert rates.shape == (50,) and np.all(np.isfinite(rates)) and np.all(rates > 0)
    # core.descend records a run's first rate as its learning rate: every schedule starts there.
    assert rates[0] == rates.max() == 1.0


def test_parameters_checked_by_the_engine_come_back_as_it_takes_them():
    assert checked_parameters("step", 0.1, every=7) == {"drop": 0.5, "every": 7}
    assert checked_parameters("cosine", 0.1) == {"min_lr": 0.0}
    with pytest.raises(ValueError, match="inverse_time decay must be >= 0"):
        checked_parameters("inverse_time", 0.1, decay=-1.0)


def test_polynomial_by_hand():
    # E = 4, p = 2, floor 0.2: 0.2 + 0.8·(1 − e/4)² = 1, 0.2 + 0.8·9/16, 0.2 + 0.8/4, 0.2 + 0.8/16.
    got = learning_rates("polynomial", 1.0, 4, power=2.0, min_lr=0.2)
    np.testing.assert_allclose(got, [1.0, 0.65, 0.4, 0.25], rtol=1e-15)
    # The default p = 1 is a straight line towards 0.
    np.testing.assert_allclose(learning_rates("polynomial", 2.0, 4), [2.0, 1.5, 1.0, 0.5])


def test_polynomial_against_a_loop_written_from_its_formula():
    def by_hand(rate, epochs, power, floor):
        return [floor + (rate - floor) * math.pow(1 - e / epochs, power) for e in range(epochs)]

    cases = [(0.3, 50, 0.5, 0.01), (2.0, 9, 3.0, 0.0), (0.05, 300, 0.0, 0.0)]
    for rate, epochs, power, floor in cases:
        got = learning_rates("polynomial", rate, epochs, power=power, min_lr=floor)
        np.testing.assert_allclose(got, by_hand(rate, epochs, power, floor), rtol=1e-13)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"power": -1.0}, r"polynomial power must be a number in \[0, 100\]"),
        ({"min_lr": 2.0}, r"polynomial min_lr must be a number in \[0, 1\]"),
        ({"gamma": 0.5}, "schedule 'polynomial' has no parameter 'gamma'; it takes: power, min_lr"),
    ],
)
def test_polynomial_refuses_what_it_cannot_run(params, message):
    with pytest.raises(ValueError, match=message):
        learning_rates("polynomial", 1.0, 10, **params)
