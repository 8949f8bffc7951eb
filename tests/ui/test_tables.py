"""The tables the pages show say their numbers in full, however small or large."""

from __future__ import annotations

import numpy as np

from core import descend
from ui import compute, tables
from ui.specs import DataSpec, ProblemKey


def test_parameters_keep_six_significant_digits_at_any_scale():
    spec = DataSpec(source="bundled", name="engel")
    dataset = compute.load_dataset(spec)
    key = ProblemKey(
        data=spec,
        target=dataset.target,
        features=tuple(dataset.features),
        test_fraction=0.2,
        fit_intercept=True,
        l2=0.0,
    )
    problem = compute.problem(key, None)
    run = descend(problem.X, problem.y, learning_rate=1e-10, epochs=1)
    table = tables.parameters_table(run, problem)
    shown = table.iloc[0, 0]
    assert float(shown) == float(f"{run.coef[0]:.6g}")
    assert abs(run.coef[0]) < 1e-2 and shown != "0", shown
    assert float(table.iloc[0, 1]) == float(f"{problem.fit.coef[0]:.6g}")
    assert np.isclose(float(table.iloc[-1, 1]), problem.fit.intercept, rtol=1e-5)
