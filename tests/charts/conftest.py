"""Small problems and runs shared by the chart tests (module-scoped: figures are pure)."""

import numpy as np
import pytest

from core import DivergenceWarning, QuadraticLoss, descend, ols


class Problem:
    """Data, its loss and optimum, with the names a page would pass."""

    def __init__(self, X, y, feature_names, fit_intercept=True):
        self.X, self.y = X, y
        self.feature_names = feature_names
        self.fit_intercept = fit_intercept
        self.loss = QuadraticLoss.from_data(X, y, fit_intercept=fit_intercept)
        self.fit = ols(X, y, fit_intercept=fit_intercept)

    def descend(self, **settings):
        return descend(self.X, self.y, fit_intercept=self.fit_intercept, **settings)

    def diverge(self, **settings):
        """``descend`` at settings that must blow up: it warns so, and the run says so."""
        with pytest.warns(DivergenceWarning, match="diverged at epoch"):
            run = self.descend(**settings)
        assert run.diverged
        return run


@pytest.fixture(scope="session")
def line_problem():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 2, (200, 1))
    y = 2.0 * X[:, 0] + 1.0 + rng.normal(0, 0.3, 200)
    return Problem(X, y, ["income"])


@pytest.fixture(scope="session")
def three_features():
    rng = np.random.default_rng(1)
    X = rng.normal([5.0, -2.0, 0.5], [1.0, 0.5, 2.0], (150, 3))
    y = X @ [1.5, -3.0, 0.7] + 4.0 + rng.normal(0, 0.2, 150)
    return Problem(X, y, ["AIRFLOW", "WATERTEMP", "ACIDCONC"])
