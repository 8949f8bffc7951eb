"""Gradient descent: convergence to the closed form, recorded history, divergence, validation."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import DivergenceWarning, QuadraticLoss, descend, ols, stability


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
    with pytest.warns(DivergenceWarning):
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
    with pytest.warns(DivergenceWarning, match="epoch 1 "):
        run = descend(x, np.array([1.0, 2.0, 3.0]), learning_rate=10.0, epochs=50)
    assert run.stop_reason == "diverged"
    assert np.all(np.isfinite(run.history.loss))
    assert run.epochs_run == len(run.history.loss) - 1


def test_stability_limit_separates_converging_from_diverging_rates(problem):
    X, y, _ = problem
    limit = stability(X).raw.max_stable_lr
    below = descend(X, y, learning_rate=0.98 * limit, epochs=200_000, tol=0.0)
    with pytest.warns(DivergenceWarning):
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
        ({"loss": "mae"}, "loss must be one of 'mse', 'half_mse'; got 'mae'"),
        ({"tol_on": "epoch"}, "tol_on must be one of 'loss', 'running'"),
        ({"shuffle": "no"}, "shuffle must be True or False"),
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


def test_every_setting_after_the_data_is_keyword_only(problem):
    X, y, _ = problem
    with pytest.raises(TypeError):
        descend(X, y, "gd", 0.01)


def test_a_diverging_run_warns_naming_the_epoch_and_the_rate(problem):
    X, y, _ = problem
    limit = stability(X).raw.max_stable_lr
    rate = 1.5 * limit
    with pytest.warns(DivergenceWarning) as caught:
        run = descend(X, y, learning_rate=rate, epochs=10_000)
    (warning,) = caught
    assert issubclass(DivergenceWarning, UserWarning)
    assert f"epoch {run.diverged_at} " in str(warning.message)
    assert f"learning rate {rate:g}" in str(warning.message)
    assert warning.filename == __file__


@pytest.mark.parametrize("batch_size", [None, 16])
def test_a_run_that_does_not_diverge_does_not_warn(problem, batch_size):
    X, y, _ = problem
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        run = descend(X, y, learning_rate=0.1, epochs=50, standardize=True, batch_size=batch_size)
    assert run.stop_reason == "max_epochs"


# ½·MSE: the convention of Andrew Ng's course and of the 400-point tutorial.


def test_half_mse_first_step_by_hand():
    # ½·MSE at zero: dL/dw = mean((0 - y)·x) = -(2+8+15+16+25)/5 = -13.2, dL/db = -mean(y) = -4.
    x = np.arange(1.0, 6.0)
    y = np.array([2.0, 4.0, 5.0, 4.0, 5.0])
    run = descend(x, y, learning_rate=0.01, epochs=1, loss="half_mse")
    assert run.history.grad_coef[0, 0] == pytest.approx(-13.2, rel=1e-14)
    assert run.history.grad_intercept[0] == pytest.approx(-4.0, rel=1e-14)
    assert run.coef[0] == pytest.approx(0.132, rel=1e-14)
    assert run.intercept == pytest.approx(0.04, rel=1e-14)
    assert run.history.loss[0] == pytest.approx(8.6, rel=1e-14)  # (4+16+25+16+25)/10
    assert run.settings.loss == "half_mse"


def test_the_400_point_tutorial_loop_as_written():
    # "Linear regression from scratch", 400 points: no factor 2 in its update, i.e. ½·MSE.
    legacy = np.random.RandomState(43)  # the same stream as its np.random.seed(43)
    x = np.linspace(0, 100, 400)
    y = 3.5 * x + 10 + legacy.normal(0, 25, 400)
    order = legacy.permutation(400)
    x_train, y_train = x[order[:320]], y[order[:320]]
    a, iterations = 5e-4, 100_000
    w1 = w2 = 0.0
    for _ in range(iterations):
        error = w1 * x_train + w2 - y_train
        w1 -= a * np.mean(error * x_train)
        w2 -= a * np.mean(error)
    run = descend(x_train, y_train, learning_rate=a, epochs=iterations, loss="half_mse")
    assert run.coef[0] == pytest.approx(w1, rel=1e-12)
    assert run.intercept == pytest.approx(w2, rel=1e-12)
    assert run.coef[0] == pytest.approx(3.4803360, abs=5e-8)  # what its code prints
    assert run.intercept == pytest.approx(9.5651007, abs=5e-8)


def test_half_mse_doubles_the_stable_rate(problem):
    X, y, _ = problem
    full = stability(X).raw.max_stable_lr
    half = stability(X, loss="half_mse").raw.max_stable_lr
    assert half == pytest.approx(2 * full, rel=1e-12)
    rate = 1.5 * full
    assert descend(X, y, learning_rate=rate, epochs=3000, loss="half_mse").stop_reason != "diverged"
    with pytest.warns(DivergenceWarning):
        assert descend(X, y, learning_rate=rate, epochs=3000).stop_reason == "diverged"


@pytest.mark.parametrize("batch_size", [None, 7])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_half_mse_at_a_rate_is_mse_at_half_the_rate_without_penalty(problem, batch_size, l2):
    # ∇(½·MSE + l2‖w‖²) = ½∇(MSE + 2·l2‖w‖²): the same path as MSE with twice the penalty
    # at half the rate. The recorded losses differ by the convention only.
    X, y, _ = problem
    common = dict(epochs=20, batch_size=batch_size, standardize=True, shuffle=False)
    half = descend(X, y, learning_rate=0.2, l2=l2, loss="half_mse", **common)
    full = descend(X, y, learning_rate=0.1, l2=2 * l2, **common)
    np.testing.assert_allclose(half.history.coef, full.history.coef, rtol=1e-12, atol=1e-12)
    residual = X @ half.coef + half.intercept - y
    direct = 0.5 * np.mean(residual**2) + l2 * np.sum(half.coef**2)
    assert half.history.loss[-1] == pytest.approx(direct, rel=1e-12)


# Row order and the running-loss stop of the three-feature tutorial.


@pytest.fixture(scope="module")
def three_features():
    rng = np.random.default_rng(2024)
    X = rng.uniform(0.0, 1.0, size=(1000, 3))
    y = X @ np.array([1.5, 3.8, 4.7]) + 8.9 + rng.normal(0.0, 1.0, size=1000)
    return X[:900], y[:900]


def test_the_three_feature_tutorial_loop_as_written(three_features):
    X, y = three_features
    lr, tol = 0.01, 1e-10
    w, b = np.array([1.0, 1.0, 1.0]), 0.0
    previous, epochs_run = None, 0
    for _ in range(1000):
        epochs_run += 1
        total = 0.0
        for i in range(len(y)):
            y_hat = np.dot(X[i], w) + b
            error = y_hat - y[i]
            total += error**2
            w = w - lr * 2 * error * X[i]
            b = b - lr * 2 * error
        average = total / len(y)
        if previous is not None and abs(average - previous) < tol:
            break
        previous = average
    run = descend(
        X,
        y,
        learning_rate=lr,
        epochs=1000,
        batch_size=1,
        shuffle=False,
        tol=tol,
        tol_on="running",
        init_coef=[1.0, 1.0, 1.0],
    )
    assert run.stop_reason == "converged"
    assert run.epochs_run == epochs_run < 1000
    np.testing.assert_allclose(run.coef, w, rtol=1e-12)
    assert run.intercept == pytest.approx(b, rel=1e-12)
    assert run.settings.shuffle is False and run.settings.tol_on == "running"


def test_file_order_takes_the_same_batches_every_epoch(problem):
    X, y, _ = problem
    run = descend(X, y, learning_rate=1e-3, epochs=3, batch_size=64, shuffle=False, seed=5)
    w, b = np.zeros(2), 0.0
    for _ in range(3):
        for start in range(0, len(y), 64):
            rows, target = X[start : start + 64], y[start : start + 64]
            error = rows @ w + b - target
            w, b = w - 1e-3 * 2 * rows.T @ error / len(target), b - 1e-3 * 2 * error.mean()
    np.testing.assert_allclose(run.coef, w, rtol=1e-12)
    assert run.intercept == pytest.approx(b, rel=1e-12)
    other_seed = descend(X, y, learning_rate=1e-3, epochs=3, batch_size=64, shuffle=False)
    np.testing.assert_array_equal(run.history.coef, other_seed.history.coef)


def test_running_stop_on_full_batch_compares_the_losses_before_each_update(problem):
    # One batch per epoch: the running loss of epoch e is the loss before it, L(e-1), so
    # the rule stops one epoch after the loss rule would, and never at the first epoch.
    X, y, _ = problem
    common = dict(learning_rate=0.5, epochs=5000, standardize=True, tol=1e-10)
    by_loss = descend(X, y, **common)
    by_running = descend(X, y, tol_on="running", **common)
    assert by_loss.stop_reason == by_running.stop_reason == "converged"
    assert by_running.epochs_run == by_loss.epochs_run + 1
    loss = by_running.history.loss
    assert abs(loss[-2] - loss[-3]) < 1e-10 <= abs(loss[-3] - loss[-4])
    huge_tol = descend(X, y, tol_on="running", **{**common, "tol": 1e9})
    assert huge_tol.epochs_run == 2
