"""Gradient descent: convergence to the closed form, recorded history, divergence, validation."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import QuadraticLoss, descend, ols, stability


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(7)
    X = rng.normal(loc=[10.0, -5.0], scale=[2.0, 0.5], size=(300, 2))
    y = X @ np.array([1.5, -3.0]) + 4.0 + rng.normal(scale=0.3, size=300)
    return X, y, ols(X, y)


def relative_error(run, fit):
    got = np.append(run.coef, run.intercept)
    want = np.append(fit.coef, fit.intercept)
    return np.max(np.abs(got - want)) / np.max(np.abs(want))


def test_standardized_full_batch_gd_converges_to_ols(problem):
    X, y, fit = problem
    best = stability(X).standardized.best_lr
    run = descend(X, y, learning_rate=best, epochs=2000, standardize=True)
    assert relative_error(run, fit) < 1e-6
    assert run.history.loss[-1] == pytest.approx(fit.loss, rel=1e-9)


@pytest.mark.parametrize(
    ("optimizer", "learning_rate", "schedule", "epochs"),
    [
        ("gd", 0.5, {}, 2000),
        ("momentum", 0.1, {}, 2000),
        ("nesterov", 0.1, {}, 2000),
        ("adagrad", 1.0, {}, 5000),
        # RMSProp's steps stay near the rate in size, so it settles only as the rate decays.
        ("rmsprop", 0.1, {"gamma": 0.9977}, 5000),
        ("adam", 0.05, {}, 5000),
    ],
)
def test_every_update_rule_converges(problem, optimizer, learning_rate, schedule, epochs):
    X, y, fit = problem
    run = descend(
        X,
        y,
        optimizer=optimizer,
        learning_rate=learning_rate,
        epochs=epochs,
        standardize=True,
        schedule="exponential" if schedule else "constant",
        schedule_params=schedule,
    )
    assert run.stop_reason == "max_epochs"
    assert relative_error(run, fit) < 1e-5, optimizer


def test_history_shapes_and_start(problem):
    X, y, _ = problem
    run = descend(X, y, learning_rate=0.001, epochs=25, init_coef=[1.0, 2.0], init_intercept=3.0)
    assert run.epochs_run == 25
    assert run.history.loss.shape == (26,)
    assert run.history.coef.shape == (26, 2)
    assert run.history.intercept.shape == (26,)
    assert run.history.learning_rate.shape == (25,)
    np.testing.assert_allclose(run.history.coef[0], [1.0, 2.0])
    assert run.history.intercept[0] == 3.0
    assert run.history.loss[0] == pytest.approx(np.mean((X @ [1.0, 2.0] + 3.0 - y) ** 2))
    np.testing.assert_array_equal(run.coef, run.history.coef[-1])


def test_first_gd_step_by_hand():
    # Five points, zeros to start: dL/dw = 2·mean((0 - y)·x) = -2·mean(xy), dL/db = -2·mean(y).
    x = np.arange(1.0, 6.0)
    y = np.array([2.0, 4.0, 5.0, 4.0, 5.0])
    run = descend(x, y, learning_rate=0.01, epochs=1)
    grad_w = -2 * np.mean(x * y)  # -2 * 66/5 = -26.4
    grad_b = -2 * np.mean(y)  # -8
    assert run.history.grad_coef[0, 0] == pytest.approx(grad_w)
    assert run.history.grad_intercept[0] == pytest.approx(grad_b)
    assert run.coef[0] == pytest.approx(0.264)
    assert run.intercept == pytest.approx(0.08)
    assert run.history.loss[0] == pytest.approx(np.mean(y**2))


def test_standardized_history_is_mapped_back_to_original_units(problem):
    X, y, _ = problem
    run = descend(X, y, learning_rate=0.1, epochs=50, standardize=True)
    direct = np.mean((X @ run.history.coef[17] + run.history.intercept[17] - y) ** 2)
    assert run.history.loss[17] == pytest.approx(direct, rel=1e-9)
    scaled_coef, scaled_intercept = run.scaled_history()
    Z = (X - X.mean(0)) / X.std(0)
    z_pred = Z @ scaled_coef[17] + scaled_intercept[17]
    np.testing.assert_allclose(z_pred, X @ run.history.coef[17] + run.history.intercept[17])


def test_divergence_stops_with_only_finite_history(problem):
    X, y, _ = problem
    limit = stability(X).raw.max_stable_lr
    run = descend(X, y, learning_rate=1.5 * limit, epochs=10_000)
    assert run.stop_reason == "diverged"
    assert run.diverged
    assert 1 <= run.diverged_at < 10_000
    assert run.epochs_run == run.diverged_at
    for values in (run.history.loss, run.history.coef, run.history.intercept):
        assert np.all(np.isfinite(values))
    assert np.all(np.isfinite(run.coef))


def test_overflow_to_infinity_is_caught_at_the_epoch_it_happens():
    x = np.array([1e100, -1e100, 5e99])
    run = descend(x, np.array([1.0, 2.0, 3.0]), learning_rate=10.0, epochs=50)
    assert run.stop_reason == "diverged"
    assert np.all(np.isfinite(run.history.loss))
    assert run.epochs_run == len(run.history.loss) - 1


def test_stability_limit_separates_converging_from_diverging_rates(problem):
    X, y, _ = problem
    limit = stability(X).raw.max_stable_lr
    below = descend(X, y, learning_rate=0.98 * limit, epochs=200_000, tol=0.0)
    above = descend(X, y, learning_rate=1.02 * limit, epochs=200_000)
    assert below.stop_reason != "diverged"
    assert above.stop_reason == "diverged"


def test_tolerance_stops_when_the_loss_settles(problem):
    X, y, _ = problem
    run = descend(X, y, learning_rate=0.5, epochs=5000, standardize=True, tol=1e-10)
    assert run.stop_reason == "converged"
    assert run.epochs_run < 5000
    assert abs(run.history.loss[-1] - run.history.loss[-2]) < 1e-10


@pytest.mark.parametrize("batch_size", [1, 16, 299])
def test_mini_batch_runs_keep_a_thinned_step_path(problem, batch_size):
    X, y, _ = problem
    run = descend(
        X, y, learning_rate=0.01, epochs=30, batch_size=batch_size, standardize=True, seed=3
    )
    steps_per_epoch = -(-300 // batch_size)
    assert run.steps is not None
    assert run.steps.step[0] == 0
    assert run.steps.step[-1] == 30 * steps_per_epoch
    assert len(run.steps.step) <= 2000
    assert np.all(np.diff(run.steps.step) > 0)
    assert run.steps.coef.shape == (len(run.steps.step), 2)
    loss = QuadraticLoss.from_data(X, y)
    theta = np.column_stack([run.steps.coef, run.steps.intercept])
    np.testing.assert_allclose(run.steps.loss, loss.value(theta), rtol=1e-9)
    assert run.history.loss[-1] < run.history.loss[0] / 10


def test_stochastic_descent_gets_close_to_the_optimum(problem):
    X, y, fit = problem
    run = descend(
        X,
        y,
        learning_rate=0.002,
        epochs=60,
        batch_size=1,
        standardize=True,
        schedule="inverse_time",
    )
    assert run.history.loss[-1] < fit.loss * 1.05


def test_same_seed_same_run_and_other_seed_other_run(problem):
    X, y, _ = problem
    a = descend(X, y, learning_rate=0.01, epochs=5, batch_size=8, standardize=True, seed=1)
    b = descend(X, y, learning_rate=0.01, epochs=5, batch_size=8, standardize=True, seed=1)
    c = descend(X, y, learning_rate=0.01, epochs=5, batch_size=8, standardize=True, seed=2)
    np.testing.assert_array_equal(a.history.coef, b.history.coef)
    assert not np.array_equal(a.history.coef, c.history.coef)


def test_full_batch_run_equals_the_tutorial_loop_over_rows(problem):
    X, y, _ = problem
    run = descend(X, y, optimizer="momentum", learning_rate=0.001, epochs=40)
    w, b, v = np.zeros(2), 0.0, np.zeros(3)
    for _ in range(40):
        error = X @ w + b - y
        grad = np.append(2 * X.T @ error / len(y), 2 * error.mean())
        v = 0.9 * v + grad
        w, b = w - 0.001 * v[:2], b - 0.001 * v[2]
    np.testing.assert_allclose(run.coef, w, rtol=1e-10)
    assert run.intercept == pytest.approx(b, rel=1e-10)


def test_no_intercept_keeps_b_at_zero(problem):
    X, y, _ = problem
    fit = ols(X, y, fit_intercept=False)
    run = descend(X, y, learning_rate=0.5, epochs=3000, fit_intercept=False, standardize=True)
    assert np.all(run.history.intercept == 0.0)
    np.testing.assert_allclose(run.coef, fit.coef, rtol=1e-6)


def test_l2_descent_reaches_the_ridge_optimum(problem):
    X, y, _ = problem
    fit = ols(X, y, l2=0.5)
    best = stability(X, l2=0.5).standardized.best_lr
    run = descend(X, y, learning_rate=best, epochs=3000, standardize=True, l2=0.5)
    assert relative_error(run, fit) < 1e-6


def test_schedule_rates_are_recorded(problem):
    X, y, _ = problem
    run = descend(
        X,
        y,
        learning_rate=0.1,
        epochs=10,
        standardize=True,
        schedule="step",
        schedule_params={"every": 5},
    )
    np.testing.assert_allclose(run.history.learning_rate, [0.1] * 5 + [0.05] * 5)


def test_progress_is_reported(problem):
    X, y, _ = problem
    seen = []
    descend(X, y, learning_rate=1e-4, epochs=1000, progress=lambda done, total: seen.append(done))
    assert seen[-1] == 1000
    assert 50 <= len(seen) <= 101


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"learning_rate": 0.0}, "learning_rate must be > 0"),
        ({"learning_rate": float("nan")}, "learning_rate must be a finite number"),
        ({"epochs": 0}, r"epochs must be an integer in \[1, 1,000,000\]"),
        ({"epochs": 2.5}, "epochs must be an integer in .*got 2.5"),
        ({"batch_size": 0}, r"batch_size must be an integer in \[1, 300\]"),
        ({"batch_size": 301}, r"batch_size must be an integer in \[1, 300\]"),
        ({"optimizer": "sgdx"}, "optimizer must be one of"),
        ({"optimizer": "adam", "optimizer_params": {"beta": 0.9}}, "adam has no hyperparameter"),
        (
            {"optimizer": "momentum", "optimizer_params": {"beta": 1.5}},
            r"momentum beta must be a number in \[0, 1\)",
        ),
        ({"schedule": "warmup"}, "schedule must be one of"),
        ({"l2": -0.1}, "l2 must be >= 0"),
        ({"tol": -1.0}, "tol must be >= 0"),
        ({"init_coef": [1.0]}, "init_coef must hold 2 finite numbers"),
    ],
)
def test_bad_settings_get_a_message_naming_the_setting(problem, kwargs, message):
    X, y, _ = problem
    with pytest.raises(ValueError, match=message):
        descend(X, y, **kwargs)


@given(
    lr_fraction=st.floats(0.05, 0.95),
    slope=st.floats(-5, 5),
    intercept=st.floats(-5, 5),
)
def test_gd_below_the_limit_never_increases_the_loss(lr_fraction, slope, intercept):
    x = np.linspace(-1.0, 3.0, 25)
    y = slope * x + intercept + np.sin(7 * x)
    limit = stability(x).raw.max_stable_lr
    run = descend(x, y, learning_rate=lr_fraction * limit, epochs=60)
    assert np.all(np.diff(run.history.loss) <= 1e-12 * run.history.loss[0])
