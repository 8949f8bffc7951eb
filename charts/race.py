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
from typing import NamedTuple

import numpy as np

from charts import style
from charts.labels import loss_title
from charts.landscape import Landscape, checked_axes, default_axes, landscape, within_bowl
from charts.player_data import (
    STOP_WORDS,
    Kept,
    last_finite_epoch,
    name_labels,
    rounded,
    run_path,
    surface_data,
)
from charts.ranges import below_blowup
from charts.sampling import curve_indices, frame_epochs
from core import Fit, QuadraticLoss, Run
from core.verdict import loss_gap

#: Most runs a race shows (one colour each).
MAX_RUNS = len(style.RUN_COLORS)
#: A run still changes while its loss is farther than this share of its whole change
#: from where it ends (full-data loss per epoch).
STILL_CHANGING = 0.01


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


def race_data(
    runs: list[tuple[str, Run]],
    fit: Fit,
    loss: QuadraticLoss,
    *,
    param_names: list[str],
    axes: tuple[int, ...] | None = None,
    log_loss: bool = False,
    log_epochs: bool = False,
    max_frames: int = 80,
    curve_points: int = 400,
    path_points: int = 600,
    grid: int = 40,
) -> dict:
    """The race's data for the player: every run on one surface, map and loss chart.

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
        Parameters shown; by default the most elongated pair
        (:func:`core.geometry.most_elongated_pair`).
    log_loss : bool
        Loss curves as the gap :math:`L - L^*` on a log axis
        (:func:`core.verdict.loss_gap`).
    log_epochs : bool
        A log epoch axis (mini-batch and stochastic runs start at their first update).
    max_frames : int
        Epochs the epoch scrubber stops at (at least 2).
    curve_points, path_points : int
        About how many points each loss curve and each path keeps.
    grid : int
        Grid points per surface axis.

    Returns
    -------
    dict
        JSON-able (no NaN or infinity): ``mode`` ("race"), ``frames``,
        ``epochRange`` (up to the last epoch where some run still changes),
        ``lossRange``, ``labels`` (parameter names as
        :func:`charts.player_data.name_labels` gives them), ``style``,
        ``lossOptimum``, ``surface``, and ``runs``, each with its ``name``,
        ``color``, stopping reason, loss
        ``curve`` (per update when it has one), ``marks`` (its loss at every
        frame epoch, held at its last once it stopped) and ``path``.

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
    axes = checked_axes(default_axes(loss) if axes is None else axes, loss.n_params)
    lasts = [last_finite_epoch(run) for _, run in runs]
    kepts = [
        Kept.of(run, last, loss.fit_intercept) for (_, run), last in zip(runs, lasts, strict=True)
    ]
    cover = np.vstack(
        [kept.theta[:1] for kept in kepts]
        + [
            within_bowl(kept.theta, run.history.loss[kept.epoch])
            for (_, run), kept in zip(runs, kepts, strict=True)
        ]
    )
    ls = landscape(loss, fit, axes, param_names, cover, grid)
    longest = max(run.epochs_run for _, run in runs)
    frames = frame_epochs(longest, max_frames)
    optimum = float(fit.loss)
    drawing = _Drawing(ls, frames, optimum, log_loss, curve_points, path_points)
    shown = [
        _run_data(name, run, last, kept, color, drawing)
        for (name, run), last, kept, color in zip(
            runs, lasts, kepts, style.RUN_COLORS, strict=False
        )
    ]
    changing = max(
        changing_until(run, last, optimum, log_loss)
        for (_, run), last in zip(runs, lasts, strict=True)
    )
    end = min(longest, max(math.ceil(1.15 * changing), min(longest, 10), 1))
    title = loss_title(loss.l2, loss.convention)
    return {
        "mode": "race",
        "frames": frames.tolist(),
        "epochRange": [0, end],
        "lossRange": _loss_range(shown, optimum, log_loss),
        "labels": {
            **name_labels(ls.names),
            "loss": f"gap to the optimum L − L*, {title}" if log_loss else title,
            "surfaceLoss": title,
            "logLoss": bool(log_loss),
            "logEpochs": bool(log_epochs),
            "heldOthers": loss.n_params > len(ls.axes),
        },
        "style": {
            "optimum": style.OPTIMUM,
            "ink": style.INK,
            "closedForm": style.CLOSED_FORM,
            "colorscale": style.LANDSCAPE_COLORSCALE,
            "font": style.FONT_FAMILY,
            "fontSize": style.FONT_SIZE,
        },
        "lossOptimum": None if log_loss or not math.isfinite(optimum) else optimum,
        "surface": surface_data(ls),
        "runs": shown,
    }


def _shown_loss(values: np.ndarray, optimum: float, log_loss: bool) -> np.ndarray:
    return loss_gap(values, optimum) if log_loss else np.asarray(values, dtype=np.float64)


class _Drawing(NamedTuple):
    """What every run of a race is drawn against."""

    ls: Landscape
    frames: np.ndarray
    optimum: float
    log_loss: bool
    curve_points: int
    path_points: int


def _run_data(name: str, run: Run, last: int, kept: Kept, color: str, drawing: _Drawing) -> dict:
    ls, frames, optimum, log_loss, curve_points, path_points = drawing
    h = run.history
    per_update = run.steps is not None
    if per_update:
        s = run.steps
        finite = np.flatnonzero(np.isfinite(s.loss) & (s.epoch <= last))
        keep = finite[curve_indices(finite.size, curve_points)]
        curve_e, curve_v = s.epoch[keep], s.loss[keep]
    else:
        keep = curve_indices(last + 1, curve_points)
        curve_e, curve_v = keep.astype(np.float64), h.loss[keep]
    path_theta, path_e = run_path(run, last, kept, frames, path_points)
    at = np.minimum(frames, last)
    track = ls.track(path_theta, path_e)
    x_span, y_span, z_span = ls.spans
    return {
        "name": name,
        "color": color,
        "stop": run.stop_reason,
        "stopWords": STOP_WORDS[run.stop_reason],
        "perUpdate": per_update,
        "epochsRun": int(run.epochs_run),
        "lastFinite": int(last),
        "divergedAt": None if run.diverged_at is None else int(run.diverged_at),
        "curve": {
            "e": rounded(curve_e),
            "v": rounded(_shown_loss(curve_v, optimum, log_loss)),
        },
        "marks": {
            "e": at.tolist(),
            "v": rounded(_shown_loss(h.loss[at], optimum, log_loss)),
        },
        "path": {
            "e": rounded(track.epoch),
            "x": rounded(track.x, x_span),
            "y": rounded(track.y, y_span),
            "z": rounded(track.z + ls.lift, z_span) if ls.is_plane else None,
        },
    }


def _loss_range(shown: list[dict], optimum: float, log_loss: bool) -> list:
    """From 0 (log: the smallest gap) to above every value that has not blown up."""
    values = np.array(
        [v for run in shown for v in run["curve"]["v"] if v is not None], dtype=np.float64
    )
    if log_loss:
        values = values[values > 0]
        if not values.size:
            return [-1.0, 1.0]
        start = np.array([run["curve"]["v"][0] or np.inf for run in shown])
        high = np.log10(min(values.max(), 1e3 * np.nanmin(start)))
        low = np.log10(values.min())
        pad = 0.05 * max(high - low, 0.1)
        return rounded([low - pad, high + pad])
    tops = [
        float(np.max(curve[below_blowup(curve)], initial=0.0))
        for curve in (
            np.array([np.nan if v is None else v for v in run["curve"]["v"]]) for run in shown
        )
    ]
    top = max([*tops, optimum if math.isfinite(optimum) else 0.0])
    return rounded([0.0, 1.05 * top or 1.0])
