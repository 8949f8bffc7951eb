"""Learn page figures: predicted convergence, two surfaces side by side, ridge."""

import numpy as np
import pytest

from charts.learn import convergence_figure, ridge_surface_figure, surfaces_side_by_side
from core import QuadraticLoss, Scaling, Spectrum, grid_around, loss_surface, ols
from tests.charts.helpers import assert_all_finite, decode


def test_predicted_gap_is_gap0_times_rho_to_the_2t(line_problem):
    problem = line_problem
    spectrum = Spectrum.of(problem.loss)
    rate = 0.5 * spectrum.max_stable_lr
    run = problem.descend(learning_rate=rate, epochs=200)
    rho = spectrum.contraction(rate)
    fig = convergence_figure(run.history.loss, problem.fit.loss, rho)
    measured, predicted = fig.data
    gap0 = run.history.loss[0] - problem.fit.loss
    np.testing.assert_allclose(predicted.y, gap0 * rho ** (2 * predicted.x))
    assert predicted.line.dash == "dash"
    epochs = measured.x.astype(int)
    np.testing.assert_allclose(measured.y, run.history.loss[epochs] - problem.fit.loss)
    assert np.all(measured.y > 0)
    assert fig.layout.yaxis.type == "log"
    assert f"ρ = {rho:.3g}" in fig.layout.title.text
    # Full-batch descent shrinks the gap at least as fast as the worst direction.
    at = np.searchsorted(predicted.x, measured.x[measured.x < 100])
    assert np.all(measured.y[: at.size] <= predicted.y[at] * (1 + 1e-6))
    assert_all_finite(fig)


def test_a_rate_that_cannot_converge_is_said_so():
    losses = np.array([10.0, 20.0, 40.0, 80.0])
    fig = convergence_figure(losses, 0.0, 1.4)
    assert "does not shrink" in fig.layout.title.text
    np.testing.assert_allclose(fig.data[1].y, 10.0 * 1.4 ** (2 * fig.data[1].x))


def test_zero_gaps_are_left_out_of_the_log_axis():
    fig = convergence_figure(np.array([4.0, 1.0, 0.5, 0.5, 0.5]), 0.5, 0.5)
    assert fig.data[0].x.tolist() == [0.0, 1.0]
    assert_all_finite(fig)


@pytest.fixture(scope="module")
def raw_and_standardized(line_problem):
    loss = line_problem.loss
    scaling = Scaling.standardizing(loss)
    optimum = np.append(line_problem.fit.coef, line_problem.fit.intercept)
    scaled_optimum = scaling.to_scaled(optimum, True)
    raw = loss_surface(
        loss, (0, 1), grid_around([0, optimum[0]], 30), grid_around([0, optimum[1]], 30), optimum
    )
    standardized = loss_surface(
        loss.rescaled(scaling),
        (0, 1),
        grid_around([0, scaled_optimum[0]], 30),
        grid_around([0, scaled_optimum[1]], 30),
        scaled_optimum,
    )
    return raw, standardized, optimum, scaled_optimum


def test_two_contours_side_by_side(raw_and_standardized):
    raw, standardized, optimum, scaled_optimum = raw_and_standardized
    fig = surfaces_side_by_side(
        raw,
        standardized,
        titles=["raw units", "standardized"],
        axis_names_left=["w (income)", "b (intercept)"],
        axis_names_right=["w (income, z-score)", "b (intercept)"],
        optima=[optimum, scaled_optimum],
    )
    assert [(t.type, t.xaxis) for t in fig.data] == [
        ("contour", "x"),
        ("scatter", "x"),
        ("contour", "x2"),
        ("scatter", "x2"),
    ]
    np.testing.assert_allclose(decode(fig.data[0].customdata), raw.loss, rtol=1e-6)
    np.testing.assert_allclose(decode(fig.data[2].customdata), standardized.loss, rtol=1e-6)
    assert [fig.data[1].x[0], fig.data[1].y[0]] == pytest.approx(optimum)
    assert [fig.data[3].x[0], fig.data[3].y[0]] == pytest.approx(scaled_optimum)
    assert fig.layout.xaxis2.title.text == "w (income, z-score)"
    assert [a.text for a in fig.layout.annotations] == ["raw units", "standardized"]
    assert list(fig.layout.xaxis.range) == [raw.u[0], raw.u[-1]]


def test_paths_are_drawn_and_cut_at_the_grid(raw_and_standardized):
    raw, standardized, optimum, _ = raw_and_standardized
    far = np.array([[0.0, 0.0], [optimum[0], optimum[1]], [1e9, 1e9]])
    fig = surfaces_side_by_side(
        raw,
        standardized,
        titles=["a", "b"],
        axis_names_left=["u", "v"],
        axis_names_right=["u", "v"],
        paths=[far, None],
    )
    assert [t.type for t in fig.data] == ["contour", "scatter", "contour"]
    path = fig.data[1]
    assert path.x.size == 3 and path.x[-1] <= raw.u[-1] and path.y[-1] <= raw.v[-1]
    assert_all_finite(fig)


def test_ridge_surface_marks_both_optima(line_problem):
    X, y = line_problem.X, line_problem.y
    ridge_loss = QuadraticLoss.from_data(X, y, l2=1.0)
    plain, ridge = line_problem.fit, ols(X, y, l2=1.0)
    plain_at = [plain.coef[0], plain.intercept]
    ridge_at = [ridge.coef[0], ridge.intercept]
    grid_u = grid_around([plain_at[0], ridge_at[0]], 40)
    grid_v = grid_around([plain_at[1], ridge_at[1]], 40)
    surface = loss_surface(ridge_loss, (0, 1), grid_u, grid_v, ridge_at)
    fig = ridge_surface_figure(surface, plain_at, ridge_at, ["w (income)", "b (intercept)"])
    contour, plain_marker, ridge_marker = fig.data
    assert contour.type == "contour"
    assert [plain_marker.x[0], plain_marker.y[0]] == pytest.approx(plain_at)
    assert [ridge_marker.x[0], ridge_marker.y[0]] == pytest.approx(ridge_at)
    assert plain_marker.marker.symbol != ridge_marker.marker.symbol
    # The ridge optimum is the bottom of the penalised surface.
    low = np.unravel_index(np.argmin(surface.loss), surface.loss.shape)
    assert abs(surface.u[low[1]] - ridge_at[0]) <= 2 * (grid_u[1] - grid_u[0])
    assert fig.layout.xaxis.title.text == "w (income)"
    assert_all_finite(fig)
