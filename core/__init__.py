"""Downhill's engine: gradient descent for linear regression, in NumPy.

Everything here is NumPy and the standard library (CSV parsing in
:mod:`core.data` also uses pandas); nothing imports a user interface, so the
engine can be lifted into a notebook unchanged.

>>> from core import descend, ols, sweep
>>> run = descend(X, y, optimizer="adam", learning_rate=0.05, epochs=500)  # doctest: +SKIP
>>> fit = ols(X, y)                                                        # doctest: +SKIP
>>> runs = sweep(X, y, [0.001, 0.01, 0.1], epochs=500)  # one Run per rate # doctest: +SKIP
"""

from core.descent import (
    DIVERGENCE_FACTOR,
    STOP_REASONS,
    DivergenceWarning,
    History,
    Run,
    StepPath,
    descend,
)
from core.metrics import Metrics, predict, regression_metrics, train_test_split
from core.objective import LOSSES, QuadraticLoss, Scaling, split_theta, stack_theta
from core.ols import Fit, ols
from core.optimizers import OPTIMIZERS, Optimizer, make_optimizer
from core.schedules import SCHEDULES, learning_rates
from core.settings import MAX_EPOCHS, TOL_ON, Settings
from core.stability import REGIMES, Spectrum, Stability, stability, stability_of
from core.surface import Surface, grid_around, loss_surface
from core.sweep import sweep

__all__ = [
    "DIVERGENCE_FACTOR",
    "LOSSES",
    "MAX_EPOCHS",
    "OPTIMIZERS",
    "REGIMES",
    "SCHEDULES",
    "STOP_REASONS",
    "TOL_ON",
    "DivergenceWarning",
    "Fit",
    "History",
    "Metrics",
    "Optimizer",
    "QuadraticLoss",
    "Run",
    "Scaling",
    "Settings",
    "Spectrum",
    "Stability",
    "StepPath",
    "Surface",
    "descend",
    "grid_around",
    "learning_rates",
    "loss_surface",
    "make_optimizer",
    "ols",
    "predict",
    "regression_metrics",
    "split_theta",
    "stability",
    "stability_of",
    "stack_theta",
    "sweep",
    "train_test_split",
]
