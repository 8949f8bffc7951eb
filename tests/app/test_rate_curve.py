"""The Descent page's rate curve through AppTest: drawn from the player's sweep, on every data
choice without a NaN, and choosing a point sets the sidebar's rate."""

import json
import math

import numpy as np
import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from charts import style
from tests.app.dataset_checks import CHOICES
from tests.app.helpers import APP, assert_fine
from tests.app.test_player_page import player_bytes, player_data
from tests.charts.helpers import decode, numbers
from ui import compute
from ui.rate_curve import chart_key

TITLE = "Loss against the learning rate"


def opened(state: dict | None = None, **query) -> AppTest:
    """The Descent page with the rate curve's section open."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in query.items():
        at.query_params[key] = value
    at.session_state["open_rate_curve"] = True
    at.run()
    assert_fine(at)
    return at


def curve(at: AppTest):
    """The rate curve's element and its figure (the spec Streamlit sends the browser)."""
    (chart,) = [c for c in at.get("plotly_chart") if TITLE in c.proto.spec]
    # Strict JSON: a NaN or an infinity anywhere in the figure fails here.
    spec = json.loads(chart.proto.spec, parse_constant=pytest.fail)
    return chart, spec


def gap_points(spec: dict) -> dict[float, tuple[float, str, str]]:
    """Each run's rate -> (height, colour, trace name) in the gap pane (its first pane)."""
    out = {}
    for t in spec["data"]:
        starred = t.get("marker", {}).get("symbol") == "star"  # the best rate, drawn again
        if "customdata" not in t or t.get("yaxis", "y") != "y" or starred:
            continue
        for rate, y in zip(decode(t["x"]), decode(t["y"]), strict=True):
            out[float(rate)] = (float(y), t["marker"]["color"], t["name"])
    return out


def choose(at: AppTest, chart, rate: float) -> None:
    """What the browser sends when a person clicks the point at ``rate``."""
    states = at._tree.get_widget_states()
    clicked = WidgetState(id=chart.proto.id)
    point = {"x": rate, "y": 1.0, "customdata": rate, "curve_number": 2, "point_number": 0}
    selection = {"points": [point], "point_indices": [0], "box": [], "lasso": []}
    clicked.string_value = json.dumps({"selection": selection})
    states.widgets.append(clicked)
    at._run(widget_state=states)
    assert_fine(at)


def check_curve(at: AppTest) -> None:
    """The curve holds the player's rates, coloured by the strip's regimes, diverged on top."""
    _, body = player_data(at)
    _, spec = curve(at)
    shown = gap_points(spec)
    assert sorted(shown) == body["rates"], "one point per rate the player holds"
    for array in numbers(spec["data"]):
        assert np.all(np.isfinite(array))
    heights = [y for y, _, name in shown.values() if not name.startswith("diverged")]
    for rate, regime, run in zip(body["rates"], body["regimes"], body["runs"], strict=True):
        y, color, name = shown[rate]
        assert color == style.REGIME_COLORS[regime]
        blown = run["stop"] == "diverged"
        assert name.startswith("diverged") == blown, (rate, name)
        if blown:
            assert y > max(heights, default=0) and regime == "diverges"
        else:
            assert 0 < y < math.inf


@pytest.mark.parametrize(("choice", "state"), CHOICES, ids=[name for name, _ in CHOICES])
def test_every_data_choice_draws_its_rate_curve_without_a_nan(choice, state):
    check_curve(opened(state))


@pytest.mark.parametrize(
    "query", [{"optimizer": "adam"}, {"optimizer": "momentum"}, {"schedule": "cosine"}]
)
def test_other_rules_and_schedules_draw_their_rate_curve(query):
    at = opened(**query)
    assert all(at.session_state[key] == value for key, value in query.items())
    check_curve(at)


@pytest.mark.parametrize("mode", ["mini", "stochastic"])
def test_mini_batch_runs_draw_a_noise_band_and_say_what_it_is(mode):
    at = opened(batch_mode=mode)
    check_curve(at)
    _, spec = curve(at)
    (band,) = [t for t in spec["data"] if t["name"].startswith("noise band")]
    assert band["fill"] == "toself"
    (said,) = [c.value for c in at.caption if c.value.startswith("Each point")]
    assert "lowest to highest gap over its last 10% of epochs" in said


def test_the_curve_marks_the_limit_the_best_rate_and_the_sidebars_rate():
    at = opened()
    _, spec = curve(at)
    names = [t["name"] for t in spec["data"] if t.get("showlegend") is not False]
    limit = next(n for n in names if n.startswith("stability limit 2/λmax ≈ "))
    said = next(e.value for e in at.sidebar.markdown if "2/λmax" in e.value)
    assert limit.split("≈ ")[1] in said, "the curve and the sidebar state the same limit"
    assert any(n.startswith("best constant rate 2/(λmin+λmax) ≈ ") for n in names)
    assert f"your rate η = {at.session_state['learning_rate']:g}" in names


def test_choosing_a_point_sets_the_sidebars_rate_and_redraws_the_curve():
    at = opened()
    _, body = player_data(at)
    chart, _ = curve(at)
    assert chart.proto.id.endswith(chart_key(0.05))
    choose(at, chart, 0.3)
    assert at.session_state["learning_rate"] == 0.3
    header, _ = player_bytes(at)  # the header alone: the browser holds the body
    assert body["rates"][header["selected"]] == 0.3, "the player follows"
    chart, spec = curve(at)
    assert chart.proto.id.endswith(chart_key(0.3)), "a fresh chart: nothing selected"
    assert any(t["name"] == "your rate η = 0.3" for t in spec["data"])
    # The same point again, after the rate moved elsewhere, is a new choice.
    at.select_slider(key="rate_ladder").set_value(0.1).run()
    choose(at, curve(at)[0], 0.3)
    assert at.session_state["learning_rate"] == 0.3


def test_a_choice_without_a_rate_changes_nothing():
    at = opened()
    chart, _ = curve(at)
    choose(at, chart, float("nan"))
    assert at.session_state["learning_rate"] == 0.05


def test_a_sweep_the_budget_holds_to_one_rate_says_so(monkeypatch):
    # A server whose budget holds one run of these settings (as for one row at a time).
    monkeypatch.setattr(compute, "most_rates", lambda problem, settings, k: 1)
    at = opened()
    check_curve(at)
    (said,) = [c.value for c in at.caption if c.value.startswith("Each point")]
    assert said.startswith(
        "Each point is the run at η = 0.05, the one rate the server's budget lets the player "
        "hold for these settings"
    ), said
    assert "1 rates" not in said


@pytest.mark.parametrize("schedule", ["step", "exponential"])
def test_under_a_schedule_only_a_run_that_blew_up_is_coloured_diverged(schedule):
    at = opened(schedule=schedule)
    check_curve(at)
    _, body = player_data(at)
    said = dict(zip(body["rates"], zip(body["regimes"], body["runs"], strict=True), strict=True))
    for rate, (regime, run) in said.items():
        assert (regime == "diverges") == (run["stop"] == "diverged"), (rate, regime, run["stop"])
    # Past the limit for a constant rate, brought back by the schedule: it swings, then arrives.
    limit = body["limit"]["rate"]
    brought_back = [r for r, (g, run) in said.items() if r >= limit and run["stop"] != "diverged"]
    assert brought_back and all(said[r][0] == "oscillates" for r in brought_back)
