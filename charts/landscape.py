"""The loss over one or two parameters, with descent paths drawn on it.

A :class:`Landscape` is the loss on a grid of two parameters (a *plane*, shown
as a 3D surface and a contour map) or, when the model has a single parameter,
over one (a *curve*). Every other parameter is held at the closed-form optimum,
and paths are projected onto that slice: their height is the loss on the slice,
so they lie on the drawn surface. Paths are cut where they leave the grid, so a
diverging run cannot stretch the axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from charts import style
from charts.ranges import TO_SCALE_LIMIT, below_blowup, clip_path, spans_ratio, squared
from charts.text import plotly_text
from core import Fit, QuadraticLoss, grid_around, loss_surface, stack_theta
from core.geometry import most_elongated_pair


def optimum_parameters(fit: Fit, fit_intercept: bool) -> np.ndarray:
    """``theta`` of the closed-form optimum, shape ``(n_params,)``."""
    return stack_theta(fit.coef, fit.intercept, fit_intercept)


def default_axes(loss: QuadraticLoss) -> tuple[int, ...]:
    """The parameters a landscape shows by default: the most elongated pair of the bowl
    (:func:`core.geometry.most_elongated_pair`), or the one weight alone (a curve)."""
    return (0,) if loss.n_params == 1 else most_elongated_pair(loss)


def checked_axes(axes, n_params: int) -> tuple[int, ...]:
    """``axes`` as a tuple of one or two distinct indices below ``n_params``.

    Raises
    ------
    ValueError
        Naming the allowed indices and the value received.
    """
    axes = tuple(int(a) for a in axes)
    if not (1 <= len(axes) <= 2 and len(set(axes)) == len(axes)) or any(
        not 0 <= a < n_params for a in axes
    ):
        raise ValueError(
            f"axes must be one or two different parameter indices below {n_params}; got {axes}."
        )
    return axes


def within_bowl(theta: np.ndarray, losses: np.ndarray) -> np.ndarray:
    """Rows of ``theta`` whose loss has not blown up (see :func:`charts.ranges.below_blowup`).

    Used to choose what a grid must cover, so the bowl stays visible when a run diverges.
    """
    keep = below_blowup(losses) & np.all(np.isfinite(theta), axis=1)
    return theta[keep]


@dataclass(frozen=True)
class Track:
    """A path in a landscape's drawing coordinates, cut where it leaves the grid.

    Attributes
    ----------
    x, y : ndarray of shape (k,)
        Map coordinates: the two parameters of a plane, or the parameter and
        its loss on a curve.
    z : ndarray of shape (k,)
        Loss on the landscape's slice.
    epoch : ndarray of shape (k,)
        Epoch (or fraction of an epoch) of each point, ascending.
    """

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    epoch: np.ndarray

    def upto(self, epoch: float) -> Track:
        """The part of the path reached by ``epoch``."""
        k = int(np.searchsorted(self.epoch, epoch, side="right"))
        return Track(self.x[:k], self.y[:k], self.z[:k], self.epoch[:k])


@dataclass(frozen=True)
class Landscape:
    """The loss over one or two parameters, the others at the optimum.

    Attributes
    ----------
    loss : QuadraticLoss
    axes : tuple of int
        One or two indices into ``theta``.
    names : tuple of str
        Axis titles of those parameters.
    anchor : ndarray of shape (n_params,)
        The optimum, where the other parameters are held.
    u : ndarray of shape (nu,)
        Grid of the first parameter.
    v : ndarray of shape (nv,) or None
        Grid of the second parameter; None for a curve.
    values : ndarray of shape (nv, nu) or (nu,)
        Loss on the grid.
    to_scale : bool
        A plane drawn with one length per unit on both axes (its spans differ by at
        most :data:`charts.ranges.TO_SCALE_LIMIT`); else each axis fills the frame.
    """

    loss: QuadraticLoss
    axes: tuple[int, ...]
    names: tuple[str, ...]
    anchor: np.ndarray
    u: np.ndarray
    v: np.ndarray | None
    values: np.ndarray
    to_scale: bool = True

    @property
    def is_plane(self) -> bool:
        """True for two parameters (surface and contour), False for a curve."""
        return self.v is not None

    @property
    def spans(self) -> tuple[float, float, float]:
        """Extent of the map's x and y and of the loss, for deciding how precisely to send them."""
        loss_span = float(np.ptp(self.values))
        y_span = float(self.v[-1] - self.v[0]) if self.is_plane else loss_span
        return float(self.u[-1] - self.u[0]), y_span, loss_span

    @property
    def lift(self) -> float:
        """Height added to 3D paths so they are drawn above the surface, not inside it."""
        return 0.01 * float(np.ptp(self.values) or 1.0)

    def heights(self, coords: np.ndarray) -> np.ndarray:
        """Loss on the slice at ``coords`` of shape ``(k, len(axes))``."""
        theta = np.repeat(self.anchor[None, :], coords.shape[0], axis=0)
        theta[:, list(self.axes)] = coords
        return self.loss.value(theta)

    def track(self, theta: np.ndarray, epoch: np.ndarray) -> Track:
        """The path ``theta (k, n_params)`` at ``epoch (k,)``, projected onto the slice and cut."""
        grids = [self.u] if self.v is None else [self.u, self.v]
        low = np.array([g[0] for g in grids])
        high = np.array([g[-1] for g in grids])
        coords = clip_path(theta[:, list(self.axes)], low, high)
        z = self.heights(coords)
        y = coords[:, 1] if self.is_plane else z
        return Track(coords[:, 0], y, z, np.asarray(epoch, dtype=np.float64)[: coords.shape[0]])

    def optimum(self) -> Track:
        """The optimum as a one-point track."""
        return self.track(self.anchor[None, :], np.zeros(1))


def landscape(
    loss: QuadraticLoss,
    fit: Fit,
    axes: tuple[int, ...],
    names: list[str],
    cover: np.ndarray,
    grid: int = 50,
    window: tuple[tuple[float, float], ...] | None = None,
) -> Landscape:
    """The loss around the optimum, on a grid wide enough for the points ``cover``.

    Two parameters whose spans differ by at most :data:`charts.ranges.TO_SCALE_LIMIT`
    get a square frame, drawn to scale; a frame more elongated than that would be a
    band drawn to scale, so it is kept as it is and drawn with each axis filling the plot.

    A ``window`` set by hand replaces that grid: the loss is drawn over exactly
    those ranges, as a tutorial that draws its cost plane over [0, 50]² does.

    Parameters
    ----------
    loss : QuadraticLoss
    fit : Fit
        The optimum; every parameter not in ``axes`` is held at it.
    axes : tuple of one or two int
        Indices into ``theta`` (see :func:`checked_axes`).
    names : list of str
        Names of every parameter (see :func:`charts.labels.parameter_names`).
    cover : ndarray of shape (k, n_params)
        Points the grid must include besides the optimum (start and path).
    grid : int
        Grid points per parameter.
    window : tuple of (low, high) pairs, optional
        One range per axis, ``low < high``; None to frame the points.

    Returns
    -------
    Landscape
    """
    anchor = optimum_parameters(fit, loss.fit_intercept)
    coords = np.vstack([anchor[None, :], cover])[:, list(axes)]
    if window is None:
        window = tuple(
            (g[0], g[-1]) for g in (grid_around(coords[:, i], 2) for i in range(len(axes)))
        )
        if len(axes) == 2 and spans_ratio(*window) <= TO_SCALE_LIMIT:
            window = squared(*window)
    u = np.linspace(*window[0], grid)
    to_scale = len(axes) == 2 and spans_ratio(*window) <= TO_SCALE_LIMIT
    if len(axes) == 2:
        v = np.linspace(*window[1], grid)
        values = loss_surface(loss, axes, u, v, anchor).loss
    else:
        v = None
        theta = np.repeat(anchor[None, :], grid, axis=0)
        theta[:, axes[0]] = u
        values = loss.value(theta)
    names = tuple(names[a] for a in axes)
    return Landscape(loss, tuple(axes), names, anchor, u, v, values, to_scale)


def _hover(x_name: str, y_name: str, loss_field: str | None = None) -> str:
    """Hover text naming both parameters (as typed) and, when ``loss_field`` is given, the loss."""
    lines = [f"{plotly_text(x_name)} = %{{x:.4g}}", f"{plotly_text(y_name)} = %{{y:.4g}}"]
    if loss_field:
        lines.append(f"loss = %{{{loss_field}:.4g}}")
    return "<br>".join(lines) + "<extra></extra>"


def contour_trace(u, v, loss, x_name: str, y_name: str) -> go.Contour:
    """Filled contour map of ``loss`` ``(nv, nu)`` over ``u`` and ``v``, without a colour bar.

    The levels are evenly spaced in :math:`\\sqrt{L - L_{\\min}}`, so the level
    curves of a quadratic bowl are evenly spaced ellipses instead of crowding
    at the rim; hovering shows the loss itself.
    """
    loss = np.asarray(loss, dtype=np.float64)
    span = float(np.ptp(loss))
    return go.Contour(
        x=u,
        y=v,
        z=compact(np.sqrt(loss - loss.min()), np.sqrt(span)),
        customdata=compact(loss, span),
        colorscale=style.LANDSCAPE_COLORSCALE,
        showscale=False,
        ncontours=22,
        contours={"coloring": "fill", "showlines": True},
        line={"width": 0.6, "color": "rgba(40,60,90,0.35)"},
        name="loss",
        showlegend=False,
        hovertemplate=_hover(x_name, y_name, "customdata"),
    )


def optimum_marker(
    x: float, y: float, z: float | None = None, *, name: str = "optimum", showlegend: bool = True
) -> go.Scatter | go.Scatter3d:
    """A star (a diamond in 3D) at the optimum; 3D when ``z`` is given."""
    common = {
        "name": name,
        "legendgroup": name,
        "showlegend": showlegend,
        "mode": "markers",
        "hovertemplate": f"{name}<extra></extra>",
    }
    if z is None:
        marker = {"symbol": "star", "size": 20, "color": style.OPTIMUM, "line": {"width": 1.5}}
        return go.Scatter(x=[x], y=[y], marker=marker, **common)
    marker = {"symbol": "diamond", "size": 8, "color": style.OPTIMUM, "line": {"width": 2}}
    return go.Scatter3d(x=[x], y=[y], z=[z], marker=marker, **common)


def path_style(color: str, *, name: str, showlegend: bool, scene: bool) -> dict:
    """Styling of a moving path (line with a dot per shown epoch), shared by its frames."""
    return {
        "mode": "lines+markers",
        "name": name,
        "legendgroup": name,
        "showlegend": showlegend,
        "line": {"color": color, "width": 6 if scene else 3},
        # Explicit, because Plotly draws markers with an array of sizes as pale bubbles.
        "marker": {"color": color, "opacity": 1, "line": {"width": 0}},
    }


def compact(values: np.ndarray, span: float) -> np.ndarray:
    """``values`` in single precision when that moves none by more than 1e-5 of ``span``.

    A path is sent once per frame, so halving its bytes halves most of a
    figure's payload; far from the origin (or on a tiny span) double precision
    is kept.
    """
    single = values.astype(np.float32)
    if np.all(np.abs(single - values) <= 1e-5 * span):
        return single
    return values
