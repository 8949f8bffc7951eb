"""The loss over a grid of two parameters, for surface and contour views.

The loss is evaluated from sufficient statistics, so a grid costs
``O(grid points × n_params²)`` and nothing that grows with the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.objective import QuadraticLoss


@dataclass(frozen=True)
class Surface:
    """Loss values on a grid.

    Attributes
    ----------
    axes : tuple of int
        Indices into ``theta = (w_1, ..., w_d, b)`` of the two varied parameters.
    u, v : ndarray of shapes (nu,), (nv,)
        Values of the first and second varied parameter.
    loss : ndarray of shape (nv, nu)
        ``loss[j, i]`` is the loss at ``u[i]``, ``v[j]`` (rows follow ``v``, as
        Plotly's surface and contour traces expect).
    """

    axes: tuple[int, int]
    u: np.ndarray
    v: np.ndarray
    loss: np.ndarray


def loss_surface(
    loss: QuadraticLoss,
    axes: tuple[int, int],
    u: np.ndarray,
    v: np.ndarray,
    at: np.ndarray,
) -> Surface:
    """Evaluate the loss over ``u × v`` for parameters ``axes``, the others fixed at ``at``.

    Parameters
    ----------
    loss : QuadraticLoss
    axes : tuple of two int
        Distinct indices into ``theta`` (``n_features`` is the intercept).
    u, v : array_like of shape (nu,), (nv,)
        Grid values of the two parameters.
    at : array_like of shape (n_params,)
        Values of every parameter not varied (typically the optimum).

    Returns
    -------
    Surface
    """
    i, j = axes
    if i == j or not (0 <= i < loss.n_params and 0 <= j < loss.n_params):
        raise ValueError(
            f"axes must be two different parameter indices below {loss.n_params}; got {axes}."
        )
    u = np.asarray(u, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    theta = np.broadcast_to(np.asarray(at, dtype=np.float64), (v.size, u.size, loss.n_params))
    theta = theta.copy()
    theta[:, :, i] = u[None, :]
    theta[:, :, j] = v[:, None]
    return Surface(axes=(i, j), u=u, v=v, loss=loss.value(theta))


def grid_around(points: np.ndarray, n: int = 60, margin: float = 0.3) -> np.ndarray:
    """``n`` evenly spaced values spanning ``points`` with a relative ``margin`` either side.

    A span of zero (all points equal) widens to one unit around them, so the
    grid is never degenerate.
    """
    points = np.asarray(points, dtype=np.float64)
    points = points[np.isfinite(points)]
    low, high = float(points.min()), float(points.max())
    span = high - low
    if span <= 1e-12 * max(1.0, abs(low), abs(high)):
        span = max(1.0, abs(low))
    return np.linspace(low - margin * span, high + margin * span, n)
