"""Steps worked by hand: recomputed from the rows, they agree with the engine and the oracle."""

import itertools
from dataclasses import replace

import numpy as np
import pytest

from core import descend
from core.optimizers import RULES
from core.worked import worked_steps, worked_steps_discrepancy
from tests.core.rule_oracle import RULE_PARAMS, RULE_STATE, rule_step

X5 = np.arange(1.0, 6.0)[:, None]
Y5 = np.array([2.0, 4.0, 5.0, 4.0, 5.0])


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
