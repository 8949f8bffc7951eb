r"""The shape of the quadratic bowl in two chosen parameters, for maps that show it truly.

Hold every parameter but two at the optimum :math:`\theta^*`. Along that plane the
loss is exactly

.. math::

    L(\theta^* + d) = L^* + \tfrac12\, d^\top H_2\, d,

with :math:`H_2` the 2 × 2 block of the Hessian for the two parameters. Its
eigenvectors are the bowl's axes (the valley's floor along the smallest
eigenvalue), every level set :math:`L - L^* = c` is an ellipse with semi-axes
:math:`\sqrt{2c/\mu_i}`, and the condition number of :math:`H_2` says how
elongated the slice is. A contour map shows that shape only when both axes have
the same length per unit (:func:`equal_scale`), and even then only when the two
parameters share a unit (:func:`units_differ`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.objective import QuadraticLoss


def planes(n_params: int) -> list[tuple[int, int]]:
    """Every pair of parameter indices, ``(0, 1), (0, 2), …``: the slices a map can show."""
    return [(i, j) for i in range(n_params) for j in range(i + 1, n_params)]


def hessian_slice(loss: QuadraticLoss, axes: tuple[int, int]) -> np.ndarray:
    """The 2 × 2 block of the loss's Hessian for parameters ``axes``, :math:`H_2`."""
    return loss.hessian()[np.ix_(axes, axes)]


def principal_axes(hessian: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Curvatures (ascending, round-off below zero clipped) and unit axes of a 2 × 2 slice.

    Parameters
    ----------
    hessian : ndarray of shape (2, 2)
        Symmetric, :math:`H_2`.

    Returns
    -------
    curvature : ndarray of shape (2,)
        Eigenvalues :math:`\\mu_1 \\le \\mu_2`.
    directions : ndarray of shape (2, 2)
        Column ``i`` is the unit eigenvector of ``curvature[i]``: the first is the
        valley's floor, the second its steepest wall.
    """
    curvature, directions = np.linalg.eigh(np.asarray(hessian, dtype=np.float64))
    return np.clip(curvature, 0.0, None), directions


def level_set(
    hessian: np.ndarray,
    centre,
    height: float,
    points: int = 100,
    cap: float = math.inf,
) -> np.ndarray:
    r"""Points of the ellipse :math:`\tfrac12 d^\top H_2 d = \text{height}` around ``centre``.

    Parameters
    ----------
    hessian : ndarray of shape (2, 2)
        :math:`H_2` (see :func:`hessian_slice`).
    centre : array_like of shape (2,)
        The optimum's two coordinates.
    height : float
        :math:`L - L^*` of the level, >= 0.
    points : int
        Points on the closed curve (the first and last coincide).
    cap : float
        Longest semi-axis drawn: a flat direction has an unbounded level set, which
        capped far outside a map looks like the parallel lines it is.

    Returns
    -------
    ndarray of shape (2, points)
        Rows: the first and second parameter.
    """
    curvature, directions = principal_axes(hessian)
    with np.errstate(divide="ignore"):
        semi_axes = np.minimum(np.sqrt(2.0 * height / curvature), cap)
    angle = np.linspace(0.0, 2 * np.pi, points)
    circle = np.vstack([np.cos(angle), np.sin(angle)])
    return np.asarray(centre, dtype=np.float64)[:, None] + directions @ (
        semi_axes[:, None] * circle
    )


def level_set_extent(hessian: np.ndarray, height: float) -> np.ndarray | None:
    r"""Half-widths of the level set :math:`\tfrac12 d^\top H_2 d = \text{height}` along each axis.

    Along parameter :math:`k` the ellipse reaches :math:`\sqrt{2\,\text{height}\,(H_2^{-1})_{kk}}`.

    Returns
    -------
    ndarray of shape (2,) or None
        None when the slice has a flat direction (the level set is unbounded).
    """
    hessian = np.asarray(hessian, dtype=np.float64)
    if np.linalg.det(hessian) <= 0:
        return None
    return np.sqrt(2.0 * height * np.diag(np.linalg.inv(hessian)))


def elongation(hessian: np.ndarray) -> float:
    """Condition number of a 2 × 2 slice: how many times longer the valley is than wide, squared.

    ``inf`` for a flat direction.
    """
    low, high = np.linalg.eigvalsh(np.asarray(hessian, dtype=np.float64))
    return math.inf if low <= 0 else float(high / low)


def most_elongated_pair(loss: QuadraticLoss) -> tuple[int, int]:
    """The pair of parameters whose slice of the loss is the most elongated.

    The plane with the largest condition number of its 2 × 2 Hessian block, the
    first such pair on a tie: a map of it shows the data's narrow valley, if
    they have one, so it makes the default surface axes. Needs two parameters.
    """
    H = loss.hessian()
    return max(planes(loss.n_params), key=lambda pair: elongation(H[np.ix_(pair, pair)]))


def units_differ(axes: tuple[int, int], n_features: int, same_feature_units: bool = False) -> bool:
    """Whether two parameters are measured in different units.

    The intercept (index ``n_features``) is in the target's units, a weight in
    the target's units per unit of its feature. Two weights share a unit only
    when their features do, which the data do not say: pass
    ``same_feature_units`` (for instance for standardized features, all in z units).
    """
    has_intercept = n_features in axes
    return has_intercept or not same_feature_units


@dataclass(frozen=True)
class EqualScale:
    """Axis ranges of a map with the same length per unit on both axes.

    Attributes
    ----------
    x_range, y_range : tuple of float
        Each contains the range asked for; one of them is widened about its centre.
    units_differ : bool
        The two parameters have different units (see :func:`units_differ`), so equal
        lengths per unit compare numbers, not distances: say so beside the map.
    """

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    units_differ: bool = False


def equal_scale(x_range, y_range, aspect: float, units_differ: bool = False) -> EqualScale:
    """Widen one of two ranges so a pane ``aspect`` = height/width shows equal units per pixel.

    Parameters
    ----------
    x_range, y_range : pair of float
        Ranges that must stay visible, ``low < high``.
    aspect : float
        Pane height over width, > 0 (0.75 for a 400 × 300 pane).
    units_differ : bool
        Carried into the result (see :func:`units_differ`).

    Returns
    -------
    EqualScale
        :math:`(y_1 - y_0) / (x_1 - x_0) = \\text{aspect}` exactly.
    """
    x0, x1 = float(x_range[0]), float(x_range[1])
    y0, y1 = float(y_range[0]), float(y_range[1])
    width, height = x1 - x0, y1 - y0
    if height < aspect * width:
        half = aspect * width / 2
        centre = (y0 + y1) / 2
        return EqualScale((x0, x1), (centre - half, centre + half), units_differ)
    half = height / aspect / 2
    centre = (x0 + x1) / 2
    return EqualScale((centre - half, centre + half), (y0, y1), units_differ)
