"""Learn page figures: predicted convergence, two surfaces side by side, ridge."""

import numpy as np
import pytest

from charts.learn import (
    SIDE_BY_SIDE_ASPECT,
    SINGLE_ASPECT,
    convergence_figure,
    ridge_surface_figure,
    surfaces_side_by_side,
)
from core import QuadraticLoss, Scaling, Spectrum, grid_around, loss_surface, ols
from core.geometry import hessian_slice, level_set_extent
from tests.charts.helpers import assert_all_finite, decode
from ui.lessons import surface_around


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
    gaps = run.history.loss[epochs] - problem.fit.loss
    # Where rounding has not yet reached the optimum, the gap itself; then a floor.
    visible = gaps > 1e-12 * gap0
    np.testing.assert_allclose(measured.y[visible], gaps[visible])
    assert np.all(measured.y > 0) and np.all(measured.y[~visible] <= 1e-12 * gap0)
    assert fig.layout.yaxis.type == "log"
    assert f"ρ = {rho:.3g}" in fig.layout.title.text
    # Full-batch descent shrinks the gap at least as fast as the worst direction.
    at = np.searchsorted(predicted.x, measured.x[measured.x < 100])
    assert np.all(measured.y[: at.size] <= predicted.y[at] * (1 + 1e-6))
    assert_all_finite(fig)


def test_the_log_axis_plots_the_gap_to_the_optimum_not_the_loss():
    # The loss flattens at L* = 0.061; the gap keeps falling a hundredfold an epoch.
    losses = 0.061 + np.array([1.0, 1e-2, 1e-4, 1e-6])
    fig = convergence_figure(losses, 0.061, 0.1)
    assert fig.layout.yaxis.title.text.startswith("L − L*")
    np.testing.assert_allclose(fig.data[0].y, [1.0, 1e-2, 1e-4, 1e-6], rtol=1e-6)
    assert "L − L*" in fig.data[0].name


def test_a_growing_gap_is_said_to_grow():
    losses = np.array([10.0, 20.0, 40.0, 80.0])
    fig = convergence_figure(losses, 0.0, 1.4)
    assert "grows ×1.96" in fig.layout.title.text
    assert "shrink" not in fig.layout.title.text
    np.testing.assert_allclose(fig.data[1].y, 10.0 * 1.4 ** (2 * fig.data[1].x))


def test_a_gap_that_reaches_zero_sits_on_a_floor_of_the_log_axis():
    fig = convergence_figure(np.array([4.0, 1.0, 0.5, 0.5, 0.5]), 0.5, 0.5)
    assert fig.data[0].x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert np.all(fig.data[0].y > 0) and fig.data[0].y[-1] < 1e-12
    assert_all_finite(fig)


def test_legend_is_plain_text_and_clear_of_the_toolbar(line_problem):
    fig = convergence_figure(np.array([4.0, 1.0, 0.6]), 0.5, 0.5)
    label = fig.data[1].name
    assert "ρ²ᵗ" in label and "^" not in label and "$" not in label
    # Plotly's toolbar sits over the top right corner: the legend goes under the plot.
    assert fig.layout.legend.y < 0 and fig.layout.legend.yanchor == "top"


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


def plain_pair(raw, standardized, **options):
    """The two maps side by side, with short titles and names."""
    names = ["u", "v"]
    return surfaces_side_by_side(
        raw, standardized, titles=["a", "b"], axis_names_left=names, axis_names_right=names,
        **options,
    )  # fmt: skip


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
    fig = plain_pair(raw, standardized, paths=[far, None])
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


def test_maps_keep_one_length_per_unit(raw_and_standardized):
    raw, standardized, *_ = raw_and_standardized
    fig = plain_pair(raw, standardized)
    assert (fig.layout.yaxis.scaleanchor, fig.layout.yaxis.scaleratio) == ("x", 1)
    assert (fig.layout.yaxis2.scaleanchor, fig.layout.yaxis2.scaleratio) == ("x2", 1)
    assert fig.layout.xaxis.constrain == fig.layout.yaxis.constrain == "domain"
    assert fig.layout.legend.y < 0


def _drawn_elongation(loss, at, aspect):
    """Width over height, in pixels, of a level set as the Learn map draws it."""
    at = np.asarray(at, dtype=np.float64)
    surface = surface_around(loss, (0, 1), at[None, :] + [[1.0, 1.0]], at, aspect)
    fig = ridge_surface_figure(surface, at, at, ["u", "v"])
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    # The grid is built for the pane's aspect, so one unit is as long on either axis.
    assert (y1 - y0) / (x1 - x0) == pytest.approx(aspect)
    assert fig.layout.yaxis.scaleanchor == "x"
    width, height = level_set_extent(hessian_slice(loss, (0, 1)), 1.0)
    return (width / (x1 - x0)) / (height / (y1 - y0) * aspect)


def test_standardizing_rounds_the_bowl_as_drawn(line_problem):
    loss = line_problem.loss
    optimum = np.append(line_problem.fit.coef, line_problem.fit.intercept)
    scaling = Scaling.standardizing(loss)
    raw = _drawn_elongation(loss, optimum, SINGLE_ASPECT)
    standardized = _drawn_elongation(
        loss.rescaled(scaling), scaling.to_scaled(optimum, True), SIDE_BY_SIDE_ASPECT
    )
    # Standardized, H = 2I and the level set is a circle, drawn round. Raw, x ~ U(0, 2):
    # the ellipse reaches √(2c(H⁻¹)ₖₖ) along each axis, √(H_bb/H_ww) ≈ 0.81 as far in w
    # as in b, and is drawn so.
    assert standardized == pytest.approx(1.0, rel=1e-6)
    H = loss.hessian()
    assert raw == pytest.approx(np.sqrt(H[1, 1] / H[0, 0]), rel=1e-6)
    assert raw < 0.85
