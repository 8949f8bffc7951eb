"""What the Descent page's player draws: its views as Plotly JSON and one track per rate.

The player (``ui/player``) draws four views with plotly.js in the browser: the
model's line over the data, the loss per epoch, the loss surface in 3D with the
descent path on it, and its contour map with the same path. It receives one run
per learning rate on a ladder and switches between them, and between epochs,
without asking the server. The views are declared here (:mod:`charts.views`);
each run is a track (:func:`charts.tracks.track`) with its model line at each
frame epoch and its own loss curve and axes as a patch of the loss view.

The surface is shared by the learning rates: it is built once over a grid that
covers every run that went downhill, and carries a content key so the browser
redraws the 3D scene only when it really changed. A run that climbs out of it (one
that blows up, or a schedule's large first rate swinging out) brings a frame of
its own, holding its start, the optimum and its first escaping steps.

Pinned runs are drawn in every view (their paths on the surface and the map, their
loss curves, their final fit lines), whole and static: the browser never moves them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol, TypedDict

import numpy as np

from charts import style
from charts.fit import FeatureLine, Points
from charts.labels import gap_title, loss_title, parameter_names, value
from charts.landscape import checked_axes, default_axes, landscape
from charts.ranges import padded_range
from charts.sampling import curve_indices, frame_epochs
from charts.text import label, plotly_text, scene_text
from charts.tracks import (
    Drawing,
    RunData,
    Track,
    Tracked,
    cover,
    escaping,
    loss_range,
    rounded,
    track,
    tracked,
    went_downhill,
)
from charts.views import (
    Axes,
    Look,
    Surface,
    closed_form_loss,
    landscape_views,
    layout,
    marks_trace,
    pin_trace,
    room_for_legend,
    under,
)
from core import Fit, QuadraticLoss, Run
from core.schedules import learning_rates
from core.verdict import Limit

#: Points along a ladder run's path (mini-batch and stochastic runs go update by update).
PATH_POINTS = 400


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
    """How much the player draws: epoch stops, data points, curve points, grid points per axis
    (of the shared frame and of a run's own)."""

    max_frames: int = 60
    max_points: int = 1000
    curve_points: int = 120
    grid: int = 40
    #: Grid points per axis of a run's own frame (one per escaping run: kept lighter).
    frame_grid: int = 30


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


class Frame(TypedDict):
    """A run's own map and surface (whole view specs) and their content key."""

    key: str
    views: dict


class LadderRun(RunData):
    """A ladder run as the browser reads it: its track, its model line's ends at each frame
    epoch (``steps.line``), its final parameters and loss in words, its own part of
    the loss view (``figures.loss``, a patch: see :mod:`charts.views`), and its own
    ``frame`` when its path leaves the shared one (else None)."""

    final: dict
    figures: dict
    frame: Frame | None


class Pins(NamedTuple):
    """Pinned runs as the views draw them: each one's look (legend entry and colour), its
    run cut at its last finite epoch, and its track on the shared frame."""

    looks: tuple[Look, ...] = ()
    runs: tuple[Tracked, ...] = ()
    tracks: tuple[Track, ...] = ()

    @classmethod
    def of(cls, pins: Sequence[tuple[Look, Run]], drawing: Drawing, fit_intercept: bool) -> Pins:
        """``pins`` (look and run each) tracked on ``drawing``'s landscape."""
        runs = tuple(tracked([run for _, run in pins], fit_intercept))
        looks = tuple(look for look, _ in pins)
        return cls(looks, runs, tuple(track(t, drawing) for t in runs))

    def paths(self, drawing: Drawing | None = None) -> list[tuple[Look, dict]]:
        """Each pin's look and path, on the shared frame or on ``drawing``'s landscape."""
        tracks = self.tracks if drawing is None else [track(t, drawing) for t in self.runs]
        return [(look, t.data["path"]) for look, t in zip(self.looks, tracks, strict=True)]

    def downhill_curves(self) -> list[np.ndarray]:
        """The loss curves of the pins that went downhill: the loss axis holds them (a pin
        that blew up would flatten the live run's curve; it runs off the top instead)."""
        return [d.curve_v for t, d in zip(self.runs, self.tracks, strict=True) if went_downhill(t)]

    def end(self) -> int:
        """The last epoch any pinned run reached (0 without pins)."""
        return max((t.run.epochs_run for t in self.runs), default=0)


class Framing(NamedTuple):
    """What a landscape's frame is drawn from: the loss, its optimum, the axes drawn and
    every parameter's name, their titles, the path's look, whether other parameters are
    held, the grid of a run's own frame (None: no run gets one, as in a window set by
    hand), and the pinned runs drawn in every frame."""

    loss: QuadraticLoss
    fit: Fit
    axes: tuple[int, ...]
    names: list[str]
    titles: Axes
    look: Look
    held: bool
    grid: int | None
    pins: Pins = Pins()


class LadderBody(TypedDict):
    """What the Descent page's player is sent (see ``ui/player/protocol.js``)."""

    rates: list[float]
    budget: int
    regimes: list[str] | None
    limit: dict | None
    frames: list[int]
    labels: dict
    style: dict
    lossOptimum: float | None
    surface: Surface
    views: dict
    runs: list[LadderRun]


def player_data(
    runs: Sequence[Run],
    rates: Sequence[float],
    problem: PlayerProblem,
    view: PlayerView = PlayerView(),
    strip: RateStrip = RateStrip(),
    *,
    detail: Detail = Detail(),
    pins: Sequence[tuple[Look, Run]] = (),
) -> LadderBody:
    """The player's data for ``runs``, one per learning rate in ``rates``, and ``pins``.

    Parameters
    ----------
    runs : sequence of Run
        One run per rate, all on ``problem``'s data and loss.
    rates : sequence of float
        The learning rates of ``runs``, ascending.
    problem : PlayerProblem
        The data (``X`` (n_samples, n_features), ``y`` (n_samples,)) and names, the
        losses (a held-out one draws test curves), the optimum, the true line if known.
    view, strip, detail : PlayerView, RateStrip, Detail
        What the views show, what the rate scrubber says, how much is drawn.
    pins : sequence of (Look, Run)
        Pinned runs on the same data, each with its legend entry and colour: drawn whole
        and static in every view, and held by the shared frame when they went downhill.

    Returns
    -------
    LadderBody
        JSON-able (no NaN or infinity): the views as Plotly JSON, one track per rate.

    Raises
    ------
    ValueError
        When ``runs`` and ``rates`` differ in length (or are empty), or the view's
        ``feature`` or ``axes``, or the problem's ``feature_names``, do not fit the data.
    """
    _check(runs, rates, problem, view, strip)
    loss, fit, log = problem.loss, problem.fit, view.log_loss
    names = parameter_names(problem.feature_names, loss.fit_intercept)
    axes = checked_axes(default_axes(loss) if view.axes is None else view.axes, loss.n_params)
    shown = tracked(runs, loss.fit_intercept)
    held = [*shown, *tracked([run for _, run in pins], loss.fit_intercept)]
    ls = landscape(loss, fit, axes, names, cover(held, True), detail.grid, view.window)
    frames = frame_epochs(max(run.epochs_run for run in runs), detail.max_frames)
    drawing = Drawing(ls, frames, float(fit.loss), log, detail.curve_points, PATH_POINTS, False)
    labels = _labels(ls.names, problem, view, strip.rule_name)
    labels["pins"] = [look.name for look, _ in pins]
    line = FeatureLine.of(np.asarray(problem.X, dtype=np.float64), view.feature)
    titles = Axes(labels["params"], labels["sceneParams"], loss_title(loss.l2, loss.convention))
    own_grid = None if view.window is not None else detail.frame_grid
    look = Look(labels["rule"], style.DESCENT)
    pinned = Pins.of(pins, drawing, loss.fit_intercept)
    framing = Framing(loss, fit, axes, names, titles, look, labels["heldOthers"], own_grid, pinned)
    # On the gap axis the optimum is the floor itself: no line to draw.
    optimum = None if log else _finite_or_none(float(fit.loss))
    surface, views = landscape_views(ls, titles, [look], framing.held, pinned.paths())
    views["fit"] = _fit_view(problem, view.feature, line, labels, detail.max_points)
    views["loss"] = _loss_view(labels, optimum)
    _draw_pins(views, pinned, line)
    return {
        "rates": [float(rate) for rate in rates],
        # The epochs each run may take (the epoch axis ends at the ladder's longest run).
        "budget": max(int(run.settings.epochs) for run in runs),
        "regimes": list(strip.regimes) if strip.regimes is not None else None,
        "limit": _limit_data(strip.limit, strip.rule_name),
        "frames": frames.tolist(),
        "labels": labels,
        "style": {"regimes": style.REGIME_COLORS},
        # Words give the closed-form loss whatever the axis draws.
        "lossOptimum": _finite_or_none(float(fit.loss)),
        "surface": surface,
        "views": views,
        "runs": [_ladder_run(t, drawing, line, problem.test_loss, framing) for t in shown],
    }


def _own_frame(t: Tracked, drawing: Drawing, framing: Framing) -> tuple[Drawing, Frame | None]:
    """``drawing`` in a frame of ``t``'s own when its path leaves the shared one, and that
    frame's views; else ``drawing`` as it is and None.

    The frame holds the run's start, the optimum and its first escaping steps
    (:func:`charts.tracks.escaping`): the zig-zag of a run that blows up, where the
    shared frame would show its first step leaving it.
    """
    # A run that went downhill is in the shared frame's cover: it never leaves it.
    if framing.grid is None or went_downhill(t) or track(t, drawing).data["path"]["exit"] is None:
        return drawing, None
    f = framing
    cover = escaping(t, drawing.optimum)
    ls = landscape(f.loss, f.fit, f.axes, f.names, cover, f.grid)
    own = drawing._replace(ls=ls)
    surface, views = landscape_views(ls, f.titles, [f.look], f.held, f.pins.paths(own))
    return own, {"key": surface["key"], "views": views}


def _draw_pins(views: dict, pins: Pins, line: FeatureLine) -> None:
    """Each pinned run's loss curve (under the live run's) and its final fit line (under the
    live run's line) in ``views``."""
    curves, lines = [], []
    for i, (look, t, drawn) in enumerate(zip(pins.looks, pins.runs, pins.tracks, strict=True)):
        h = t.run.history
        row = h.kept_upto(t.last)[-1]
        ends = line.ends(h.coef[row], h.intercept[row])
        curve = {"x": rounded(drawn.curve_e), "y": rounded(drawn.curve_v)}
        curves.append(pin_trace(i, look, curve))
        lines.append(pin_trace(i, look, {"x": rounded(ends["x"]), "y": rounded(ends["y"])}))
    under(views["loss"]["data"], "train", curves)
    under(views["fit"]["data"], "line", lines)
    room_for_legend(views["loss"])
    room_for_legend(views["fit"])


def _labels(names, problem: PlayerProblem, view: PlayerView, rule_name: str) -> dict:
    """The names the views and sentences show (:func:`name_labels`) and what they say."""
    loss = problem.loss
    feature = problem.feature_names[view.feature]
    labels = name_labels(names, feature=feature, target=problem.target_name)
    return labels | {
        "loss": (gap_title if view.log_loss else loss_title)(loss.l2, loss.convention),
        "rule": rule_name,
        "logLoss": bool(view.log_loss),
        "heldOthers": loss.n_params > len(names),
        "otherFeatures": loss.n_features > 1,
    }


def _check(runs, rates, problem: PlayerProblem, view: PlayerView, strip: RateStrip) -> None:
    """Refuse runs and rates that do not pair up, and a view or names that do not fit."""
    if len(runs) != len(rates) or not runs:
        raise ValueError(f"give one run per rate; got {len(runs)} runs and {len(rates)} rates.")
    if strip.regimes is not None and len(strip.regimes) != len(rates):
        raise ValueError(
            f"give one regime per rate; got {len(strip.regimes)} for {len(rates)} rates."
        )
    X, d = np.asarray(problem.X), problem.loss.n_features
    if len(problem.feature_names) != d or X.ndim != 2 or X.shape[1] != d:
        raise ValueError(
            f"X must have {d} columns with one name each; got shape {X.shape} "
            f"and {len(problem.feature_names)} names."
        )
    if not 0 <= view.feature < d:
        raise ValueError(f"feature must be a column index below {d}; got {view.feature}.")


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


def _rates_at(run: Run, epochs: Sequence[int]) -> list[float] | None:
    """The rate of the last epoch before each of ``epochs`` (η₀ at epoch 0), or None for a
    constant rate: the parameters at epoch e are the outcome of epoch e − 1, at η_{e−1}."""
    s = run.settings
    if s.schedule == "constant":
        return None
    rates = learning_rates(s.schedule, s.learning_rate, s.epochs, **s.schedule_kwargs)
    return rounded(rates[np.maximum(np.asarray(epochs, dtype=np.int64) - 1, 0)])


def _finite_or_none(x: float | None) -> float | None:
    return float(x) if x is not None and math.isfinite(x) else None


def _fit_view(problem: PlayerProblem, feature: int, line: FeatureLine, labels, most) -> dict:
    """The data, the closed-form line, the true line when known, and the model's ``line``."""
    X = np.asarray(problem.X, dtype=np.float64)
    points = Points.thinned(X[:, feature], np.asarray(problem.y, dtype=np.float64), most)
    closed = line.ends(problem.fit.coef, problem.fit.intercept)
    x_span = line.span[1] - line.span[0]
    y_range = padded_range(np.concatenate([points.y, closed["y"]]))
    y_span = y_range[1] - y_range[0]
    x = rounded(closed["x"], x_span)

    def ends(name: str, y, color: str, dash: str) -> dict:
        line_style = {"color": color, "width": 3, "dash": dash}
        trace = {"type": "scatter", "mode": "lines", "x": x, "y": rounded(y, y_span)}
        return trace | {"name": name, "line": line_style, "hoverinfo": "skip"}

    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "x": rounded(points.x, x_span),
            "y": rounded(points.y, y_span),
            "name": f"data ({points.note})" if points.note else "data",
            "marker": {"color": style.DATA, "size": 6, "opacity": 0.55},
            "hovertemplate": "%{x:.4g}, %{y:.4g}<extra></extra>",
        },
        ends("closed form", closed["y"], style.CLOSED_FORM, "dash"),
    ]
    if problem.true_coef is not None:
        coef = np.broadcast_to(np.asarray(problem.true_coef, dtype=np.float64), line.means.shape)
        true = line.ends(coef, float(problem.true_intercept or 0.0))["y"]
        data.append(ends("true line", true, style.TRUTH, "dot"))
    model = {"type": "scatter", "uid": "line", "mode": "lines", "x": x, "y": []}
    data.append(model | {"name": labels["rule"], "line": {"color": style.DESCENT, "width": 4}})
    data[-1]["hoverinfo"] = "skip"
    title = "Fit (other features at their means)" if labels["otherFeatures"] else "Fit"
    axes = {
        "xaxis": {"title": {"text": labels["feature"]}, "range": rounded(padded_range(line.span))},
        "yaxis": {"title": {"text": labels["target"]}, "range": rounded(y_range)},
    }
    return {"data": data, "layout": layout(title, 380, **axes)}


def _loss_view(labels: dict, optimum: float | None) -> dict:
    """The loss chart without a run: each run brings its curves and axes (its patch)."""

    def curve(uid: str, name: str, color: str) -> dict:
        hover = f"{name}<br>epoch %{{x:.0f}}<br>loss %{{y:.4g}}<extra></extra>"
        trace = {"type": "scatter", "uid": uid, "mode": "lines", "x": [], "y": [], "name": name}
        return trace | {"line": {"color": color, "width": 3}, "hovertemplate": hover}

    data = [
        curve("train", "train loss", style.DESCENT),
        {**curve("test", "test loss", style.TEST), "visible": False},
        closed_form_loss(optimum, []),
        marks_trace([style.DESCENT], 14, "epoch %{x}<br>loss %{y:.4g}<extra></extra>"),
    ]
    y_axis = {"title": {"text": labels["loss"]}, "type": "log" if labels["logLoss"] else "linear"}
    return {
        "data": data,
        "layout": layout("Loss", 380, xaxis={"title": {"text": "epoch"}}, yaxis=y_axis),
    }


def _ladder_run(t: Tracked, drawing: Drawing, line: FeatureLine, test_loss, framing) -> LadderRun:
    """``t``'s track with its model line, final parameters, loss view patch and own frame."""
    run, last, kept = t
    drawing, frame = _own_frame(t, drawing, framing)
    drawn = track(t, drawing)
    data: LadderRun = {**drawn.data, "final": {}, "figures": {}, "frame": frame}
    h = run.history
    ends = [line.ends(h.coef[r], h.intercept[r])["y"] for r in h.rows(data["steps"]["e"])]
    data["steps"]["line"] = rounded(ends)
    data["steps"]["rate"] = _rates_at(run, data["steps"]["e"])
    curves = [drawn.curve_v, *framing.pins.downhill_curves()]
    end = max(run.epochs_run, framing.pins.end(), 1)
    patch = {
        "train": {"x": rounded(drawn.curve_e), "y": rounded(drawn.curve_v)},
        "closed-form": {"x": [0, end]},
    }
    if test_loss is not None and not drawing.log_loss:
        held = test_loss.value(kept.theta)
        on = curve_indices(held.size, drawing.curve_points)
        curves.append(held[on])
        patch["test"] = {"x": kept.epoch[on].tolist(), "y": rounded(held[on]), "visible": True}
    heading = "Loss above the optimum L*" if drawing.log_loss else "Loss"
    title = f"{heading} · diverged at epoch {run.diverged_at}" if run.diverged else heading
    data["figures"]["loss"] = {
        "data": patch,
        "layout": {
            "title": {"text": title},
            "xaxis": {"range": [0, end]},
            "yaxis": {"range": loss_range(curves, drawing.optimum, drawing.log_loss)},
        },
    }
    final = kept.theta[-1]
    data["final"] = {
        "params": [
            f"{label(name)} = {value(v)}" for name, v in zip(framing.names, final, strict=True)
        ],
        "loss": value(float(h.loss[last])),
    }
    return data
