"""Figures for the Learn page: convergence rate, raw against standardized, ridge."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts import style
from charts.curves import loss_curve
from charts.labels import value
from charts.landscape import contour_trace, optimum_marker, path_style
from charts.ranges import clip_path, finite
from charts.sampling import curve_indices
from charts.text import plotly_text
from core import Surface
from core.verdict import loss_gap

HEIGHT = 460


#: Height over width of one map in :func:`surfaces_side_by_side` and of the map in
#: :func:`ridge_surface_figure` on the page's column (about 700 pixels wide): the
#: aspect to build their grids for (see :func:`core.geometry.equal_scale`). Plotly
#: keeps the scale equal whatever the width, by narrowing a map (``constrain``).
SIDE_BY_SIDE_ASPECT = 1.1
SINGLE_ASPECT = 0.5


def convergence_figure(
    loss_history: np.ndarray, optimum_loss: float, contraction: float
) -> go.Figure:
    r"""The loss gap :math:`L - L^*` per epoch against the rate the spectrum predicts.

    For full-batch gradient descent with per-epoch contraction :math:`\rho`
    (see :meth:`core.Spectrum.contraction`), the gap to the optimum shrinks at
    worst like :math:`(L_t - L^*) \approx (L_0 - L^*)\,\rho^{2t}`.

    Parameters
    ----------
    loss_history : ndarray of shape (epochs + 1,)
        Training loss per epoch.
    optimum_loss : float
        :math:`L^*`, the closed-form loss.
    contraction : float
        :math:`\rho`.

    Returns
    -------
    go.Figure
        Traces: 0 the measured gap (:func:`core.verdict.loss_gap`: floored where
        rounding reaches the optimum, non-finite epochs left out), 1 the predicted
        gap :math:`(L_0 - L^*)\rho^{2t}` (dashed; where positive and finite). Log
        y-axis titled "L − L*".
    """
    losses = np.asarray(loss_history, dtype=np.float64)
    gaps = loss_gap(losses, optimum_loss)
    measured = loss_curve(gaps, name="measured L − L*", color=style.DESCENT)

    epochs = curve_indices(losses.size).astype(np.float64)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        predicted = gaps[0] * np.power(contraction, 2.0 * epochs)
    keep = np.isfinite(predicted) & (predicted > 0)
    fig = go.Figure(
        [
            measured,
            go.Scatter(
                x=epochs[keep],
                y=predicted[keep],
                mode="lines",
                name=f"predicted (L₀ − L*)·ρ²ᵗ, ρ = {value(contraction)}",
                line={"color": style.INK, "width": 2, "dash": "dash"},
                hovertemplate="predicted<br>epoch %{x:.0f}<br>L − L* %{y:.4g}<extra></extra>",
            ),
        ]
    )
    if contraction < 1:
        title = (
            f"L − L* shrinks ×{value(contraction**2)} per epoch (ρ² with ρ = {value(contraction)})"
        )
    elif contraction > 1:
        title = f"L − L* grows ×{value(contraction**2)} per epoch (ρ = {value(contraction)} > 1)"
    else:
        title = "ρ = 1: L − L* does not shrink"
    seen = finite(measured.y)
    y_axis = {"title": {"text": "L − L* (log scale)"}, "type": "log"}
    if seen.size:
        # The prediction may fall far below what rounding lets the loss reach.
        top = max(float(seen.max()), gaps[0] if math.isfinite(gaps[0]) else 0.0)
        y_axis["range"] = [math.log10(seen.min()) - 1, math.log10(top) + 0.3]
    fig.update_layout(
        style.base_layout(HEIGHT, legend=style.LEGEND_BELOW, margin=style.MARGIN_BELOW),
        title={"text": title},
        xaxis={"title": {"text": "epoch"}},
        yaxis=y_axis,
    )
    style.readable_text(fig)
    return fig


def surfaces_side_by_side(
    left: Surface,
    right: Surface,
    *,
    titles: Sequence[str],
    axis_names_left: Sequence[str],
    axis_names_right: Sequence[str],
    paths: Sequence[np.ndarray | None] | None = None,
    optima: Sequence[Sequence[float] | None] | None = None,
) -> go.Figure:
    """Two contour maps side by side, e.g. the raw and the standardized loss.

    Parameters
    ----------
    left, right : Surface
        Loss grids (see :func:`core.loss_surface`).
    titles : sequence of two str
    axis_names_left, axis_names_right : sequence of two str
        Names of each map's horizontal and vertical parameter.
    paths : sequence of two (ndarray of shape (k, 2) or None), optional
        Descent path on each map, cut where it leaves the grid.
    optima : sequence of two ((float, float) or None), optional
        Optimum marked on each map.

    Returns
    -------
    go.Figure
        Per map, left then right: its contour, then its path and its optimum
        when given. Each map has one length per unit on both its axes (build the
        grids for :data:`SIDE_BY_SIDE_ASPECT` so they fill it).
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=list(titles), horizontal_spacing=0.1)
    sides = zip(
        (left, right),
        (axis_names_left, axis_names_right),
        paths or (None, None),
        optima or (None, None),
        strict=True,
    )
    for col, (surface, names, path, optimum) in enumerate(sides, start=1):
        fig.add_trace(contour_trace(surface.u, surface.v, surface.loss, *names), 1, col)
        if path is not None:
            fig.add_trace(_path_on(surface, np.asarray(path, dtype=np.float64)), 1, col)
        if optimum is not None:
            fig.add_trace(optimum_marker(*map(float, optimum), showlegend=col == 1), 1, col)
        _fix_axes(fig, surface, names, col)
    fig.update_layout(
        style.base_layout(HEIGHT, legend=style.LEGEND_BELOW, margin=style.MARGIN_BELOW)
    )
    style.readable_text(fig)
    return fig


def ridge_surface_figure(
    surface: Surface,
    optimum_plain: Sequence[float],
    optimum_ridge: Sequence[float],
    axis_names: Sequence[str],
) -> go.Figure:
    """Contour of the L2-regularised loss with the plain and the ridge optimum marked.

    Parameters
    ----------
    surface : Surface
        The ridge loss on a grid.
    optimum_plain : (float, float)
        Least-squares optimum in the two shown parameters.
    optimum_ridge : (float, float)
        Ridge optimum in the same parameters (the bottom of this surface).
    axis_names : sequence of two str

    Returns
    -------
    go.Figure
        Traces: 0 the contour, 1 the least-squares optimum (star), 2 the ridge
        optimum (diamond).
    """
    ridge = optimum_marker(*map(float, optimum_ridge), name="ridge optimum")
    ridge.update(marker={"symbol": "diamond", "color": style.TRUTH, "size": 16})
    fig = go.Figure(
        [
            contour_trace(surface.u, surface.v, surface.loss, *axis_names),
            optimum_marker(*map(float, optimum_plain), name="least-squares optimum"),
            ridge,
        ]
    )
    fig.update_layout(
        style.base_layout(HEIGHT, legend=style.LEGEND_BELOW, margin=style.MARGIN_BELOW),
        title={"text": "Loss with an L2 penalty"},
    )
    _fix_axes(fig, surface, axis_names, None)
    style.readable_text(fig)
    return fig


def _path_on(surface: Surface, path: np.ndarray) -> go.Scatter:
    """``path`` on a map of ``surface``, cut where it leaves the grid."""
    low = np.array([surface.u[0], surface.v[0]])
    high = np.array([surface.u[-1], surface.v[-1]])
    kept = clip_path(path[np.all(np.isfinite(path), axis=1)], low, high)
    trace = go.Scatter(**path_style(style.DESCENT, name="descent", showlegend=False, scene=False))
    return trace.update(x=kept[:, 0], y=kept[:, 1], marker={"size": style.PATH_MARKER})


def _fix_axes(fig: go.Figure, surface: Surface, names: Sequence[str], col: int | None) -> None:
    """Title each axis (names as typed), span the grid, and keep one length per unit on both axes.

    ``scaleanchor`` ties the vertical axis to the horizontal one at a ratio of 1;
    ``constrain="domain"`` narrows the map rather than widening a range past its grid.
    """
    at = {} if col is None else {"row": 1, "col": col}
    anchor = "x" if col in (None, 1) else f"x{col}"
    fig.update_xaxes(
        title={"text": plotly_text(names[0])},
        range=[surface.u[0], surface.u[-1]],
        constrain="domain",
        **at,
    )
    fig.update_yaxes(
        title={"text": plotly_text(names[1])},
        range=[surface.v[0], surface.v[-1]],
        scaleanchor=anchor,
        scaleratio=1,
        constrain="domain",
        **at,
    )
