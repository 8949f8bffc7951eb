"""The player's data, read back as JSON and checked against hand-worked references."""

import copy
import json
from dataclasses import dataclass, fields

import numpy as np
import pytest

from charts.player_data import Detail, PlayerView, RateStrip, player_data
from charts.tracks import rounded
from charts.views import Look
from tests.charts.conftest import Problem

RATES = (0.01, 0.1, 0.5, 1.5)  # the line problem's stable limit is about 0.36: two diverge


@dataclass(frozen=True)
class Drawn:
    """A problem as the player takes it (the fields of ``ui.compute.Problem`` it reads)."""

    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    target_name: str
    loss: object
    test_loss: object
    fit: object
    true_coef: np.ndarray | None
    true_intercept: float | None


def data_of(problem: Problem, runs, rates=RATES, **options) -> dict:
    """``player_data`` with ``options`` sorted into the problem, view, rate strip and detail."""
    named = {
        "X": problem.X,
        "y": problem.y,
        "feature_names": options.pop("feature_names", problem.feature_names),
        "target_name": options.pop("target_name", "foodexp"),
        "loss": problem.loss,
        "fit": problem.fit,
    }
    named |= {key: options.pop(key, None) for key in ("test_loss", "true_coef", "true_intercept")}
    pins = options.pop("pins", ())
    view, strip, detail = (
        kind(**{f.name: options.pop(f.name) for f in fields(kind) if f.name in options})
        for kind in (PlayerView, RateStrip, Detail)
    )
    assert not options, f"not an option of the player: {options}"
    out = player_data(runs, rates, Drawn(**named), view, strip, detail=detail, pins=pins)
    # What the browser gets: strict JSON, so NaN or infinity anywhere fails here.
    return json.loads(json.dumps(out, allow_nan=False))


@pytest.fixture(scope="module")
def runs(line_problem):
    stable = [line_problem.descend(learning_rate=rate, epochs=300) for rate in RATES[:2]]
    return [*stable, *(line_problem.diverge(learning_rate=rate, epochs=300) for rate in RATES[2:])]


@pytest.fixture(scope="module")
def data(line_problem, runs):
    return data_of(line_problem, runs)


def trace(data: dict, view: str, key: str) -> dict:
    """The trace of ``view`` whose ``uid`` (or else ``name``) is ``key``."""
    (found,) = [t for t in data["views"][view]["data"] if key in (t.get("uid"), t.get("name"))]
    return found


def curve(shown: dict, uid: str = "train") -> dict:
    """A run's loss curve (``train`` or ``test``) from its patch of the loss view."""
    drawn = shown["figures"]["loss"]["data"][uid]
    return {"e": drawn["x"], "v": drawn["y"]}


def loss_range(shown: dict) -> list:
    return shown["figures"]["loss"]["layout"]["yaxis"]["range"]


def mse(problem: Problem, w: float, b: float) -> float:
    """The tutorial's loss written out: mean squared residual of ``y`` against ``w x + b``."""
    return float(np.mean((problem.y - (w * problem.X[:, 0] + b)) ** 2))


def test_one_run_per_rate_with_its_stopping_reason(data, runs) -> None:
    assert data["rates"] == list(RATES)
    assert [r["stop"] for r in data["runs"]] == [run.stop_reason for run in runs]
    assert [r["stop"] for r in data["runs"]][2:] == ["diverged", "diverged"]
    diverged = data["runs"][-1]
    assert diverged["stop"] == "diverged"
    assert diverged["divergedAt"] == runs[-1].diverged_at
    assert data["frames"][0] == 0 and data["frames"][-1] == 300
    assert len(data["frames"]) <= 60


def test_the_model_line_follows_the_run_epoch_by_epoch(data, runs, line_problem) -> None:
    x = np.array([line_problem.X.min(), line_problem.X.max()])
    assert trace(data, "fit", "line")["x"] == pytest.approx(x, abs=1e-4 * np.ptp(x))
    for shown, run in zip(data["runs"], runs, strict=True):
        for epoch, ends in zip(shown["steps"]["e"], shown["steps"]["line"], strict=True):
            w, b = run.history.coef[epoch, 0], run.history.intercept[epoch]
            assert ends == pytest.approx(w * x + b, rel=1e-3, abs=1e-3)


def test_the_surface_is_the_loss_written_out(data, line_problem) -> None:
    surface = data["surface"]
    assert surface["plane"] and data["labels"]["params"] == ["w (income)", "b (intercept)"]
    drawn = trace(data, "surface", "loss")
    u, v, z = drawn["x"], drawn["y"], np.array(drawn["z"])
    assert z.shape == (len(v), len(u))
    for i, j in [(0, 0), (7, 30), (len(v) - 1, len(u) - 1)]:
        # Values are rounded to five digits of the surface's height (the grid's of its width).
        assert z[i, j] == pytest.approx(mse(line_problem, u[j], v[i]), abs=1e-3 * np.ptp(z))
    optimum = surface["optimum"]
    assert optimum[:2] == pytest.approx(
        [line_problem.fit.coef[0], line_problem.fit.intercept], rel=1e-4
    )


def test_paths_lie_on_the_surface_and_start_at_the_start(data, line_problem) -> None:
    for shown in data["runs"]:
        # A run that left the shared frame is drawn on a surface of its own.
        views = shown["frame"]["views"] if shown["frame"] else data["views"]
        optimum = trace({"views": views}, "surface", "optimum")
        lift = optimum["z"][0] - mse(line_problem, optimum["x"][0], optimum["y"][0])
        height = np.ptp(np.array(trace({"views": views}, "surface", "loss")["z"]))
        assert 0 < lift < 0.02 * height
        path = shown["path"]
        assert path["e"][0] == 0 and path["x"][0] == 0 and path["y"][0] == 0
        assert path["e"] == sorted(path["e"])
        for x, y, z in zip(path["x"], path["y"], path["z"], strict=True):
            assert z - lift == pytest.approx(mse(line_problem, x, y), abs=1e-3 * height)


def test_a_diverging_run_stops_at_its_last_finite_epoch(data, runs) -> None:
    shown, run = data["runs"][-1], runs[-1]
    last = shown["lastFinite"]
    assert np.all(np.isfinite(run.history.loss[: last + 1]))
    assert curve(shown)["e"][-1] == last
    assert None not in curve(shown)["v"] and None not in shown["steps"]["loss"]
    # Its loss axis covers what has not blown up (10 times the start), not the blow-up.
    assert loss_range(shown)[1] <= 1.05 * 10 * run.history.loss[0]
    assert loss_range(shown)[1] < max(curve(shown)["v"])


def test_the_surface_covers_every_run_that_went_downhill(data) -> None:
    u, v = trace(data, "map", "loss")["x"], trace(data, "map", "loss")["y"]
    downhill = [shown for shown in data["runs"] if shown["stop"] != "diverged"]
    assert len(downhill) == 2
    for shown in downhill:
        path = shown["path"]
        assert path["e"][-1] == shown["lastFinite"] == 300, "the path is whole"
        assert u[0] <= min(path["x"]) and max(path["x"]) <= u[-1]
        assert v[0] <= min(path["y"]) and max(path["y"]) <= v[-1]


def test_the_surface_key_changes_with_the_surface_only(line_problem, runs) -> None:
    same = data_of(line_problem, runs, log_loss=True)
    other = data_of(line_problem, runs[:2], rates=RATES[:2])
    base = data_of(line_problem, runs)
    assert same["surface"]["key"] == base["surface"]["key"]
    assert other["surface"]["key"] != base["surface"]["key"] or other["surface"] == base["surface"]


def test_test_loss_and_true_line_when_given(line_problem, runs) -> None:
    data = data_of(
        line_problem, runs, test_loss=line_problem.loss, true_coef=[2.0], true_intercept=1.0
    )
    true = trace(data, "fit", "true line")
    assert true["y"] == pytest.approx(2.0 * np.array(true["x"]) + 1.0, rel=1e-4)
    shown = data["runs"][1]
    assert curve(shown, "test")["v"] == pytest.approx(curve(shown)["v"], rel=1e-4)


def test_several_features_and_one_parameter(three_features) -> None:
    runs = [three_features.descend(learning_rate=0.01, epochs=50)]
    data = data_of(three_features, runs, rates=(0.01,), axes=(0, 2))
    assert data["labels"]["params"] == ["w₁ (AIRFLOW)", "w₃ (ACIDCONC)"]
    assert data["labels"]["heldOthers"] and data["labels"]["otherFeatures"]
    one = Problem(three_features.X[:, :1], three_features.y, ["AIRFLOW"], fit_intercept=False)
    curve = data_of(one, [one.descend(learning_rate=0.01, epochs=20)], rates=(0.01,))
    assert not curve["surface"]["plane"] and curve["runs"][0]["path"]["z"] is None


def test_bad_arguments_are_refused(line_problem, runs) -> None:
    with pytest.raises(ValueError, match="one run per rate"):
        data_of(line_problem, runs, rates=RATES[:2])
    with pytest.raises(ValueError, match="feature must be"):
        data_of(line_problem, runs, feature=3)


def test_rounding_keeps_five_digits_and_drops_non_finite() -> None:
    assert rounded([1.234567, np.nan, np.inf, -2.0e-7]) == [1.2346, None, None, -2.0e-7]
    assert rounded([10.123456, 10.987654], span=1.0) == [10.1235, 10.9877]


def test_the_limit_is_said_with_its_formula_and_the_regimes_follow_the_rates(line_problem, runs):
    from core.verdict import Limit

    limit = Limit(0.36, "2/λmax", 0.18, "1/λmax")
    regimes = ["smooth", "smooth", "diverges", "diverges"]
    data = data_of(line_problem, runs, limit=limit, regimes=regimes, rule_name="Plain descent")
    assert data["regimes"] == regimes
    assert data["limit"] == {
        "rate": 0.36,
        "text": "Plain descent is stable below 2/λmax ≈ 0.36, without overshooting up to "
        "1/λmax ≈ 0.18 on these features.",
    }
    unknown = data_of(line_problem, runs, limit=Limit(None, None, None, None), rule_name="Adam")
    assert unknown["limit"]["rate"] is None and "no closed-form limit" in unknown["limit"]["text"]
    with pytest.raises(ValueError, match="one regime per rate"):
        data_of(line_problem, runs, regimes=["smooth"])


def test_a_mini_batch_path_goes_update_by_update(line_problem):
    rates = (0.01, 0.05)
    runs = [line_problem.descend(learning_rate=r, epochs=20, batch_size=8, seed=3) for r in rates]
    data = data_of(line_problem, runs, rates=rates)
    path = data["runs"][1]["path"]
    epochs = np.array(path["e"])
    assert np.any(epochs != np.round(epochs)) and np.all(np.diff(epochs) > 0)
    assert len(epochs) > 21, "more points than epochs: one per update"
    steps = runs[1].steps
    i = int(np.flatnonzero(np.isclose(steps.epoch, epochs[5]))[0])
    assert [path["x"][5], path["y"][5]] == pytest.approx(
        [steps.coef[i, 0], steps.intercept[i]], abs=1e-3
    )


def test_the_log_loss_axis_plots_the_gap_to_the_optimum(line_problem):
    from core import descend

    run = descend(line_problem.X, line_problem.y, learning_rate=0.1, epochs=50)
    data = data_of(line_problem, [run], rates=(0.1,), log_loss=True)
    shown = curve(data["runs"][0])
    gap = run.history.loss[np.array(shown["e"], dtype=int)] - line_problem.fit.loss
    np.testing.assert_allclose(shown["v"], np.maximum(gap, 0), rtol=1e-3, atol=1e-12)
    # The words still give the closed-form loss (the caption read "closed-form loss —").
    assert data["lossOptimum"] == pytest.approx(line_problem.fit.loss, rel=1e-4)
    assert "L − L*" in data["labels"]["loss"]


@pytest.mark.parametrize("l2", [0.0, 0.5])
def test_the_gap_axis_title_fits_beside_its_plot_and_the_heading_says_what_it_is(line_problem, l2):
    """The loss view's plot is 380 − 48 − 100 = 232 px tall: at its 14 px type an axis title
    of more than about 30 characters runs past it, into the heading."""
    from core import QuadraticLoss

    problem = copy.copy(line_problem)
    problem.loss = QuadraticLoss.from_data(problem.X, problem.y, l2=l2)
    run = problem.descend(learning_rate=0.1, epochs=50, l2=l2)
    data = data_of(problem, [run], rates=(0.1,), log_loss=True)
    title = data["views"]["loss"]["layout"]["yaxis"]["title"]["text"]
    assert title.startswith("L − L*") and "MSE" in title and len(title) <= 24, title
    assert ("L2" in title) == (l2 > 0)
    heading = data["runs"][0]["figures"]["loss"]["layout"]["title"]["text"]
    assert heading == "Loss above the optimum L*"


def test_on_the_log_axis_the_words_still_give_the_loss_itself(line_problem):
    """The axis draws L − L*; the loss at each frame and the final loss stay the loss."""
    from core import descend

    run = descend(line_problem.X, line_problem.y, learning_rate=0.1, epochs=50)
    data = data_of(line_problem, [run], rates=(0.1,), log_loss=True)
    (shown,) = data["runs"]
    at = np.array(shown["steps"]["e"], dtype=int)
    np.testing.assert_allclose(shown["steps"]["loss"], run.history.loss[at], rtol=1e-4)
    gap = np.maximum(run.history.loss[at] - line_problem.fit.loss, 0)
    np.testing.assert_allclose(shown["steps"]["drawn"], gap, rtol=1e-3, atol=1e-12)
    assert shown["final"]["loss"] == f"{run.history.loss[-1]:.3g}"
    plain = data_of(line_problem, [run], rates=(0.1,))["runs"][0]["steps"]
    assert plain["drawn"] == plain["loss"] == shown["steps"]["loss"]


def test_the_epoch_counter_has_each_runs_own_epochs_and_the_budget(line_problem):
    """A run stopped by its tolerance counts its own epochs, not the ladder's longest run's."""
    quick = line_problem.descend(learning_rate=0.3, epochs=2000, tol=1e-9)
    slow = line_problem.descend(learning_rate=0.01, epochs=2000, tol=1e-9)
    assert quick.epochs_run < slow.epochs_run
    data = data_of(line_problem, [slow, quick], rates=(0.01, 0.3))
    assert data["frames"][-1] == slow.epochs_run
    assert [run["epochsRun"] for run in data["runs"]] == [slow.epochs_run, quick.epochs_run]
    assert data["budget"] == 2000


def test_with_a_schedule_each_frame_carries_the_rate_its_last_epoch_ran_at(line_problem):
    """Epoch e shows the parameters after e epochs: the last of them ran at η_{e−1}."""
    run = line_problem.descend(
        learning_rate=0.05, epochs=300, schedule="step", schedule_params={"drop": 0.5, "every": 100}
    )
    (shown,) = data_of(line_problem, [run], rates=(0.05,))["runs"]
    at = dict(zip(shown["steps"]["e"], shown["steps"]["rate"], strict=True))
    assert at == {e: 0.05 * 0.5 ** (max(e - 1, 0) // 100) for e in at}
    assert at[0] == 0.05 and at[300] == 0.0125
    plain = line_problem.descend(learning_rate=0.05, epochs=30)
    assert data_of(line_problem, [plain], rates=(0.05,))["runs"][0]["steps"]["rate"] is None


def test_a_long_run_draws_its_kept_epochs_as_a_full_history_would(line_problem):
    """A thinned history (core.History) draws the very states a full one holds there."""
    full = [line_problem.descend(learning_rate=0.01, epochs=5000, max_history_points=10**6)]
    thin = [line_problem.descend(learning_rate=0.01, epochs=5000, max_history_points=400)]
    a, b = data_of(line_problem, full, rates=(0.01,)), data_of(line_problem, thin, rates=(0.01,))
    kept = set(thin[0].history.epoch.tolist())
    (run_a,), (run_b,) = a["runs"], b["runs"]
    assert set(run_b["steps"]["e"]) <= kept and run_b["steps"]["e"][-1] == 5000
    assert {int(e) for e in run_b["path"]["e"]} <= kept
    at = {e: i for i, e in enumerate(run_a["steps"]["e"])}
    for i, e in enumerate(run_b["steps"]["e"]):
        if e in at:
            assert run_b["steps"]["line"][i] == run_a["steps"]["line"][at[e]]
    assert run_b["figures"] == run_a["figures"] and run_b["final"] == run_a["final"]


def test_a_view_keys_the_cache_by_what_it_shows() -> None:
    window = ((0.0, 3.0), (-1.0, 2.0))
    assert PlayerView((0, 1), 0, True, window) == PlayerView((0, 1), 0, True, window)
    assert hash(PlayerView((0, 1), 0, True, window)) == hash(PlayerView((0, 1), 0, True, window))
    assert PlayerView((0, 1), 0, True, window) != PlayerView((0, 1), 0, False, window)
    with pytest.raises(AttributeError):
        PlayerView().feature = 1  # type: ignore[misc]


PIN = Look("Pin 1 · GD η=0.01", "#56B4E9")
BLOWN = Look("Pin 2 · GD η=1.5", "#E69F00")


def pinned(data: dict, view: str) -> list[dict]:
    return [t for t in data["views"][view]["data"] if t.get("uid", "").startswith("pin-")]


@pytest.fixture(scope="module")
def with_pins(line_problem, runs):
    """The ladder with two pins: the slowest rate's run (also on the ladder) and one blown up."""
    return data_of(line_problem, runs, pins=[(PIN, runs[0]), (BLOWN, runs[-1])])


def test_a_pin_is_drawn_whole_in_every_view_with_its_legend_entry(with_pins, data) -> None:
    for view in ("fit", "loss", "surface", "map"):
        drawn = pinned(with_pins, view)
        assert [t["name"] for t in drawn] == [PIN.name, BLOWN.name], view
        assert [t["line"]["color"] for t in drawn] == [PIN.color, BLOWN.color]
        assert all(t["line"]["dash"] == "dashdot" and t["opacity"] < 1 for t in drawn)
        # Nothing of a pin moves: no trace the player restyles is a pin's.
        assert not any(t.get("uid", "").startswith(("path-", "marks", "line")) for t in drawn)
    assert not any(pinned(data, view) for view in ("fit", "loss", "surface", "map"))


def test_pins_are_drawn_under_the_live_run_and_listed_after_the_views_own_entries(
    with_pins, data
) -> None:
    data_views = data
    live = {"fit": "line", "loss": "train", "surface": "path-0", "map": "path-0"}
    for view, uid in live.items():
        data = with_pins["views"][view]["data"]
        order = [t.get("uid", "") for t in data]
        pins = [i for i, name in enumerate(order) if name.startswith("pin-")]
        assert pins and max(pins) < order.index(uid), (view, order)
        ranks = [t.get("legendrank", 1000) for t in data]
        assert min(ranks[i] for i in pins) > max(
            rank for i, rank in enumerate(ranks) if i not in pins
        ), view
        # Listed one to a row at the bottom of a figure grown to hold them, the plot kept.
        layout = with_pins["views"][view]["layout"]
        assert layout["legend"] | {"x": 0} == layout["legend"]
        assert (layout["legend"]["orientation"], layout["legend"]["yref"]) == ("v", "container")
        plain = data_views["views"][view]["layout"]
        grown = layout["height"] - plain["height"]
        assert grown > 0 and layout["margin"]["b"] - plain["margin"]["b"] == grown, view
        # Thinner than the live run's line.
        widths = [data[i]["line"]["width"] for i in pins]
        assert max(widths) < data[order.index(uid)]["line"]["width"], view


def test_a_pinned_path_is_its_own_run_path_on_the_shared_frame(with_pins, data) -> None:
    """The slowest rate went downhill inside the frame: pinned, it is drawn as the ladder
    draws that run's path, and the frame and its view keys stay as they were."""
    own = data["runs"][0]["path"]
    on_map, on_surface = pinned(with_pins, "map")[0], pinned(with_pins, "surface")[0]
    assert (on_map["x"], on_map["y"]) == (own["x"], own["y"])
    assert on_surface["z"] == own["z"]
    assert with_pins["views"]["map"]["layout"]["xaxis"] == data["views"]["map"]["layout"]["xaxis"]
    assert with_pins["surface"]["key"] != data["surface"]["key"]  # the browser draws it anew
    camera = with_pins["views"]["surface"]["layout"]["uirevision"]
    assert camera == data["views"]["surface"]["layout"]["uirevision"]  # a turned camera stays


def test_a_blown_up_pin_stops_where_its_path_leaves_the_frame(with_pins, data, runs) -> None:
    drawn = pinned(with_pins, "map")[1]
    ranges = [with_pins["views"]["map"]["layout"][axis]["range"] for axis in ("xaxis", "yaxis")]
    last = (drawn["x"][-1], drawn["y"][-1])
    assert 2 <= len(drawn["x"]) < runs[-1].diverged_at
    assert any(
        v == pytest.approx(end) for v, span in zip(last, ranges, strict=True) for end in span
    )
    # In the frame of its own the ladder gives that run, the pin is drawn as the run's path.
    own = with_pins["runs"][-1]
    on_own = [t for t in own["frame"]["views"]["map"]["data"] if t.get("uid") == "pin-1"]
    assert (on_own[0]["x"], on_own[0]["y"]) == (own["path"]["x"], own["path"]["y"])
    # Its loss runs off the top: the live run's loss axis is not stretched to hold it.
    for shown, before in zip(with_pins["runs"], data["runs"], strict=True):
        assert loss_range(shown) == loss_range(before)


def test_a_pin_draws_its_final_line_and_its_loss_curve(with_pins, runs, line_problem) -> None:
    run = runs[0]
    w, b = run.history.coef[-1, 0], run.history.intercept[-1]
    x = np.array([line_problem.X.min(), line_problem.X.max()])
    line = pinned(with_pins, "fit")[0]
    assert line["x"] == pytest.approx(x, rel=1e-4)
    assert line["y"] == pytest.approx(w * x + b, rel=1e-4)
    loss = pinned(with_pins, "loss")[0]
    epochs = np.asarray(loss["x"], dtype=int)
    expected = [mse(line_problem, run.history.coef[e, 0], run.history.intercept[e]) for e in epochs]
    assert loss["y"] == pytest.approx(expected, rel=1e-4)
    assert epochs[0] == 0 and epochs[-1] == run.epochs_run
    # The live run's marker stays on top: it is the loss view's last trace.
    assert with_pins["views"]["loss"]["data"][-1]["uid"] == "marks"
    assert with_pins["views"]["fit"]["data"][-1]["uid"] == "line"
