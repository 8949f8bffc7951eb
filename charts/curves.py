"""Loss-per-epoch curves and the traces and axes around them."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from charts.ranges import below_blowup
from charts.sampling import curve_indices


def loss_curve(losses: np.ndarray, *, name: str, color: str, **extra) -> go.Scatter:
    """Loss per epoch as a line, thinned to about 1,500 points, non-finite values left out.

    Parameters
    ----------
    losses : ndarray of shape (epochs + 1,)
        Row ``e`` is the loss after epoch ``e``.
    name, color : str
    **extra
        Further trace properties (``legendgroup``, ``line`` overrides, ...).
    """
    losses = np.asarray(losses, dtype=np.float64)
    epochs = curve_indices(losses.size)
    epochs = epochs[np.isfinite(losses[epochs])]
    line = {"color": color, "width": 3} | extra.pop("line", {})
    return go.Scatter(
        x=epochs.astype(np.float64),
        y=losses[epochs],
        mode="lines",
        name=name,
        line=line,
        hovertemplate=f"{name}<br>epoch %{{x:.0f}}<br>loss %{{y:.4g}}<extra></extra>",
        **extra,
    )


def reference_line(level: float, last_epoch: int, *, name: str, color: str) -> go.Scatter:
    """A dashed horizontal line at ``level`` across epochs 0 to ``last_epoch``."""
    return go.Scatter(
        x=[0.0, float(max(last_epoch, 1))],
        y=[level, level],
        mode="lines",
        name=name,
        line={"color": color, "width": 2, "dash": "dash"},
        hovertemplate=f"{name}: %{{y:.4g}}<extra></extra>",
    )


def loss_marker_data(losses: np.ndarray, epochs: list[int]) -> dict:
    """Coordinates of markers at ``epochs`` on the curve ``losses``."""
    return {"x": np.asarray(epochs, dtype=np.float64), "y": losses[np.asarray(epochs)]}


def loss_axes(log: bool, title: str, curves: list[np.ndarray]) -> tuple[dict, dict]:
    """Settings of the epoch (x) and loss (y) axes of a chart showing ``curves``.

    A linear axis runs from 0 to just above the highest loss that has not
    blown up (see :func:`charts.ranges.below_blowup`), so a diverging curve
    leaves through the top instead of flattening every other curve; a log
    axis shows everything.
    """
    if log:
        return {"title": {"text": "epoch"}}, {"title": {"text": title}, "type": "log"}
    tops = [float(np.max(c[below_blowup(c)], initial=0.0)) for c in map(np.asarray, curves)]
    top = max(tops, default=0.0)
    y_axis = {"title": {"text": title}, "type": "linear", "range": [0.0, 1.05 * top or 1.0]}
    return {"title": {"text": "epoch"}}, y_axis
