"""What the Compare page's race draws, as compact JSON-able arrays for the player.

The race is played by the same player as the Descent page (``ui/player``): one
epoch scrubber and one play button move every run at once, in the browser. Each
run is a path on the shared loss surface and contour map and a loss curve, in
its own colour. Full-batch runs are drawn epoch by epoch; mini-batch and
stochastic runs update by update (their :class:`core.StepPath`), so their noise
shows. The loss axis can show the gap :math:`L - L^*` on a log scale, and the
epoch axis frames the epochs where some run still changes.
"""

from __future__ import annotations

import math
from typing import TypedDict

import numpy as np

from charts import style
from charts.labels import loss_title
from charts.landscape import checked_axes, default_axes, landscape
from charts.player_data import name_labels
from charts.sampling import frame_epochs
from charts.tracks import Drawing, RunData, Track, cover, loss_range, rounded, track, tracked
from charts.views import Axes, Look, Surface, closed_form_loss, landscape_views, layout, marks_trace
from core import Fit, QuadraticLoss, Run
from core.verdict import loss_gap

#: Most runs a race shows (one colour each).
MAX_RUNS = len(style.RUN_COLORS)
#: A run still changes while its loss is farther than this share of its whole change
#: from where it ends (full-data loss per epoch).
STILL_CHANGING = 0.01
#: Epochs the epoch scrubber stops at; about how many points each loss curve and each
#: path keeps; grid points per surface axis.
MAX_FRAMES, CURVE_POINTS, PATH_POINTS, GRID = 80, 400, 600, 40


def changing_until(run: Run, last: int, optimum: float, log_loss: bool = False) -> int:
    """The last epoch at which ``run``'s loss, as drawn, is still more than
    :data:`STILL_CHANGING` of its whole change away from where it ends.

    As drawn: the loss, or on a log axis the decades of the gap :math:`L - L^*`,
    so a run still gaining digits counts as changing. A diverged run changes up
    to its last finite epoch ``last``.
    """
    if run.diverged:
        return last
    losses = run.history.loss[: last + 1]
    shown = np.log10(loss_gap(losses, optimum)) if log_loss else losses
    change = np.abs(shown - shown[-1])
    moving = np.flatnonzero(change > STILL_CHANGING * max(float(change.max()), 1e-300))
    return int(moving[-1]) + 1 if moving.size else 0


class RaceRun(RunData):
    """A race's run as the browser reads it: its track and its name."""

    name: str


class RaceBody(TypedDict):
    """What the Compare page's player is sent (see ``ui/player/protocol.js``)."""

    mode: str
    frames: list[int]
    labels: dict
    surface: Surface
    views: dict
    runs: list[RaceRun]


def race_data(
    runs: list[tuple[str, Run]],
    fit: Fit,
    loss: QuadraticLoss,
    *,
    param_names: list[str],
    axes: tuple[int, ...] | None = None,
    log_loss: bool = False,
    log_epochs: bool = False,
) -> RaceBody:
    """The race's data for the player: every run on one surface, map and loss chart.

    Parameters
    ----------
    runs : list of (str, Run)
        Label and run, 1 to 6 of them, all minimising ``loss`` (its optimum is ``fit``).
    param_names : list of str
        Names of every parameter (see :func:`charts.labels.parameter_names`).
    axes : tuple of one or two int, optional
        Parameters shown; by default the most elongated pair.
    log_loss, log_epochs : bool
        Log axes: the gap :math:`L - L^*` (:func:`core.verdict.loss_gap`), the epoch.

    Returns
    -------
    RaceBody
        JSON-able (no NaN or infinity): the views as Plotly JSON, each run in its colour,
        and each run's track (:func:`charts.tracks.track`) with its ``name``.

    Raises
    ------
    ValueError
        For no runs or more than six, or ``param_names``/``axes`` not fitting ``loss``.
    """
    _check(runs, loss, param_names)
    axes = checked_axes(default_axes(loss) if axes is None else axes, loss.n_params)
    shown = tracked([run for _, run in runs], loss.fit_intercept)
    ls = landscape(loss, fit, axes, param_names, cover(shown, False), GRID)
    frames = frame_epochs(max(run.epochs_run for _, run in runs), MAX_FRAMES)
    drawing = Drawing(ls, frames, float(fit.loss), log_loss, CURVE_POINTS, PATH_POINTS, True)
    tracks = [track(t, drawing) for t in shown]
    title = loss_title(loss.l2, loss.convention)
    labels = _labels(ls.names, title, log_loss, loss.n_params > len(axes))
    names = [name for name, _ in runs]
    looks = [Look(name, color) for name, color in zip(names, style.RUN_COLORS, strict=False)]
    surface, views = landscape_views(
        ls, Axes(labels["params"], labels["sceneParams"], title), looks, labels["heldOthers"]
    )
    end = _epoch_end(shown, drawing)
    views["loss"] = _loss_view(tracks, looks, labels, drawing, [end, log_epochs])
    return {
        "mode": "race",
        "frames": frames.tolist(),
        "labels": labels,
        "surface": surface,
        "views": views,
        "runs": [{**t.data, "name": name} for t, name in zip(tracks, names, strict=True)],
    }


def _check(runs, loss: QuadraticLoss, param_names) -> None:
    if not 1 <= len(runs) <= MAX_RUNS:
        raise ValueError(f"runs must hold 1 to {MAX_RUNS} runs; got {len(runs)}.")
    if len(param_names) != loss.n_params:
        raise ValueError(
            f"param_names must name all {loss.n_params} parameters; got {len(param_names)}."
        )


def _labels(names, title: str, log_loss: bool, held: bool) -> dict:
    """The parameters' names (:func:`charts.player_data.name_labels`), the loss axis's title."""
    return name_labels(names) | {
        "loss": f"gap to the optimum L − L*, {title}" if log_loss else title,
        "logLoss": bool(log_loss),
        "heldOthers": held,
    }


def _epoch_end(shown, drawing: Drawing) -> int:
    """The epoch axis's end: a little past the last epoch where some run still changes."""
    longest = max(t.run.epochs_run for t in shown)
    changing = max(changing_until(t.run, t.last, drawing.optimum, drawing.log_loss) for t in shown)
    return min(longest, max(math.ceil(1.15 * changing), min(longest, 10), 1))


def _loss_view(tracks: list[Track], looks: list[Look], labels, drawing: Drawing, x) -> dict:
    """Every run's loss curve in its colour, the closed-form loss, and the ``marks``;
    ``x`` is the epoch axis's end and whether it is logarithmic."""
    end, log_epochs = x
    unit = "L − L*" if drawing.log_loss else "loss"
    data = []
    for i, (t, look) in enumerate(zip(tracks, looks, strict=True)):
        diverged = t.data["stop"] == "diverged"
        name = f"{look.name} (diverged at epoch {t.data['divergedAt']})" if diverged else look.name
        data.append(
            {"type": "scatter", "uid": f"curve-{i}", "mode": "lines", "legendgroup": look.name}
            | {"x": rounded(t.curve_e), "y": rounded(t.curve_v), "name": name}
            | {"line": {"color": look.color, "width": 1.5 if t.data["perUpdate"] else 3}}
            | {"hovertemplate": f"{look.name}<br>epoch %{{x:.4~f}}<br>{unit} %{{y:.4g}}"}
        )
        data[-1]["hovertemplate"] += "<extra></extra>"
    optimum = drawing.optimum
    shown_optimum = None if drawing.log_loss or not math.isfinite(optimum) else optimum
    data.append(closed_form_loss(shown_optimum, [0, max(int(drawing.frames[-1]), 1)]))
    hover = f"epoch %{{x}}<br>{unit} %{{y:.4g}}<extra></extra>"
    data.append(marks_trace([look.color for look in looks], 13, hover))
    x_axis = {"title": {"text": "epoch"}, "type": "linear", "range": [0, max(end, 1)]}
    if log_epochs:
        starts = [e for t in tracks for e in t.curve_e if e > 0]
        first = min(starts) if starts else 1
        x_axis = {"title": {"text": "epoch (log scale)"}, "type": "log"}
        x_axis["range"] = [math.log10(first), math.log10(max(end, 2))]
    y_axis = {"title": {"text": labels["loss"]}, "type": "log" if drawing.log_loss else "linear"}
    y_axis["range"] = loss_range([t.curve_v for t in tracks], optimum, drawing.log_loss)
    legend = {"orientation": "h", "y": -0.22, "x": 0, "yanchor": "top"}
    return {"data": data, "layout": layout("Loss", 460, xaxis=x_axis, yaxis=y_axis, legend=legend)}
