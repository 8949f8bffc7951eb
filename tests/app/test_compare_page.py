"""The Compare page through AppTest: smoke, presets, add/remove, divergence, shared data."""

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, TIMEOUT, assert_fine, open_link, open_page
from ui import race
from ui.settings import LEARNING_RATES


@pytest.fixture
def app():
    return open_page("pages/compare.py")


def scoreboard(at):
    return at.table[0].value


def run_keys(at, i):
    return {
        field: at.session_state[f"race_{i}_{field}"]
        for field in ("optimizer", "learning_rate", "batch_mode", "standardize")
    }


def test_starts_with_three_runs_and_a_winner(app):
    assert app.title[0].value == "Compare"
    board = scoreboard(app)
    assert len(board) == 3
    assert sum(name.startswith("★") for name in board.index) == 1
    assert [run_keys(app, i)["optimizer"] for i in range(3)] == ["gd", "momentum", "adam"]
    assert list(board["diverged"]) == ["no"] * 3
    assert not any("nan" in str(v).lower() for v in board.to_numpy().ravel())


def test_rate_preset_derives_rates_and_marks_the_diverging_run(app):
    app.button(key="race_preset_rates").click().run()
    assert_fine(app)
    rates = [run_keys(app, i)["learning_rate"] for i in range(3)]
    assert rates[0] < rates[1] < rates[2]
    assert all(rate in LEARNING_RATES for rate in rates)
    assert {run_keys(app, i)["optimizer"] for i in range(3)} == {"gd"}
    board = scoreboard(app)
    assert board["diverged"].iloc[2].startswith("yes, epoch")
    assert board["diverged"].iloc[1] == "no"
    assert not board.index[2].startswith("★")


def test_batch_and_scaling_presets_set_the_race_widgets(app):
    app.button(key="race_preset_batches").click().run()
    assert_fine(app)
    assert [run_keys(app, i)["batch_mode"] for i in range(3)] == ["full", "mini", "stochastic"]
    assert app.number_input(key="race_1_batch_size").value >= 2
    app.button(key="race_preset_scaling").click().run()
    assert_fine(app)
    assert [run_keys(app, i)["standardize"] for i in range(3)] == [False, True, True]
    assert app.toggle(key="race_2_standardize").value is True
    app.button(key="race_preset_optimizers").click().run()
    assert [app.selectbox(key=f"race_{i}_optimizer").value for i in range(3)] == [
        "gd",
        "momentum",
        "adam",
    ]


def test_add_and_remove_runs(app):
    app.selectbox(key="race_2_optimizer").set_value("nesterov").run()
    app.button(key=next(b.key for b in app.button if b.label == "Add a run")).click().run()
    assert_fine(app)
    assert app.session_state["race_count"] == 4
    assert run_keys(app, 3) == run_keys(app, 2)
    assert len(scoreboard(app)) == 4
    second = run_keys(app, 1)
    app.button(key="race_0_remove").click().run()
    assert_fine(app)
    assert app.session_state["race_count"] == 3
    assert run_keys(app, 0) == second
    assert len(scoreboard(app)) == 3


def test_a_runs_own_widgets_change_only_that_run(app):
    before = scoreboard(app)
    app.select_slider(key="race_0_learning_rate").set_value(LEARNING_RATES[0]).run()
    assert_fine(app)
    after = scoreboard(app)
    assert after.index[0] != before.index[0]
    assert list(after["final loss"].iloc[1:]) == list(before["final loss"].iloc[1:])
    assert after.iloc[0, 0] == "never"
    # Run 1 no longer wins: Adam, the next fastest, does.
    assert after.index[2].startswith("★")


def test_tolerance_changes_the_scoreboard(app):
    app.number_input(key="race_tol").set_value(0.5).run()
    assert_fine(app)
    column = scoreboard(app).columns[0]
    assert "5.0e-01" in column or "5e-01" in column


def test_sidebar_data_and_race_survive_switching_pages(app):
    app.selectbox(key="preset").set_value("three_features").run()
    app.selectbox(key="race_1_optimizer").set_value("rmsprop").run()
    assert_fine(app)
    map_x = next(box for box in app.selectbox if box.label == "Map x-axis")
    assert any("w₃" in name for name in map_x.options)
    app.switch_page("pages/learn.py").run()
    assert_fine(app)
    assert app.session_state["preset"] == "three_features"
    app.switch_page("pages/compare.py").run()
    assert_fine(app)
    assert app.session_state["preset"] == "three_features"
    assert app.selectbox(key="race_1_optimizer").value == "rmsprop"
    assert "RMSProp" in scoreboard(app).index[1]


def test_a_race_where_every_run_diverges_has_no_winner(app):
    for i in range(3):
        app.selectbox(key=f"race_{i}_optimizer").set_value("gd")
        app.select_slider(key=f"race_{i}_learning_rate").set_value(10.0)
    app.run()
    assert_fine(app)
    board = scoreboard(app)
    assert all(cell.startswith("yes, epoch") for cell in board["diverged"])
    assert not any(name.startswith("★") for name in board.index)
    assert any("no winner" in e.value for e in app.error)
    assert not any("nan" in str(v).lower() for v in board.to_numpy().ravel())


def board_of(arrived, best, winner, touched=None):
    return race.Scoreboard(pd.DataFrame(), winner, best, arrived, touched or arrived)


def test_the_outcome_names_a_winner_only_when_a_run_arrived():
    names = ["1. GD", "2. Adam"]
    kind, text = race.outcome(board_of([1, None], 0, 0), names)
    assert kind == "success" and "after 1 epoch," in text and "1. GD" in text
    kind, text = race.outcome(board_of([12, 40], 0, 0), names)
    assert "after 12 epochs," in text
    kind, text = race.outcome(board_of([None, None], 1, None), names)
    assert kind == "info" and "no run wins" in text and "wins:" not in text
    assert "**2. Adam** ended with the lowest loss" in text
    kind, text = race.outcome(board_of([None, None], None, None), names)
    assert kind == "error" and "Every run diverged" in text


def test_a_winner_that_touched_the_band_earlier_is_told_so():
    kind, text = race.outcome(board_of([92, 46], 0, 0, touched=[44, 46]), ["1. Momentum", "2. GD"])
    assert kind == "success" and "**1. Momentum** wins" in text
    assert "from epoch 92" in text and "touched the band at epoch 44" in text
    assert "after 44" not in text


def test_a_run_that_touches_the_band_and_leaves_does_not_win_on_its_touch(app):
    """Issue 19: momentum at η 0.05 touches the band at 44, leaves at 45-91 and stays from 92,
    while GD at η 0.15 arrives at 46 and stays: GD wins, and the table says both."""
    for i, (optimizer, rate) in enumerate([("gd", 0.15), ("momentum", 0.05), ("adam", 0.2)]):
        app.selectbox(key=f"race_{i}_optimizer").set_value(optimizer)
        app.select_slider(key=f"race_{i}_learning_rate").set_value(rate)
    app.run()
    assert_fine(app)
    board = scoreboard(app)
    arrived = board["epochs to stay within 1e-03"]
    assert arrived.iloc[0] == "46"
    assert arrived.iloc[1] == "touched at 44, stayed from 92"
    assert board.index[0].startswith("★") and not board.index[1].startswith("★")
    [won] = app.success
    assert won.value.startswith("**1. Gradient descent η=0.15** wins: it arrived first, after 46")
    assert "Momentum" not in won.value


def test_the_default_race_counts_momentum_and_adam_from_where_they_stay(app):
    arrived = scoreboard(app)["epochs to stay within 1e-03"]
    assert list(arrived.iloc[1:]) == [
        "touched at 80, stayed from 104",
        "touched at 68, stayed from 96",
    ]


def test_no_star_and_no_trophy_when_no_run_arrives(app):
    app.number_input(key="race_tol").set_value(1e-12).run()
    for i in range(3):
        app.selectbox(key=f"race_{i}_optimizer").set_value("gd")
        app.select_slider(key=f"race_{i}_learning_rate").set_value(LEARNING_RATES[0])
    app.run()
    assert_fine(app)
    assert not any(name.startswith("★") for name in scoreboard(app).index)
    assert not app.success
    assert any("no run wins" in i.value for i in app.info)


def test_the_scoreboard_is_a_plain_table_whose_names_and_columns_show_whole(app):
    """Not a data grid, whose fixed column widths cut long run names or the last column."""
    assert not app.dataframe
    assert list(scoreboard(app).columns)[-1] == "wall time (ms)"
    # Its cells are Markdown: "2. Momentum" would be drawn as a numbered list.
    assert not [name for name in scoreboard(app).index if re.match(r"\d+\. ", name)]


def test_rate_race_on_engel_runs_three_different_rates_and_the_right_one_converges():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update({"data_source": "bundled", "bundled": "engel", "standardize": "false"})
    at.run()
    at.switch_page("pages/compare.py").run()
    assert_fine(at)
    assert at.session_state["standardize"] is False
    at.button(key="race_preset_rates").click().run()
    assert_fine(at)
    keys = [run_keys(at, i) for i in range(3)]
    rates = [k["learning_rate"] for k in keys]
    assert len(set(rates)) == 3 and rates == sorted(rates)
    board = scoreboard(at)
    assert list(board["diverged"])[:2] == ["no", "no"]
    assert board["diverged"].iloc[2].startswith("yes, epoch")
    captions = " ".join(c.value for c in at.caption)
    fit = float(re.search(r"closed-form loss ([\d.e+-]+)\.", captions)[1])
    assert float(board["final loss"].iloc[1]) <= 1.01 * fit, "the 'right' rate converges"
    if keys[1]["standardize"]:
        assert "standardized" in at.info[0].value, "says why the race runs standardized"


def test_a_race_link_opens_its_runs_tolerance_and_axes():
    at = open_link(
        {
            "race1": "adam,0.2",
            "race2": "gd,0.05,mini,16,step,1",
            "race_tol": "0.01",
            "race_log": "0",
            "race_log_epochs": "1",
        },
        "pages/compare.py",
    )
    assert_fine(at)
    assert at.session_state["race_count"] == 2
    assert run_keys(at, 0) == {
        "optimizer": "adam",
        "learning_rate": 0.2,
        "batch_mode": "full",
        "standardize": False,
    }
    assert run_keys(at, 1) == {
        "optimizer": "gd",
        "learning_rate": 0.05,
        "batch_mode": "mini",
        "standardize": True,
    }
    assert (at.session_state["race_1_batch_size"], at.session_state["race_1_schedule"]) == (
        16,
        "step",
    )
    assert at.number_input(key="race_tol").value == 0.01
    assert at.toggle(key="race_view_log").value is False
    assert at.toggle(key="race_view_log_epochs").value is True
    assert len(scoreboard(at)) == 2
    written = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    assert written["race2"] == "gd,0.05,mini,16,step,1"
    assert written["race_tol"] == "0.01"


@pytest.mark.parametrize(
    "bad",
    ["warp,0.1", "gd,0.123", "gd", "gd,0.1,full,32,constant,1,extra", "gd,nan", "gd,0.1,mini,0"],
)
def test_a_tampered_race_run_is_named_and_the_rest_of_the_race_opens(bad):
    at = open_link(
        {"race1": "adam,0.2", "race2": bad, "race3": "gd,0.05", "race_tol": "7"}, "pages/compare.py"
    )
    assert_fine(at)
    assert [t.value for t in at.toast] == [
        "The link was repaired. Not valid, so reset to the default: race2, race_tol."
    ]
    assert at.session_state["race_count"] == 2
    assert [at.session_state[f"race_{i}_optimizer"] for i in range(2)] == ["adam", "gd"]
    assert at.number_input(key="race_tol").value == race.RACE_DEFAULTS["race_tol"]
