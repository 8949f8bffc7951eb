"""Loss-per-epoch curves and the traces and axes around them."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

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
