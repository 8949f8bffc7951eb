"""The Descent page's main view: fit, loss, cost surface and contour map, played back together.

Four panes share one playback control (see :mod:`charts.animation`): the model's
line over the data, the loss per epoch, the descent path on the 3D loss surface
and on its contour map. The figure opens on the finished run.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts import style
from charts.animation import CONTROLS_MARGIN, Mover, add_playback
from charts.curves import loss_axes, loss_curve, loss_marker_data, reference_line
from charts.fit import FeatureLine, Points, line_trace
from charts.labels import joined, loss_title, parameter_names
from charts.landscape import (
    Landscape,
    Panes,
    add_landscape,
    checked_axes,
    default_axes,
    landscape,
    parameters,
    path_movers,
    step_path_trace,
    style_landscape_axes,
    within_bowl,
)
from charts.ranges import padded_range
from charts.sampling import frame_epochs, path_epochs
from core import Fit, QuadraticLoss, Run

HEIGHT = 820
DESCENT_NAME = "gradient descent"


def playback_figure(
    run: Run,
    fit: Fit,
    loss: QuadraticLoss,
    X: np.ndarray,
    y: np.ndarray,
    *,
    feature_names: list[str],
    target_name: str,
    axes: tuple[int, ...] | None = None,
    feature: int = 0,
    test_loss: np.ndarray | None = None,
    log_loss: bool = False,
    true_coef=None,
    true_intercept: float | None = None,
    max_frames: int = 60,
    max_points: int = 2000,
    grid: int = 50,
) -> go.Figure:
    """The run played back on four panes that move together.

    Panes: *Fit* (top left) — the data against ``feature`` and the model's line
    at the shown epoch (other features at their means), the closed-form line
    dashed and the true line dotted; *Loss* (top right) — training loss per
    epoch, test loss, the optimum's loss dashed and a marker at the shown
    epoch; *Cost surface* (bottom left, 3D) and *Contour map* (bottom right) —
    the loss over the two parameters ``axes`` (the others at the optimum), the
    descent path up to the shown epoch and the optimum. With a single
    parameter (one feature, no intercept) the two bottom panes become one wide
    pane: the loss along that parameter with the path on it.

    Parameters
    ----------
    run : Run
        The descent to show.
    fit : Fit
        The closed-form optimum of the same loss.
    loss : QuadraticLoss
        The loss the run minimised.
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    feature_names : list of str
        One per column of ``X``.
    target_name : str
    axes : tuple of one or two int, optional
        Indices into ``theta = (w_1, ..., w_d, b)`` shown by the landscape
        panes; by default ``feature``'s weight and the intercept (without an
        intercept, ``feature``'s weight and the next weight).
    feature : int
        Column of ``X`` in the fit pane.
    test_loss : ndarray of shape (epochs_run + 1,), optional
        Held-out loss per epoch.
    log_loss : bool
        Logarithmic loss axis.
    true_coef : array_like of shape (n_features,), optional
        Coefficients the data were generated from; draws the true line.
    true_intercept : float, optional
        Intercept the data were generated from (0 when omitted).
    max_frames : int
        Most animation frames, at least 2.
    max_points : int
        Most data points drawn (a seeded sample).
    grid : int
        Grid points per landscape axis.

    Returns
    -------
    go.Figure
        Traces, in order: data; closed-form line; true line (if given); train
        loss; test loss (if given); optimum loss; then for two parameters the
        surface, its optimum, the contour, its optimum and the mini-batch step
        path (mini-batch runs only), or for one parameter the loss curve, its
        optimum and the step path (mini-batch only); and last the moving
        traces: the model line, the loss marker, then the 3D path and the
        contour path (or the single curve path). Every frame lists those
        last indices in ``traces``.

    Raises
    ------
    ValueError
        For a ``feature``, ``feature_names`` or ``axes`` that does not fit the data.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    d = loss.n_features
    if len(feature_names) != d or X.ndim != 2 or X.shape[1] != d:
        raise ValueError(
            f"X must have {d} columns with one name each; got shape {X.shape} "
            f"and {len(feature_names)} names."
        )
    if not 0 <= feature < d:
        raise ValueError(f"feature must be a column index below {d}; got {feature}.")
    names = parameter_names(feature_names, loss.fit_intercept)
    axes = checked_axes(
        default_axes(d, loss.fit_intercept, feature) if axes is None else axes, loss.n_params
    )
    history = run.history
    theta = parameters(history.coef, history.intercept, loss.fit_intercept)
    frames = frame_epochs(run.epochs_run, max_frames)
    shown = path_epochs(frames)
    ls = landscape(loss, fit, axes, names, within_bowl(theta, history.loss), grid)
    track = ls.track(theta[shown], shown)

    fig = make_subplots(
        rows=2,
        cols=2,
        specs=_specs(ls),
        subplot_titles=_titles(ls, run, d),
        row_heights=[0.42, 0.58],
        horizontal_spacing=0.09,
        vertical_spacing=0.16,
    )
    line = FeatureLine.of(X, feature)
    points = Points.thinned(X[:, feature], y, max_points)
    _add_fit_pane(fig, points, line, fit, true_coef, true_intercept)
    _add_loss_pane(fig, run, fit, test_loss)
    panes = Panes(map=(2, 2), scene=(2, 1)) if ls.is_plane else Panes(map=(2, 1), scene=None)
    add_landscape(fig, ls, panes)
    if run.steps is not None:
        steps = parameters(run.steps.coef, run.steps.intercept, loss.fit_intercept)
        fig.add_trace(step_path_trace(ls.track(steps, run.steps.epoch), style.DESCENT), *panes.map)

    movers = [
        Mover(
            go.Scatter,
            {"mode": "lines", "name": DESCENT_NAME, "legendgroup": DESCENT_NAME}
            | {"line": {"color": style.DESCENT, "width": 4}, "hoverinfo": "skip"},
            lambda e: line.ends(history.coef[e], history.intercept[e]),
            1,
            1,
        ),
        Mover(
            go.Scatter,
            {"mode": "markers", "name": "shown epoch", "showlegend": False}
            | {"marker": {"color": style.DESCENT, "size": 14, "line": {"width": 2}}},
            lambda e: loss_marker_data(history.loss, [e]),
            1,
            2,
        ),
    ]
    movers += path_movers(ls, track, panes, color=style.DESCENT, name=DESCENT_NAME)
    add_playback(fig, movers, frames)

    revision = joined("playback", target_name, *feature_names, *map(str, axes))
    curves = [history.loss] if test_loss is None else [history.loss, np.asarray(test_loss)]
    x_axis, y_axis = loss_axes(log_loss, loss_title(loss.l2, loss.convention), curves)
    fig.update_xaxes(x_axis, row=1, col=2)
    fig.update_yaxes(y_axis, row=1, col=2)
    fig.update_xaxes(title={"text": feature_names[feature]}, row=1, col=1)
    fig.update_yaxes(title={"text": target_name}, row=1, col=1)
    style_landscape_axes(fig, ls, panes, loss_title(loss.l2, loss.convention), revision)
    margin = {"l": 70, "r": 30, "t": 90, "b": CONTROLS_MARGIN}
    fig.update_layout(style.base_layout(HEIGHT, uirevision=revision, margin=margin))
    style.readable_text(fig)
    return fig


def _specs(ls: Landscape) -> list[list]:
    if ls.is_plane:
        return [[{"type": "xy"}, {"type": "xy"}], [{"type": "scene"}, {"type": "xy"}]]
    return [[{"type": "xy"}, {"type": "xy"}], [{"type": "xy", "colspan": 2}, None]]


def _titles(ls: Landscape, run: Run, n_features: int) -> list[str]:
    fit_title = "Fit" if n_features == 1 else "Fit (other features at their means)"
    stopped = f"diverged at epoch {run.diverged_at}" if run.diverged else ""
    held = "others at the optimum" if ls.loss.n_params > len(ls.axes) else ""
    if ls.is_plane:
        landscape_titles = [joined("Cost surface", held), joined("Contour map", held)]
    else:
        landscape_titles = [joined(f"Loss along {ls.names[0]}", held)]
    return [fit_title, joined("Loss", stopped), *landscape_titles]


def _add_fit_pane(fig, points: Points, line: FeatureLine, fit: Fit, true_coef, true_intercept):
    """Data, closed-form and true line, with ranges fixed to the data and the closed form."""
    fig.add_trace(points.trace(joined("data", points.note)), row=1, col=1)
    ends = line.ends(fit.coef, fit.intercept)
    closed_form = line_trace(ends, name="closed form", color=style.CLOSED_FORM, dash="dash")
    fig.add_trace(closed_form.update(legendgroup="closed form"), row=1, col=1)
    if true_coef is not None:
        coef = np.broadcast_to(np.asarray(true_coef, dtype=np.float64), line.means.shape)
        true_ends = line.ends(coef, float(true_intercept or 0.0))
        fig.add_trace(
            line_trace(true_ends, name="true line", color=style.TRUTH, dash="dot"), row=1, col=1
        )
    fig.update_xaxes(range=padded_range(line.span), row=1, col=1)
    fig.update_yaxes(range=padded_range(np.concatenate([points.y, ends["y"]])), row=1, col=1)


def _add_loss_pane(fig, run: Run, fit: Fit, test_loss):
    train = loss_curve(
        run.history.loss, name="train loss", color=style.DESCENT, legendgroup=DESCENT_NAME
    )
    fig.add_trace(train, row=1, col=2)
    if test_loss is not None:
        fig.add_trace(loss_curve(test_loss, name="test loss", color=style.TEST), row=1, col=2)
    optimum = reference_line(
        fit.loss, run.epochs_run, name="closed-form loss", color=style.CLOSED_FORM
    )
    fig.add_trace(optimum.update(legendgroup="closed form"), row=1, col=2)
