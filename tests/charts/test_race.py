"""The Compare page's race data: every run on one surface, moved by one epoch scrubber."""

import itertools
import json

import numpy as np
import pytest

from charts.labels import parameter_names
from charts.race import STILL_CHANGING, race_data
from charts.style import RUN_COLORS
from tests.charts.conftest import Problem


def data_of(problem: Problem, runs, **options) -> dict:
    names = parameter_names(problem.feature_names, problem.fit_intercept)
    out = race_data(runs, problem.fit, problem.loss, param_names=names, **options)
    # What the browser gets: strict JSON, so NaN or infinity anywhere fails here.
    return json.loads(json.dumps(out, allow_nan=False))


def curve(data: dict, i: int) -> dict:
    """Run ``i``'s loss curve as the loss view draws it."""
    (drawn,) = [t for t in data["views"]["loss"]["data"] if t.get("uid") == f"curve-{i}"]
    return {"e": drawn["x"], "v": drawn["y"], "width": drawn["line"]["width"]}


def mse(problem: Problem, w: float, b: float) -> float:
    """The tutorial's loss written out: mean squared residual of ``y`` against ``w x + b``."""
    return float(np.mean((problem.y - (w * problem.X[:, 0] + b)) ** 2))


@pytest.fixture(scope="module")
def runs(line_problem):
    return [
        ("1. GD", line_problem.descend(learning_rate=0.1, epochs=300)),
        ("2. Momentum", line_problem.descend(optimizer="momentum", learning_rate=0.05, epochs=300)),
        ("3. GD stochastic", line_problem.descend(learning_rate=0.01, epochs=300, batch_size=1)),
        ("4. GD η=1.5", line_problem.diverge(learning_rate=1.5, epochs=300)),  # limit ≈ 0.36
    ]


@pytest.fixture(scope="module")
def data(line_problem, runs):
    return data_of(line_problem, runs)


def test_each_run_has_its_name_colour_and_stop(data, runs):
    assert [r["name"] for r in data["runs"]] == [name for name, _ in runs]
    paths = [t for t in data["views"]["map"]["data"] if t.get("uid", "").startswith("path-")]
    assert [t["line"]["color"] for t in paths] == list(RUN_COLORS[:4])
    assert [r["stop"] for r in data["runs"]] == [run.stop_reason for _, run in runs]
    diverged = data["runs"][3]
    assert diverged["stop"] == "diverged" and diverged["divergedAt"] == runs[3][1].diverged_at
    assert data["mode"] == "race"


def test_one_scrubber_moves_every_run_and_a_stopped_run_stays_at_its_end(data, runs, line_problem):
    frames = data["frames"]
    assert frames[0] == 0 and frames[-1] == max(run.epochs_run for _, run in runs)
    for shown in data["runs"]:
        last = shown["lastFinite"]
        assert shown["steps"]["e"] == sorted({min(f, last) for f in frames})
    gd = data["runs"][0]
    for epoch, loss in zip(gd["steps"]["e"], gd["steps"]["loss"], strict=True):
        w, b = runs[0][1].history.coef[epoch, 0], runs[0][1].history.intercept[epoch]
        assert loss == pytest.approx(mse(line_problem, w, b), rel=1e-4)


def test_a_stochastic_run_is_drawn_update_by_update_so_its_noise_shows(data, runs):
    stochastic = data["runs"][2]
    assert stochastic["perUpdate"] and not data["runs"][0]["perUpdate"]
    epochs = np.array(stochastic["path"]["e"])
    assert np.any(epochs != np.round(epochs)), "points between epochs: one per update"
    assert np.all(np.diff(epochs) >= 0)
    losses = np.array(curve(data, 2)["v"])
    late = losses[np.array(curve(data, 2)["e"]) > 5]
    assert np.sum(np.diff(late) > 0) > 0.2 * late.size, "single-row updates make the loss jitter"
    assert curve(data, 2)["width"] < curve(data, 0)["width"]
    gd = np.array(curve(data, 0)["v"])
    assert np.all(np.diff(gd) <= 1e-12 * gd[0]), "full batch at a stable rate only goes down"


def test_the_epoch_axis_frames_where_the_runs_still_change(data, runs):
    start, end = data["views"]["loss"]["layout"]["xaxis"]["range"]
    assert start == 0 and end < 300, "runs that settle early are not pressed to the left edge"
    # Reference: the slowest converging run's loss is within 1% of its change of its end
    # from some epoch on; the axis reaches past that epoch.
    settled = []
    for _, run in runs[:3]:
        losses = run.history.loss
        change = np.abs(losses - losses[-1])
        settled.append(max(e for e in range(len(losses)) if change[e] > STILL_CHANGING * change[0]))
    assert end >= max(settled)
    assert end <= 1.2 * max(settled) + 10


def test_log_loss_shows_the_gap_to_the_optimum(line_problem, runs):
    data = data_of(line_problem, runs[:2], log_loss=True)
    gd = data["runs"][0]
    steps = gd["steps"]
    for epoch, gap, loss in zip(steps["e"][:5], steps["drawn"][:5], steps["loss"][:5], strict=True):
        w, b = runs[0][1].history.coef[epoch, 0], runs[0][1].history.intercept[epoch]
        optimum = mse(line_problem, line_problem.fit.coef[0], line_problem.fit.intercept)
        assert gap == pytest.approx(mse(line_problem, w, b) - optimum, rel=1e-3)
        assert loss == pytest.approx(mse(line_problem, w, b), rel=1e-4), "words say the loss"
    assert all(v > 0 for i in range(2) for v in curve(data, i)["v"])
    assert "L − L*" in data["labels"]["loss"] and data["labels"]["logLoss"]
    low, high = data["views"]["loss"]["layout"]["yaxis"]["range"]
    assert 10**low < min(curve(data, 0)["v"]) and 10**high > max(curve(data, 0)["v"])


def test_the_surface_defaults_to_the_most_elongated_pair(three_features):
    X = np.column_stack([three_features.X, np.ones(len(three_features.y))])
    H = 2 * X.T @ X / len(X)  # the MSE's Hessian, written out
    names = parameter_names(three_features.feature_names, True)

    def condition(pair):
        eig = np.linalg.eigvalsh(H[np.ix_(pair, pair)])
        return eig[-1] / eig[0]

    expected = max(itertools.combinations(range(4), 2), key=condition)
    run = three_features.descend(learning_rate=0.01, epochs=50)
    data = data_of(three_features, [("GD", run)])
    assert data["labels"]["params"] == [names[i] for i in expected]
    assert data["labels"]["heldOthers"]


def test_a_diverged_run_is_cut_at_its_last_finite_epoch(data, runs):
    shown = data["runs"][3]
    last = shown["lastFinite"]
    assert np.isfinite(runs[3][1].history.loss[last])
    assert max(shown["path"]["e"]) <= last and max(curve(data, 3)["e"]) <= last
    top = data["views"]["loss"]["layout"]["yaxis"]["range"][1]
    assert top < 1e3 * runs[0][1].history.loss[0], "the blow-up does not flatten the others"


def test_runs_are_one_to_six(line_problem, runs):
    with pytest.raises(ValueError, match="1 to 6 runs"):
        data_of(line_problem, [])
    with pytest.raises(ValueError, match="1 to 6 runs"):
        data_of(line_problem, runs * 2)


def test_on_a_log_axis_a_run_still_gaining_digits_is_still_changing(line_problem, runs):
    def end(data: dict) -> int:
        return data["views"]["loss"]["layout"]["xaxis"]["range"][1]

    linear = end(data_of(line_problem, runs[:1]))
    logged = end(data_of(line_problem, runs[:1], log_loss=True))
    run = runs[0][1]
    optimum = mse(line_problem, line_problem.fit.coef[0], line_problem.fit.intercept)
    gaps = np.array(
        [mse(line_problem, w, b) - optimum for w, b in zip(run.history.coef[:, 0],
                                                           run.history.intercept, strict=True)]
    )  # fmt: skip
    digits = np.log10(np.maximum(gaps, 1e-14 * gaps[0]))
    gaining = max(e for e in range(len(digits)) if digits[e] - digits[-1] > 0.1)
    assert logged >= gaining > linear
