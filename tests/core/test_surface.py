"""The loss grid against evaluating the loss over the rows."""

import numpy as np
import pytest

from core import QuadraticLoss, grid_around, loss_surface, ols


def test_grid_matches_row_by_row_loss():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    y = X @ [1.0, 2.0] + 0.5 + rng.normal(size=100)
    fit = ols(X, y)
    loss = QuadraticLoss.from_data(X, y)
    at = np.append(fit.coef, fit.intercept)
    u, v = np.linspace(-1, 3, 7), np.linspace(-2, 2, 5)
    surface = loss_surface(loss, (0, 2), u, v, at)
    assert surface.loss.shape == (5, 7)
    for j, b in enumerate(v):
        for i, w in enumerate(u):
            coef = np.array([w, fit.coef[1]])
            assert surface.loss[j, i] == pytest.approx(np.mean((X @ coef + b - y) ** 2))
    # The optimum is the lowest point of a grid through it.
    through = loss_surface(
        loss,
        (0, 2),
        [fit.coef[0] - 0.1, fit.coef[0], fit.coef[0] + 0.1],
        [fit.intercept - 0.1, fit.intercept, fit.intercept + 0.1],
        at,
    )
    assert through.loss.argmin() == 4


def test_bad_axes_are_refused():
    loss = QuadraticLoss.from_data(np.ones((3, 1)) * [[1], [2], [3]], np.arange(3.0))
    with pytest.raises(ValueError, match="two different parameter indices below 2"):
        loss_surface(loss, (0, 0), [0.0], [0.0], np.zeros(2))


def test_grid_around_covers_points_with_margin_and_never_collapses():
    grid = grid_around(np.array([1.0, 3.0]), n=5, margin=0.5)
    np.testing.assert_allclose(grid, [0.0, 1.0, 2.0, 3.0, 4.0])
    flat = grid_around(np.array([2.0, 2.0]), n=3)
    assert flat[0] < 2.0 < flat[-1]


def test_the_surface_follows_the_half_mse_convention():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 1))
    y = 2.0 * X[:, 0] - 1.0 + rng.normal(size=50)
    loss = QuadraticLoss.from_data(X, y, convention="half_mse")
    u, v = np.linspace(-1, 3, 4), np.linspace(-2, 2, 3)
    surface = loss_surface(loss, (0, 1), u, v, np.zeros(2))
    for j, b in enumerate(v):
        for i, w in enumerate(u):
            assert surface.loss[j, i] == pytest.approx(0.5 * np.mean((w * X[:, 0] + b - y) ** 2))
