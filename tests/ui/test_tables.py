"""The tables the pages show say their numbers in full, however small or large."""

from __future__ import annotations

import numpy as np

from core import descend
from tests.ui.problems import problem_key
from ui import compute, tables


def test_parameters_keep_six_significant_digits_at_any_scale():
    key = problem_key("bundled", "engel")
    problem = compute.problem(key, None)
    run = descend(problem.X, problem.y, learning_rate=1e-10, epochs=1)
    table = tables.parameters_table(run, problem)
    shown = table.iloc[0, 0]
    assert float(shown) == float(f"{run.coef[0]:.6g}")
    assert abs(run.coef[0]) < 1e-2 and shown != "0", shown
    assert float(table.iloc[0, 1]) == float(f"{problem.fit.coef[0]:.6g}")
    assert np.isclose(float(table.iloc[-1, 1]), problem.fit.intercept, rtol=1e-5)
