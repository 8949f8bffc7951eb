"""A run as the player draws it, for the Descent page's ladder and the Compare page's race alike.

Both pages' players move runs over one loss landscape in the browser: each run is a
*track*, its loss curve, its loss and place at each epoch the epoch scrubber stops at,
and its path on the surface, sampled, rounded to what a chart can show, cut at a
diverging run's last finite epoch, and free of NaN and infinity (JSON has neither).
:func:`track` builds one, :func:`loss_range` frames any set of loss curves by one rule.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple, TypedDict

import numpy as np

from charts.landscape import Landscape, within_bowl
from charts.ranges import below_blowup
from charts.sampling import curve_indices, path_epochs
from core import Run, stack_theta
from core.verdict import loss_gap

#: Significant digits kept, relative to the span of what is drawn.
DIGITS = 5
STOP_WORDS = {"max_epochs": "ran every epoch", "converged": "converged", "diverged": "diverged"}


def rounded(values, span: float | None = None) -> list:
    """``values`` as a (nested) list of floats fit for JSON.

    Rounded to :data:`DIGITS` significant digits of ``span`` (of each value's own
    size when ``span`` is None); NaN and infinity become None, which plotly.js
    draws as a gap.
    """
    values = np.asarray(values, dtype=np.float64)
    if span is not None and math.isfinite(span) and span > 0:
        out = np.round(values, max(0, DIGITS - 1 - math.floor(math.log10(span))))
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            size = np.floor(np.log10(np.abs(values)))
        size = np.where(np.isfinite(size), size, 0)
        scale = 10.0 ** (DIGITS - 1 - size)
        with np.errstate(over="ignore", invalid="ignore"):
            out = np.where(np.isfinite(scale), np.round(values * scale) / scale, values)
    out = np.where(np.isfinite(values), out, np.nan)
    return _nulls(out.tolist())


def _nulls(items):
    if isinstance(items, list):
        return [_nulls(item) for item in items]
    return None if isinstance(items, float) and not math.isfinite(items) else items


class Kept(NamedTuple):
    """A run's kept epochs up to its last finite one, and its parameters at each.

    Every epoch for most runs; a long run keeps a thinned history
    (:class:`core.History`), and every view draws the epochs it kept.
    """

    epoch: np.ndarray
    theta: np.ndarray

    @classmethod
    def of(cls, run: Run, last: int, fit_intercept: bool) -> Kept:
        """``run``'s kept epochs up to ``last``, with ``(w_1, ..., w_d, b)`` at each."""
        h = run.history
        rows = h.kept_upto(last)
        return cls(h.epoch[rows], stack_theta(h.coef[rows], h.intercept[rows], fit_intercept))

    def on(self, epochs: np.ndarray) -> np.ndarray:
        """Each of ``epochs`` as the latest kept epoch at or before it, ascending and unique."""
        at = np.searchsorted(self.epoch, epochs, side="right") - 1
        return np.unique(self.epoch[np.maximum(at, 0)])

    def at(self, epochs: np.ndarray) -> np.ndarray:
        """The parameters at ``epochs``, each a kept one."""
        return self.theta[np.searchsorted(self.epoch, epochs)]


def run_path(
    run: Run, last: int, kept: Kept, frames: np.ndarray, most: int = 400
) -> tuple[np.ndarray, np.ndarray]:
    """The points of ``run``'s path, ``(k, n_params)``, and the (fractional) epoch of each.

    Mini-batch and stochastic runs go update by update (their :class:`core.StepPath`,
    at most about ``most`` points, up to the last finite epoch ``last``), so their
    noise shows; full-batch runs go through every early epoch and the frame epochs
    that ``kept`` holds (the run's parameters up to ``last``, the intercept last, if fitted).
    """
    steps = run.steps
    if steps is not None:
        fit_intercept = kept.theta.shape[1] > steps.coef.shape[1]
        finite = np.flatnonzero(np.isfinite(steps.loss) & (steps.epoch <= last))
        along = finite[curve_indices(finite.size, most)]
        return stack_theta(steps.coef[along], steps.intercept[along], fit_intercept), steps.epoch[
            along
        ]
    shown = path_epochs(frames)
    along = kept.on(np.union1d(shown[shown <= last], [last]))
    return kept.at(along), along.astype(np.float64)


def last_finite_epoch(run: Run) -> int:
    """The last epoch whose loss and kept parameters are all finite (0 when none is)."""
    h = run.history
    finite = np.isfinite(h.loss)
    params = np.all(np.isfinite(h.coef), axis=1) & np.isfinite(h.intercept)
    finite[h.epoch[~params]] = False
    bad = np.flatnonzero(~finite)
    return int(bad[0] - 1) if bad.size else run.epochs_run


class Tracked(NamedTuple):
    """A run with its last finite epoch and its kept epochs up to there."""

    run: Run
    last: int
    kept: Kept


def tracked(runs: Sequence[Run], fit_intercept: bool) -> list[Tracked]:
    """Each of ``runs`` cut at its last finite epoch (:func:`last_finite_epoch`)."""
    lasts = [last_finite_epoch(run) for run in runs]
    return [
        Tracked(run, last, Kept.of(run, last, fit_intercept))
        for run, last in zip(runs, lasts, strict=True)
    ]


def cover(runs: Sequence[Tracked], downhill_only: bool) -> np.ndarray:
    """The parameters a landscape's grid must hold, ``(k, n_params)``: every start, and
    each run's points that have not blown up (:func:`charts.landscape.within_bowl`).

    ``downhill_only`` leaves out runs that diverged or ever climbed above their start (a
    step schedule's large first rate swings out before its steps bring it back): a ladder
    holds many such rates, and a frame stretched to hold their swings would leave every
    other run a corner of it, its path hidden behind the bowl's near wall in 3D. Their
    paths leave that frame; each such run gets a frame of its own (:func:`escaping`).
    """
    kept = [
        within_bowl(t.kept.theta, t.run.history.loss[t.kept.epoch])
        for t in runs
        if not downhill_only or went_downhill(t)
    ]
    return np.vstack([t.kept.theta[:1] for t in runs] + kept)


def went_downhill(t: Tracked) -> bool:
    """True when ``t``'s run did not diverge and its loss never rose above its start."""
    losses = t.run.history.loss[t.kept.epoch]
    return not t.run.diverged and bool(np.all(losses <= losses[0]))


#: A run's own frame holds its points up to this multiple of its starting gap L − L*
#: (ten times as far from the optimum, in a quadratic bowl) ...
ESCAPE_GAP = 100.0
#: ... and at least this many of its first steps, however fast it blows up.
ESCAPE_STEPS = 2


def escaping(t: Tracked, optimum: float) -> np.ndarray:
    """The parameters a frame of ``t``'s own must hold, ``(k, n_params)``: its start and its
    first steps away, up to :data:`ESCAPE_GAP` times its starting gap above the
    ``optimum`` loss, and at least :data:`ESCAPE_STEPS` steps; a run that blows up
    leaves that frame a few steps later, the way its path points.
    """
    gaps = t.run.history.loss[t.kept.epoch] - optimum
    within = np.flatnonzero(~(gaps <= ESCAPE_GAP * max(gaps[0], 0.0)))
    count = within[0] if within.size else gaps.size
    return t.kept.theta[: max(count, ESCAPE_STEPS + 1)]


class Drawing(NamedTuple):
    """What every track of one player is drawn against.

    ``ls`` the landscape its paths lie on; ``frames`` the epochs of the epoch scrubber;
    ``optimum`` the closed-form loss; ``log_loss`` the loss as the gap above it;
    ``curve_points`` and ``path_points`` about how many points a loss curve and a path
    keep; ``per_update`` a mini-batch or stochastic run's loss curve update by update
    (else epoch by epoch, on all the data).
    """

    ls: Landscape
    frames: np.ndarray
    optimum: float
    log_loss: bool
    curve_points: int
    path_points: int
    per_update: bool


class Steps(TypedDict):
    """A run at each frame epoch: the kept epoch there, ascending, the loss itself (what
    words say), the value the loss axis draws (the gap L − L* on a log axis), and where
    the run is then in the landscape's parameters (``at``, drawn or off the map)."""

    e: list[int]
    loss: list
    drawn: list
    at: list


class Exit(TypedDict):
    """Where a path leaves the map: ``i`` its point on the frame's edge, ``e`` the epoch
    first outside, ``heading`` which way it went, in words."""

    i: int
    e: float
    heading: str


class Path(TypedDict):
    """A path on the landscape: the (fractional) epoch of each point, its map coordinates,
    and its height on the 3D surface (None for a curve)."""

    e: list
    x: list
    y: list
    z: list | None
    exit: Exit | None


class RunData(TypedDict):
    """What the browser reads of a run, on either page (see ``ui/player/protocol.js``)."""

    stop: str
    stopWords: str
    epochsRun: int
    lastFinite: int
    divergedAt: int | None
    perUpdate: bool
    steps: Steps
    path: Path


class Track(NamedTuple):
    """A run as drawn: what the browser reads (``data``) and its loss curve, unrounded.

    ``curve_e`` the (fractional) epoch of each point of the curve, ``curve_v`` the loss
    drawn there (the gap to the optimum on a log axis); figures carry the curve.
    """

    data: RunData
    curve_e: np.ndarray
    curve_v: np.ndarray


def shown_loss(values, start: float, optimum: float, log_loss: bool) -> np.ndarray:
    """The loss as a chart draws it: on a log axis the gap :math:`L - L^*`, floored
    relative to the run's ``start`` (:func:`core.verdict.loss_gap`), else itself."""
    values = np.asarray(values, dtype=np.float64)
    return loss_gap(np.concatenate([[start], values]), optimum)[1:] if log_loss else values


def track(t: Tracked, drawing: Drawing) -> Track:
    """``t``'s run drawn against ``drawing``: its curve, frame epochs and path."""
    run, last, kept = t
    ls, frames = drawing.ls, drawing.frames
    h, batched = run.history, run.steps is not None
    if batched and drawing.per_update:
        finite = np.flatnonzero(np.isfinite(run.steps.loss) & (run.steps.epoch <= last))
        keep = finite[curve_indices(finite.size, drawing.curve_points)]
        curve_e, curve_v = run.steps.epoch[keep], run.steps.loss[keep]
    else:
        keep = curve_indices(last + 1, drawing.curve_points)
        curve_e, curve_v = keep.astype(np.float64), h.loss[keep]
    steps = kept.on(np.union1d(frames[frames <= last], [last]))

    def shown(values):
        return shown_loss(values, h.loss[0], drawing.optimum, drawing.log_loss)

    points, epochs = run_path(run, last, kept, frames, drawing.path_points)
    path = ls.track(points, epochs)
    at = kept.at(steps)[:, list(ls.axes)]
    x_span, y_span, z_span = ls.spans
    data: RunData = {
        "stop": run.stop_reason,
        "stopWords": STOP_WORDS[run.stop_reason],
        "epochsRun": int(run.epochs_run),
        "lastFinite": int(last),
        "divergedAt": None if run.diverged_at is None else int(run.diverged_at),
        "perUpdate": batched,
        "steps": {
            "e": steps.tolist(),
            "loss": rounded(h.loss[steps]),
            "drawn": rounded(shown(h.loss[steps])),
            "at": rounded(at),
        },
        "path": {
            "e": rounded(path.epoch),
            "x": rounded(path.x, x_span),
            "y": rounded(path.y, y_span),
            "z": rounded(path.z + ls.lift, z_span) if ls.is_plane else None,
            "exit": _exit(ls, points, path),
        },
    }
    return Track(data, curve_e, shown(curve_v))


def _exit(ls: Landscape, points: np.ndarray, path) -> Exit | None:
    """Where ``path`` (``points`` as drawn on ``ls``) leaves the map, if it does."""
    k = path.x.size
    if k == points.shape[0] or k == 0 or not np.all(np.isfinite(points[k - 1])):
        return None
    step = points[k - 1, list(ls.axes)] - points[k - 2, list(ls.axes)]
    words = [
        f"{'larger' if d > 0 else 'smaller'} {name}"
        for d, name in zip(step, ls.names, strict=True)
        if d
    ]
    return {"i": k - 1, "e": float(path.epoch[-1]), "heading": " and ".join(words)}


#: On a log loss axis, the top stays within this multiple of the smallest starting gap.
LOG_TOP = 1e3


def loss_range(curves: Sequence[np.ndarray], optimum: float, log_loss: bool) -> list:
    """The loss axis over ``curves`` (as drawn), one rule for every loss chart.

    Linear: from 0 to above every value that has not blown up
    (:func:`charts.ranges.below_blowup`) and the ``optimum``. Log (the axis value is
    its decade): from the smallest gap to the largest, but at most :data:`LOG_TOP`
    times the smallest starting gap, so a run that blows up does not flatten the rest.
    """
    curves = [np.asarray(c, dtype=np.float64) for c in curves if len(c)]
    if log_loss:
        values = np.concatenate([c[np.isfinite(c) & (c > 0)] for c in curves] or [[]])
        if not values.size:
            return [-1.0, 1.0]
        starts = [c[0] for c in curves if np.isfinite(c[0]) and c[0] > 0]
        high = np.log10(min([values.max(), *(LOG_TOP * s for s in starts)]))
        low = np.log10(values.min())
        pad = 0.05 * max(high - low, 0.1)
        return rounded([low - pad, high + pad])
    tops = [float(np.max(c[below_blowup(c)], initial=0.0)) for c in curves]
    top = max([*tops, optimum if math.isfinite(optimum) else 0.0])
    return rounded([0.0, 1.05 * top or 1.0])
