"""The loss from sufficient statistics against direct evaluation and finite differences."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from core import QuadraticLoss, Scaling, ols, split_theta, stack_theta


def direct_loss(X, y, coef, intercept, l2):
    return np.mean((X @ coef + intercept - y) ** 2) + l2 * np.sum(coef**2)


def numeric_gradient(f, theta, h=1e-6):
    grad = np.zeros_like(theta)
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = h * max(1.0, abs(theta[k]))
        grad[k] = (f(theta + step) - f(theta - step)) / (2 * step[k])
    return grad


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    X = rng.normal(loc=[2.0, -1.0, 50.0], scale=[1.0, 3.0, 10.0], size=(200, 3))
    y = X @ np.array([0.5, -2.0, 0.1]) + 3.0 + rng.normal(size=200)
    return X, y


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_value_and_gradient_match_direct_evaluation_and_finite_differences(data, fit_intercept, l2):
    X, y = data
    loss = QuadraticLoss.from_data(X, y, l2=l2, fit_intercept=fit_intercept)
    theta = np.array([0.3, -1.0, 0.2, 1.5])[: loss.n_params]

    def f(t):
        return direct_loss(X, y, t[:3], t[3] if fit_intercept else 0.0, l2)

    assert loss.value(theta) == pytest.approx(f(theta), rel=1e-12)
    np.testing.assert_allclose(loss.gradient(theta), numeric_gradient(f, theta), rtol=1e-6)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_hessian_matches_finite_differences_of_gradient(data, fit_intercept):
    X, y = data
    loss = QuadraticLoss.from_data(X, y, l2=0.25, fit_intercept=fit_intercept)
    theta = np.zeros(loss.n_params)
    columns = [
        numeric_gradient(lambda t, k=k: loss.gradient(t)[k], theta) for k in range(loss.n_params)
    ]
    np.testing.assert_allclose(loss.hessian(), np.array(columns), rtol=1e-6, atol=1e-8)


def test_value_is_vectorised_over_leading_axes(data):
    X, y = data
    loss = QuadraticLoss.from_data(X, y)
    thetas = np.random.default_rng(0).normal(size=(4, 5, 4))
    values = loss.value(thetas)
    assert values.shape == (4, 5)
    assert values[2, 3] == pytest.approx(loss.value(thetas[2, 3]))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_rescaled_loss_is_the_same_objective_in_new_coordinates(data, fit_intercept):
    X, y = data
    loss = QuadraticLoss.from_data(X, y, l2=0.3, fit_intercept=fit_intercept)
    scaling = Scaling.standardizing(loss)
    scaled = loss.rescaled(scaling)
    theta = np.array([0.3, -1.0, 0.2, 1.5])[: loss.n_params]
    theta_z = scaling.to_scaled(theta, fit_intercept)
    assert scaled.value(theta_z) == pytest.approx(loss.value(theta), rel=1e-12)
    # And the scaled statistics are those of the transformed data.
    direct = QuadraticLoss.from_data(scaling.transform(X), y, fit_intercept=fit_intercept)
    np.testing.assert_allclose(scaled.xx, direct.xx, atol=1e-12)
    if fit_intercept:
        np.testing.assert_allclose(np.diag(scaled.xx), 1.0)


def test_standardizing_leaves_constant_columns_unscaled():
    X = np.column_stack([np.full(10, 2000.0), np.arange(10.0)])
    loss = QuadraticLoss.from_data(X, np.arange(10.0))
    scaling = Scaling.standardizing(loss)
    assert scaling.scale[0] == 1.0
    assert np.all(np.isfinite(scaling.transform(X)))


finite = st.floats(-1e3, 1e3, allow_nan=False)


@given(
    X=arrays(np.float64, (12, 2), elements=finite),
    y=arrays(np.float64, (12,), elements=finite),
    theta=arrays(np.float64, (3,), elements=st.floats(-10, 10)),
)
def test_statistics_agree_with_rows_for_any_data(X, y, theta):
    loss = QuadraticLoss.from_data(X, y)
    expected = direct_loss(X, y, theta[:2], theta[2], 0.0)
    assert loss.value(theta) == pytest.approx(expected, rel=1e-9, abs=1e-6)


@given(theta=arrays(np.float64, (3,), elements=st.floats(-1e3, 1e3)))
def test_scaling_round_trip(theta):
    scaling = Scaling(shift=np.array([5.0, -3.0]), scale=np.array([2.0, 0.5]))
    back = scaling.to_original(scaling.to_scaled(theta, True), True)
    np.testing.assert_allclose(back, theta, rtol=1e-12, atol=1e-9)


# ½·MSE (1/(2n)): only the data term is halved; the penalty stays l2·‖w‖².


def direct_half_loss(X, y, coef, intercept, l2):
    return 0.5 * np.mean((X @ coef + intercept - y) ** 2) + l2 * np.sum(coef**2)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l2", [0.0, 0.7])
def test_half_mse_value_gradient_and_hessian_against_the_rows(data, fit_intercept, l2):
    X, y = data
    loss = QuadraticLoss.from_data(X, y, l2=l2, fit_intercept=fit_intercept, convention="half_mse")
    theta = np.array([0.3, -1.0, 0.2, 1.5])[: loss.n_params]

    def f(t):
        return direct_half_loss(X, y, t[:3], t[3] if fit_intercept else 0.0, l2)

    assert loss.value(theta) == pytest.approx(f(theta), rel=1e-12)
    np.testing.assert_allclose(loss.gradient(theta), numeric_gradient(f, theta), rtol=1e-6)
    columns = [
        numeric_gradient(lambda t, k=k: loss.gradient(t)[k], theta) for k in range(loss.n_params)
    ]
    np.testing.assert_allclose(loss.hessian(), np.array(columns), rtol=1e-6, atol=1e-8)
    # The design's own Hessian, XᵀX/n with a ones column, plus 2·l2 on the coefficients.
    A = np.column_stack([X, np.ones(len(y))]) if fit_intercept else X
    expected = A.T @ A / len(y) + 2 * l2 * np.diag([1.0] * 3 + [0.0] * fit_intercept)
    np.testing.assert_allclose(loss.hessian(), expected, rtol=1e-10)


def test_the_convention_survives_rescaling(data):
    X, y = data
    loss = QuadraticLoss.from_data(X, y, l2=0.3, convention="half_mse")
    scaling = Scaling.standardizing(loss)
    scaled = loss.rescaled(scaling)
    assert scaled.convention == "half_mse"
    theta = np.array([0.3, -1.0, 0.2, 1.5])
    expected = direct_half_loss(X, y, theta[:3], theta[3], 0.3)
    assert scaled.value(scaling.to_scaled(theta, True)) == pytest.approx(expected, rel=1e-12)


def test_an_unknown_convention_is_refused(data):
    X, y = data
    with pytest.raises(ValueError, match="loss must be one of 'mse', 'half_mse'"):
        QuadraticLoss.from_data(X, y, convention="sse")


@pytest.mark.parametrize("l2", [0.0, 0.4])
def test_ols_minimises_the_chosen_convention_and_reports_it(data, l2):
    X, y = data
    fit = ols(X, y, l2=l2, loss="half_mse")
    loss = QuadraticLoss.from_data(X, y, l2=l2, convention="half_mse")
    theta = np.append(fit.coef, fit.intercept)
    np.testing.assert_allclose(loss.gradient(theta), 0.0, atol=1e-9)
    assert fit.loss == pytest.approx(direct_half_loss(X, y, fit.coef, fit.intercept, l2))
    if l2 == 0.0:
        np.testing.assert_allclose(fit.coef, ols(X, y).coef, rtol=1e-12)


def test_theta_stacks_and_splits_with_and_without_an_intercept():
    coef = np.array([[1.0, 2.0], [3.0, 4.0]])
    theta = stack_theta(coef, np.array([5.0, 6.0]), True)
    np.testing.assert_array_equal(theta, [[1.0, 2.0, 5.0], [3.0, 4.0, 6.0]])
    np.testing.assert_array_equal(stack_theta([1.0, 2.0], 7.0, True), [1.0, 2.0, 7.0])
    np.testing.assert_array_equal(stack_theta(coef, 9.0, False), coef)
    back_coef, back_intercept = split_theta(theta, 2, True)
    np.testing.assert_array_equal(back_coef, coef)
    np.testing.assert_array_equal(back_intercept, [5.0, 6.0])
    no_b_coef, no_b = split_theta(coef, 2, False)
    np.testing.assert_array_equal(no_b_coef, coef)
    np.testing.assert_array_equal(no_b, [0.0, 0.0])
