r"""The rate curve: where each learning rate of the ladder ends, and how soon it gets there.

One point per rate of the player's ladder: the final loss gap :math:`L - L^*`
against the rate, both on log axes, coloured by the rate's regime as the
player's rate strip colours it; below it, the epochs the run took to arrive
within :data:`core.advice.ARRIVED` of the optimum's loss and stay there. A rate
whose run blew up has no final loss: it is marked "diverged" along the top of
the chart, never drawn as a number. Vertical lines mark the rule's stability
limit (:math:`2/\lambda_{\max}` for plain descent), the best constant rate
:math:`2/(\lambda_{\min}+\lambda_{\max})` and the rate the sidebar holds.
Mini-batch runs end in noise, so each gets a band: the lowest to the highest gap
over its last :data:`NOISE_SHARE` of epochs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts import style
from charts.labels import value
from charts.player_data import RateStrip
from core import Run, words
from core.advice import ARRIVED
from core.analysis import epochs_to_stay
from core.verdict import loss_gap

#: A mini-batch run's noise band spans its last tenth of epochs...
NOISE_SHARE = 0.1
#: ...and at least this many (or all it ran).
NOISE_EPOCHS = 5

#: The regimes as the legend names them (the rate strip's words).
REGIME_WORDS = {
    "smooth": "smooth",
    "oscillates": "oscillates",
    "diverges": "diverges",
    "unknown": "no known limit",
}

#: Height of the figure: the gap on top, the epochs to arrive below.
HEIGHT = 620


@dataclass(frozen=True)
class RatePoint:
    """What one rate's run came to.

    Attributes
    ----------
    rate : float
    regime : str
        As the rate strip says it (see :class:`charts.player_data.RateStrip`).
    gap : float or None
        Final :math:`L - L^*` (floored as :func:`core.verdict.loss_gap` does); None when
        the run blew up.
    band : tuple of (float, float) or None
        Lowest and highest gap over the run's last epochs (mini-batch runs only).
    arrived : int or None
        The epoch from which the loss stayed within :data:`core.advice.ARRIVED` of
        :math:`L^*`; None when it did not.
    epochs_run : int
    diverged_at : int or None
    """

    rate: float
    regime: str
    gap: float | None
    band: tuple[float, float] | None
    arrived: int | None
    epochs_run: int
    diverged_at: int | None


def rate_points(
    runs: Sequence[Run], rates: Sequence[float], optimum_loss: float, regimes: Sequence[str]
) -> list[RatePoint]:
    """One :class:`RatePoint` per run; ``runs``, ``rates`` and ``regimes`` pair up.

    Raises
    ------
    ValueError
        When the three differ in length or are empty.
    """
    if not runs or not len(runs) == len(rates) == len(regimes):
        raise ValueError(
            f"give one run and one regime per rate; got {len(runs)} runs, {len(rates)} rates "
            f"and {len(regimes)} regimes."
        )
    return [
        _point(run, float(rate), optimum_loss, regime)
        for run, rate, regime in zip(runs, rates, regimes, strict=True)
    ]


def _point(run: Run, rate: float, optimum_loss: float, regime: str) -> RatePoint:
    losses = run.history.loss
    if run.diverged:
        return RatePoint(rate, regime, None, None, None, run.epochs_run, run.diverged_at)
    gaps = loss_gap(losses, optimum_loss)
    band = None
    if run.settings.batch_size is not None:
        last = gaps[-noise_epochs(run.epochs_run) :]
        band = (float(last.min()), float(last.max()))
    arrived = epochs_to_stay(losses, optimum_loss, ARRIVED)
    return RatePoint(rate, regime, float(gaps[-1]), band, arrived, run.epochs_run, None)


def noise_epochs(epochs_run: int) -> int:
    """How many final epochs a mini-batch run's band spans (its loss rows, start included)."""
    return min(epochs_run + 1, max(NOISE_EPOCHS, math.ceil(NOISE_SHARE * epochs_run)))


def best_point(points: Sequence[RatePoint]) -> int | None:
    """Index of the fastest rate to arrive (ties: the lower gap), else of the lowest gap.

    None when every run blew up.
    """
    arrived = [i for i, p in enumerate(points) if p.arrived is not None]
    if arrived:
        return min(arrived, key=lambda i: (points[i].arrived, points[i].gap))
    finite = [i for i, p in enumerate(points) if p.gap is not None]
    return min(finite, key=lambda i: points[i].gap) if finite else None


@dataclass(frozen=True)
class RateMarks:
    """The rates the curve marks with vertical lines.

    Attributes
    ----------
    current : float
        The rate the sidebar holds.
    best : float or None
        The best constant rate by theory, :math:`2/(\\lambda_{\\min}+\\lambda_{\\max})`
        (plain descent only).
    gap_title : str
        The gap axis's title (its loss convention).
    """

    current: float
    best: float | None = None
    gap_title: str = "L − L* (log)"


def rate_curve_figure(
    runs: Sequence[Run],
    rates: Sequence[float],
    optimum_loss: float,
    strip: RateStrip,
    marks: RateMarks,
) -> go.Figure:
    """The final loss gap and the epochs to arrive against the learning rate, log–log.

    Parameters
    ----------
    runs : sequence of Run
        One run per rate, all on the loss whose optimum is ``optimum_loss``.
    rates : sequence of float
        The runs' learning rates, ascending.
    optimum_loss : float
        :math:`L^*`, the closed form's loss.
    strip : RateStrip
        Each rate's regime (as the player's rate strip shows it) and the rule's limit.
    marks : RateMarks
        The sidebar's rate and the best constant rate.

    Returns
    -------
    go.Figure
        Two panes sharing the rate axis; no NaN or infinity in any trace. Every run's
        point carries its rate as ``customdata``, so choosing it can set that rate.
    """
    regimes = strip.regimes or ("unknown",) * len(rates)
    points = rate_points(runs, rates, optimum_loss, regimes)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.62, 0.38],
        vertical_spacing=0.1,
        subplot_titles=(
            "Final loss gap L − L*",
            f"Epochs to arrive within {ARRIVED:.0%} of L* and stay",
        ),
    )
    gap_range, diverged_y = _gap_range(points)
    epoch_range, epoch_log = _epoch_range(points)
    _gap_traces(fig, points, diverged_y)
    _arrival_traces(fig, points)
    marked = _marked(strip, marks)
    _mark_lines(fig, marked, 1, [10 ** gap_range[0], 10 ** gap_range[1]])
    _mark_lines(fig, marked, 2, [10**e for e in epoch_range] if epoch_log else epoch_range)
    fig.update_layout(
        style.base_layout(
            HEIGHT,
            title={"text": "Loss against the learning rate"},
            legend=style.LEGEND_BELOW | {"y": -0.17},
            margin=style.MARGIN_BELOW | {"b": 170},
            clickmode="event+select",
        )
    )
    scheduled = runs[0].settings.schedule != "constant"
    _axes(fig, _rate_range([p.rate for p in points], strip, marks), scheduled, marks.gap_title)
    fig.update_yaxes(range=gap_range, **_gap_ticks(gap_range, diverged_y), row=1, col=1)
    if any(p.gap is None for p in points):
        # The row of diverged rates is not a value on the axis: a line sets it apart.
        border = 10 ** (math.log10(diverged_y) - _pad(gap_range, diverged_y))
        fig.add_hline(y=border, line={"color": style.DATA, "dash": "dot", "width": 1}, row=1, col=1)
    fig.update_yaxes(
        type="log" if epoch_log else "linear",
        range=epoch_range,
        **(_epoch_ticks(epoch_range) if epoch_log else {}),
        title={"text": "epochs" + (" (log)" if epoch_log else "")},
        row=2,
        col=1,
    )
    style.readable_text(fig)
    return fig


def _axes(fig: go.Figure, rate_range, scheduled: bool, gap_title: str) -> None:
    """The shared log rate axis (the starting rate under a schedule) and the log gap axis."""
    fig.update_xaxes(type="log", exponentformat="power", range=rate_range)
    rate_title = "starting learning rate η₀ (log)" if scheduled else "learning rate η (log)"
    fig.update_xaxes(title={"text": rate_title}, row=2, col=1)
    fig.update_yaxes(type="log", exponentformat="power", title={"text": gap_title}, row=1, col=1)


def _gap_ticks(gap_range: Sequence[float], diverged_y: float) -> dict:
    """Ticks of the gap axis only where gaps are: none beside the top row of diverged rates.

    Powers of ten between the axis's foot and the row; on a range too narrow to hold two,
    the smallest and largest gap's own values.
    """
    pad = _pad(gap_range, diverged_y)
    border = math.log10(diverged_y) - pad
    powers = [10.0**k for k in range(math.ceil(gap_range[0]), math.floor(border) + 1)]
    if len(powers) < 2:
        # The smallest and the largest gap (see _gap_range).
        powers = sorted({10 ** (gap_range[0] + pad), 10 ** (border - pad)})
    return {"tickvals": powers, "ticktext": [_tick(v) for v in powers]}


def _epoch_ticks(epoch_range: Sequence[float]) -> dict:
    """Whole numbers of epochs on the log axis (1, 2, 5, 10, 20, ...), written out in full.

    Plotly's own labels of a log axis over a few decades are single digits ("2", "5")
    that read as 2 and 5 epochs where they mean 200 and 500.
    """
    low, high = 10 ** epoch_range[0], 10 ** epoch_range[1]
    steps = [m * 10**k for k in range(0, 7) for m in (1, 2, 5)]
    ticks = [t for t in steps if low <= t <= high]
    if len(ticks) > 5:
        ticks = [t for t in ticks if str(t)[0] == "1"]
    return {"tickvals": ticks, "ticktext": [f"{t:,}" for t in ticks]}


def _pad(gap_range: Sequence[float], diverged_y: float) -> float:
    """The padding :func:`_gap_range` left around the top row (log10 units)."""
    return gap_range[1] - math.log10(diverged_y)


def _tick(value: float) -> str:
    exponent = math.floor(math.log10(value))
    if value == 10.0**exponent:
        return f"10<sup>{exponent}</sup>" if exponent not in (0, 1) else f"{value:g}"
    return f"{value:.2g}"


def _gap_range(points: Sequence[RatePoint]) -> tuple[list[float], float]:
    """The gap axis's range in log10 units, and the height of its top row (diverged rates).

    The top row sits above every finite gap and band, with the axis's padding on both sides.
    """
    shown = [g for p in points if p.gap is not None for g in (p.gap, *(p.band or ()))]
    low, high = (math.log10(min(shown)), math.log10(max(shown))) if shown else (-1.0, 1.0)
    pad = max(0.25, 0.08 * (high - low))
    top = high + 2 * pad
    return [low - pad, top + pad], 10**top


def _epoch_range(points: Sequence[RatePoint]) -> tuple[list[float], bool]:
    """The epochs axis's range and whether it is logarithmic (not when an arrival is 0)."""
    arrived = [p.arrived for p in points if p.arrived is not None]
    longest = max(p.epochs_run for p in points)
    if arrived and min(arrived) > 0:
        low, high = math.log10(min(arrived)), math.log10(max(1, longest))
        return [low - 0.2, high + 0.2], True
    return [0.0, 1.05 * max(1, longest)], False


def _hover(p: RatePoint) -> str:
    said = REGIME_WORDS.get(p.regime, p.regime)
    if p.gap is None:
        return f"η = {p.rate:g} · {said}<br>diverged at epoch {p.diverged_at:,}"
    band = f"<br>noise band {value(p.band[0])} to {value(p.band[1])}" if p.band else ""
    arrived = (
        f"arrived at epoch {p.arrived:,}"
        if p.arrived is not None
        else f"not within {ARRIVED:.0%} after {words.epochs(p.epochs_run)}"
    )
    return f"η = {p.rate:g} · {said}<br>L − L* = {value(p.gap)}{band}<br>{arrived}"


def _gap_traces(fig: go.Figure, points: Sequence[RatePoint], diverged_y: float) -> None:
    """The curve (broken where runs blew up), its band, points by regime, diverged at the top."""
    x = [p.rate for p in points]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[p.gap for p in points],
            mode="lines",
            line={"color": style.DATA, "width": 2},
            connectgaps=False,
            hoverinfo="skip",
            showlegend=False,
            name="final gap",
        ),
        row=1,
        col=1,
    )
    if any(p.band for p in points):
        fig.add_trace(_band(points), row=1, col=1)
    for regime in REGIME_WORDS:
        chosen = [p for p in points if p.gap is not None and p.regime == regime]
        if chosen:
            fig.add_trace(
                _points(chosen, [p.gap for p in chosen], regime, REGIME_WORDS[regime]),
                row=1,
                col=1,
            )
    blown = [p for p in points if p.gap is None]
    if blown:
        trace = _points(blown, [diverged_y] * len(blown), "diverges", "diverged: the loss blew up")
        trace.update(
            marker_symbol="x", mode="markers+text", text=["diverged", *[""] * (len(blown) - 1)]
        )
        trace.update(textposition="middle left", textfont={"color": style.INK, "size": 11})
        fig.add_trace(trace, row=1, col=1)
    best = best_point(points)
    if best is not None:
        p = points[best]
        word = "fastest to arrive" if p.arrived is not None else "lowest gap"
        fig.add_trace(
            go.Scatter(
                x=[p.rate],
                y=[p.gap],
                mode="markers",
                name=f"{word} here: η = {p.rate:g}",
                marker={"symbol": "star", "size": 20, "color": style.OPTIMUM},
                marker_line={"color": style.INK, "width": 1.5},
                customdata=[p.rate],
                hovertext=[_hover(p)],
                hovertemplate="%{hovertext}<extra></extra>",
            ),
            row=1,
            col=1,
        )


def _points(points: Sequence[RatePoint], y, regime: str, name: str) -> go.Scatter:
    """Markers for ``points`` at heights ``y``, in ``regime``'s colour, carrying their rates."""
    return go.Scatter(
        x=[p.rate for p in points],
        y=y,
        mode="markers",
        name=name,
        legendgroup=regime,
        marker={"color": style.REGIME_COLORS[regime], "size": 11},
        marker_line={"color": style.INK, "width": 0.5},
        customdata=[p.rate for p in points],
        hovertext=[_hover(p) for p in points],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _band(points: Sequence[RatePoint]) -> go.Scatter:
    """The noise band as closed shapes, one per stretch of rates whose runs did not blow up."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    stretch: list[RatePoint] = []
    for p in [*points, None]:
        if p is not None and p.band is not None:
            stretch.append(p)
            continue
        if stretch:
            xs += [q.rate for q in stretch] + [q.rate for q in reversed(stretch)] + [None]
            ys += [q.band[0] for q in stretch] + [q.band[1] for q in reversed(stretch)] + [None]
        stretch = []
    return go.Scatter(
        x=xs[:-1],
        y=ys[:-1],
        mode="lines",
        fill="toself",
        fillcolor="rgba(140,140,140,0.25)",
        line={"width": 0},
        hoverinfo="skip",
        name=f"noise band: lowest to highest gap over the last {NOISE_SHARE:.0%} of epochs",
    )


def _arrival_traces(fig: go.Figure, points: Sequence[RatePoint]) -> None:
    """Epochs to arrive, by regime (a run that did not arrive has no point here)."""
    for regime in REGIME_WORDS:
        chosen = [p for p in points if p.arrived is not None and p.regime == regime]
        if chosen:
            trace = _points(chosen, [p.arrived for p in chosen], regime, REGIME_WORDS[regime])
            trace.update(showlegend=False, mode="lines+markers", line={"color": style.DATA})
            fig.add_trace(trace, row=2, col=1)


def _rate_range(rates: Sequence[float], strip: RateStrip, marks: RateMarks) -> list[float]:
    """The rate axis's range in log10 units: the ladder and every marked rate."""
    shown = [*rates, *(rate for _, _, rate in _marked(strip, marks))]
    low, high = math.log10(min(shown)), math.log10(max(shown))
    pad = max(0.15, 0.04 * (high - low))
    return [low - pad, high + pad]


def _marked(strip: RateStrip, marks: RateMarks) -> list[tuple[str, str, float]]:
    """The marked rates as (kind, legend name, rate): the limit and best rate when finite."""
    limit = strip.limit
    out = []
    if limit is not None and limit.rate is not None and math.isfinite(limit.rate):
        name = f"stability limit {limit.formula} ≈ {value(limit.rate)}"
        out.append(("limit", name, float(limit.rate)))
    if marks.best is not None and math.isfinite(marks.best):
        name = f"best constant rate 2/(λmin+λmax) ≈ {value(marks.best)}"
        out.append(("best", name, float(marks.best)))
    out.append(("current", f"your rate η = {marks.current:g}", float(marks.current)))
    return out


#: How each marked rate's vertical line looks.
MARK_LOOKS = {
    "limit": {"color": style.REGIME_COLORS["diverges"], "dash": "dot", "width": 2},
    "best": {"color": style.CLOSED_FORM, "dash": "dash", "width": 2},
    "current": {"color": style.INK, "dash": "solid", "width": 2},
}


def _mark_lines(fig: go.Figure, marked, row: int, ends: Sequence[float]) -> None:
    """Vertical lines from ``ends[0]`` to ``ends[1]`` at each marked rate, in pane ``row``."""
    for kind, name, rate in marked:
        fig.add_trace(
            go.Scatter(
                x=[rate, rate],
                y=list(ends),
                mode="lines",
                name=name,
                legendgroup=kind,
                showlegend=row == 1,
                line=MARK_LOOKS[kind],
                hoverinfo="skip",
            ),
            row=row,
            col=1,
        )
