"""The tables the pages show say their numbers in full, however small or large."""

from __future__ import annotations

import re

import numpy as np
import pytest

from core import descend
from tests.hostile_names import HOSTILE, MORE
from tests.ui.problems import problem_key
from ui import compute, tables
from ui.text import md_name


def test_parameters_keep_six_significant_digits_at_any_scale():
    key = problem_key("bundled", "engel")
    problem = compute.problem(key, None)
    run = descend(problem.X, problem.y, learning_rate=1e-10, epochs=1)
    table = tables.parameters_table(run, problem)
    (_, first), *_, (_, last) = table.rows
    shown = first[0]
    assert float(shown) == float(f"{run.coef[0]:.6g}")
    assert abs(run.coef[0]) < 1e-2 and shown != "0", shown
    assert float(first[1]) == float(f"{problem.fit.coef[0]:.6g}")
    assert np.isclose(float(last[1]), problem.fit.intercept, rtol=1e-5)


def test_a_markdown_table_keeps_every_name_in_its_own_cell():
    names = [md_name(name) for name in (*HOSTILE.values(), *MORE.values())]
    grid = tables.Grid.from_columns({"value": ["1"] * len(names), "name": names}, names)
    lines = tables.markdown_table(grid).split("\n")
    assert len(lines) == 2 + len(names)
    assert lines[1] == "| --- | ---: | ---: |"
    # A row's cells end at the "|" no backslash escapes: three cells, hence four.
    assert [len(re.findall(r"(?<!\\)\|", line)) for line in lines] == [4] * len(lines)
    assert [line.split(" | ")[2] for line in lines[2:]] == [f"{name} |" for name in names]


def test_the_run_table_says_a_tolerance_stop_away_from_the_optimum_is_not_converged():
    key = problem_key("bundled", "engel")
    problem = compute.problem(key, None)
    best = float(problem.fit.loss)
    far = descend(problem.X, problem.y, learning_rate=1e-10, epochs=50, tol=1e3)
    near = descend(problem.X, problem.y, learning_rate=0.5, epochs=5000, tol=1e-6, standardize=True)
    assert far.stop_reason == near.stop_reason == "converged"
    assert tables.run_table(far, best).column(tables.THIS_RUN)["Stopped because"] == "tolerance met"
    shown = tables.run_table(near, best).column(tables.THIS_RUN)
    assert shown["Stopped because"] == "converged"
    assert shown["Epochs run"] == f"{near.epochs_run:,}"
    assert float(shown["Optimum loss"]) == float(f"{best:.6g}")


def test_a_grid_refuses_a_row_without_one_cell_per_column_and_reads_back_by_name():
    grid = tables.Grid.from_columns({"a": ["1", "2"], "b": ["3", "4"]}, ["x", "y"], corner="k")
    assert grid.column("b") == {"x": "3", "y": "4"}
    assert grid.labels == ["x", "y"]
    assert tables.markdown_table(grid).split("\n")[0] == "| k | a | b |"
    with pytest.raises(ValueError, match="Row 'x' has 1 cells for 2 columns"):
        tables.Grid(("a", "b"), (("x", ("1",)),))
