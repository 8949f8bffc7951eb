"""Update rules against steps worked out by hand."""

import dataclasses

import numpy as np
import pytest

from core import OPTIMIZERS, make_optimizer, stability
from core.optimizers import RULES, Hyperparameter
from core.validation import declared_once
from core.verdict import verdict
from tests.core.rule_oracle import RULE_PARAMS, rule_step


def two_steps(name, grads, learning_rate=0.1, **hyper):
    rule = make_optimizer(name, **hyper)
    params = np.zeros(1)
    state = rule.init(params)
    out = []
    for g in grads:
        step, state = rule.update(np.array([g]), state, learning_rate)
        params = params + step
        out.append(float(params[0]))
    return out


def test_gd():
    assert two_steps("gd", [2.0, 1.0]) == pytest.approx([-0.2, -0.3])


def test_momentum():
    # v1 = 2, v2 = 0.5·2 + 1 = 2; params -0.2, -0.4
    assert two_steps("momentum", [2.0, 1.0], beta=0.5) == pytest.approx([-0.2, -0.4])


def test_nesterov():
    # v1 = 2, step1 = -0.1(0.5·2 + 2) = -0.3; v2 = 2, step2 = -0.1(0.5·2 + 1) = -0.2
    assert two_steps("nesterov", [2.0, 1.0], beta=0.5) == pytest.approx([-0.3, -0.5])


def test_adagrad():
    # G1 = 4: step -0.1·2/2 = -0.1; G2 = 5: step -0.1/sqrt(5)
    expected = [-0.1, -0.1 - 0.1 / np.sqrt(5)]
    assert two_steps("adagrad", [2.0, 1.0], eps=1e-12) == pytest.approx(expected)


def test_rmsprop():
    # s1 = 0.5·4 = 2: step -0.1·2/sqrt(2); s2 = 0.5·2 + 0.5·1 = 1.5: step -0.1/sqrt(1.5)
    first = -0.2 / np.sqrt(2)
    expected = [first, first - 0.1 / np.sqrt(1.5)]
    assert two_steps("rmsprop", [2.0, 1.0], rho=0.5, eps=1e-12) == pytest.approx(expected)


def test_adam():
    # Step 1: m̂ = g, v̂ = g², so the step is -lr·sign(g) whatever g is.
    # Step 2 with b1 = b2 = 0.5: m = 0.25·2+0.5·1=... worked below.
    m1, v1 = 0.5 * 2.0, 0.5 * 4.0
    m2, v2 = 0.5 * m1 + 0.5 * 1.0, 0.5 * v1 + 0.5 * 1.0
    step2 = -0.1 * (m2 / 0.75) / np.sqrt(v2 / 0.75)
    got = two_steps("adam", [2.0, 1.0], beta1=0.5, beta2=0.5, eps=1e-12)
    assert got == pytest.approx([-0.1, -0.1 + step2])


def test_rules_do_not_mutate_their_inputs():
    for name in OPTIMIZERS:
        rule = make_optimizer(name)
        params = np.ones(3)
        state = rule.init(params)
        grad = np.array([1.0, -2.0, 3.0])
        before = [np.copy(x) for x in state if isinstance(x, np.ndarray)]
        rule.update(grad, state, 0.1)
        after = [x for x in state if isinstance(x, np.ndarray)]
        for a, b in zip(before, after, strict=True):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(grad, [1.0, -2.0, 3.0])


def test_unknown_rule_lists_the_choices():
    with pytest.raises(ValueError, match="'gd', 'momentum'"):
        make_optimizer("lbfgs")


@pytest.mark.parametrize("name", list(RULES))
def test_each_record_s_defaults_are_its_factory_s(name):
    rule = RULES[name]
    assert rule.make().hyperparameters == rule.defaults == OPTIMIZERS[name]
    assert rule.make().name == name
    assert all(h.low <= h.default < h.high for h in rule.hyperparameters)


@pytest.mark.parametrize("name", list(RULES))
def test_every_rule_agrees_with_its_formula_written_out_again(name):
    # Twenty steps on three parameters, gradients of both signs and many sizes.
    rng = np.random.default_rng(7)
    params = {**OPTIMIZERS[name], **RULE_PARAMS[name]}
    rule = make_optimizer(name, **params)
    state, oracle_state = rule.init(np.zeros(3)), {}
    for t in range(1, 21):
        grad = rng.normal(size=3) * 10.0 ** rng.integers(-3, 3, size=3)
        rate = 0.05 / t
        step, state = rule.update(grad, state, rate)
        expected, oracle_state = rule_step(name, params, grad, oracle_state, rate, t)
        np.testing.assert_allclose(step, expected, rtol=1e-14, atol=0)


def test_one_hyperparameter_name_is_declared_once():
    gd, momentum = RULES["gd"], RULES["momentum"]
    other_beta = Hyperparameter("beta", 0.5, 0.0, 1.0, r"\beta", "β", "Another β")
    clash = dataclasses.replace(gd, name="clash", hyperparameters=(other_beta,))
    rules = (momentum, clash)
    with pytest.raises(ValueError, match="clash declares 'beta' unlike"):
        declared_once((r.name, h.name, h) for r in rules for h in r.hyperparameters)


def test_lion():
    # β₁ = 0.5, β₂ = 0.75. Step 1 from m = 0: c = 0.5·2 = 1 > 0, so the parameter moves −η;
    # m = 0.25·2 = 0.5. Step 2 with g = −1: c = 0.5·0.5 + 0.5·(−1) = −0.25 < 0, so it moves +η
    # although the momentum is still positive; m = 0.75·0.5 + 0.25·(−1) = 0.125.
    # Step 3 with g = −0.1: c = 0.5·0.125 − 0.05 = 0.0125 > 0, so −η again, whatever |g|.
    assert two_steps("lion", [2.0, -1.0, -0.1], beta_step=0.5, beta_momentum=0.75) == (
        pytest.approx([-0.1, 0.0, -0.1])
    )
    rule = make_optimizer("lion", beta_step=0.5, beta_momentum=0.75)
    state = rule.init(np.zeros(2))
    for g in ([2.0, -3.0], [-1.0, 1e-9]):
        step, state = rule.update(np.array(g), state, 0.1)
    np.testing.assert_allclose(state.momentum, [0.125, 0.75 * -0.75 + 0.25e-9], rtol=1e-15)
    np.testing.assert_array_equal(step, [0.1, 0.1])  # every coordinate exactly η


def test_lion_takes_no_step_where_the_blend_is_zero():
    # m = 0 and g = 0 in one coordinate: sign(0) = 0, so that coordinate stays.
    rule = make_optimizer("lion")
    step, _ = rule.update(np.array([0.0, 5.0]), rule.init(np.zeros(2)), 0.3)
    np.testing.assert_array_equal(step, [0.0, -0.3])


def test_lion_is_named_and_judged_by_its_record():
    s = stability(np.arange(1.0, 6.0)).raw
    judged = verdict(s, "lion", 0.05, {"beta_step": 0.8, "beta_momentum": 0.99})
    assert judged.rule_name == "Lion (β₁ = 0.8, β₂ = 0.99)"
    assert judged.regime == "unknown" and "exactly η" in judged.sentence
