"""A sweep over learning rates equals descend at each rate, for every rule and schedule."""

import warnings

import numpy as np
import pytest

from core import OPTIMIZERS, DivergenceWarning, descend, stability, sweep


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(11)
    X = rng.normal(loc=[0.5, -0.3], scale=[1.5, 0.7], size=(120, 2))
    y = X @ np.array([0.8, -2.0]) + 1.5 + rng.normal(scale=0.4, size=120)
    return X, y


def assert_same_run(got, want):
    """Every recorded field of ``got`` equals ``want`` to 12 significant digits."""
    assert got.stop_reason == want.stop_reason
    assert got.epochs_run == want.epochs_run
    assert got.diverged_at == want.diverged_at
    for name in ("loss", "coef", "intercept", "grad_coef", "grad_intercept", "learning_rate"):
        a, b = getattr(got.history, name), getattr(want.history, name)
        assert a.shape == b.shape, name
        scale = np.max(np.abs(b)) if b.size else 0.0
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * scale, err_msg=name)
    np.testing.assert_allclose(
        got.coef, want.coef, rtol=1e-12, atol=1e-12 * np.abs(want.coef).max()
    )
    assert got.intercept == pytest.approx(want.intercept, rel=1e-12, abs=1e-12)
    assert got.settings == want.settings
    assert got.steps is None and want.steps is None


def descend_each(X, y, rates, **settings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        return [descend(X, y, learning_rate=rate, **settings) for rate in rates]


SCHEDULES = [
    ("constant", {}),
    ("step", {"drop": 0.5, "every": 40}),
    ("inverse_time", {"decay": 0.05}),
    ("cosine", {"min_lr": 0.0}),
]


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize(("schedule", "params"), SCHEDULES)
def test_each_rate_of_a_sweep_is_the_run_descend_makes(problem, optimizer, schedule, params):
    X, y = problem
    limit = stability(X).raw.max_stable_lr
    # Rates from tiny to far past the limit: some creep, some converge by tol, some blow up.
    rates = [1e-4, 0.1 * limit, 0.6 * limit, 0.99 * limit, 1.5 * limit, 3.0, 40.0]
    settings = dict(optimizer=optimizer, epochs=300, tol=1e-9, schedule=schedule)
    settings["schedule_params"] = params
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        runs = sweep(X, y, rates, **settings)
    expected = descend_each(X, y, rates, **settings)
    assert len(runs) == len(rates)
    for got, want in zip(runs, expected, strict=True):
        assert_same_run(got, want)
    if optimizer == "gd" and schedule == "constant":
        # The rates above really exercise every way of stopping.
        assert {run.stop_reason for run in runs} == {"max_epochs", "converged", "diverged"}


@pytest.mark.parametrize(
    "settings",
    [
        dict(standardize=True, l2=0.2, fit_intercept=False),
        dict(loss="half_mse", init_coef=[1.0, -1.0], init_intercept=2.0, tol=1e-10),
        dict(tol=1e-10, tol_on="running", optimizer="momentum"),
        dict(optimizer="adam", optimizer_params={"beta1": 0.5}, epochs=2000, standardize=True),
    ],
)
def test_sweep_keeps_every_other_setting(problem, settings):
    X, y = problem
    rates = [0.001, 0.01, 0.05, 0.2, 0.9]
    settings = {"epochs": 500, **settings}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        runs = sweep(X, y, rates, **settings)
    for got, want in zip(runs, descend_each(X, y, rates, **settings), strict=True):
        assert_same_run(got, want)


def test_a_rate_that_overflows_at_once_stops_alone(problem):
    X, y = problem
    with pytest.warns(DivergenceWarning, match="1 of 3 learning rates diverged, the smallest 1e"):
        slow, huge, fast = sweep(X, y, [1e-3, 1e200, 0.05], epochs=200)
    assert huge.diverged_at == 1 and huge.epochs_run == 0
    assert np.all(np.isfinite(huge.history.loss)) and huge.history.loss.shape == (1,)
    assert slow.epochs_run == fast.epochs_run == 200
    for got, want in zip((slow, fast), descend_each(X, y, [1e-3, 0.05], epochs=200), strict=True):
        assert_same_run(got, want)


def test_mini_batch_sweeps_run_one_rate_at_a_time(problem):
    X, y = problem
    rates = [0.001, 0.02, 5.0]
    settings = dict(epochs=20, batch_size=16, seed=4, optimizer="rmsprop")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        runs = sweep(X, y, rates, **settings)
        expected = descend_each(X, y, rates, **settings)
    for got, want in zip(runs, expected, strict=True):
        np.testing.assert_array_equal(got.history.coef, want.history.coef)
        np.testing.assert_array_equal(got.steps.coef, want.steps.coef)
        assert got.stop_reason == want.stop_reason and got.diverged_at == want.diverged_at


def test_a_sweep_without_divergence_does_not_warn(problem):
    X, y = problem
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sweep(X, y, np.array([0.01, 0.02]), epochs=50)


@pytest.mark.parametrize(
    ("rates", "settings", "error", "message"),
    [
        ([], {}, ValueError, "at least one rate"),
        ([0.1, 0.0], {}, ValueError, r"learning_rates\[1\] must be > 0"),
        ([0.1], {"epochs": 0}, ValueError, "epochs must be an integer"),
        ([0.1], {"learning_rate": 0.1}, TypeError, "learning_rate"),
        ([0.1], {"epoch": 10}, TypeError, "epoch"),
    ],
)
def test_bad_sweeps_are_refused_naming_the_setting(problem, rates, settings, error, message):
    X, y = problem
    with pytest.raises(error, match=message):
        sweep(X, y, rates, **settings)
