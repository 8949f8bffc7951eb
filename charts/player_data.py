"""What the Descent page's player draws, as compact JSON-able arrays (no figure, no UI code).

The player (``ui/player``) draws four views with plotly.js in the browser: the
model's line over the data, the loss per epoch, the loss surface in 3D with the
descent path on it, and its contour map with the same path. It receives one run
per learning rate on a ladder and switches between them, and between epochs,
without asking the server. This module turns engine results into the arrays it
needs: sampled, rounded to what a chart can show, cut at a diverging run's last
finite epoch, and free of NaN and infinity (JSON has neither).

The surface is the same for every learning rate: it is built once over a grid
that covers every run that did not diverge, and carries a content key so the
browser redraws the 3D scene only when it really changed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np

from charts import style
from charts.fit import FeatureLine, Points
from charts.labels import loss_title, parameter_names, value
from charts.landscape import (
    Landscape,
    checked_axes,
    default_axes,
    landscape,
    within_bowl,
)
from charts.ranges import below_blowup, padded_range
from charts.sampling import curve_indices, frame_epochs, path_epochs
from charts.text import label, plotly_text, scene_text
from core import Fit, QuadraticLoss, Run, stack_theta
from core.verdict import Limit, loss_gap

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


def name_labels(params: Sequence[str], **named: str) -> dict:
    """Names from the data in each form the player shows them, every one as typed.

    ``params`` (parameter names) and each of ``named`` (``feature=…``) as Plotly's
    SVG text (:func:`charts.text.plotly_text`: axis titles, hover templates), the
    parameters again as 3D axis titles (``sceneParams``, :func:`charts.text.scene_text`),
    and all as plain ``words`` for the player's sentences (:func:`charts.text.label`).
    """
    return {
        **{key: plotly_text(name) for key, name in named.items()},
        "params": [plotly_text(name) for name in params],
        "sceneParams": [scene_text(name) for name in params],
        "words": {
            **{key: label(name) for key, name in named.items()},
            "params": [label(name) for name in params],
        },
    }


def last_finite_epoch(run: Run) -> int:
    """The last epoch whose loss and kept parameters are all finite (0 when none is)."""
    h = run.history
    finite = np.isfinite(h.loss)
    params = np.all(np.isfinite(h.coef), axis=1) & np.isfinite(h.intercept)
    finite[h.epoch[~params]] = False
    bad = np.flatnonzero(~finite)
    return int(bad[0] - 1) if bad.size else run.epochs_run


@dataclass(frozen=True)
class PlayerView:
    """What the player's views show of a problem; hashable, so it keys the player's cache.

    Attributes
    ----------
    axes : tuple of one or two int, optional
        Indices into ``theta = (w_1, ..., w_d, b)`` of the surface (see
        :func:`charts.landscape.default_axes` for the default).
    feature : int
        Column of ``X`` in the fit view.
    log_loss : bool
        Logarithmic loss axis, on the gap L − L* to the optimum (without the test curve).
    window : tuple of (low, high) pairs, optional
        The surface's ranges set by hand, one per axis (see :func:`charts.landscape.landscape`).
    """

    axes: tuple[int, ...] | None = None
    feature: int = 0
    log_loss: bool = False
    window: tuple[tuple[float, float], ...] | None = None


@dataclass(frozen=True)
class Detail:
    """How much the player draws: epoch stops, data points, curve points, grid points per axis."""

    max_frames: int = 60
    max_points: int = 1000
    curve_points: int = 120
    grid: int = 40


@dataclass(frozen=True)
class RateStrip:
    """What the rate scrubber says: the rule's limits, each rate's regime, the rule's name.

    ``limit`` is the update rule's limits on this loss (:func:`core.verdict.rule_limit`);
    ``regimes`` what each rate does by theory, one per rate (the zones drawn, in words and
    patterns, along the scrubber); ``rule_name`` the rule as a sentence names it.
    """

    limit: Limit | None = None
    regimes: tuple[str, ...] | None = None
    rule_name: str = "Plain gradient descent"


class PlayerProblem(Protocol):
    """The regression the player draws (``ui.compute.Problem`` is one)."""

    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    target_name: str
    loss: QuadraticLoss
    test_loss: QuadraticLoss | None
    fit: Fit
    true_coef: np.ndarray | None
    true_intercept: float | None


def player_data(
    runs: Sequence[Run],
    rates: Sequence[float],
    problem: PlayerProblem,
    view: PlayerView = PlayerView(),
    strip: RateStrip = RateStrip(),
    *,
    detail: Detail = Detail(),
) -> dict:
    """The player's data for ``runs``, one per learning rate in ``rates``.

    Parameters
    ----------
    runs : sequence of Run
        One run per rate, all on ``problem``'s data and loss.
    rates : sequence of float
        The learning rates of ``runs``, ascending.
    problem : PlayerProblem
        The data (``X`` of shape (n_samples, n_features), ``y`` of shape (n_samples,)),
        their names, the training loss, the held-out loss (each run gets its test-loss
        curve), the closed-form optimum and the coefficients the data were generated
        from (draws the true line), when known.
    view : PlayerView
        The surface's axes and window, the fit view's feature, the loss axis.
    strip : RateStrip
        What the rate scrubber says of the rule and of each rate.
    detail : Detail
        How much is drawn.

    Returns
    -------
    dict
        JSON-able (no NaN or infinity): ``rates``, ``regimes``, ``limit`` (its
        sentence and the rate where divergence starts), ``frames``
        (epochs of the epoch scrubber), ``labels`` (the data's names in the
        forms of :func:`name_labels`), ``style``, ``fit``,
        ``surface`` (with its content ``key``) and ``runs``, one per rate with
        its stopping reason, loss curves and their range, the fit line and loss
        at each of its frame epochs (``steps``), its path on the surface and
        its final parameters.

    Raises
    ------
    ValueError
        When ``runs`` and ``rates`` differ in length (or are empty), or the view's
        ``feature`` or ``axes``, or the problem's ``feature_names``, do not fit the data.
    """
    regimes, limit, rule_name = strip.regimes, strip.limit, strip.rule_name
    axes, feature, log_loss, window = view.axes, view.feature, view.log_loss, view.window
    fit, loss, feature_names = problem.fit, problem.loss, problem.feature_names
    X, y = problem.X, problem.y
    if len(runs) != len(rates) or not runs:
        raise ValueError(f"give one run per rate; got {len(runs)} runs and {len(rates)} rates.")
    if regimes is not None and len(regimes) != len(rates):
        raise ValueError(f"give one regime per rate; got {len(regimes)} for {len(rates)} rates.")
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    test_loss = problem.test_loss
    d = loss.n_features
    if len(feature_names) != d or X.ndim != 2 or X.shape[1] != d:
        raise ValueError(
            f"X must have {d} columns with one name each; got shape {X.shape} "
            f"and {len(feature_names)} names."
        )
    if not 0 <= feature < d:
        raise ValueError(f"feature must be a column index below {d}; got {feature}.")
    names = parameter_names(feature_names, loss.fit_intercept)
    axes = checked_axes(default_axes(loss) if axes is None else axes, loss.n_params)
    lasts = [last_finite_epoch(run) for run in runs]
    kepts = [Kept.of(run, last, loss.fit_intercept) for run, last in zip(runs, lasts, strict=True)]
    # The grid covers every start and every run that went downhill, so no rate's path
    # leaves it while a diverging one is cut at its edge instead of stretching it.
    cover = np.vstack(
        [kept.theta[:1] for kept in kepts]
        + [
            within_bowl(kept.theta, run.history.loss[kept.epoch])
            for run, kept, last in zip(runs, kepts, lasts, strict=True)
            if not run.diverged and run.history.loss[last] <= run.history.loss[0]
        ]
    )
    ls = landscape(loss, fit, axes, names, cover, detail.grid, window)
    frames = frame_epochs(max(run.epochs_run for run in runs), detail.max_frames)
    line = FeatureLine.of(X, feature)
    title = loss_title(loss.l2, loss.convention)
    if log_loss:
        title = f"L − L*, {title} above the optimum (log scale)"
    surface = surface_data(ls)
    return {
        "rates": [float(rate) for rate in rates],
        "regimes": list(regimes) if regimes is not None else None,
        "limit": _limit_data(limit, rule_name),
        "frames": frames.tolist(),
        "labels": {
            **name_labels(ls.names, feature=feature_names[feature], target=problem.target_name),
            "loss": title,
            "rule": rule_name,
            "logLoss": bool(log_loss),
            "heldOthers": loss.n_params > len(ls.axes),
            "otherFeatures": d > 1,
        },
        "style": {
            "descent": style.DESCENT,
            "closedForm": style.CLOSED_FORM,
            "truth": style.TRUTH,
            "data": style.DATA,
            "test": style.TEST,
            "optimum": style.OPTIMUM,
            "ink": style.INK,
            "colorscale": style.LANDSCAPE_COLORSCALE,
            "regimes": style.REGIME_COLORS,
            "font": style.FONT_FAMILY,
            "fontSize": style.FONT_SIZE,
        },
        "fit": _fit_view(X, y, feature, line, problem, detail.max_points),
        # On the gap axis the optimum is the floor itself: no line to draw.
        "lossOptimum": None if log_loss else _finite_or_none(float(fit.loss)),
        "surface": surface,
        "runs": [
            _run_data(
                run,
                last,
                kept,
                ls,
                line,
                frames,
                test_loss,
                log_loss,
                detail.curve_points,
                fit,
                names,
            )
            for run, last, kept in zip(runs, lasts, kepts, strict=True)
        ],
    }


def _limit_data(limit: Limit | None, rule_name: str) -> dict | None:
    """The sentence beside the rate scrubber, and the rate where divergence starts."""
    if limit is None:
        return None
    if limit.rate is None:
        return {
            "rate": None,
            "text": f"{rule_name}: no closed-form limit is known; each rate's run shows what "
            "it does.",
        }
    if not math.isfinite(limit.rate):
        return {"rate": None, "text": f"{rule_name}: no curvature, so every rate is stable."}
    smooth = f", without overshooting up to {limit.smooth_formula} ≈ {value(limit.smooth)}"
    return {
        "rate": float(limit.rate),
        "text": f"{rule_name} is stable below {limit.formula} ≈ {value(limit.rate)}"
        f"{smooth if limit.smooth else ''} on these features.",
    }


def _finite_or_none(x: float | None) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def _fit_view(X, y, feature, line: FeatureLine, problem: PlayerProblem, max_points):
    points = Points.thinned(X[:, feature], y, max_points)
    closed = line.ends(problem.fit.coef, problem.fit.intercept)
    true_coef, true_intercept = problem.true_coef, problem.true_intercept
    x_span = line.span[1] - line.span[0]
    y_range = padded_range(np.concatenate([points.y, closed["y"]]))
    y_span = y_range[1] - y_range[0]
    view = {
        "x": rounded(closed["x"], x_span),
        "closed": rounded(closed["y"], y_span),
        "true": None,
        "points": {"x": rounded(points.x, x_span), "y": rounded(points.y, y_span)},
        "note": points.note,
        "xRange": rounded(padded_range(line.span)),
        "yRange": rounded(y_range),
    }
    if true_coef is not None:
        coef = np.broadcast_to(np.asarray(true_coef, dtype=np.float64), line.means.shape)
        view["true"] = rounded(line.ends(coef, float(true_intercept or 0.0))["y"], y_span)
    return view


def surface_data(ls: Landscape) -> dict:
    """The surface (or curve) over the landscape's grid, its optimum and its content ``key``."""
    x_span, y_span, z_span = ls.spans
    at = ls.optimum()
    surface = {
        "plane": ls.is_plane,
        "u": rounded(ls.u, x_span),
        "values": rounded(ls.values, z_span),
        "lift": float(ls.lift),
    }
    if ls.is_plane:
        surface["v"] = rounded(ls.v, y_span)
        surface["optimum"] = rounded([at.x[0], at.y[0], at.z[0] + ls.lift])
        surface["zRange"] = rounded([ls.values.min(), ls.values.max() + 2 * ls.lift])
    else:
        surface["optimum"] = rounded([at.x[0], at.y[0]])
        surface["yRange"] = rounded(padded_range(ls.values))
    surface["key"] = hashlib.sha1(json.dumps(surface).encode()).hexdigest()[:16]
    return surface


def _loss_range(curves: list[np.ndarray], optimum: float, log: bool) -> list:
    """The loss axis: from 0 to above everything that has not blown up (log: every finite value)."""
    if log:
        values = np.concatenate([c[np.isfinite(c) & (c > 0)] for c in curves])
        values = values[values > 0] if values.size else np.array([1.0])
        low, high = np.log10(values.min()), np.log10(values.max())
        pad = 0.05 * max(high - low, 0.1)
        return rounded([low - pad, high + pad])
    tops = [float(np.max(c[below_blowup(c)], initial=0.0)) for c in curves if c.size]
    top = max([*tops, optimum if math.isfinite(optimum) else 0.0])
    return rounded([0.0, 1.05 * top or 1.0])


def _run_data(
    run: Run,
    last: int,
    kept: Kept,
    ls: Landscape,
    line: FeatureLine,
    frames: np.ndarray,
    test_loss: QuadraticLoss | None,
    log_loss: bool,
    curve_points: int,
    fit: Fit,
    names: list[str],
) -> dict:
    h = run.history
    train = h.loss[: last + 1]
    if log_loss:
        # On a log axis the loss flattens at the optimum's level: the gap keeps falling.
        train = loss_gap(train, float(fit.loss))
    curve = curve_indices(train.size, curve_points)
    curves = [train]
    data = {
        "stop": run.stop_reason,
        "stopWords": STOP_WORDS[run.stop_reason],
        "epochsRun": int(run.epochs_run),
        "lastFinite": int(last),
        "divergedAt": None if run.diverged_at is None else int(run.diverged_at),
        "loss": {"e": curve.tolist(), "v": rounded(train[curve])},
        "test": None,
    }
    if test_loss is not None and not log_loss:
        held = test_loss.value(kept.theta)
        curves.append(held)
        on = curve_indices(held.size, curve_points)
        data["test"] = {"e": kept.epoch[on].tolist(), "v": rounded(held[on])}
    data["lossRange"] = _loss_range(curves, float(fit.loss), log_loss)

    steps = kept.on(np.union1d(frames[frames <= last], [last]))
    rows = h.rows(steps)
    ends = [line.ends(h.coef[r], h.intercept[r])["y"] for r in rows]
    data["steps"] = {"e": steps.tolist(), "line": rounded(ends), "loss": rounded(train[steps])}

    points, epochs = run_path(run, last, kept, frames)
    track = ls.track(points, epochs)
    x_span, y_span, z_span = ls.spans
    data["path"] = {
        "e": rounded(track.epoch),
        "x": rounded(track.x, x_span),
        "y": rounded(track.y, y_span),
        "z": rounded(track.z + ls.lift, z_span) if ls.is_plane else None,
    }
    final = kept.theta[-1]
    data["final"] = {
        "params": [f"{label(name)} = {value(v)}" for name, v in zip(names, final, strict=True)],
        "loss": value(float(train[-1])),
    }
    return data
