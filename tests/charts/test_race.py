"""The Compare page's race: runs of different lengths on one landscape, moved by one slider."""

import numpy as np
import pytest

from charts.labels import parameter_names
from charts.landscape import LEVELS
from charts.race import race_figure
from charts.sampling import frame_epochs
from charts.style import RUN_COLORS
from tests.charts.conftest import Problem
from tests.charts.helpers import assert_all_finite, decode, frame_trace, layout_of, named

#: Index of the first moving trace: surface, its optimum, contour, bands, optimum,
#: three loss curves and the closed-form loss come before.
FIRST = 8 + LEVELS


@pytest.fixture(scope="module")
def runs(line_problem):
    return [
        ("GD", line_problem.descend(learning_rate=0.1, epochs=300)),
        ("momentum", line_problem.descend(optimizer="momentum", learning_rate=0.05, epochs=120)),
        ("adam", line_problem.descend(optimizer="adam", learning_rate=0.2, epochs=400, tol=1e-9)),
    ]


@pytest.fixture(scope="module")
def fig(line_problem, runs):
    names = parameter_names(line_problem.feature_names, True)
    return race_figure(runs, line_problem.fit, line_problem.loss, param_names=names)


def test_traces_per_pane_in_order(fig):
    assert layout_of(fig) == [
        ("surface", "scene"),
        ("scatter3d", "scene"),  # optimum
        ("contour", "x"),  # invisible, answers hover
        *[("scatter", "x")] * LEVELS,  # filled level sets
        ("scatter", "x"),  # optimum
        ("scatter", "x2"),  # loss curves, one per run
        ("scatter", "x2"),
        ("scatter", "x2"),
        ("scatter", "x2"),  # closed-form loss
        *[("scatter3d", "scene"), ("scatter", "x")] * 3,  # moving paths, per run
        ("scatter", "x2"),  # moving loss markers
    ]
    assert all(list(frame.traces) == list(range(FIRST, FIRST + 7)) for frame in fig.frames)


def test_each_run_keeps_its_colour_and_label_everywhere(fig, runs):
    for k, (label, _) in enumerate(runs):
        indices = named(fig, label)
        assert len(indices) == 3  # loss curve, 3D path, contour path
        colors = {fig.data[i].line.color for i in indices}
        assert colors == {RUN_COLORS[k]}
        assert [fig.data[i].showlegend for i in indices].count(False) == 2
    assert list(fig.data[FIRST + 6].marker.color) == list(RUN_COLORS[:3])


def test_frames_are_shared_epochs_up_to_the_longest_run(fig, runs):
    longest = max(run.epochs_run for _, run in runs)
    assert [frame.name for frame in fig.frames] == [str(e) for e in frame_epochs(longest, 60)]
    assert fig.layout.sliders[0].active == len(fig.frames) - 1


def test_runs_that_stopped_early_stay_at_their_last_point(fig, runs):
    ends = np.array([run.epochs_run for _, run in runs])
    assert len(set(ends)) == 3
    for k, frame in enumerate(fig.frames):
        epoch = int(frame.name)
        markers = frame_trace(fig, k, FIRST + 6)
        np.testing.assert_array_equal(markers["x"], np.minimum(epoch, ends))
        for r, (_, run) in enumerate(runs):
            shown = min(epoch, run.epochs_run)
            path = frame_trace(fig, k, FIRST + 1 + 2 * r)
            np.testing.assert_allclose(
                [path["x"][-1], path["y"][-1]],
                [run.history.coef[shown, 0], run.history.intercept[shown]],
                rtol=1e-5,
                atol=1e-6,
            )
    # The initial view is the end of the race.
    for index in range(FIRST, FIRST + 7):
        np.testing.assert_array_equal(decode(fig.data[index].x), frame_trace(fig, -1, index)["x"])


def test_optimum_and_axis_titles(fig, line_problem):
    fit = line_problem.fit
    for index in named(fig, "optimum"):
        np.testing.assert_allclose(
            [fig.data[index].x[0], fig.data[index].y[0]], [fit.coef[0], fit.intercept]
        )
    assert fig.layout.xaxis.title.text == "w (income)"
    assert fig.layout.yaxis.title.text == "b (intercept)"
    assert fig.layout.xaxis2.title.text == "epoch"
    (reference,) = named(fig, "closed-form loss")
    assert set(fig.data[reference].y) == {fit.loss}


def test_log_axis_and_finite_values(line_problem, runs, fig):
    assert_all_finite(fig)
    names = parameter_names(["income"], True)
    logged = race_figure(
        runs, line_problem.fit, line_problem.loss, param_names=names, log_loss=True
    )
    assert logged.layout.yaxis2.type == "log"


def test_a_diverged_run_does_not_flatten_the_others(line_problem, runs):
    blown = line_problem.descend(learning_rate=5.0, epochs=100)
    names = parameter_names(["income"], True)
    fig = race_figure(
        [*runs[:1], ("too fast", blown)], line_problem.fit, line_problem.loss, param_names=names
    )
    assert_all_finite(fig)
    assert fig.layout.yaxis2.range[1] <= 10.5 * runs[0][1].history.loss[0]
    assert named(fig, f"too fast · diverged at epoch {blown.diverged_at}")


def test_one_parameter_race_uses_the_loss_curve(line_problem):
    problem = Problem(line_problem.X, line_problem.y, ["income"], fit_intercept=False)
    runs = [
        ("a", problem.descend(learning_rate=0.1, epochs=30)),
        ("b", problem.descend(learning_rate=0.3, epochs=10)),
    ]
    fig = race_figure(runs, problem.fit, problem.loss, param_names=["w (income)"])
    assert_all_finite(fig)
    assert [t.type for t in fig.data] == ["scatter"] * len(fig.data)
    assert fig.layout.yaxis.title.text == "loss (MSE)"
    assert len(fig.frames[0].traces) == 3


def test_bad_arguments_are_refused(line_problem, runs):
    names = parameter_names(["income"], True)
    with pytest.raises(ValueError, match="1 to 6 runs"):
        race_figure(runs * 3, line_problem.fit, line_problem.loss, param_names=names)
    with pytest.raises(ValueError, match="param_names"):
        race_figure(runs, line_problem.fit, line_problem.loss, param_names=names[:1])
