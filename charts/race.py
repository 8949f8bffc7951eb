"""The Compare page's race: several runs on one landscape and one loss chart, played together."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts import style
from charts.animation import CONTROLS_MARGIN, Mover, add_playback
from charts.curves import loss_axes, loss_curve, reference_line
from charts.labels import joined, loss_title
from charts.landscape import (
    Panes,
    add_landscape,
    checked_axes,
    default_axes,
    landscape,
    parameters,
    path_movers,
    style_landscape_axes,
    within_bowl,
)
from charts.sampling import frame_epochs, path_epochs
from core import Fit, QuadraticLoss, Run

HEIGHT = 820
#: Most runs a race shows (one colour each).
MAX_RUNS = len(style.RUN_COLORS)


def race_figure(
    runs: list[tuple[str, Run]],
    fit: Fit,
    loss: QuadraticLoss,
    *,
    param_names: list[str],
    axes: tuple[int, ...] | None = None,
    log_loss: bool = False,
    max_frames: int = 60,
    grid: int = 50,
) -> go.Figure:
    """Several runs on the same data, raced on one contour map, surface and loss chart.

    Each run keeps its colour in every pane; its legend entry (on its loss
    curve) toggles it everywhere. One slider and play button move all runs
    together through shared epochs; a run that stopped early stays at its last
    point. With a single parameter the contour map and surface become one
    loss curve.

    Parameters
    ----------
    runs : list of (str, Run)
        Label and run, 1 to 6 of them, all minimising ``loss``.
    fit : Fit
        The closed-form optimum of ``loss``.
    loss : QuadraticLoss
    param_names : list of str
        Names of every parameter (see :func:`charts.labels.parameter_names`).
    axes : tuple of one or two int, optional
        Parameters shown; by default the first weight and the intercept (the
        first two weights without an intercept).
    log_loss : bool
        Logarithmic loss axis.
    max_frames : int
        Most animation frames, at least 2.
    grid : int
        Grid points per landscape axis.

    Returns
    -------
    go.Figure
        Traces, in order: for two parameters the surface and its optimum
        (scene, top right), the contour and its optimum (top left), or for
        one parameter the loss curve and its optimum (left); one loss curve
        per run (bottom, or right); the optimum's loss; and last the moving
        traces: per run its 3D path then its map path (just its curve path
        for one parameter), and one trace of markers at the shown epoch on
        the loss curves, one point per run.

    Raises
    ------
    ValueError
        For no runs or more than six, or ``param_names``/``axes`` not fitting ``loss``.
    """
    if not 1 <= len(runs) <= MAX_RUNS:
        raise ValueError(f"runs must hold 1 to {MAX_RUNS} runs; got {len(runs)}.")
    if len(param_names) != loss.n_params:
        raise ValueError(
            f"param_names must name all {loss.n_params} parameters; got {len(param_names)}."
        )
    axes = checked_axes(
        default_axes(loss.n_features, loss.fit_intercept) if axes is None else axes,
        loss.n_params,
    )
    thetas = [
        parameters(run.history.coef, run.history.intercept, loss.fit_intercept) for _, run in runs
    ]
    cover = np.vstack(
        [within_bowl(theta, run.history.loss) for theta, (_, run) in zip(thetas, runs, strict=True)]
    )
    ls = landscape(loss, fit, axes, param_names, cover, grid)
    last = max(run.epochs_run for _, run in runs)
    frames = frame_epochs(last, max_frames)

    if ls.is_plane:
        specs = [[{"type": "xy"}, {"type": "scene"}], [{"type": "xy", "colspan": 2}, None]]
        titles = ["Contour map", "Cost surface", "Loss"]
        panes, loss_pane = Panes(map=(1, 1), scene=(1, 2)), (2, 1)
    else:
        specs = [[{"type": "xy"}, {"type": "xy"}]]
        titles = [f"Loss along {ls.names[0]}", "Loss"]
        panes, loss_pane = Panes(map=(1, 1), scene=None), (1, 2)
    fig = make_subplots(
        rows=len(specs),
        cols=2,
        specs=specs,
        subplot_titles=titles,
        horizontal_spacing=0.09,
        vertical_spacing=0.14,
    )
    add_landscape(fig, ls, panes)

    colors = style.RUN_COLORS[: len(runs)]
    movers: list[Mover] = []
    for (label, run), theta, color in zip(runs, thetas, colors, strict=True):
        name = joined(label, f"diverged at epoch {run.diverged_at}" if run.diverged else "")
        curve = loss_curve(run.history.loss, name=name, color=color, legendgroup=name)
        fig.add_trace(curve, *loss_pane)
        shown = np.unique(np.minimum(path_epochs(frames), run.epochs_run))
        track = ls.track(theta[shown], shown)
        movers += path_movers(ls, track, panes, color=color, name=name, until=run.epochs_run)
    fig.add_trace(
        reference_line(fit.loss, last, name="closed-form loss", color=style.INK), *loss_pane
    )
    movers.append(_loss_markers([run for _, run in runs], colors, loss_pane))
    add_playback(fig, movers, frames)

    revision = joined("race", *param_names, *map(str, axes))
    x_axis, y_axis = loss_axes(
        log_loss, loss_title(loss.l2, loss.convention), [run.history.loss for _, run in runs]
    )
    fig.update_xaxes(x_axis, row=loss_pane[0], col=loss_pane[1])
    fig.update_yaxes(y_axis, row=loss_pane[0], col=loss_pane[1])
    style_landscape_axes(fig, ls, panes, loss_title(loss.l2, loss.convention), revision)
    margin = {"l": 70, "r": 30, "t": 90, "b": CONTROLS_MARGIN}
    fig.update_layout(style.base_layout(HEIGHT, uirevision=revision, margin=margin))
    style.readable_text(fig)
    return fig


def _loss_markers(runs: list[Run], colors, pane: tuple[int, int]) -> Mover:
    """One trace marking every run's loss at the shown epoch (its last, once it stopped)."""
    ends = np.array([run.epochs_run for run in runs])

    def data(epoch: int) -> dict:
        at = np.minimum(epoch, ends)
        losses = np.array([run.history.loss[e] for run, e in zip(runs, at, strict=True)])
        return {"x": at.astype(np.float64), "y": losses}

    marker = {"color": list(colors), "size": 14, "line": {"width": 2, "color": style.INK}}
    return Mover(
        go.Scatter,
        {"mode": "markers", "name": "shown epoch", "showlegend": False, "marker": marker},
        data,
        *pane,
    )
