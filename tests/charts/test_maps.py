"""The map and surface frame every example: start, optimum and path in view, filled, readable."""

import numpy as np
import pytest

from charts.ranges import TO_SCALE_LIMIT
from core import QuadraticLoss, descend, ols
from core.advice import opening_rate
from core.data import BUNDLED, PRESETS, bundled, preset
from core.metrics import train_test_split
from core.settings import Settings
from core.stability import stability
from core.sweep import sweep
from tests.charts.test_player_data import data_of
from ui.settings import LEARNING_RATES

CHOICES = [("preset", key) for key in PRESETS] + [("bundled", key) for key in BUNDLED]
EPOCHS = 300


class Opened:
    """A choice of data as the Descent page opens it: training rows, loss, optimum, settings."""

    def __init__(self, source: str, key: str) -> None:
        data = preset(key) if source == "preset" else bundled(key)
        X, y = data.xy()
        run = PRESETS[key].run if source == "preset" else None
        if run is not None:
            X, y, _, _ = run.split(X, y)
            self.settings = run.settings
        else:
            train, _ = train_test_split(len(y), 0.2, 0)
            X, y = X[train], y[train]
            st = stability(X)
            fit = opening_rate(st.raw, "gd", LEARNING_RATES, EPOCHS, standardized=st.standardized)
            self.settings = Settings(
                learning_rate=fit.rate, epochs=EPOCHS, standardize=fit.standardize
            )
        self.X, self.y, self.feature_names = X, y, list(data.features)
        self.loss = QuadraticLoss.from_data(X, y, convention=self.settings.loss)
        self.fit = ols(X, y, loss=self.settings.loss)

    def run(self, rate: float):
        s = self.settings
        return descend(
            self.X,
            self.y,
            learning_rate=rate,
            epochs=min(s.epochs, EPOCHS),
            standardize=s.standardize,
            loss=s.loss,
        )


@pytest.fixture(scope="module", params=CHOICES, ids=[key for _, key in CHOICES])
def opened(request):
    problem = Opened(*request.param)
    rate = problem.settings.learning_rate
    return problem, data_of(problem, [problem.run(rate)], rates=(rate,))


def _frame(body: dict, view: str = "map") -> tuple[list, list]:
    axes = body["views"][view]["layout"]
    if view == "surface":
        axes = axes["scene"]
    return axes["xaxis"]["range"], axes["yaxis"]["range"]


def test_the_map_holds_the_start_the_optimum_and_the_path(opened) -> None:
    _, body = opened
    (x0, x1), (y0, y1) = _frame(body)
    path = body["runs"][0]["path"]
    xs, ys = (
        [*path["x"], body["surface"]["optimum"][0]],
        [*path["y"], body["surface"]["optimum"][1]],
    )
    assert x0 < min(xs) and max(xs) < x1 and y0 < min(ys) and max(ys) < y1
    assert path["e"][-1] == body["runs"][0]["lastFinite"], "the path is whole"
    # What is drawn fills a good part of the frame along both axes, most of its longer one.
    filled = sorted([np.ptp(xs) / (x1 - x0), np.ptp(ys) / (y1 - y0)])
    assert filled[0] > 0.25 and filled[1] > 0.55, filled


def test_contour_lines_cross_the_whole_frame_and_the_surface_has_the_same(opened) -> None:
    _, body = opened
    contour = next(t for t in body["views"]["map"]["data"] if t["type"] == "contour")
    (x0, x1), (y0, y1) = _frame(body)
    assert (contour["x"][0], contour["x"][-1], contour["y"][0], contour["y"][-1]) == (
        x0,
        x1,
        y0,
        y1,
    )
    assert _frame(body, "surface") == _frame(body)


def test_a_map_to_scale_is_square_else_it_says_it_is_not_to_scale(opened) -> None:
    _, body = opened
    layout = body["views"]["map"]["layout"]
    (x0, x1), (y0, y1) = _frame(body)
    ratio = max(x1 - x0, y1 - y0) / min(x1 - x0, y1 - y0)
    notes = [note["text"] for note in layout.get("annotations", [])]
    if layout["yaxis"].get("scaleanchor") == "x":
        # Plotly shrinks the plot to the grid's shape: no empty band beside it.
        assert ratio <= TO_SCALE_LIMIT
        assert layout["xaxis"]["constrain"] == layout["yaxis"]["constrain"] == "domain"
        assert not notes
    else:
        assert ratio > TO_SCALE_LIMIT
        assert len(notes) == 1 and notes[0].startswith("Axes not to scale")
        assert f"{ratio:.3g}×" in notes[0]


def test_badly_conditioned_raw_data_is_not_drawn_as_a_band() -> None:
    engel = Opened("bundled", "engel")
    rate = engel.settings.learning_rate
    body = data_of(engel, [engel.run(rate)], rates=(rate,))
    assert "scaleanchor" not in body["views"]["map"]["layout"]["yaxis"]


def test_a_run_that_blows_up_is_drawn_in_a_frame_holding_its_first_escaping_steps() -> None:
    """Clear bowl at η 1.2: in the shared frame the path left after one step; in its own
    frame it zig-zags across the optimum, each swing longer, then leaves with an arrow."""
    bowl = Opened("preset", "clear_bowl")
    rates = (0.05, 1.2)
    with pytest.warns(Warning, match="diverged"):
        runs = [bowl.run(rate) for rate in rates]
    body = data_of(bowl, runs, rates=rates)
    calm, wild = body["runs"]
    assert calm["frame"] is None and calm["path"]["exit"] is None
    assert calm["steps"]["at"][-1] == pytest.approx([calm["path"]["x"][-1], calm["path"]["y"][-1]])
    own = {"views": wild["frame"]["views"]}
    (x0, x1), (y0, y1) = _frame(own)
    assert _frame(own, "surface") == _frame(own)
    contour = next(t for t in own["views"]["map"]["data"] if t["type"] == "contour")
    assert [contour["x"][0], contour["x"][-1], contour["y"][0], contour["y"][-1]] == [
        x0,
        x1,
        y0,
        y1,
    ]
    out = wild["path"]["exit"]
    assert out["i"] >= 6, out
    # The path drawn is the run's own parameters, epoch by epoch, up to where it leaves.
    h, opt_b = runs[1].history, body["surface"]["optimum"][1]
    drawn = np.array([wild["path"]["x"][: out["i"]], wild["path"]["y"][: out["i"]]]).T
    # (rounded to five digits of the frame's span)
    expected = np.array([h.coef[: out["i"], 0], h.intercept[: out["i"]]]).T
    assert drawn == pytest.approx(expected, abs=1e-3)
    ox, oy = body["surface"]["optimum"]
    assert x0 < ox < x1 and y0 < oy < y1
    # A zig-zag: each step crosses the optimum's b and lands farther from it than the last.
    off = h.intercept[1 : out["i"]] - opt_b
    assert np.all(np.sign(off[1:]) == -np.sign(off[:-1])) and np.all(np.diff(abs(off)) > 0)
    # The exit is on the frame's edge, the way the run went; its last place is off the map.
    ex, ey = wild["path"]["x"][out["i"]], wild["path"]["y"][out["i"]]
    assert x0 <= ex <= x1 and y0 <= ey <= y1 and (ex in (x0, x1) or ey in (y0, y1))
    assert out["heading"] == "smaller w (x) and smaller b (intercept)"
    assert h.intercept[out["i"]] < y0 and h.coef[out["i"], 0] < drawn[-1, 0]
    w, b = wild["steps"]["at"][-1]
    assert wild["steps"]["e"][-1] == wild["lastFinite"] == 22
    assert [w, b] == pytest.approx([runs[1].coef[0], runs[1].intercept], rel=1e-4)
    assert not (x0 <= w <= x1 and y0 <= b <= y1)


def test_a_step_schedules_swing_out_does_not_widen_the_frame_every_rate_shares() -> None:
    """Step decay at η₀ = 1 on the clear bowl climbs to twice its starting loss before the
    step halves it; the frame the other rates share stays theirs (it was 2.4× wider, its
    near wall hiding η₀ = 0.05's path in 3D), and the swing is drawn in a frame of its own."""
    bowl = Opened("preset", "clear_bowl")
    rates = (0.05, 0.5, 1.0)
    bodies = {}
    for schedule in ("constant", "step"):
        runs = sweep(bowl.X, bowl.y, rates, Settings(epochs=300, schedule=schedule))
        bodies[schedule] = data_of(bowl, runs, rates=rates)
    step = bodies["step"]
    swing = step["runs"][-1]
    assert (
        swing["stop"] == "max_epochs"
        and max(swing["steps"]["loss"]) > 2 * swing["steps"]["loss"][0]
    )
    assert _frame(step) == _frame(bodies["constant"])
    assert [run["frame"] is None for run in step["runs"]] == [True, True, False]
    (x0, x1), (y0, y1) = _frame({"views": swing["frame"]["views"]})
    path = swing["path"]
    assert path["exit"] is None and path["e"][-1] == 300
    assert x0 <= min(path["x"]) and max(path["x"]) <= x1
    assert y0 <= min(path["y"]) and max(path["y"]) <= y1
