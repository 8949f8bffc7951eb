"""The rate curve, read back from fig.data and fig.layout against the sweep's own numbers."""

import math

import numpy as np
import pytest

from charts import style
from charts.player_data import RateStrip
from charts.rate_curve import RateMarks, best_point, rate_curve_figure, rate_points
from core import DivergenceWarning, stability, sweep
from core.verdict import rule_limit
from tests.charts.helpers import decode, numbers

# The line problem's limit 2/λmax is about 0.42: the last two rates blow up.
RATES = (0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0)
REGIMES = ("smooth", "smooth", "smooth", "smooth", "oscillates", "diverges", "diverges")


def swept(problem, **settings):
    with pytest.warns(DivergenceWarning, match="2 of 7 learning rates diverged"):
        return sweep(problem.X, problem.y, RATES, epochs=300, **settings)


@pytest.fixture(scope="module")
def full(line_problem):
    return swept(line_problem)


@pytest.fixture(scope="module")
def batched(line_problem):
    return swept(line_problem, batch_size=16, seed=1)


@pytest.fixture(scope="module")
def spectrum(line_problem):
    return stability(line_problem.X).raw


def figure(problem, runs, spectrum, current=0.1, regimes=REGIMES):
    strip = RateStrip(limit=rule_limit(spectrum, "gd"), regimes=regimes)
    marks = RateMarks(current=current, best=spectrum.best_lr)
    return rate_curve_figure(runs, RATES, float(problem.fit.loss), strip, marks)


def traces(fig, name_start):
    return [t for t in fig.data if (t.name or "").startswith(name_start)]


def run_points(fig):
    """Every drawn run's (rate, y, colour, pane) from the traces that carry rates."""
    out = []
    for t in fig.data:
        if t.customdata is None or t.marker.symbol == "star":  # the best rate, drawn again
            continue
        pane = 2 if t.yaxis == "y2" else 1
        for rate, y in zip(decode(t.x), decode(t.y), strict=True):
            out.append((float(rate), float(y), t.marker.color, pane, t.name))
    return out


def arrival(losses, optimum):
    """The first epoch from which every loss stays within 1 % of the optimum's, by hand."""
    level = 1.01 * optimum
    for e in range(len(losses)):
        if all(loss <= level for loss in losses[e:]):
            return e
    return None


def test_each_point_is_its_runs_final_gap_coloured_by_its_regime(line_problem, full, spectrum):
    fig = figure(line_problem, full, spectrum)
    shown = {rate: (y, color) for rate, y, color, pane, _ in run_points(fig) if pane == 1}
    optimum = float(line_problem.fit.loss)
    for rate, run, regime in zip(RATES[:5], full, REGIMES, strict=False):
        gap, color = shown[rate]
        # Round-off floor: 1e-14 of the loss scale, so an arrived run stays on a log axis.
        floor = 1e-14 * max(optimum, run.history.loss[0])
        assert gap == pytest.approx(max(run.history.loss[-1] - optimum, floor), rel=1e-9)
        assert color == style.REGIME_COLORS[regime]


def test_diverged_rates_sit_on_the_top_row_and_nothing_is_nan(line_problem, full, spectrum):
    fig = figure(line_problem, full, spectrum)
    (blown,) = traces(fig, "diverged")
    assert list(decode(blown.x)) == [0.5, 1.0]
    assert blown.marker.color == style.REGIME_COLORS["diverges"]
    assert blown.text[0] == "diverged"
    top = decode(blown.y)
    finite = [y for _, y, _, pane, name in run_points(fig) if pane == 1 and name != blown.name]
    low, high = fig.layout.yaxis.range
    assert np.all(top > max(finite)) and np.all(math.log10(top[0]) < high)
    assert min(finite) > 10**low
    for array in numbers(fig.to_plotly_json()):
        assert np.all(np.isfinite(array))
    # The line breaks at the rates that blew up instead of running to a made-up height.
    (line,) = traces(fig, "final gap")
    assert list(line.y[-2:]) == [None, None]
    # No tick beside the row: its height is not a gap. A dotted line sets it apart.
    ticks = fig.layout.yaxis.tickvals
    assert ticks and max(ticks) < top[0] and len(ticks) == len(fig.layout.yaxis.ticktext)
    (border,) = [shape for shape in fig.layout.shapes if shape.line.dash == "dot"]
    assert max(max(finite), max(ticks)) < border.y0 == border.y1 < top[0]


def test_a_narrow_range_of_gaps_is_ticked_at_its_own_ends():
    from charts.rate_curve import RatePoint, _gap_range, _gap_ticks

    points = [
        RatePoint(0.1, "smooth", 4.1e-8, None, 10, 100, None),
        RatePoint(0.2, "smooth", 5.9e-8, None, 5, 100, None),
        RatePoint(0.5, "diverges", None, None, None, 3, 3),
    ]
    gap_range, row = _gap_range(points)
    ticks = _gap_ticks(gap_range, row)
    assert ticks["tickvals"] == pytest.approx([4.1e-8, 5.9e-8])
    assert ticks["ticktext"] == ["4.1e-08", "5.9e-08"]


def test_epochs_to_arrive_are_counted_from_the_history(line_problem, full, spectrum):
    fig = figure(line_problem, full, spectrum)
    below = {rate: y for rate, y, _, pane, _ in run_points(fig) if pane == 2}
    optimum = float(line_problem.fit.loss)
    expected = {
        rate: arrival(run.history.loss, optimum)
        for rate, run in zip(RATES, full, strict=True)
        if not run.diverged
    }
    assert {r: e for r, e in expected.items() if e is not None} == below
    assert expected[0.01] is None and expected[0.3] is not None
    # Fastest to arrive is starred; on this data it is the rate nearest 2/(λmin+λmax).
    (star,) = traces(fig, "fastest to arrive")
    fastest = min(below, key=below.get)
    assert list(star.x) == [fastest] == [0.3]


def test_the_limit_the_best_constant_rate_and_the_current_rate_are_marked(
    line_problem, full, spectrum
):
    fig = figure(line_problem, full, spectrum, current=0.2)
    for start, rate in (
        ("stability limit 2/λmax", 2 / spectrum.lambda_max),
        ("best constant rate", 2 / (spectrum.lambda_min + spectrum.lambda_max)),
        ("your rate η = 0.2", 0.2),
    ):
        top, bottom = traces(fig, start)
        assert list(top.x) == list(bottom.x) == [pytest.approx(rate, rel=1e-12)] * 2
        assert top.showlegend and not bottom.showlegend
        # Each line spans its pane.
        assert [math.log10(y) for y in top.y] == pytest.approx(list(fig.layout.yaxis.range))
    assert fig.layout.xaxis.type == fig.layout.yaxis.type == "log"


def test_choosing_a_point_gives_its_rate(line_problem, full, spectrum):
    fig = figure(line_problem, full, spectrum)
    for t in fig.data:
        if t.customdata is not None:
            assert list(t.customdata) == list(t.x)
    chosen = {rate for rate, *_ in run_points(fig)}
    assert chosen == set(RATES)


def test_mini_batch_runs_show_their_noise_over_the_last_tenth_of_epochs(
    line_problem, batched, spectrum
):
    fig = figure(line_problem, batched, spectrum)
    (band,) = traces(fig, "noise band")
    optimum = float(line_problem.fit.loss)
    # One closed shape over the five rates that did not blow up: there and back.
    x, y = list(band.x), list(band.y)
    assert x == [*RATES[:5], *RATES[:5][::-1]]
    for i, run in enumerate(batched[:5]):
        last = run.history.loss[-30:] - optimum  # 300 epochs: the last 30
        assert y[i] == pytest.approx(last.min(), rel=1e-9)
        assert y[-1 - i] == pytest.approx(last.max(), rel=1e-9)
        assert y[i] <= run.history.loss[-1] - optimum <= y[-1 - i]
    assert band.fill == "toself"


def test_a_schedule_puts_the_starting_rate_on_the_axis(line_problem, full, spectrum):
    assert figure(line_problem, full, spectrum).layout.xaxis2.title.text == "learning rate η (log)"
    with pytest.warns(DivergenceWarning):
        decaying = sweep(line_problem.X, line_problem.y, RATES, epochs=300, schedule="exponential")
    fig = figure(line_problem, decaying, spectrum)
    assert fig.layout.xaxis2.title.text == "starting learning rate η₀ (log)"


def test_full_batch_runs_have_no_band(line_problem, full, spectrum):
    assert not traces(figure(line_problem, full, spectrum), "noise band")


def test_a_ladder_that_all_blew_up_still_draws(line_problem, full, spectrum):
    runs, rates = full[-2:], RATES[-2:]
    strip = RateStrip(limit=rule_limit(spectrum, "gd"), regimes=("diverges", "diverges"))
    fig = rate_curve_figure(runs, rates, float(line_problem.fit.loss), strip, RateMarks(1.0))
    (blown,) = traces(fig, "diverged")
    assert list(blown.x) == [0.5, 1.0]
    assert not traces(fig, "fastest")
    for array in numbers(fig.to_plotly_json()):
        assert np.all(np.isfinite(array))


def test_rules_without_a_limit_mark_only_the_current_rate(line_problem, full, spectrum):
    strip = RateStrip(limit=rule_limit(spectrum, "adam"), regimes=("unknown",) * len(RATES))
    fig = rate_curve_figure(full, RATES, float(line_problem.fit.loss), strip, RateMarks(0.1))
    marks = {t.name for t in fig.data if t.mode == "lines" and t.showlegend is not False}
    assert marks == {"your rate η = 0.1"}
    colors = {c for *_, c, pane, name in run_points(fig) if not name.startswith("diverged")}
    assert colors == {style.REGIME_COLORS["unknown"]}


def test_best_point_prefers_arriving_then_the_lower_gap(line_problem, full):
    optimum = float(line_problem.fit.loss)
    points = rate_points(full, RATES, optimum, REGIMES)
    assert RATES[best_point(points)] == 0.3
    not_arrived = rate_points(full[:2], RATES[:2], optimum, REGIMES[:2])
    assert best_point(not_arrived) == 1  # neither arrived: the lower final gap


def test_runs_rates_and_regimes_must_pair_up(line_problem, full):
    with pytest.raises(ValueError, match="one run and one regime per rate"):
        rate_points(full, RATES[:3], float(line_problem.fit.loss), REGIMES)


def test_the_epochs_axis_writes_its_ticks_out_in_full():
    from charts.rate_curve import _epoch_ticks

    # Arrivals from 30 to 5,000 epochs: 1-2-5 steps would be eight ticks, so powers of ten.
    assert _epoch_ticks([math.log10(30) - 0.2, math.log10(5000) + 0.2]) == {
        "tickvals": [100, 1000],
        "ticktext": ["100", "1,000"],
    }
    assert _epoch_ticks([math.log10(4) - 0.2, math.log10(60) + 0.2]) == {
        "tickvals": [5, 10, 20, 50],
        "ticktext": ["5", "10", "20", "50"],
    }
