"""The Descent page's playback figure, read back through fig.data, fig.layout and fig.frames."""

import itertools
import json

import numpy as np
import pytest

from charts.landscape import LEVELS
from charts.playback import playback_figure
from charts.sampling import frame_epochs
from tests.charts.conftest import Problem
from tests.charts.helpers import assert_all_finite, decode, frame_trace, layout_of, named

PLANE_LAYOUT = [
    ("scatter", "x"),  # data
    ("scatter", "x"),  # closed-form line
    ("scatter", "x2"),  # train loss
    ("scatter", "x2"),  # closed-form loss
    ("surface", "scene"),
    ("scatter3d", "scene"),  # optimum
    ("contour", "x3"),  # invisible, answers hover
    *[("scatter", "x3")] * LEVELS,  # filled level sets
    ("scatter", "x3"),  # optimum
    ("scatter", "x"),  # moving: model line
    ("scatter", "x2"),  # moving: loss marker
    ("scatter3d", "scene"),  # moving: path on the surface
    ("scatter", "x3"),  # moving: path on the contour
]
SURFACE, CONTOUR = 4, 6
LINE, MARKER, SURFACE_PATH, MAP_PATH = MOVING = list(
    range(len(PLANE_LAYOUT) - 4, len(PLANE_LAYOUT))
)


def figure(problem: Problem, run, **options):
    return playback_figure(
        run,
        problem.fit,
        problem.loss,
        problem.X,
        problem.y,
        feature_names=problem.feature_names,
        target_name="foodexp",
        **options,
    )


@pytest.fixture(scope="module")
def run(line_problem):
    return line_problem.descend(learning_rate=0.1, epochs=300)


@pytest.fixture(scope="module")
def fig(line_problem, run):
    return figure(line_problem, run)


def theta_of(run, epoch):
    return np.append(run.history.coef[epoch], run.history.intercept[epoch])


def test_panes_hold_the_expected_traces_in_order(fig):
    assert layout_of(fig) == PLANE_LAYOUT
    assert fig.layout.scene.domain.x[1] <= 0.5 < fig.layout.xaxis3.domain[0]


def test_contour_bands_are_level_sets_that_survive_playback(fig, line_problem):
    # Plotly drops contour traces while frames play, so the bands are filled scatters
    # and the contour trace only answers hover.
    assert fig.data[CONTOUR].opacity == 0
    bands = fig.data[CONTOUR + 1 : CONTOUR + 1 + LEVELS]
    assert all(band.fill == "toself" and band.hoverinfo == "skip" for band in bands)
    levels = [float(band.name.split()[-1]) for band in bands]
    assert levels == sorted(levels, reverse=True)  # outermost first, drawn beneath
    assert len({band.fillcolor for band in bands}) == LEVELS
    for band in bands[::5]:
        on_curve = line_problem.loss.value(np.column_stack([band.x, band.y]).astype(np.float64))
        assert np.ptp(on_curve) < 1e-4 * on_curve.mean()  # a curve of equal loss...
        assert on_curve.mean() == pytest.approx(float(band.name.split()[-1]), rel=5e-3)


def test_frames_sample_epochs_evenly_with_first_and_last(fig, run):
    names = [frame.name for frame in fig.frames]
    assert names == [str(e) for e in frame_epochs(run.epochs_run, 60)]
    assert len(names) == 60 and names[0] == "0" and names[-1] == str(run.epochs_run)


def test_frames_update_only_the_moving_traces(fig):
    for frame in fig.frames:
        assert list(frame.traces) == MOVING
        assert [trace.type for trace in frame.data] == [fig.data[i].type for i in MOVING]
    names = [fig.data[i].name for i in MOVING]
    assert names == ["gradient descent", "shown epoch", "gradient descent", "gradient descent"]


def test_initial_data_is_the_finished_run(fig):
    for index in MOVING:
        last = frame_trace(fig, -1, index)
        shown = fig.data[index]
        for axis in ("x", "y", "z"):
            if axis in last:
                np.testing.assert_array_equal(decode(shown[axis]), last[axis])


def test_each_frame_shows_the_run_at_its_epoch(fig, run, line_problem):
    X = line_problem.X
    for k, frame in enumerate(fig.frames):
        epoch = int(frame.name)
        theta = theta_of(run, epoch)
        line = frame_trace(fig, k, LINE)
        np.testing.assert_allclose(line["y"], theta[0] * line["x"] + theta[1])
        np.testing.assert_allclose(line["x"], [X.min(), X.max()])
        marker = frame_trace(fig, k, MARKER)
        assert marker["x"].tolist() == [epoch]
        assert marker["y"][0] == run.history.loss[epoch]
        contour_path = frame_trace(fig, k, MAP_PATH)
        np.testing.assert_allclose(
            [contour_path["x"][-1], contour_path["y"][-1]], theta, rtol=1e-5, atol=1e-6
        )
        surface_path = frame_trace(fig, k, SURFACE_PATH)
        assert surface_path["x"].size == contour_path["x"].size
        # The shown epoch is drawn larger than the points behind it.
        sizes = contour_path["marker"]["size"]
        assert sizes[-1] > sizes[0] or sizes.size == 1


def test_paths_grow_frame_by_frame(fig):
    sizes = [frame_trace(fig, k, MAP_PATH)["x"].size for k in range(len(fig.frames))]
    assert sizes[0] == 1
    assert all(a < b for a, b in itertools.pairwise(sizes))
    # Early epochs are all drawn, so oscillations are not aliased away.
    assert sizes[-1] >= 60 + 20 - 5


def test_slider_scrubs_every_frame_and_starts_at_the_end(fig):
    (slider,) = fig.layout.sliders
    assert [step.label for step in slider.steps] == [f"epoch {f.name}" for f in fig.frames]
    assert [list(step.args[0]) for step in slider.steps] == [[f.name] for f in fig.frames]
    assert slider.active == len(fig.frames) - 1


def test_play_fast_and_pause_buttons(fig):
    (menu,) = fig.layout.updatemenus
    labels = [button.label for button in menu.buttons]
    assert any("Play" in label for label in labels) and any("Pause" in label for label in labels)
    assert len(labels) == 3
    play, fast, pause = menu.buttons
    assert play.args[0] is None and play.args[1]["fromcurrent"]
    assert fast.args[1]["frame"]["duration"] < play.args[1]["frame"]["duration"]
    assert list(pause.args[0]) == [None]


def test_axis_titles_name_features_target_and_parameters(fig):
    layout = fig.layout
    assert layout.xaxis.title.text == "income" and layout.yaxis.title.text == "foodexp"
    assert layout.xaxis2.title.text == "epoch" and layout.yaxis2.title.text == "loss (MSE)"
    assert layout.xaxis3.title.text == "w (income)"
    assert layout.yaxis3.title.text == "b (intercept)"
    assert layout.scene.xaxis.title.text == "w (income)"
    assert layout.scene.yaxis.title.text == "b (intercept)"
    assert layout.scene.zaxis.title.text == "loss (MSE)"


def test_closed_form_loss_is_a_dashed_reference(fig, line_problem):
    (index,) = named(fig, "closed-form loss")
    reference = fig.data[index]
    assert reference.line.dash == "dash"
    assert set(reference.y) == {line_problem.fit.loss}


def test_closed_form_line_dashed_and_true_line_dotted(line_problem, run):
    fig = figure(line_problem, run, true_coef=[2.0], true_intercept=1.0)
    (closed,) = named(fig, "closed form")
    (true,) = named(fig, "true line")
    assert fig.data[closed].line.dash == "dash" and fig.data[true].line.dash == "dot"
    np.testing.assert_allclose(fig.data[true].y, 2.0 * fig.data[true].x + 1.0)
    fit = line_problem.fit
    np.testing.assert_allclose(fig.data[closed].y, fit.coef[0] * fig.data[closed].x + fit.intercept)
    # Optional traces come before the moving ones, which stay last.
    assert list(fig.frames[0].traces) == [i + 1 for i in MOVING]
    assert fig.data[MOVING[-1] + 1].name == "gradient descent"


def test_optimum_marked_at_the_closed_form(fig, line_problem):
    fit = line_problem.fit
    optima = [fig.data[i] for i in named(fig, "optimum")]
    assert [trace.type for trace in optima] == ["scatter3d", "scatter"]
    for trace in optima:
        np.testing.assert_allclose([trace.x[0], trace.y[0]], [fit.coef[0], fit.intercept])
    assert optima[0].z[0] == pytest.approx(fit.loss, abs=0.02 * np.ptp(fig.data[SURFACE].z))


def test_grid_covers_start_optimum_and_fixes_the_ranges(fig, line_problem):
    fit = line_problem.fit
    contour = fig.data[CONTOUR]
    for value, grid in ((0.0, contour.x), (fit.coef[0], contour.x), (fit.intercept, contour.y)):
        assert grid[0] < value < grid[-1]
    assert list(fig.layout.xaxis3.range) == [contour.x[0], contour.x[-1]]
    assert list(fig.layout.scene.yaxis.range) == [contour.y[0], contour.y[-1]]
    # The contour's hover shows the loss; its colours follow √(loss − min).
    surface = decode(fig.data[SURFACE].z)
    np.testing.assert_allclose(decode(contour.customdata), surface, rtol=1e-6)
    np.testing.assert_allclose(
        decode(contour.z), np.sqrt(surface - surface.min()), rtol=1e-5, atol=1e-6
    )


def test_log_loss_axis(line_problem, run, fig):
    assert fig.layout.yaxis2.type == "linear"
    assert figure(line_problem, run, log_loss=True).layout.yaxis2.type == "log"


def test_test_loss_drawn_when_given(line_problem, run):
    test_loss = run.history.loss * 1.1
    fig = figure(line_problem, run, test_loss=test_loss)
    (index,) = named(fig, "test loss")
    np.testing.assert_allclose(fig.data[index].y, test_loss[fig.data[index].x.astype(int)])


def test_everything_is_finite(fig):
    assert_all_finite(fig)


def test_diverged_run_stays_finite_and_readable(line_problem):
    run = line_problem.descend(learning_rate=5.0, epochs=300)
    assert run.diverged and run.history.loss[-1] > 1e6 * run.history.loss[0]
    fig = figure(line_problem, run)
    assert_all_finite(fig)
    fit = line_problem.fit
    # The grid is sized by the bowl, not by the blown-up parameters.
    u, v = fig.data[CONTOUR].x, fig.data[CONTOUR].y
    assert u[-1] - u[0] < 10 * max(abs(fit.coef[0]), 1)
    assert v[-1] - v[0] < 10 * max(fit.intercept, 1)
    # The path is cut where it leaves the grid, so it cannot stretch the 3D axes.
    path = frame_trace(fig, -1, MAP_PATH)
    for values, grid in ((path["x"], u), (path["y"], v)):
        slack = 1e-5 * (grid[-1] - grid[0])  # paths are sent in single precision
        assert np.all((values >= grid[0] - slack) & (values <= grid[-1] + slack))
    assert path["x"].size < run.epochs_run + 1
    surface_path = frame_trace(fig, -1, SURFACE_PATH)
    assert surface_path["z"].max() <= fig.layout.scene.zaxis.range[1]
    # The data keep their scale; the loss axis shows the start, not the explosion.
    assert fig.layout.yaxis.range[1] < 2 * line_problem.y.max()
    assert fig.layout.yaxis2.range[1] <= 10.5 * run.history.loss[0]
    assert "diverged at epoch" in fig.layout.annotations[1].text


def test_mini_batch_run_adds_the_per_step_path(line_problem, fig):
    run = line_problem.descend(learning_rate=0.05, epochs=40, batch_size=16)
    mini = figure(line_problem, run)
    (index,) = named(mini, "mini-batch steps")
    steps = mini.data[index]
    assert index == MOVING[0] and steps.xaxis == "x3" and steps.line.width <= 1.5
    assert steps.x.size > run.epochs_run + 1
    np.testing.assert_allclose(steps.x, run.steps.coef[: steps.x.size, 0], rtol=1e-12)
    assert not named(fig, "mini-batch steps")
    assert_all_finite(mini)


def test_rows_are_thinned_with_a_note(line_problem, run):
    fig = figure(line_problem, run, max_points=50)
    data = fig.data[0]
    assert data.x.size == 50 and "showing 50 of 200 rows" in data.name
    assert set(data.x) <= set(line_problem.X[:, 0])
    again = figure(line_problem, run, max_points=50)
    np.testing.assert_array_equal(again.data[0].x, data.x)
    assert "showing" not in figure(line_problem, run).data[0].name


def test_few_epochs_give_a_frame_each(line_problem):
    run = line_problem.descend(learning_rate=0.1, epochs=5)
    fig = figure(line_problem, run, max_frames=60)
    assert [frame.name for frame in fig.frames] == ["0", "1", "2", "3", "4", "5"]


def test_three_features_with_a_chosen_feature(three_features):
    problem = three_features
    run = problem.descend(learning_rate=0.05, epochs=200, standardize=True)
    fig = figure(problem, run, feature=1)
    assert_all_finite(fig)
    assert fig.layout.xaxis.title.text == "WATERTEMP"
    assert fig.layout.xaxis3.title.text == "w₂ (WATERTEMP)"
    assert fig.layout.yaxis3.title.text == "b (intercept)"
    np.testing.assert_allclose(fig.data[0].x, problem.X[:, 1])
    # The model line is drawn along the feature with the others at their means.
    means = problem.X.mean(axis=0)
    line = frame_trace(fig, -1, LINE)
    at_ends = np.tile(means, (2, 1))
    at_ends[:, 1] = line["x"]
    np.testing.assert_allclose(line["y"], at_ends @ run.coef + run.intercept)
    assert "others at the optimum" in fig.layout.annotations[3].text
    chosen = figure(problem, run, axes=(0, 2))
    assert chosen.layout.xaxis3.title.text == "w₁ (AIRFLOW)"
    assert chosen.layout.yaxis3.title.text == "w₃ (ACIDCONC)"


def test_without_intercept_two_weights_are_shown(three_features):
    problem = Problem(three_features.X, three_features.y, three_features.feature_names, False)
    run = problem.descend(learning_rate=0.01, epochs=100)
    fig = figure(problem, run)
    assert layout_of(fig) == PLANE_LAYOUT
    assert fig.layout.xaxis3.title.text == "w₁ (AIRFLOW)"
    assert fig.layout.yaxis3.title.text == "w₂ (WATERTEMP)"
    assert_all_finite(fig)


def test_one_weight_without_intercept_shows_the_loss_curve(line_problem):
    problem = Problem(line_problem.X, line_problem.y, ["income"], fit_intercept=False)
    run = problem.descend(learning_rate=0.1, epochs=80)
    fig = figure(problem, run)
    assert_all_finite(fig)
    assert layout_of(fig) == [
        ("scatter", "x"),
        ("scatter", "x"),
        ("scatter", "x2"),
        ("scatter", "x2"),
        ("scatter", "x3"),  # the loss along w
        ("scatter", "x3"),  # optimum
        ("scatter", "x"),
        ("scatter", "x2"),
        ("scatter", "x3"),  # moving: the path on the curve
    ]
    assert list(fig.frames[0].traces) == [6, 7, 8]
    assert fig.layout.xaxis3.title.text == "w (income)"
    assert fig.layout.yaxis3.title.text == "loss (MSE)"
    assert fig.layout.xaxis3.domain[1] - fig.layout.xaxis3.domain[0] > 0.9
    curve = fig.data[4]
    np.testing.assert_allclose(curve.y, problem.loss.value(curve.x[:, None]))
    path = frame_trace(fig, -1, 8)
    np.testing.assert_allclose(path["y"], problem.loss.value(path["x"][:, None]), rtol=1e-5)
    np.testing.assert_allclose(path["x"][-1], run.coef[0], rtol=1e-6)
    optimum = fig.data[5]
    assert optimum.x[0] == pytest.approx(problem.fit.coef[0])


def test_camera_and_zoom_survive_reruns(fig):
    assert fig.layout.uirevision and fig.layout.scene.uirevision == fig.layout.uirevision


def test_bad_arguments_are_refused(line_problem, run):
    with pytest.raises(ValueError, match="feature must be"):
        figure(line_problem, run, feature=1)
    with pytest.raises(ValueError, match="axes must be"):
        figure(line_problem, run, axes=(0, 0))
    with pytest.raises(ValueError, match="max_frames"):
        figure(line_problem, run, max_frames=1)


def test_large_problem_stays_small():
    rng = np.random.default_rng(3)
    X = rng.uniform(0, 100, (100_000, 1))
    y = 0.5 * X[:, 0] + 20 + rng.normal(0, 5, 100_000)
    problem = Problem(X, y, ["income"])
    run = problem.descend(learning_rate=0.5, epochs=1000, standardize=True)
    assert run.epochs_run == 1000
    fig = figure(problem, run, test_loss=run.history.loss, true_coef=[0.5], true_intercept=20)
    assert len(fig.frames) == 60
    assert len(fig.to_json()) < 2_000_000
    assert fig.data[0].x.size == 2000 and "showing 2,000 of 100,000 rows" in fig.data[0].name
    json.loads(fig.to_json())


def test_a_flat_direction_still_draws_bounded_bands(line_problem):
    # Two copies of one column: the loss is flat along w₁ − w₂, its level sets unbounded.
    X = np.column_stack([line_problem.X[:, 0], line_problem.X[:, 0]])
    problem = Problem(X, line_problem.y, ["a", "a copy"], fit_intercept=False)
    assert problem.fit.rank == 1
    fig = figure(problem, problem.descend(learning_rate=0.05, epochs=50))
    assert_all_finite(fig)
    u, v = fig.data[CONTOUR].x, fig.data[CONTOUR].y
    reach = 11 * np.hypot(u[-1] - u[0], v[-1] - v[0])
    for band in fig.data[CONTOUR + 1 : CONTOUR + 1 + LEVELS]:
        assert np.max(np.abs(band.x)) < reach and np.max(np.abs(band.y)) < reach


def test_text_sizes_are_set_on_each_axis(fig):
    # A theme's template (Streamlit's) would otherwise shrink axis text on a projector.
    for axis in (fig.layout.xaxis, fig.layout.yaxis2, fig.layout.xaxis3):
        assert axis.tickfont.size >= 14 and axis.title.font.size >= 14
    assert fig.layout.scene.xaxis.title.font.size and fig.layout.height >= 750
