"""Quadratic-bowl geometry against hand matrices, the quadratic form itself and the loss."""

import math

import numpy as np
import pytest

from core import QuadraticLoss, ols
from core.data import BUNDLED, PRESETS, bundled, preset
from core.geometry import (
    elongation,
    equal_scale,
    hessian_slice,
    level_set,
    level_set_extent,
    most_elongated_pair,
    planes,
    principal_axes,
    units_differ,
)

HAND = np.array([[4.0, 1.0], [1.0, 2.0]])


def test_principal_axes_of_a_hand_matrix():
    curvature, directions = principal_axes(HAND)
    # Eigenvalues of [[4, 1], [1, 2]]: 3 ± √2.
    np.testing.assert_allclose(curvature, [3 - math.sqrt(2), 3 + math.sqrt(2)])
    reference_values, reference_vectors = np.linalg.eigh(HAND)
    np.testing.assert_allclose(curvature, reference_values)
    for i in range(2):
        np.testing.assert_allclose(HAND @ directions[:, i], curvature[i] * directions[:, i])
        assert abs(directions[:, i] @ reference_vectors[:, i]) == pytest.approx(1.0)


def test_ellipse_points_satisfy_the_quadratic_form():
    centre = np.array([1.5, -2.0])
    for height in (1e-3, 0.7, 250.0):
        d = level_set(HAND, centre, height, points=64) - centre[:, None]
        form = 0.5 * np.einsum("ik,ij,jk->k", d, HAND, d)
        np.testing.assert_allclose(form, height, rtol=0, atol=1e-10 * max(1.0, height))


def test_ellipses_are_level_sets_of_the_loss():
    X, y = preset("correlated").xy()
    loss = QuadraticLoss.from_data(X, y)
    fit = ols(X, y)
    optimum = np.append(fit.coef, fit.intercept)
    for axes in planes(loss.n_params):
        points = level_set(hessian_slice(loss, axes), optimum[list(axes)], 0.8, points=32)
        theta = np.repeat(optimum[None, :], 32, axis=0)
        theta[:, list(axes)] = points.T
        np.testing.assert_allclose(loss.value(theta), fit.loss + 0.8, rtol=1e-9)


def test_extent_is_where_the_ellipse_reaches():
    extent = level_set_extent(HAND, 2.0)
    points = level_set(HAND, np.zeros(2), 2.0, points=20001)
    np.testing.assert_allclose(extent, np.abs(points).max(axis=1), rtol=1e-6)
    assert level_set_extent(np.array([[1.0, 1.0], [1.0, 1.0]]), 2.0) is None


def test_a_flat_direction_is_capped():
    flat = np.array([[2.0, 0.0], [0.0, 0.0]])
    points = level_set(flat, np.zeros(2), 1.0, points=9, cap=50.0)
    assert np.abs(points[1]).max() == pytest.approx(50.0)
    assert np.abs(points[0]).max() == pytest.approx(1.0)  # sqrt(2·1/2)
    assert elongation(flat) == math.inf


def test_correlated_preset_opens_on_the_long_valley_of_its_two_weights():
    X, y = preset("correlated").xy()
    assert most_elongated_pair(QuadraticLoss.from_data(X, y)) == (0, 1)


def test_most_elongated_pair_against_brute_force():
    for data in [preset(k) for k in PRESETS] + [bundled(k) for k in BUNDLED]:
        X, y = data.xy()
        loss = QuadraticLoss.from_data(X, y)
        H = loss.hessian()
        conditions = {}
        for i in range(loss.n_params):
            for j in range(i + 1, loss.n_params):
                values = np.linalg.eigvalsh(H[np.ix_([i, j], [i, j])])
                conditions[(i, j)] = values[1] / values[0]
        assert most_elongated_pair(loss) == max(conditions, key=conditions.get)


def test_equal_scale_gives_equal_units_per_pixel():
    wide = equal_scale((0.0, 10.0), (4.0, 6.0), aspect=0.75)
    assert wide.x_range == (0.0, 10.0)
    assert wide.y_range == pytest.approx((1.25, 8.75))  # centred on 5, 7.5 tall
    tall = equal_scale((0.0, 1.0), (0.0, 30.0), aspect=0.5, units_differ=True)
    assert tall.y_range == (0.0, 30.0) and tall.x_range == pytest.approx((-29.5, 30.5))
    assert tall.units_differ
    for frame, aspect in ((wide, 0.75), (tall, 0.5)):
        (x0, x1), (y0, y1) = frame.x_range, frame.y_range
        assert (y1 - y0) / (x1 - x0) == pytest.approx(aspect)


def test_units_of_parameters():
    assert units_differ((0, 2), n_features=2)  # a weight and the intercept
    assert units_differ((0, 1), n_features=2)  # two weights of features in unknown units
    assert not units_differ((0, 1), n_features=2, same_feature_units=True)
