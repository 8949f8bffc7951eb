"""Race scoring, predictions and worked steps against hand-worked cases."""

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest

from core import Spectrum, descend, ols, stability
from core.analysis import (
    distance_to_optimum,
    epochs_to_stay,
    epochs_to_tolerance,
    momentum_beta,
    momentum_suggestion,
    predicted_loss_gap,
    race_winner,
    tolerance_level,
    worked_steps,
    worked_steps_discrepancy,
)
from core.optimizers import RULES
from tests.core.helpers import wavy_line_gap
from tests.core.rule_oracle import RULE_PARAMS, RULE_STATE, rule_step

X5 = np.arange(1.0, 6.0)[:, None]
Y5 = np.array([2.0, 4.0, 5.0, 4.0, 5.0])


def spectrum_of(*eigenvalues: float) -> Spectrum:
    eig = np.array(sorted(eigenvalues))
    low, high = float(eig[0]), float(eig[-1])
    condition = high / low if low > 0 else math.inf
    return Spectrum(eig, low, high, condition, 2 / high, 2 / (low + high))


def test_epochs_to_tolerance_counts_from_the_start():
    losses = [10.0, 5.0, 2.0, 1.01, 1.0005, 1.0]
    assert epochs_to_tolerance(losses, 1.0, 1e-3) == 4
    assert epochs_to_tolerance(losses, 1.0, 0.02) == 3
    assert epochs_to_tolerance(losses, 1.0, 10.0) == 0
    assert epochs_to_tolerance(losses[:4], 1.0, 1e-3) is None


def test_epochs_to_tolerance_on_a_perfect_fit_uses_the_starting_loss():
    assert epochs_to_tolerance([8.0, 0.1, 0.007, 0.0], 0.0, 1e-3) == 2


def test_epochs_to_tolerance_rejects_a_negative_tolerance():
    with pytest.raises(ValueError, match="rel_tol"):
        epochs_to_tolerance([1.0], 1.0, -1.0)


def test_a_run_that_touches_the_band_leaves_and_returns_stays_only_from_its_return():
    # Band 1.001: touched at 3, outside at 4 and 5, inside from 6 to the end.
    losses = [10.0, 5.0, 2.0, 1.0005, 1.2, 1.01, 1.0008, 1.0001, 1.0]
    assert epochs_to_tolerance(losses, 1.0, 1e-3) == 3
    assert epochs_to_stay(losses, 1.0, 1e-3) == 6
    # Wide enough to hold every epoch from the first touch: the touch is the stay.
    assert epochs_to_stay(losses, 1.0, 0.25) == 3


def test_a_run_that_ends_outside_the_band_has_not_stayed():
    assert epochs_to_stay([10.0, 1.0, 1.0, 3.0], 1.0, 1e-3) is None
    assert epochs_to_stay([10.0, 1.0, 1.0, np.nan], 1.0, 1e-3) is None
    assert epochs_to_stay([10.0, 1.0, np.inf, 1.0], 1.0, 1e-3) == 3
    assert epochs_to_stay([10.0, 5.0], 1.0, 1e-3) is None
    assert epochs_to_stay([], 1.0, 1e-3) is None


def test_epochs_to_stay_counts_from_the_start_and_on_a_perfect_fit():
    assert epochs_to_stay([1.0, 1.0], 1.0, 1e-3) == 0
    assert epochs_to_stay([8.0, 0.1, 0.007, 0.009, 0.0], 0.0, 1e-3) == 4
    with pytest.raises(ValueError, match="rel_tol"):
        epochs_to_stay([1.0], 1.0, -1.0)


def test_distance_to_optimum_is_euclidean_over_all_parameters():
    run = descend(X5, Y5, learning_rate=0.01, epochs=1)
    fit = ols(X5, Y5)  # w = 0.6, b = 2.2
    expected = math.hypot(0.264 - 0.6, 0.08 - 2.2)
    assert distance_to_optimum(run, fit) == pytest.approx(expected)
    no_b = descend(X5, Y5, learning_rate=0.01, epochs=1, fit_intercept=False)
    assert distance_to_optimum(no_b, ols(X5, Y5, fit_intercept=False)) == pytest.approx(
        abs(no_b.coef[0] - ols(X5, Y5, fit_intercept=False).coef[0])
    )


def test_predicted_loss_gap_squares_the_contraction():
    np.testing.assert_allclose(predicted_loss_gap(8.0, 0.5, [0, 1, 2]), [8.0, 2.0, 0.5])
    assert np.all(predicted_loss_gap(0.0, 3.0, [0, 10_000]) == 0.0)
    grown = predicted_loss_gap(1.0, 3.0, [10_000])
    assert np.isinf(grown[0]) and not np.isnan(grown[0])


def test_predicted_gap_matches_a_real_run():
    spectrum, lr, gap = wavy_line_gap(epochs=200)
    predicted = predicted_loss_gap(gap[40], spectrum.contraction(lr), [20])[0]
    assert gap[60] == pytest.approx(predicted, rel=1e-2)


def test_momentum_suggestion_hand_worked():
    # λ = 1 and 4: κ = 4, √κ = 2, β* = (1/3)² = 1/9, η* = (2 / (2 + 1))² = 4/9.
    beta, rate, factor = momentum_suggestion(spectrum_of(1.0, 4.0))
    assert beta == pytest.approx(1 / 9)
    assert rate == pytest.approx(4 / 9)
    assert factor == pytest.approx(1 / 3)
    assert momentum_beta(spectrum_of(1.0, 4.0), 4 / 9) == pytest.approx(1 / 9)


def test_momentum_beta_for_a_smaller_rate_keeps_every_direction_shrinking():
    # η = 1/4: 1 - √(η·1) = 1/2 beats √(η·4) - 1 = 0, so β = 1/4.
    assert momentum_beta(spectrum_of(1.0, 4.0), 0.25) == pytest.approx(0.25)
    assert momentum_beta(spectrum_of(1.0, 4.0), 1.0) is None  # ηλmax = 4: nothing converges


def test_momentum_suggestion_converges_at_the_promised_rate():
    x = np.linspace(-1.0, 3.0, 40)
    y = 1.5 * x - 2 + np.sin(5 * x)
    spectrum = stability(x).raw
    beta, rate, factor = momentum_suggestion(spectrum)
    run = descend(
        x, y, optimizer="momentum", optimizer_params={"beta": beta}, learning_rate=rate, epochs=80
    )
    gap = run.history.loss - ols(x, y).loss
    # Early epochs: the gap reaches round-off by epoch 25. The optimum is critically
    # damped, so the measured rate carries a slowly fading polynomial factor.
    measured = (gap[15] / gap[5]) ** (1 / 10)
    assert measured < spectrum.contraction(spectrum.best_lr) ** 2
    assert factor**2 < measured < 1.3 * factor**2


def test_no_momentum_suggestion_on_a_flat_direction():
    assert momentum_suggestion(spectrum_of(0.0, 4.0)) is None
    assert momentum_beta(spectrum_of(0.0, 4.0), 0.1) is None


def test_race_winner_fewest_epochs_then_lowest_loss():
    assert race_winner([30, 12, None], [1.0, 1.0, 0.5], [False, False, False]) == 1
    assert race_winner([12, 12], [1.2, 1.1], [False, False]) == 1
    assert race_winner([None, None], [3.0, 2.0], [False, False]) == 1
    assert race_winner([None, 5], [3.0, 0.1], [False, True]) == 0
    assert race_winner([None], [1e9], [True]) is None


def test_first_step_of_the_five_point_tutorial():
    run = descend(X5, Y5, learning_rate=0.01, epochs=5)
    first = worked_steps(X5, Y5, run)[0]
    # From w = b = 0: ŷ = 0, errors = -y, Σ e·x = -66, Σ e = -20.
    np.testing.assert_array_equal(first.predictions, 0.0)
    np.testing.assert_array_equal(first.errors, -Y5)
    assert first.error_dot_x[0] == pytest.approx(-66.0)
    assert first.error_sum == pytest.approx(-20.0)
    assert first.loss == pytest.approx(86 / 5)
    assert first.grad_coef[0] == pytest.approx(-26.4)
    assert first.grad_intercept == pytest.approx(-8.0)
    assert first.new_coef[0] == pytest.approx(0.264)
    assert first.new_intercept == pytest.approx(0.08)


def test_worked_steps_agree_with_the_engine_and_chain():
    run = descend(X5, Y5, learning_rate=0.01, epochs=5)
    steps = worked_steps(X5, Y5, run, count=3)
    assert [s.epoch for s in steps] == [1, 2, 3]
    assert worked_steps_discrepancy(steps, run.history) < 1e-12
    # Second step, by hand from w = 0.264, b = 0.08: ŷ = 0.344, 0.608, 0.872, 1.136, 1.4.
    np.testing.assert_allclose(steps[1].predictions, [0.344, 0.608, 0.872, 1.136, 1.4])
    np.testing.assert_allclose(steps[1].new_coef, steps[2].coef)


def test_worked_steps_with_ridge_and_no_intercept():
    X = np.column_stack([X5[:, 0], X5[:, 0] ** 2 / 10])
    run = descend(X, Y5, learning_rate=0.01, epochs=4, fit_intercept=False, l2=0.5)
    steps = worked_steps(X, Y5, run, count=3)
    assert worked_steps_discrepancy(steps, run.history) < 1e-12
    assert steps[0].grad_intercept == 0.0 and steps[0].new_intercept == 0.0


def test_worked_steps_under_half_mse_drop_the_factor_two():
    # ½·MSE on the five points: at 0 the gradient is (−mean(x·y), −mean(y)) = (−13.2, −4.0),
    # half of the MSE's (−26.4, −8.0); the loss is 86/10.
    run = descend(X5, Y5, learning_rate=0.01, epochs=3, loss="half_mse")
    steps = worked_steps(X5, Y5, run)
    assert worked_steps_discrepancy(steps, run.history) < 1e-12
    assert steps[0].loss == pytest.approx(86 / 10)
    assert steps[0].grad_coef[0] == pytest.approx(-13.2)
    assert steps[0].grad_intercept == pytest.approx(-4.0)


def test_worked_steps_stop_where_the_run_stopped():
    run = descend(X5, Y5, learning_rate=0.01, epochs=2)
    assert len(worked_steps(X5, Y5, run, count=3)) == 2


def test_discrepancy_notices_a_different_rule():
    run = descend(X5, Y5, optimizer="adam", learning_rate=0.1, epochs=3)
    # The steps of plain descent, set against the Adam run's history.
    plain = replace(run, settings=run.settings.replace(optimizer="gd", optimizer_params=()))
    steps = worked_steps(X5, Y5, plain)
    assert worked_steps_discrepancy(steps, run.history) > 1e-3


def test_tolerance_level_is_relative_to_the_optimum():
    assert tolerance_level([9.0], 2.0, 0.5) == 3.0
    assert tolerance_level([9.0], 0.0, 0.5) == 4.5


#: Two correlated features and an intercept, so every rule's state differs per parameter.
XR = np.column_stack([np.linspace(0.0, 3.0, 12), np.cos(np.arange(12.0))])
YR = 1.5 * XR[:, 0] - 2.0 * XR[:, 1] + 0.7 + np.sin(7 * np.arange(12.0)) / 5


@pytest.mark.parametrize("rule", list(RULES))
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_worked_steps_of_every_rule_agree_with_the_engine(rule, fit_intercept):
    kwargs = {
        "optimizer": rule,
        "optimizer_params": RULE_PARAMS[rule],
        "learning_rate": 0.02,
        "epochs": 6,
        "fit_intercept": fit_intercept,
        "l2": 0.1,
        "schedule": "exponential",
        "schedule_params": {"gamma": 0.8},
    }
    run = descend(XR, YR, **kwargs)
    steps = worked_steps(XR, YR, run, count=5)
    assert [s.epoch for s in steps] == [1, 2, 3, 4, 5]
    assert worked_steps_discrepancy(steps, run.history) < 1e-12
    assert all(set(s.state) == set(RULE_STATE[rule]) for s in steps)
    # The state carries over: each step starts from the one before it.
    for before, after in itertools.pairwise(steps):
        assert after.state_before is before.state
    # The schedule's own rate each epoch: η₀·0.8^e.
    np.testing.assert_allclose([s.learning_rate for s in steps], 0.02 * 0.8 ** np.arange(5))


@pytest.mark.parametrize("rule", list(RULES))
def test_worked_steps_agree_with_the_rules_written_out_again(rule):
    # The worked steps run the rule's own record; the oracle re-derives it from the formula.
    run = descend(XR, YR, optimizer=rule, optimizer_params=RULE_PARAMS[rule], learning_rate=0.02)
    steps = worked_steps(XR, YR, run, count=6)
    params = {**RULES[rule].defaults, **RULE_PARAMS[rule]}
    state: dict = {}
    for step in steps:
        rate, t = step.learning_rate, step.epoch
        update, state = rule_step(rule, params, step.gradient, state, rate, t)
        np.testing.assert_allclose(step.update, update, rtol=1e-14, atol=0)
        assert set(step.state) == set(state)
        for key, value in state.items():
            np.testing.assert_allclose(step.state[key], value, rtol=1e-14, atol=0)


#: Lion moves every parameter by η along a sign, whatever β: other β show only once the
#: blend's sign turns against the gradient's, which at this rate it does within ten steps.
NOTICED_AT = {"lion": (0.3, 10)}


@pytest.mark.parametrize("rule", [name for name, r in RULES.items() if r.hyperparameters])
def test_the_discrepancy_notices_a_different_hyperparameter(rule):
    rate, count = NOTICED_AT.get(rule, (0.02, 3))
    run = descend(XR, YR, optimizer=rule, optimizer_params=RULE_PARAMS[rule], learning_rate=rate)
    # The defaults instead of the run's hyperparameters.
    defaults = replace(run, settings=run.settings.replace(optimizer_params=()))
    steps = worked_steps(XR, YR, defaults, count=count)
    assert worked_steps_discrepancy(steps, run.history) > 1e-6


def test_first_adam_step_is_minus_eta_times_the_sign_of_the_gradient():
    # m = 0.1·g and v = 0.001·g², so m̂ = g and v̂ = g²: Δ = −η g/(|g| + ε).
    # Five points from 0: g = (−26.4, −8), so both parameters rise by η (up to ε).
    run = descend(X5, Y5, optimizer="adam", learning_rate=0.1, epochs=3)
    first = worked_steps(X5, Y5, run)[0]
    np.testing.assert_allclose(first.state["m"], [-2.64, -0.8])
    np.testing.assert_allclose(first.state["v"], [0.001 * 26.4**2, 0.001 * 64])
    np.testing.assert_allclose(first.state["m_hat"], [-26.4, -8.0])
    np.testing.assert_allclose(first.state["v_hat"], [26.4**2, 64.0])
    assert first.new_coef[0] == pytest.approx(0.1 * 26.4 / (26.4 + 1e-8), rel=1e-15)
    assert first.new_intercept == pytest.approx(0.1 * 8 / (8 + 1e-8), rel=1e-15)
    assert abs(first.new_intercept - 0.1) < 0.1 * 1e-8 / 8 * 1.01
    assert first.new_coef[0] == pytest.approx(run.history.coef[1][0], rel=1e-14)


def test_first_adagrad_step_is_also_a_sign_step():
    run = descend(X5, Y5, optimizer="adagrad", learning_rate=0.5, epochs=2)
    first = worked_steps(X5, Y5, run)[0]
    np.testing.assert_allclose(first.state["G"], [26.4**2, 64.0])
    np.testing.assert_allclose(first.update, [0.5, 0.5], rtol=1e-8)


def test_second_momentum_step_by_hand():
    # Step 1 is plain descent (v = g): w = 0.264, b = 0.08. At step 2 the errors are
    # (0.344, 0.608, 0.872, 1.136, 1.4) − y, Σe·x = −50.28, Σe = −15.64, so
    # g = (−20.112, −6.256) and v = 0.9·(−26.4, −8) + g = (−43.872, −13.456).
    run = descend(X5, Y5, optimizer="momentum", learning_rate=0.01, epochs=3)
    steps = worked_steps(X5, Y5, run)
    np.testing.assert_allclose(steps[0].state["v"], [-26.4, -8.0])
    np.testing.assert_allclose(steps[1].gradient, [-20.112, -6.256])
    np.testing.assert_allclose(steps[1].state["v"], [-43.872, -13.456])
    assert steps[1].new_coef[0] == pytest.approx(0.264 + 0.43872)
    assert steps[1].new_intercept == pytest.approx(0.08 + 0.13456)
    assert worked_steps_discrepancy(steps, run.history) < 1e-12
